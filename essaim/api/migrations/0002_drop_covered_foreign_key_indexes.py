"""A token's owner loses Django's one-column index: ``token_user_active`` starts with the column.

Why, and why by name rather than by ``AlterField``: ``stream``'s 0009, of the same day.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="personaltoken",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="personal_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "api_personaltoken_user_id_3051af13"',
                    reverse_sql='CREATE INDEX "api_personaltoken_user_id_3051af13" ON "api_personaltoken" ("user_id")',
                ),
            ],
        ),
    ]
