"""Follows, profiles and profile field values lose the one-column indexes another index starts with.

Why, and why by name rather than by ``AlterField``: ``stream``'s 0009, of the same day.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_profile_sort_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="follow",
                    name="followed",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follower_set",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="follow",
                    name="follower",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="following_set",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="profile",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="profiles",
                        to="people.department",
                        verbose_name="department",
                    ),
                ),
                migrations.AlterField(
                    model_name="profile",
                    name="site",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="profiles",
                        to="people.site",
                        verbose_name="site",
                    ),
                ),
                migrations.AlterField(
                    model_name="profile",
                    name="sort_key",
                    field=models.CharField(default="", editable=False, max_length=310),
                ),
                migrations.AlterField(
                    model_name="profilefieldvalue",
                    name="profile",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="field_values",
                        to="people.profile",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_follow_followed_id_9d643cc5"',
                    reverse_sql='CREATE INDEX "people_follow_followed_id_9d643cc5" ON "people_follow" ("followed_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_follow_follower_id_310fc67c"',
                    reverse_sql='CREATE INDEX "people_follow_follower_id_310fc67c" ON "people_follow" ("follower_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_profile_department_id_758a24d5"',
                    reverse_sql='CREATE INDEX "people_profile_department_id_758a24d5" ON "people_profile" ("department_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_profile_site_id_4c91d416"',
                    reverse_sql='CREATE INDEX "people_profile_site_id_4c91d416" ON "people_profile" ("site_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_profile_sort_key_7c652bad"',
                    reverse_sql='CREATE INDEX "people_profile_sort_key_7c652bad" ON "people_profile" ("sort_key")',
                ),
                # PostgreSQL's second index for a ``CharField``'s LIKE; the directory sorts on the key.
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_profile_sort_key_7c652bad_like"', reverse_sql=migrations.RunSQL.noop
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "people_profilefieldvalue_profile_id_066abbcf"',
                    reverse_sql='CREATE INDEX "people_profilefieldvalue_profile_id_066abbcf" ON "people_profilefieldvalue" ("profile_id")',
                ),
            ],
        ),
    ]
