"""Django's SQLite backend, with write transactions that take turns and checkpoints off the requests.

Essaim opens every transaction with ``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), which
takes SQLite's write lock at once. This backend first takes the database's writer lock, which the
kernel hands from one waiting connection to the next without SQLite's sleeps (``writer_lock``),
and lets it go when the transaction commits or rolls back.

It also decides when the WAL is checkpointed (``checkpoints``). Each connection reads its
``wal_autocheckpoint`` (10,000 pages in Essaim's settings; SQLite's default is 1,000) and puts
SQLite's own far further, for statements written outside a transaction. A commit that leaves
that many pages not yet copied (``wal.WalIndex``) wakes the process's checkpointer thread once it
has let the writer lock go: a checkpoint inside the lock held up every writer (posts at
concurrency 16 fell from 95 to 65 a second on the benchmark), and one in the request held up its
response (post creation's p99 at concurrency 1: 50–75 ms, against 19–43 ms with the thread).
The thread also starts a long WAL again (``checkpoints.restart_after``: as long as the database, 40 to
400 MB); a commit that still finds it three times longer (``checkpoints.forced_after``) empties it
before letting the lock go.

A statement run outside a transaction (autocommit) takes no lock of ours and still waits in SQLite's
busy handler if it must. An in-memory database (the test suite's) has one connection and neither.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from essaim.core.sqlite import checkpoints
from essaim.core.sqlite.schema import DatabaseSchemaEditor
from essaim.core.sqlite.wal import WalIndex
from essaim.core.sqlite.writer_lock import WriterLock, lock_path

# SQLite's own checkpoints count the WAL's frames, copied or not: once past this they would run in
# every commit, inside the writer lock. Past ``checkpoints.forced_after`` commits start the WAL again,
# so they only ever come for a connection that writes outside transactions alone.
SQLITE_OWN_AFTER = 2 * checkpoints.RESTART_FORCED_AFTER


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    writer_lock: WriterLock | None = None
    wal_index: WalIndex | None = None
    checkpoint_after = 0  # pages; 0 leaves checkpoints to SQLite

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            name = str(self.settings_dict["NAME"])
            self.writer_lock = self.writer_lock or WriterLock(lock_path(name))
            self.wal_index = self.wal_index or WalIndex(name)
        return connection

    def init_connection_state(self) -> None:
        super().init_connection_state()  # runs the settings' init_command
        if self.wal_index is not None:
            (self.checkpoint_after,) = self.connection.execute("PRAGMA wal_autocheckpoint").fetchone()
            self.connection.execute(f"PRAGMA wal_autocheckpoint={SQLITE_OWN_AFTER}")

    def _start_transaction_under_autocommit(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # Django's, missing from django-stubs
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # Django's, missing from django-stubs
            self._restart_a_long_wal()
        finally:
            self._release_writer_lock()
        self._wake_the_checkpointer()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's, missing from django-stubs
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's, missing from django-stubs
        finally:
            if self.writer_lock is not None:
                self.writer_lock.close()
                self.writer_lock = None
            if self.wal_index is not None:
                self.wal_index.close()
                self.wal_index = None

    def _release_writer_lock(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.release()

    def _restart_a_long_wal(self) -> None:
        if self.wal_index is not None and self.writer_lock is not None and self.writer_lock.held:
            frames, _copied = self.wal_index.frames()
            if frames >= checkpoints.forced_after(str(self.settings_dict["NAME"])):
                with self.wrap_database_errors:
                    checkpoints.restart(self.connection)

    def _wake_the_checkpointer(self) -> None:
        if self.wal_index is not None and self.checkpoint_after:
            frames, copied = self.wal_index.frames()
            if frames - copied >= self.checkpoint_after:
                checkpoints.checkpointer(str(self.settings_dict["NAME"])).wake()
