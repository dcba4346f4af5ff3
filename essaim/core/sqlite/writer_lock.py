"""One SQLite writer at a time, queued by the kernel rather than by SQLite's sleeping retries.

SQLite lets one connection write at a time. A transaction that finds the write lock taken waits in
SQLite's busy handler, which sleeps and tries again after 1, 2, 5, 10, 15, 20, 25 … 100 ms, however
soon the lock comes free. With several processes writing at once, writers slept while the lock
stood free, and one could lose every race for a second: posts written by sixteen clients at once
had a median of 106 ms and a p99 of 1,563 ms (bench/README.md). A :class:`WriterLock` is an
exclusive ``flock`` on a file beside the database: the kernel blocks its waiters and wakes them
the moment it is released, so a transaction that holds it finds SQLite's own lock free.
"""

from __future__ import annotations

import fcntl
import os


class WriterLock:
    """An exclusive ``flock`` on ``path``, one per database connection (a lock belongs to its open file)."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.held = False

    def acquire(self) -> None:
        """Wait, without spinning, until no other connection holds the lock, and take it."""
        if not self.held:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            self.held = True

    def release(self) -> None:
        """Let the next writer in; nothing happens if the lock is not held."""
        if self.held:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        os.close(self._fd)


def lock_path(database: str) -> str:
    """The lock file of the database file ``database``: beside it, never the file itself (closing a
    second descriptor of the database would drop the POSIX locks SQLite holds on it)."""
    return f"{database}-writer.lock"
