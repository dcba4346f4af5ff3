"""Essaim's SQLite backend: transactions take turns through the writer lock; the WAL is copied off the requests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from essaim.core.sqlite import base, checkpoints
from essaim.core.sqlite.pragmas import INIT_COMMAND
from tests.core.sqlite.conftest import Connect, execute, transaction


def _wait_until(condition: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]  # a zero-argument callable
            return True
        time.sleep(0.01)
    return False


def _write_pages(db: base.DatabaseWrapper, count: int) -> None:
    """A table of ``count`` rows of nearly a page each, written in one transaction."""
    execute(db, "CREATE TABLE t (x BLOB)")
    with transaction(db):
        for _ in range(count):
            execute(db, "INSERT INTO t VALUES (randomblob(4000))")


def test_a_transaction_holds_the_writer_lock_from_its_start_to_its_commit(connect: Connect) -> None:
    db = connect()
    execute(db, "CREATE TABLE t (x INTEGER)")
    assert db.writer_lock is not None
    assert not db.writer_lock.held
    with transaction(db):
        assert db.writer_lock.held
        execute(db, "INSERT INTO t VALUES (1)")
    assert not db.writer_lock.held


def test_a_rolled_back_transaction_lets_the_lock_go_and_writes_nothing(connect: Connect) -> None:
    db = connect()
    execute(db, "CREATE TABLE t (x INTEGER)")

    def write_then_fail() -> None:
        with transaction(db):
            execute(db, "INSERT INTO t VALUES (1)")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert db.writer_lock is not None
    assert not db.writer_lock.held
    assert execute(db, "SELECT count(*) FROM t") == [(0,)]


def test_a_second_writer_waits_in_the_writer_lock_not_in_sqlites_busy_handler(connect: Connect) -> None:
    first, second = connect(), connect()
    execute(first, "CREATE TABLE t (x INTEGER)")
    # No busy handler: had the second transaction reached SQLite while the first held its write
    # lock, its BEGIN IMMEDIATE would fail at once with "database is locked".
    execute(second, "PRAGMA busy_timeout=0")
    order: list[str] = []
    started = threading.Event()

    def write_second() -> None:
        started.set()
        with transaction(second):
            order.append("second")
            execute(second, "INSERT INTO t VALUES (2)")

    with transaction(first):
        execute(first, "INSERT INTO t VALUES (1)")
        waiter = threading.Thread(target=write_second)
        second.inc_thread_sharing()  # made here, used by the thread
        waiter.start()
        assert started.wait(2)
        time.sleep(0.2)
        order.append("first commits")
    waiter.join(5)
    second.dec_thread_sharing()
    assert order == ["first commits", "second"]
    assert execute(first, "SELECT x FROM t ORDER BY x") == [(1,), (2,)]


def test_sqlite_no_longer_checkpoints_in_the_commit(connect: Connect) -> None:
    db = connect(autocheckpoint=250)
    assert db.checkpoint_after == 250
    assert execute(db, "PRAGMA wal_autocheckpoint") == [(base.SQLITE_OWN_AFTER,)]


def test_a_commit_leaving_a_long_wal_has_the_checkpointer_copy_it(connect: Connect) -> None:
    db = connect(autocheckpoint=10)
    _write_pages(db, 20)
    assert db.wal_index is not None
    assert _wait_until(lambda: db.wal_index.frames()[1] == db.wal_index.frames()[0] > 0)  # type: ignore[union-attr]


def test_a_short_wal_is_left_for_later(connect: Connect) -> None:
    db = connect(autocheckpoint=1000)
    execute(db, "CREATE TABLE t (x INTEGER)")
    with transaction(db):
        execute(db, "INSERT INTO t VALUES (1)")
    time.sleep(0.2)
    assert db.wal_index is not None
    frames, copied = db.wal_index.frames()
    assert frames > 0
    assert copied == 0


def test_the_checkpointer_starts_a_long_wal_again_and_the_next_writer_writes_from_its_start(
    connect: Connect, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "RESTART_AFTER", 50)
    db = connect(autocheckpoint=10)
    _write_pages(db, 60)
    assert db.wal_index is not None
    assert _wait_until(lambda: db.wal_index.frames()[1] == db.wal_index.frames()[0] >= 60)  # type: ignore[union-attr]
    size = Path(f"{database}-wal").stat().st_size

    def next_write_starts_over() -> bool:
        with transaction(db):
            execute(db, "INSERT INTO t VALUES (1)")
        return db.wal_index.frames()[0] < 10  # type: ignore[union-attr]

    assert _wait_until(next_write_starts_over)
    assert Path(f"{database}-wal").stat().st_size == size, "the file is kept, its blocks written over"
    assert execute(db, "SELECT count(*) FROM t")[0][0] > 60


def test_the_checkpointer_cuts_a_long_wal_file_once_the_writes_stop(
    connect: Connect, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "SHRINK_WHEN_IDLE_S", 0.3)
    monkeypatch.setattr(checkpoints, "SHRINK_ABOVE", 100_000)
    db = connect(autocheckpoint=10)
    _write_pages(db, 60)
    assert _wait_until(lambda: Path(f"{database}-wal").stat().st_size == 0)
    assert execute(db, "SELECT count(*) FROM t") == [(60,)]


def test_a_commit_finding_the_wal_far_too_long_empties_it_before_the_next_writer(
    connect: Connect, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "RESTART_FORCED_AFTER", 50)
    db = connect(autocheckpoint=100_000)  # nothing copied in the background
    _write_pages(db, 60)
    assert db.wal_index is not None
    assert db.wal_index.frames() == (0, 0)
    assert Path(f"{database}-wal").stat().st_size == 0
    assert execute(db, "SELECT count(*) FROM t") == [(60,)]


def test_an_in_memory_database_has_neither_lock_nor_checkpoints(db: None) -> None:
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL")
    connection.ensure_connection()
    assert isinstance(connection, base.DatabaseWrapper)
    assert connection.writer_lock is None
    assert connection.wal_index is None


def test_essaims_settings_copy_the_wal_every_ten_thousand_pages_from_a_thread(connect: Connect) -> None:
    db = connect(init_command=INIT_COMMAND)
    assert db.checkpoint_after == 10_000
    assert execute(db, "PRAGMA journal_mode") == [("wal",)]
    assert execute(db, "PRAGMA wal_autocheckpoint") == [(base.SQLITE_OWN_AFTER,)]


def test_a_wal_starts_again_once_as_long_as_its_database_within_forty_and_four_hundred_megabytes() -> None:
    assert checkpoints.restart_after(750) == 10_000, "a 3 MB database: 40 MB of WAL"
    assert checkpoints.restart_after(60_000) == 60_000
    assert checkpoints.restart_after(2_000_000) == 100_000, "an 8 GB database: 400 MB of WAL"


def test_the_checkpointer_measures_the_database_and_commits_force_a_restart_at_three_times_that(
    connect: Connect, database: Path
) -> None:
    db = connect(autocheckpoint=10)
    _write_pages(db, 30)
    thread = checkpoints.checkpointer(str(database))
    assert _wait_until(lambda: thread.restart_after == checkpoints.RESTART_AFTER_AT_LEAST)
    assert checkpoints.forced_after(str(database)) == 3 * checkpoints.RESTART_AFTER_AT_LEAST
    assert checkpoints.forced_after(str(database.with_name("never-opened.sqlite3"))) == checkpoints.RESTART_FORCED_AFTER
