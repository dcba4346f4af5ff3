"""Moving a team's SQLite site to PostgreSQL: every row, ids untouched, counted on both sides.

1. The target must be an empty PostgreSQL database (no table): it is given Essaim's schema by the
   migrations, then emptied of the rows they wrote (content types, permissions), so that every
   row comes from the site.
2. The site's SQLite file is copied with SQLite's online backup API (the site may keep serving; what
   is written after that moment is not moved: stop the site first for a final move).
3. Every table of every model (many-to-many tables included) is copied with PostgreSQL's ``COPY``,
   in one transaction: foreign keys are checked once, at its end (Django makes them deferrable).
4. Sequences are set past the highest ids; every table's row count is compared on both sides.

Uploaded files stay where they are (the data directory is the same); the one setting to change is
printed: ``ESSAIM_DATABASE_URL``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from django.db.models import Model
from django.utils.translation import gettext as _

TARGET = "essaim_target"
BATCH = 5000


class MoveError(Exception):
    """Why the site was not moved (a sentence for the person who asked)."""


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _open_target(url: str) -> None:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise MoveError(_("The target must be a PostgreSQL database (postgres://…)."))
    settings.DATABASES[TARGET] = {**settings.DATABASES["default"], **config, "OPTIONS": {}, "TEST": {}}
    connections.settings[TARGET] = settings.DATABASES[TARGET]
    try:
        tables = connections[TARGET].introspection.table_names()
    except Exception as error:
        raise MoveError(_("The PostgreSQL database cannot be reached: %(error)s") % {"error": error}) from error
    if tables:
        raise MoveError(_("The PostgreSQL database is not empty: give an empty one (createdb essaim)."))


def move(url: str, *, say: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Copy this SQLite site into the empty PostgreSQL database at ``url``; the row counts, by table."""
    if connections["default"].vendor != "sqlite":
        raise MoveError(_("This site does not use SQLite: there is nothing to move."))
    _open_target(url)
    say("Creating the schema…")
    call_command("migrate", database=TARGET, verbosity=0, interactive=False)
    models = _models()
    tables = [model._meta.db_table for model in models]
    target = connections[TARGET]
    with tempfile.TemporaryDirectory(prefix="essaim-move-", dir=settings.DATA_DIR) as scratch:
        copy_path = Path(scratch) / "site.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=30)
        snapshot = sqlite3.connect(str(copy_path))
        source.backup(snapshot)
        source.close()
        counts: dict[str, int] = {}
        with target.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")  # the migrations' rows
            for model in models:
                counts[model._meta.db_table] = _copy(snapshot, cursor, model)
                say(f"  {model._meta.db_table}: {counts[model._meta.db_table]:,}")
            for statement in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            cursor.execute("COMMIT")
        snapshot.close()
    moved = _counts(tables)
    different = {t: (counts[t], moved[t]) for t in tables if counts[t] != moved[t]}
    if different:
        raise MoveError(_("PostgreSQL does not hold what SQLite did: %(tables)s.") % {"tables": different})
    return counts


def _copy(snapshot: sqlite3.Connection, cursor: object, model: type[Model]) -> int:
    """Copy one table from the SQLite snapshot with ``COPY``; how many rows."""
    fields = model._meta.local_concrete_fields
    columns = [field.column for field in fields]
    booleans = {index for index, field in enumerate(fields) if field.get_internal_type() == "BooleanField"}
    names = ", ".join(f'"{column}"' for column in columns)
    rows = snapshot.execute(f'SELECT {names} FROM "{model._meta.db_table}"')  # noqa: S608 - the model's own names
    count = 0
    raw = cursor.cursor  # type: ignore[attr-defined]  # psycopg's cursor, under Django's wrapper
    with raw.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row(_booleans(row, booleans) if booleans else row)
            count += len(batch)
    return count


def _booleans(row: tuple[object, ...], booleans: set[int]) -> tuple[object, ...]:
    """SQLite's 0 and 1 as PostgreSQL's booleans."""
    return tuple(bool(value) if index in booleans and value is not None else value for index, value in enumerate(row))


def _counts(tables: list[str]) -> dict[str, int]:
    counts = {}
    with connections[TARGET].cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - the models' own tables
            counts[table] = int(cursor.fetchone()[0])
    return counts
