"""Checkpoints of a SQLite database's WAL, run by a thread of the process rather than in a request.

In WAL mode a commit appends the pages it changed to the ``-wal`` file, and a *checkpoint* copies
them into the database file and syncs it. SQLite runs one in the commit that takes the WAL past
``wal_autocheckpoint`` pages, and that commit returns once the copy is on disk. A post changes
about 110 pages (mostly a leaf of the timelines' index per home it reaches), and the benchmark
machine's disk syncs a random page in about 35 µs: one post in six waited 45–65 ms for it, which
made the p99 of post creation. A commit that leaves that many pages to copy now wakes its
process's :class:`Checkpointer` and returns; the thread's checkpoints are ``PASSIVE``: they wait
for no reader and no writer, and give way at once to another process's. Essaim's settings wake it
every 10,000 pages rather than SQLite's 1,000: a page written several times meanwhile (the posts
table's last leaf, an index's right edge, a busy timeline) is copied once, and each copy's sync
covers ten times as many pages. Post creation took 25 % less CPU (bench/README.md).

A WAL starts again from its beginning only when a writer finds it all copied and nobody reading
it, which a steady stream of writes and reads may never give: under the benchmark's sixteen
writers it grew by about 30 MB a second. So once the WAL is past ``RESTART_AFTER`` pages, the
thread, having copied it, takes the writer lock and asks for a restart (``restart``): SQLite copies
the few pages written since and waits, briefly, for the readers still on the WAL; the next writer
then starts the WAL again from its beginning, over the same file. A writer used to do it in its
own commit with ``TRUNCATE``: the copy, the sync and cutting a 400 MB file held every writer up for
200–260 ms every three seconds at 280 posts/s, a tenth of the writer lock's time (bench/README.md).
A WAL that still grows past three times that (the thread never found the readers gone) is emptied
by the next writer's commit, waiting longer for them.

How long is long follows the database (``restart_after``): as long as the database itself, but never
less than 10,000 pages (40 MB, the checkpointer's own rhythm) nor more than ``RESTART_AFTER``. A
small site's WAL under sustained writes stays within about 40 MB, three times that at worst, instead
of the 234–970 MB a fixed 400 MB threshold let it reach next to a 3 MB database; a large one's
restarts stay as rare as the benchmark needs (bench/README.md, "Issue 25").

The WAL file is not cut on each restart (settings: no ``journal_size_limit``): the thread cuts it
(``TRUNCATE``) once no commit has woken it for ``SHRINK_WHEN_IDLE_S`` seconds and it is longer than
``SHRINK_ABOVE`` bytes.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from essaim.core.sqlite.wal import WalIndex
from essaim.core.sqlite.writer_lock import WriterLock, lock_path

logger = logging.getLogger(__name__)

RESTART_AFTER = 100_000  # pages: a 400 MB WAL, the longest the thread lets one grow
RESTART_AFTER_AT_LEAST = 10_000  # pages: 40 MB, however small the database
# How long the thread's restart waits for the readers still on the WAL (SQLite's busy handler),
# in ms, while it holds every writer up; it tries again when next woken.
RESTART_WAITS_MS = 20
RESTART_FORCED_AFTER = 3 * RESTART_AFTER  # pages: past three times the thread's threshold, at most this
RESTART_FORCED_WAITS_MS = 200
SHRINK_WHEN_IDLE_S = 30.0
SHRINK_ABOVE = 64 * 1024 * 1024  # bytes


class Checkpointer:
    """A daemon thread copying the WAL of the database file ``path`` each time it is woken, and
    starting it again when it is long."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.restart_after = RESTART_AFTER  # pages, from the database's size at each wake
        self._due = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Ask for a checkpoint; the wakes that come while one runs ask for one more, not one each."""
        self._due.set()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA wal_autocheckpoint=0")
        wal = WalIndex(self.path)
        lock = WriterLock(lock_path(self.path))
        while True:
            woken = self._due.wait(timeout=SHRINK_WHEN_IDLE_S)
            self._due.clear()
            try:
                if woken:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    (pages,) = connection.execute("PRAGMA page_count").fetchone()
                    self.restart_after = restart_after(int(pages))
                    if wal.frames()[0] >= self.restart_after:
                        with _holding(lock):
                            restart(connection, mode="RESTART", waits_ms=RESTART_WAITS_MS)
                elif _wal_size(self.path) > SHRINK_ABOVE:
                    with _holding(lock):
                        restart(connection, mode="TRUNCATE", waits_ms=RESTART_FORCED_WAITS_MS)
            except sqlite3.Error:  # a locked or missing file: say so, and try again when woken
                logger.exception("SQLite checkpoint of %s failed", self.path)


def restart_after(database_pages: int) -> int:
    """How many pages the WAL of a database of ``database_pages`` may hold before the thread starts it again."""
    return min(RESTART_AFTER, max(RESTART_AFTER_AT_LEAST, database_pages))


def forced_after(path: str) -> int:
    """How many pages the WAL of the database file ``path`` may hold before a commit empties it itself:
    three times the thread's threshold, at most ``RESTART_FORCED_AFTER``."""
    found = _checkpointers.get(path)
    return min(RESTART_FORCED_AFTER, 3 * (found.restart_after if found is not None else RESTART_AFTER))


@contextmanager
def _holding(lock: WriterLock) -> Iterator[None]:
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _wal_size(database: str) -> int:
    try:
        return os.stat(f"{database}-wal").st_size
    except FileNotFoundError:
        return 0


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


def restart(
    connection: Any, *, mode: Literal["RESTART", "TRUNCATE"] = "TRUNCATE", waits_ms: int = RESTART_FORCED_WAITS_MS
) -> tuple[int, int, int]:
    """Copy the whole WAL and wait for its readers, so that the next writer starts it from its
    beginning (``TRUNCATE`` also cuts the file to nothing). For a connection that holds the
    database's writer lock, so that no writer adds to the WAL meanwhile. Returns SQLite's ``(busy,
    pages in the WAL, pages copied)``: ``busy`` when the readers or another process's checkpoint
    did not let it finish within ``waits_ms``."""
    (waits,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute(f"PRAGMA busy_timeout={waits_ms}")
    try:
        busy, logged, copied = connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(waits)}")
    return int(busy), int(logged), int(copied)
