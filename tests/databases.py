"""What the test database can do, for the tests that depend on it."""

from __future__ import annotations

from django.db import connection


def shared_by_threads() -> bool:
    """Whether threads opening their own connections meet in one database that takes turns: PostgreSQL, or a
    SQLite file. Not SQLite's in-memory test database, whose shared cache answers a second writer "database
    table is locked" at once rather than making it wait."""
    name = str(connection.settings_dict.get("TEST", {}).get("NAME") or connection.settings_dict["NAME"])
    return connection.vendor == "postgresql" or (":memory:" not in name and "mode=memory" not in name)
