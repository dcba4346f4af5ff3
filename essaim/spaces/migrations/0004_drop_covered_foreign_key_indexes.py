"""Memberships and pins lose the one-column indexes another index starts with.

Why, and why by name rather than by ``AlterField``: ``stream``'s 0009, of the same day.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_pins_and_subspace_posts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="membership",
                    name="space",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="spaces.space",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="space_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="spacepin",
                    name="space",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pins",
                        to="spaces.space",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "spaces_membership_space_id_efb5942b"',
                    reverse_sql='CREATE INDEX "spaces_membership_space_id_efb5942b" ON "spaces_membership" ("space_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "spaces_membership_user_id_262b50db"',
                    reverse_sql='CREATE INDEX "spaces_membership_user_id_262b50db" ON "spaces_membership" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "spaces_spacepin_space_id_25a6163f"',
                    reverse_sql='CREATE INDEX "spaces_spacepin_space_id_25a6163f" ON "spaces_spacepin" ("space_id")',
                ),
            ],
        ),
    ]
