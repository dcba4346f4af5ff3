"""``WalIndex``: the WAL's length and what is copied of it, read from the ``-shm`` file as SQLite reports them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from essaim.core.sqlite.wal import WalIndex


def _database(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("CREATE TABLE t (x BLOB)")
    return connection


def test_a_database_without_a_wal_has_nothing_to_copy(tmp_path: Path) -> None:
    assert WalIndex(str(tmp_path / "none.sqlite3")).frames() == (0, 0)


def test_frames_and_copied_frames_are_those_sqlite_reports(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    connection = _database(path)
    index = WalIndex(str(path))
    for _ in range(5):
        connection.execute("INSERT INTO t VALUES (randomblob(5000))")
    frames, copied = index.frames()
    assert frames > 5
    assert copied == 0
    _busy, logged, checkpointed = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert index.frames() == (logged, checkpointed) == (frames, frames)
    connection.execute("INSERT INTO t VALUES (randomblob(5000))")  # starts the WAL again
    frames_after, copied_after = index.frames()
    assert frames_after < frames
    assert copied_after == 0
    index.close()
    connection.close()
