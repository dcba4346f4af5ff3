"""PostgreSQL full-text search: a ``tsvector`` column on ``search_searchdocument`` with a GIN index.

A row's vector is its words (cut and folded as for SQLite: ``search.text.words``): its title (weight
A) and text (B) in its author's language's configuration (``french`` or ``english``) after
``unaccent``, and the text again in the other language (D), so a query matches in either;
``ts_rank_cd`` ranks (its score negated: lower is better, as SQLite's bm25).
Queries are built from the parser's folded words only, each passed as a parameter.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import QuerySet

from essaim.search import text
from essaim.search.backends import FIELDS, TABLE, Row, Text, values
from essaim.search.query import Query, Term

CONFIGS = {"fr": "french", "en": "english"}
INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
    f"CREATE INDEX search_vector ON {TABLE} USING GIN (vector)",
]
UNINSTALL = ["DROP INDEX IF EXISTS search_vector", f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector"]
VECTOR = (
    "setweight(to_tsvector(%s::regconfig, unaccent(%s)), 'A') || "
    "setweight(to_tsvector(%s::regconfig, unaccent(%s)), 'B') || "
    "setweight(to_tsvector(%s::regconfig, unaccent(%s)), 'D')"
)


def _term(term: Term) -> tuple[str, list[str]]:
    if term.phrase:
        phrase = " ".join(term.words)
        return "(phraseto_tsquery('french', %s) || phraseto_tsquery('english', %s))", [phrase, phrase]
    word = term.words[0]
    sql = "(plainto_tsquery('french', %s) || plainto_tsquery('english', %s)"
    params = [word, word]
    if term.prefix:
        lexeme = f"'{word}':*"  # the word has only letters and digits (``search.text.words``)
        sql += " || to_tsquery('simple', %s) || to_tsquery('french', %s) || to_tsquery('english', %s)"
        params += [lexeme, lexeme, lexeme]
    return sql + ")", params


def _any(terms: tuple[Term, ...]) -> tuple[str, list[str]]:
    parts = [_term(t) for t in terms]
    return "(" + " || ".join(sql for sql, _p in parts) + ")", [p for _s, params in parts for p in params]


def tsquery(query: Query) -> tuple[str, list[str]]:
    """The ``tsquery`` expression for ``query`` (which has words), and its parameters."""
    clauses = [_any(clause.terms) for clause in query.clauses]
    sql = " && ".join(s for s, _p in clauses)
    params = [p for _s, ps in clauses for p in ps]
    if query.excluded:
        excluded, more = _any(query.excluded)
        sql += f" && !!{excluded}"
        params += more
    return f"({sql})", params


class PostgresBackend:
    vendor = "postgresql"

    def install(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in INSTALL:
            schema_editor.execute(statement)

    def uninstall(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in UNINSTALL:
            schema_editor.execute(statement)

    def insert(self, rows: list[tuple[Row, Text]]) -> None:
        columns = ", ".join((*FIELDS, "title_terms", "body_terms", "alt_terms", "vector"))
        marks = ", ".join(["%s"] * (len(FIELDS) + 3))
        params = []
        for row, content in rows:
            main = CONFIGS.get(content.language, "french")
            alt = "english" if main == "french" else "french"
            # Cut into words as SQLite is (``search.text.words``): PostgreSQL's parser would keep
            # "Rapport-annuel.pdf" or an address as one token, and both engines must find the same.
            title, body = " ".join(text.words(content.title)), " ".join(text.words(content.body))
            params.append([*values(row), "", "", "", main, title, main, body, alt, body])
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks}, {VECTOR})", params)  # noqa: S608

    def match(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        sql, params = tsquery(query)
        # ``extra``: the ``@@`` match and its rank, which the ORM cannot write on a column it does not know; every
        # word is a parameter, the SQL around them constant.
        return queryset.extra(  # noqa: S610
            where=[f"{TABLE}.vector @@ {sql}"],
            params=params,
            select={"score": f"-ts_rank_cd({TABLE}.vector, {sql})"},
            select_params=params,
        )

    def newest_first(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("-id")
