"""A theme per person, a language per invitation, and invitation files kept between preview and sending.

The new columns keep a database default, so rows written by code that predates them still get one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("fr", "French"), ("en", "English")],
                db_default="",
                default="",
                help_text="The invitation's and the new account's language; empty: the inviter's, then the browser's.",
                max_length=8,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="theme",
            field=models.CharField(
                choices=[("auto", "Automatic, like your device"), ("light", "Light"), ("dark", "Dark")],
                db_default="auto",
                default="auto",
                max_length=5,
                verbose_name="theme",
            ),
        ),
        migrations.CreateModel(
            name="InvitationBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("filename", models.CharField(blank=True, max_length=200, verbose_name="file name")),
                ("text", models.TextField(verbose_name="content")),
                ("encoding", models.CharField(default="utf-8", max_length=20)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation file",
                "verbose_name_plural": "invitation files",
            },
        ),
    ]
