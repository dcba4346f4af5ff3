"""The home timeline's primary key (owner, post) already indexes the owner: drop the FK's own index.

The index is dropped by name rather than by ``AlterField``'s own SQL: on SQLite that remakes the
table (a copy of every timeline entry), and on PostgreSQL Django emitted nothing for it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "stream_homeentry_owner_id_d1efea2e"


class Migration(migrations.Migration):
    dependencies = [
        ("stream", "0005_post_attachment_count"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="homeentry",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "stream_homeentry" ("owner_id")',
                ),
            ],
        ),
    ]
