"""A SQLite file database of its own for each test, opened through Essaim's backend.

The suite's own database is in memory (one connection, neither lock nor WAL): these tests need a
file, several connections to it, and Django's transactions on each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from essaim.core.sqlite.base import DatabaseWrapper

type Connect = Callable[..., DatabaseWrapper]


def settings_for(path: Path, *, autocheckpoint: int = 1000, init_command: str | None = None) -> dict[str, Any]:
    """``init_command``, when given, replaces the WAL with ``autocheckpoint`` that the tests use."""
    return {
        "ENGINE": "essaim.core.sqlite",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "init_command": init_command or f"PRAGMA journal_mode=WAL;PRAGMA wal_autocheckpoint={autocheckpoint};",
        },
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "essaim.sqlite3"


@pytest.fixture
def connect(database: Path, django_db_blocker: Any) -> Iterator[Connect]:
    """``connect(**settings)``: a new connection to the test's database, closed at the end. (These
    connections are not the suite's database, which pytest-django guards: they are let through.)"""
    opened: list[DatabaseWrapper] = []
    django_db_blocker.unblock()

    def connect(**options: Any) -> DatabaseWrapper:
        wrapper = DatabaseWrapper(settings_for(database, **options), alias=f"sqlite-test-{len(opened)}")
        wrapper.ensure_connection()
        opened.append(wrapper)
        return wrapper

    try:
        yield connect
    finally:
        for wrapper in opened:
            wrapper.close()
        django_db_blocker.restore()


@contextmanager
def transaction(wrapper: DatabaseWrapper) -> Iterator[None]:
    """What ``transaction.atomic`` does on a connection outside ``django.db.connections``."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        wrapper.rollback()
        raise
    else:
        wrapper.commit()
    finally:
        wrapper.set_autocommit(True)


def execute(wrapper: DatabaseWrapper, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
