"""Rendered HTML fragments shared by every process of the embedded default, in one SQLite file.

A fragment's key is a digest of everything it shows (``core.fragments``), so an entry never goes
stale and the store needs no invalidation; it only has to be shared and bounded. In the embedded
default each web worker used to keep its own copy in memory: with three workers a card was drawn
up to three times, and a space page whose cards nobody had read yet cost four times a warm one
(bench/README.md, issue 17 item 12). With Redis configured, the ``fragments`` cache alias is Redis
(``settings.CACHES``) and this file is not used.

Rows are kept in the order they were written (``seq``); once the file holds more than
``MAX_ENTRIES`` (a cache option), the oldest go, checked every ``CULL_EVERY`` writes of a process:
first in, first out, which the process's own table of recent entries in front
(``fragments.LOCAL_ENTRIES``) turns into keeping what is read often. A key written again (its
expiry passed, or two processes drew it at once) takes a new place at the end.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT

from essaim.core.sqlite.cache_file import SQLiteCacheFile

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS fragment (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, html TEXT NOT NULL,"
    " expires REAL);"
)
_SET = "INSERT OR REPLACE INTO fragment (key, html, expires) VALUES (?, ?, ?)"
_CULL = "DELETE FROM fragment WHERE seq <= (SELECT max(seq) FROM fragment) - ?"
DEFAULT_MAX_ENTRIES = 20_000  # about 60 MB of cards at 3 KB each
CULL_EVERY = 200  # writes of a process (a write is one page's missing fragments)


class SQLiteFragmentCache(SQLiteCacheFile):
    """A Django cache for HTML strings in one SQLite file (``LOCATION``), bounded by ``MAX_ENTRIES``.

    Only what ``core.fragments`` asks of a cache: ``get_many``, ``set_many`` (one transaction),
    ``get``, ``set``, ``delete`` and ``clear``. Values are ``str``.
    """

    SCHEMA = _SCHEMA

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(location, params)
        self.max_entries = int(params.get("OPTIONS", {}).get("MAX_ENTRIES", DEFAULT_MAX_ENTRIES))

    def _after_write(self, db: sqlite3.Connection) -> None:
        if self._writes % CULL_EVERY == 0:
            db.execute(_CULL, (self.max_entries,))

    # --- Django's cache API, the part fragments use

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        wanted = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self._db().execute(
            f"SELECT key, html FROM fragment WHERE key IN ({marks}) AND (expires IS NULL OR expires > ?)",  # noqa: S608 - placeholders only
            (*wanted, time.time()),
        )
        return {wanted[key]: html for key, html in rows}

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self.get_many([key], version=version).get(key, default)

    def set_many(
        self, data: Mapping[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        expires = self.get_backend_timeout(timeout)
        rows = [(self.make_and_validate_key(key, version=version), str(html), expires) for key, html in data.items()]
        if rows:
            with self._writing() as db:
                db.executemany(_SET, rows)
        return []

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self.set_many({key: value}, timeout, version)

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        if self.get(key, version=version) is not None:
            return False
        self.set(key, value, timeout, version)
        return True

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            cursor = db.execute("DELETE FROM fragment WHERE key = ?", (key,))
        return cursor.rowcount > 0

    def clear(self) -> None:
        with self._writing() as db:
            db.execute("DELETE FROM fragment")

    def __len__(self) -> int:
        (count,) = self._db().execute("SELECT count(*) FROM fragment").fetchone()
        return int(count)
