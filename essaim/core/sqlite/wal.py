"""How long a SQLite database's WAL is, and how much of it is still to be copied into the database file.

SQLite keeps the WAL's index in the ``-shm`` file beside the database, shared by every connection,
in the layout its documentation gives (https://www.sqlite.org/walformat.html, "The WAL-Index
Header"): the index of the WAL's last valid frame (``mxFrame``) at byte 16, and the number of
frames already copied back into the database (``nBackfill``) at byte 96, both unsigned 32-bit
integers in the machine's byte order. Reading them tells whether a checkpoint is due without running one.
"""

from __future__ import annotations

import contextlib
import os
import struct

_U32 = struct.Struct("=I")
MX_FRAME_AT = 16
BACKFILLED_AT = 96


class WalIndex:
    """The WAL index of the database file ``database``, read on demand."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}-shm"
        self._fd: int | None = None

    def frames(self) -> tuple[int, int]:
        """``(frames in the WAL, frames already copied into the database file)``; ``(0, 0)`` with no WAL yet."""
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                return 0, 0
        header = os.pread(self._fd, BACKFILLED_AT + 4, 0)
        if len(header) < BACKFILLED_AT + 4:
            return 0, 0
        (frames,) = _U32.unpack_from(header, MX_FRAME_AT)
        (copied,) = _U32.unpack_from(header, BACKFILLED_AT)
        return frames, min(copied, frames)

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
