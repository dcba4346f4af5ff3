"""On SQLite the home timeline becomes a ``WITHOUT ROWID`` table, its rows stored in key order.

An ordinary SQLite table keeps its rows in insertion order and the primary key in an index beside
them. A timeline's entries are written one post at a time, so its thousand rows lay on a thousand
pages: trimming it (``timelines._write``) rewrote a few hundred pages inside the post's write lock
(45–85 ms), and every delivered row was written twice, to the rows and to the key's index. Stored
in key order, a timeline is a few neighbouring pages and a delivered row one write (bench/README.md).

Django cannot declare such a table, and its SQLite schema editor remakes a table without it on a
later ``AlterField``: ``tests/stream/test_timelines.py`` checks that the table stays one. Its other
indexes are read back from ``sqlite_master`` and created again as they were. PostgreSQL's heap has
no equivalent kept up on insert; nothing changes there.
"""

from django.db import migrations

TABLE = "stream_homeentry"
COLUMNS = '"owner_id" bigint NOT NULL, "post_id" bigint NOT NULL, PRIMARY KEY ("owner_id", "post_id")'


def _remake(schema_editor, *, suffix: str) -> None:
    """Copy the table into one created with ``suffix`` after its columns, in key order."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [TABLE]
        )
        indexes = [row[0] for row in cursor.fetchall()]
    new = f"{TABLE}__new"
    schema_editor.execute(f'CREATE TABLE "{new}" ({COLUMNS}){suffix}')
    schema_editor.execute(
        f'INSERT INTO "{new}" (owner_id, post_id) SELECT owner_id, post_id FROM "{TABLE}" ORDER BY owner_id, post_id'
    )
    schema_editor.execute(f'DROP TABLE "{TABLE}"')
    schema_editor.execute(f'ALTER TABLE "{new}" RENAME TO "{TABLE}"')
    for sql in indexes:
        schema_editor.execute(sql)


def store_in_key_order(apps, schema_editor):
    _remake(schema_editor, suffix=" WITHOUT ROWID")


def store_in_insertion_order(apps, schema_editor):
    _remake(schema_editor, suffix="")


class Migration(migrations.Migration):
    dependencies = [("stream", "0007_home_entry_without_foreign_key_constraints")]

    operations = [migrations.RunPython(store_in_key_order, store_in_insertion_order, elidable=False)]
