"""The database as monitoring reads it: statements that give up in time, and PostgreSQL's connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """On PostgreSQL, the statements run inside give up after ``seconds`` (``statement_timeout``, for this
    transaction only: the connection goes back to the requests as it was). SQLite reads a local file and never
    waits for a writer (WAL): nothing to bound. A server that does not even accept the connection is bounded
    by the URL's ``connect_timeout`` (docs/monitoring.md)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{max(int(seconds * 1000), 1)}ms"])
        yield


def answers() -> None:
    """``SELECT 1`` on the default database; raises its error when it does not answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def connections_in_use() -> tuple[int, int] | None:
    """PostgreSQL: the connections open to this database (every process and client, not only Essaim's) and the
    server's ``max_connections``; ``None`` on SQLite, which has no server and no limit to reach."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), current_setting('max_connections')::int FROM pg_stat_activity "
            "WHERE datname = current_database()"
        )
        used, limit = cursor.fetchone()
    return int(used), int(limit)
