"""What the test database can do, for the tests that depend on it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def shared_by_threads() -> bool:
    """Whether threads opening their own connections meet in one database that takes turns: PostgreSQL, or a
    SQLite file. Not SQLite's in-memory test database, whose shared cache answers a second writer "database
    table is locked" at once rather than making it wait."""
    name = str(connection.settings_dict.get("TEST", {}).get("NAME") or connection.settings_dict["NAME"])
    return connection.vendor == "postgresql" or (":memory:" not in name and "mode=memory" not in name)


def side_by_side[T](work: Callable[[T], None], people: Sequence[T]) -> list[BaseException]:
    """``work`` for each of ``people``, each in its own thread and connection, all let go at once; the failures."""
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def run(person: T) -> None:
        try:
            start.wait(20)
            work(person)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return failures
