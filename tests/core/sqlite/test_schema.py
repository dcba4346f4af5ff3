"""A migration on SQLite checks the whole database's foreign keys only when it wrote rows: creating a table or an
index writes none and skips the check (50–100 s on the M dataset); a remade table or a data migration is checked
as Django does, and a broken foreign key still fails it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite schema editor"),
]
CREATE = (
    "CREATE TABLE test_schema_parent (id integer PRIMARY KEY)",
    "CREATE TABLE test_schema_child (id integer PRIMARY KEY, parent_id integer NOT NULL"
    " REFERENCES test_schema_parent (id) DEFERRABLE INITIALLY DEFERRED)",
    "CREATE INDEX test_schema_child_parent ON test_schema_child (parent_id)",
)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    real = connection.check_constraints

    def counted(table_names: Any = None) -> None:
        seen.append(table_names)
        real(table_names)

    monkeypatch.setattr(connection, "check_constraints", counted)
    return seen


@pytest.fixture
def tables() -> Iterator[None]:
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_schema_child")
        cursor.execute("DROP TABLE IF EXISTS test_schema_parent")


@pytest.mark.usefixtures("tables")
def test_creating_tables_and_indexes_writes_no_row_and_checks_nothing(checks: list[Any]) -> None:
    with connection.schema_editor() as editor:
        for statement in CREATE:
            editor.execute(statement)
    assert checks == []
    assert "test_schema_child" in connection.introspection.table_names()


@pytest.mark.usefixtures("tables")
def test_a_migration_that_writes_rows_is_checked_and_a_broken_key_fails_it(checks: list[Any]) -> None:
    with connection.schema_editor() as editor:
        for statement in CREATE:
            editor.execute(statement)
    with pytest.raises(IntegrityError), connection.schema_editor() as editor:
        editor.execute("INSERT INTO test_schema_child (parent_id) VALUES (42)")  # there is no parent 42
    assert checks == [None], "the whole database, as Django checks it"
