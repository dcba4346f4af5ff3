import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def install(apps, schema_editor):
    from essaim.search.backends import backend_for

    backend_for(schema_editor.connection.vendor).install(schema_editor)


def uninstall(apps, schema_editor):
    from essaim.search.backends import backend_for

    backend_for(schema_editor.connection.vendor).uninstall(schema_editor)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stream", "0011_post_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("post", "Post"), ("comment", "Comment"), ("file", "File")], max_length=8
                    ),
                ),
                ("space_id", models.BigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("language", models.CharField(default="fr", max_length=2)),
                ("has_file", models.BooleanField(default=False)),
                ("file_kind", models.CharField(blank=True, default="", max_length=12)),
                ("title_terms", models.TextField(blank=True, default="")),
                ("body_terms", models.TextField(blank=True, default="")),
                ("alt_terms", models.TextField(blank=True, default="")),
                (
                    "attachment",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="stream.attachment",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="stream.comment",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="stream.post"
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "indexes": [
                    models.Index(fields=["post", "kind"], name="searchdoc_post"),
                    models.Index(
                        condition=models.Q(("comment__isnull", False)), fields=["comment"], name="searchdoc_comment"
                    ),
                    models.Index(
                        condition=models.Q(("attachment__isnull", False)),
                        fields=["attachment"],
                        name="searchdoc_attachment",
                    ),
                    models.Index(fields=["author", "created_at"], name="searchdoc_author"),
                    models.Index(fields=["created_at", "id"], name="searchdoc_date"),
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
