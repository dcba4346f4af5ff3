"""The search-backend interface and the engine for the database in use.

An engine knows four things: how to create what it needs (``install``, from the migration), how to
write a row's words (``write``), how to keep the rows that match a parsed query, each with a
``score`` where lower is better (``match``), and how to read them newest first without sorting them
all (``newest_first``). Everything else — who may see a row, filters, facets,
sorting, pages, snippets — is the engine-free ``selectors``, so both engines answer the same tests
(``tests/search``, run on SQLite and on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import QuerySet

from essaim.search.query import Query

TABLE = "search_searchdocument"
# The columns ``indexing`` fills for a row (an engine adds its words).
FIELDS = (
    "kind",
    "post_id",
    "comment_id",
    "attachment_id",
    "author_id",
    "space_id",
    "created_at",
    "language",
    "has_file",
    "file_kind",
)
Row = dict[str, Any]


@dataclass(frozen=True)
class Text:
    """The words of one row: ``title`` (a file's name), ``body`` (a post's or comment's text, a file's
    text), in ``language`` (its author's)."""

    title: str
    body: str
    language: str


class SearchBackend(Protocol):
    vendor: str

    def install(self, schema_editor: BaseDatabaseSchemaEditor) -> None: ...

    def uninstall(self, schema_editor: BaseDatabaseSchemaEditor) -> None: ...

    def insert(self, rows: list[tuple[Row, Text]]) -> None:
        """Insert the rows (``FIELDS``) with their words, in one statement run for many."""

    def match(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]: ...

    def newest_first(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` (matched or not) newest row first, in the order the engine reads its matches, so that
        a ``LIMIT`` stops the reading there rather than sorting every match."""


def backend_for(vendor: str) -> SearchBackend:
    if vendor == "postgresql":
        from essaim.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from essaim.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


def values(row: Row) -> list[Any]:
    """The row's ``FIELDS`` as the database takes them (a date as the backend stores it)."""
    adapted = dict(row, created_at=connection.ops.adapt_datetimefield_value(row["created_at"]))
    return [adapted[name] for name in FIELDS]


def backend() -> SearchBackend:
    """The engine of the default database."""
    return backend_for(connection.vendor)
