"""The home timeline keeps no foreign-key constraints in the database (see ``HomeEntry``).

On SQLite the two ``AlterField`` remake the table without them. On PostgreSQL Django emits
nothing for them (fields of a composite primary key), so the constraints are dropped by hand.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "stream_homeentry"
REFERENCES = {"owner_id": "accounts_user", "post_id": "stream_post"}


def _foreign_keys(schema_editor):
    """Constraint name → column, of the table's foreign keys."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c["columns"][0] for name, c in constraints.items() if c["foreign_key"]}


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _foreign_keys(schema_editor):
        schema_editor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT "{name}"')


def restore_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    present = set(_foreign_keys(schema_editor).values())
    for column, table in REFERENCES.items():
        if column not in present:
            schema_editor.execute(
                f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_{column}_fk" FOREIGN KEY ("{column}") '
                f'REFERENCES "{table}" ("id") DEFERRABLE INITIALLY DEFERRED'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("stream", "0006_home_entry_owner_index_from_the_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # First, so that going back it runs last and adds only what the AlterFields did not.
        migrations.RunPython(drop_constraints, restore_constraints),
        migrations.AlterField(
            model_name="homeentry",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="homeentry",
            name="post",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stream.post",
            ),
        ),
    ]
