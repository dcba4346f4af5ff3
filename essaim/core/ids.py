"""Time-ordered 64-bit identifiers (Snowflake-like), for posts and events.

Layout: 42 bits of milliseconds since 2024-01-01 UTC, 22 bits of sequence/randomness.
Ids sort by creation time, so feeds paginate by id (Mastodon's ``max_id``/``min_id``)
without an OFFSET and without a second timestamp index.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
SEQUENCE_BITS = 22
_SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1

_lock = threading.Lock()
_last_ms = 0
_sequence = 0


def time_ordered_id(*, at: datetime | None = None) -> int:
    """A new id; strictly increasing within a process, ordered by time across processes."""
    global _last_ms, _sequence  # noqa: PLW0603 - process-local generator state
    if at is not None:
        ms = int(at.timestamp() * 1000) - EPOCH_MS
        return (ms << SEQUENCE_BITS) | secrets.randbits(SEQUENCE_BITS)
    with _lock:
        ms = int(time.time() * 1000) - EPOCH_MS
        if ms <= _last_ms:
            ms = _last_ms
            _sequence = (_sequence + 1) & _SEQUENCE_MASK
            if _sequence == 0:
                ms += 1
        else:
            # Start each millisecond at a random point so that two processes rarely collide.
            _sequence = secrets.randbits(SEQUENCE_BITS - 2)
        _last_ms = ms
        return (ms << SEQUENCE_BITS) | _sequence


def id_floor(at: datetime) -> int:
    """The smallest id that can have been made at ``at`` (for time-window queries)."""
    return (int(at.timestamp() * 1000) - EPOCH_MS) << SEQUENCE_BITS


def id_time(identifier: int) -> datetime:
    return datetime.fromtimestamp(((identifier >> SEQUENCE_BITS) + EPOCH_MS) / 1000, tz=UTC)


# --- ids typed by people and clients ------------------------------------------------------

MAX_ID = (1 << 63) - 1  # the largest id a 64-bit signed column holds


def is_digits(text: str) -> bool:
    """Whether ``text`` is ASCII digits only. ``str.isdigit`` is not enough: ``"²".isdigit()`` is
    true and ``int("²")`` raises, which made such a path or cursor answer 500."""
    return text.isascii() and text.isdigit()


def parse_id(raw: str | None) -> int | None:
    """``raw`` as a positive 64-bit id, or ``None`` for anything else (callers answer 404 or 400)."""
    if not raw or not is_digits(raw) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
