"""``WriterLock``: one holder at a time per database, the next one let in the moment it is released."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from essaim.core.sqlite.writer_lock import WriterLock, lock_path


def test_the_lock_file_sits_beside_the_database_and_is_not_the_database() -> None:
    assert lock_path("/var/essaim/essaim.sqlite3") == "/var/essaim/essaim.sqlite3-writer.lock"


def test_a_second_holder_waits_until_the_first_releases(tmp_path: Path) -> None:
    path = str(tmp_path / "db-writer.lock")
    first, second = WriterLock(path), WriterLock(path)
    first.acquire()
    taken = threading.Event()

    def take() -> None:
        second.acquire()
        taken.set()

    waiter = threading.Thread(target=take)
    waiter.start()
    assert not taken.wait(0.2), "the second holder got in while the first held the lock"
    released_at = time.monotonic()
    first.release()
    assert taken.wait(2)
    assert time.monotonic() - released_at < 0.5  # woken, not polling
    waiter.join()
    second.close()
    first.close()


def test_releasing_a_lock_not_held_does_nothing_and_acquiring_twice_holds_it_once(tmp_path: Path) -> None:
    lock = WriterLock(str(tmp_path / "lock"))
    lock.release()
    lock.acquire()
    lock.acquire()
    assert lock.held
    lock.release()
    assert not lock.held
    lock.close()


def test_closing_a_held_lock_lets_the_next_holder_in(tmp_path: Path) -> None:
    path = str(tmp_path / "lock")
    first, second = WriterLock(path), WriterLock(path)
    first.acquire()
    first.close()
    second.acquire()  # would block forever were the lock still held
    assert second.held
    second.close()
