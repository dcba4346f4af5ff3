"""A Django cache kept in one SQLite file that every process of the embedded default opens.

The base of the shared counters (``core.counters``) and the shared HTML fragments
(``core.fragment_store``). Each write is one short transaction, taken in turns through the file's
writer lock (``core.sqlite.writer_lock``: the kernel queues the waiters, where SQLite's busy handler
would sleep a millisecond or more). WAL, so reads never wait; ``synchronous=NORMAL``, so a commit is
not a disk sync, and the checkpoints, which are, run in the process's checkpointer thread
(``core.sqlite.checkpoints``), woken every ``CHECKPOINT_EVERY`` writes: SQLite's own, in the request
that crossed 1,000 pages, doubled the average cost of a count on the loaded test machine (its two
syncs). A connection belongs to its process and thread (Django keeps one backend per thread): a
forked worker opens its own. Django closes caches after every request; the file stays open, as a
connection pool would.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import BaseCache

from essaim.core.sqlite import checkpoints
from essaim.core.sqlite.writer_lock import WriterLock, lock_path

CHECKPOINT_EVERY = 1000  # writes of this process: a WAL of a few MB with three workers


class SQLiteCacheFile(BaseCache):
    """A cache backend over the SQLite file ``LOCATION``, whose table a subclass creates (``SCHEMA``)."""

    SCHEMA = ""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = location
        self._connection: sqlite3.Connection | None = None
        self._lock: WriterLock | None = None
        self._pid = 0
        self._writes = 0

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer thread's work
            connection.executescript(self.SCHEMA)
            self._connection, self._lock, self._pid = connection, WriterLock(lock_path(self.path)), os.getpid()
        return self._connection

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The connection, with the file's writer lock held; the statements run inside are one transaction."""
        db = self._db()
        assert self._lock is not None  # opened with the connection
        self._lock.acquire()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                self._after_write(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            self._lock.release()
        self._writes += 1
        if self._writes % CHECKPOINT_EVERY == 0:
            checkpoints.checkpointer(self.path).wake()

    def _after_write(self, db: sqlite3.Connection) -> None:
        """Housekeeping a subclass runs in the write's transaction (purging expired rows, a size cap)."""

    def close(self, **kwargs: Any) -> None:
        """Django closes caches after every request: the file stays open."""
