"""SQLite FTS5: an external-content table over ``search_searchdocument``'s pre-stemmed words.

The words arrive stemmed (``search.text``), so FTS5's own tokenizer only cuts and folds them
(``unicode61 remove_diacritics 2``, for words typed with accents in a prefix). Triggers keep the FTS5
table equal to its content table on every insert, update and delete — cascades included. Ranking is
``bm25`` with weights: a file's name 4, the text 1, the other language's stems 0.4.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import QuerySet

from essaim.search import text
from essaim.search.backends import FIELDS, TABLE, Row, Text, values
from essaim.search.query import Query, Term

COLUMNS = "title_terms, body_terms, alt_terms"
WEIGHTS = "4.0, 1.0, 0.4"

INSTALL = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({COLUMNS}, content='{TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_fts_insert AFTER INSERT ON {TABLE} BEGIN "  # noqa: S608 (constants)
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, new.title_terms, new.body_terms, new.alt_terms); END",
    f"CREATE TRIGGER search_fts_delete AFTER DELETE ON {TABLE} BEGIN "  # noqa: S608 (constants)
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms, old.alt_terms); END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE OF {COLUMNS} ON {TABLE} BEGIN "  # noqa: S608 (constants)
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms, old.alt_terms); "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, new.title_terms, new.body_terms, new.alt_terms); END",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _term(term: Term) -> str:
    """One term as an FTS5 expression: every stem of the word (and, for the word being typed, the stems
    and the word as prefixes); a phrase in French stems or in English stems."""
    if term.phrase:
        phrases = {" ".join(text.stem(w, lang) for w in term.words) for lang in text.LANGUAGES}
        return "(" + " OR ".join(_quoted(p) for p in sorted(phrases)) + ")"
    word = term.words[0]
    options = [_quoted(s) for s in text.stems(word)]
    if term.prefix:
        options += [_quoted(p) + "*" for p in dict.fromkeys((word, *text.stems(word)))]
    return "(" + " OR ".join(dict.fromkeys(options)) + ")"


def expression(query: Query) -> str:
    """The FTS5 ``MATCH`` expression for ``query`` (which has words): only quoted words and operators."""
    positive = " AND ".join("(" + " OR ".join(_term(t) for t in clause.terms) + ")" for clause in query.clauses)
    if query.excluded:
        positive += " NOT (" + " OR ".join(_term(t) for t in query.excluded) + ")"
    return positive


class SqliteBackend:
    vendor = "sqlite"

    def install(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in INSTALL:
            schema_editor.execute(statement)

    def uninstall(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in UNINSTALL:
            schema_editor.execute(statement)

    def insert(self, rows: list[tuple[Row, Text]]) -> None:
        columns = ", ".join((*FIELDS, "title_terms", "body_terms", "alt_terms"))
        marks = ", ".join(["%s"] * (len(FIELDS) + 3))
        params = []
        for row, content in rows:
            title, title_alt = text.terms(content.title, content.language)
            body, body_alt = text.terms(content.body, content.language)
            params.append([*values(row), title, body, f"{title_alt} {body_alt}".strip()])
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", params)  # noqa: S608 (constants)

    def match(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        # ``extra``: a join on the FTS5 table and its rank, which the ORM cannot write; the query's text is a
        # parameter, the SQL around it constant.
        return queryset.extra(  # noqa: S610
            tables=["search_fts"],
            where=[f"search_fts.rowid = {TABLE}.id", "search_fts MATCH %s"],
            params=[expression(query)],
            select={"score": f"bm25(search_fts, {WEIGHTS})"},
        )

    def newest_first(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Ordered by the FTS5 table's own rowid, FTS5 reads its matches from the newest (its index
        # ``ORDER BY rowid DESC``) and a ``LIMIT`` ends the reading; ordered by the content table's id, the
        # same rows were all read, then sorted. Rows not matched (filters alone) have no FTS5 table.
        if "search_fts" in queryset.query.extra_tables:
            return queryset.extra(order_by=["-search_fts.rowid"])
        return queryset.order_by("-id")
