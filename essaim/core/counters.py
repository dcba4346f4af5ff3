"""Counters every process shares: the API's rate limits and allauth's sign-in throttling.

Django's default cache in the embedded topology is each process's own memory: a limit counted there
counts per worker (with three workers, 15 wrong passwords were checked for an account limited to 5,
and 330 API requests passed a limit of 300). The ``ratelimit`` cache alias (``settings.CACHES``) is
shared: Redis when ``ESSAIM_REDIS_URL`` is set (:class:`RedisCounterCache`), else one small SQLite
file under ``ESSAIM_DATA_DIR`` that every process opens (:class:`SQLiteCounterCache`). Both are Django
cache backends, so allauth keeps its own algorithm over them (``accounts.apps``), and both add
:meth:`count`: one atomic step that creates a key with its expiry or adds one to it, which
:func:`hit` runs for every API request.
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from typing import Any, Protocol, runtime_checkable

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from essaim.core.resilient_cache import ResilientRedisCache, degrade
from essaim.core.sqlite.cache_file import SQLiteCacheFile

ALIAS = "ratelimit"


@runtime_checkable
class Counting(Protocol):
    def count(self, key: str, timeout: int) -> int: ...


def hit(key: str, *, window: int) -> int:
    """One more event under ``key``, counted by every process together; the count starts at 1 and is
    forgotten ``window`` seconds after its first event. Returns the count, this event included."""
    counters = caches[ALIAS]
    if isinstance(counters, Counting):
        return counters.count(key, window)
    counters.add(key, 0, timeout=window)  # any other backend (a test's, a deployment's own choice)
    try:
        return counters.incr(key)
    except ValueError:  # expired between the two
        counters.set(key, 1, timeout=window)
        return 1


class RedisCounterCache(ResilientRedisCache):
    """Django's Redis cache, with :meth:`count` in one round trip; Redis unreachable counts 1 (fail open)."""

    def count(self, key: str, timeout: int) -> int:
        key = self.make_and_validate_key(key)

        def counted() -> int:
            pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
            pipeline.set(key, 0, ex=timeout, nx=True)
            pipeline.incr(key)
            return int(pipeline.execute()[1])

        return degrade(counted, 1)


# Rows: a key, its value (an integer as such, so that it can be counted in SQL; anything else pickled,
# as Django's Redis backend does) and when it expires (seconds since the epoch; NULL: never).
_SCHEMA = "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, value, expires REAL) WITHOUT ROWID;"
_LIVE = "(expires IS NULL OR expires > ?)"
_GET = f"SELECT value FROM counter WHERE key = ? AND {_LIVE}"  # noqa: S608 - constant SQL
_SET = (
    "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires"
)
_ADD = f"{_SET} WHERE counter.expires <= ?"  # only over an expired row
_COUNT = (
    "INSERT INTO counter (key, value, expires) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET "
    "value = CASE WHEN counter.expires <= ? THEN 1 ELSE counter.value + 1 END, "
    "expires = CASE WHEN counter.expires <= ? THEN excluded.expires ELSE counter.expires END "
    "RETURNING value"
)
_INCR = f"UPDATE counter SET value = value + ? WHERE key = ? AND {_LIVE} AND typeof(value) = 'integer' RETURNING value"  # noqa: S608 - constant SQL
_TOUCH = f"UPDATE counter SET expires = ? WHERE key = ? AND {_LIVE}"  # noqa: S608 - constant SQL
_DELETE = "DELETE FROM counter WHERE key = ?"
_PURGE = "DELETE FROM counter WHERE expires <= ?"
PURGE_EVERY_S = 60.0


class SQLiteCounterCache(SQLiteCacheFile):
    """A Django cache in one SQLite file (``LOCATION``) that every process of the server opens.

    Made for few small values that expire — counters, allauth's lists of attempts and its locks — not
    as a general cache: each write is one short transaction under the file's writer lock
    (``core.sqlite.cache_file``). Expired rows go once a minute per process.
    """

    SCHEMA = _SCHEMA

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(location, params)
        self._next_purge = 0.0

    def _after_write(self, db: sqlite3.Connection) -> None:
        now = time.time()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY_S
            db.execute(_PURGE, (now,))

    @staticmethod
    def _encode(value: Any) -> Any:
        return value if type(value) is int else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _decode(stored: Any) -> Any:
        return stored if isinstance(stored, int) else pickle.loads(stored)  # noqa: S301 - our own file's rows

    # --- Django's cache API

    def count(self, key: str, timeout: int) -> int:
        key = self.make_and_validate_key(key)
        now = time.time()
        with self._writing() as db:
            (value,) = db.execute(_COUNT, (key, now + timeout, now, now)).fetchone()
        return int(value)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(_GET, (key, time.time())).fetchone()
        return default if row is None else self._decode(row[0])

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            db.execute(_SET, (key, self._encode(value), self.get_backend_timeout(timeout)))

    def add(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            cursor = db.execute(_ADD, (key, self._encode(value), self.get_backend_timeout(timeout), time.time()))
        return cursor.rowcount > 0

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            row = db.execute(_INCR, (delta, key, time.time())).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(row[0])

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            cursor = db.execute(_TOUCH, (self.get_backend_timeout(timeout), key, time.time()))
        return cursor.rowcount > 0

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._writing() as db:
            cursor = db.execute(_DELETE, (key,))
        return cursor.rowcount > 0

    def clear(self) -> None:
        with self._writing() as db:
            db.execute("DELETE FROM counter")
