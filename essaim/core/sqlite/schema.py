"""Django's SQLite schema editor, without the whole database's foreign-key check after a migration that wrote
no row.

SQLite cannot change a table's definition with foreign keys enforced, so Django turns them off for each
migration and, at its end, checks every foreign key of every table (``PRAGMA foreign_key_check``): on the
benchmark's M dataset (17 million rows) 50 to 100 seconds a migration, even one that only creates an empty table
(``bench.upgrade``). A foreign key can only be broken by a row written meanwhile; SQLite counts them
(``total_changes``: rows inserted, updated or deleted, a remade table's copied rows included). A migration that
wrote none skips the check; any other — a table remade, a data migration — is checked as Django does.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.sqlite3 import schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    _changes_at_start = -1

    def __enter__(self) -> DatabaseSchemaEditor:
        editor = super().__enter__()
        self._changes_at_start = self._rows_changed()
        return editor

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if exc_type is not None or self._rows_changed() != self._changes_at_start:
            super().__exit__(exc_type, exc_value, traceback)
            return
        BaseDatabaseSchemaEditor.__exit__(self, exc_type, exc_value, traceback)  # the deferred SQL: indexes
        self.connection.enable_constraint_checking()

    def _rows_changed(self) -> int:
        self.connection.ensure_connection()
        return int(self.connection.connection.total_changes)
