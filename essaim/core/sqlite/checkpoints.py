"""Checkpoints of a SQLite database's WAL, run by a thread of the process rather than in a request.

In WAL mode a commit appends the pages it changed to the ``-wal`` file, and a *checkpoint* copies
them into the database file and syncs it. SQLite runs one in the commit that takes the WAL past
``wal_autocheckpoint`` pages, and that commit returns once the copy is on disk. A post changes
about 170 pages (mostly a leaf of the timelines' index per home it reaches), and the benchmark
machine's disk syncs a random page in about 35 µs: one post in six waited 45–65 ms for it, which
made the p99 of post creation. A commit that leaves that many pages to copy now wakes its
process's :class:`Checkpointer` and returns; the thread's checkpoints are ``PASSIVE``: they wait
for no reader and no writer, and give way at once to another process's. Essaim's settings wake it
every 10,000 pages rather than SQLite's 1,000: a page written several times meanwhile (the posts
table's last leaf, an index's right edge, a busy timeline) is copied once, and each copy's sync
covers ten times as many pages. Post creation took 25 % less CPU (bench/README.md).

A WAL starts again from its beginning only when a writer finds it all copied and nobody reading
it, which a steady stream of writes and reads may never give: under the benchmark's sixteen
writers it grew by about 25 MB a second. A commit that finds it longer than ``RESTART_AFTER``
pages therefore empties it (``restart``) before letting the next writer in: a stall of a few
hundred milliseconds, after minutes of writing without a pause. Doing so every 20,000 or 40,000
pages stalled the writers every few seconds under load and cost more than the longer WAL did
(bench/README.md).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Any

logger = logging.getLogger(__name__)

RESTART_AFTER = 100_000  # pages: a 400 MB WAL
# How long ``restart`` waits for the readers still on the WAL (SQLite's busy handler), in ms.
RESTART_WAITS_MS = 200


class Checkpointer:
    """A daemon thread copying the WAL of the database file ``path`` each time it is woken."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._due = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Ask for a checkpoint; the wakes that come while one runs ask for one more, not one each."""
        self._due.set()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA wal_autocheckpoint=0")
        while True:
            self._due.wait()
            self._due.clear()
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # a locked or missing file: say so, and try again when woken
                logger.exception("SQLite checkpoint of %s failed", self.path)


_checkpointers: dict[str, Checkpointer] = {}
_checkpointers_lock = threading.Lock()
os.register_at_fork(after_in_child=_checkpointers.clear)  # a forked child has none of the threads


def checkpointer(path: str) -> Checkpointer:
    """This process's checkpointer of the database file ``path``, started on first use."""
    with _checkpointers_lock:
        found = _checkpointers.get(path)
        if found is None:
            found = _checkpointers[path] = Checkpointer(path)
        return found


def restart(connection: Any) -> tuple[int, int, int]:
    """Copy the whole WAL, wait for its readers and empty it: the next writer starts it from its
    beginning. For a connection that holds the database's writer lock, so that no writer adds to it
    meanwhile. Returns SQLite's ``(busy, pages in the WAL, pages copied)``."""
    (waits,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute(f"PRAGMA busy_timeout={RESTART_WAITS_MS}")
    try:
        busy, logged, copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(waits)}")
    return int(busy), int(logged), int(copied)
