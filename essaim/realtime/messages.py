"""What one reader is sent: the live events they may see, as Server-Sent Events.

Shared by the asynchronous hub (``hub``: production) and the synchronous stream (``views``: the
development server and the tests' live server), so both decide alike. A reader is who they are as
``access.audience`` keys, read once when their page connects and again when their memberships or
follows change (a ``keys`` event, never sent to the page).
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from essaim.access import audience
from essaim.realtime.models import LiveEvent

KEYS = "keys"  # the reader's keys changed: read them again
RESET = "reset"  # the page missed events that are no longer kept: it offers a reload
BATCH = 500


@dataclass(frozen=True)
class Row:
    """One stored event, as read once per process for every connection."""

    id: int
    kind: str
    audience: list[list[str]]
    data: dict[str, Any]
    home: list[str] = field(default_factory=list)


class Reader:
    """Who an open page is for: their ``access.audience`` keys, held compactly for thousands of pages.

    The people they follow (a hundred on average) are a sorted array of ids, the few other keys a set:
    a frozenset of every key cost 8 KB a page. ``holds(key)`` answers as ``key in keys`` would
    (``tests/realtime/test_messages.py``)."""

    __slots__ = ("followed", "keys", "user_id")

    def __init__(self, user_id: int, keys: frozenset[str]) -> None:
        self.user_id = user_id
        self.set_keys(keys)

    def set_keys(self, keys: frozenset[str]) -> None:
        self.keys = frozenset(key for key in keys if key[0] != "f")
        self.followed = array("q", sorted(int(key[1:]) for key in keys if key[0] == "f"))

    def holds(self, key: str) -> bool:
        if key[0] != "f":
            return key in self.keys
        wanted = int(key[1:])
        index = bisect_left(self.followed, wanted)
        return index < len(self.followed) and self.followed[index] == wanted

    def admitted(self, clauses: Iterable[Sequence[str]]) -> bool:
        """``access.audience.admits`` for this reader."""
        return any(all(self.holds(key) for key in clause) for clause in clauses)


def load_reader(user: Any) -> Reader | None:
    """``user``'s reader, or ``None`` for someone who may not be told anything (signed out, deactivated)."""
    keys = audience.reader_keys(user)
    return Reader(user.pk, keys) if keys else None


def reload_keys(reader: Reader) -> None:
    from essaim.accounts.models import User

    user = User.objects.filter(pk=reader.user_id).first()
    reader.set_keys(audience.reader_keys(user) if user is not None else frozenset())


def rows_after(after_id: int, *, limit: int = BATCH) -> list[Row]:
    """The events stored after ``after_id``, oldest first."""
    values = LiveEvent.objects.filter(pk__gt=after_id).order_by("pk")[:limit]
    return [Row(*v) for v in values.values_list("pk", "kind", "audience", "data", "home")]


CLOCKS_MS = 100  # how far apart the clocks of two app machines may be


def rows_since_time(epoch_ms: int, *, limit: int = BATCH) -> list[Row]:
    """The events stored since a page's request began (``epoch_ms``: ``middleware.RequestStartMiddleware``)."""
    import datetime

    from django.utils import timezone

    since = datetime.datetime.fromtimestamp(max(0, epoch_ms - CLOCKS_MS) / 1000, tz=datetime.UTC)
    values = LiveEvent.objects.filter(at__gte=min(since, timezone.now())).order_by("pk")[:limit]
    return [Row(*v) for v in values.values_list("pk", "kind", "audience", "data", "home")]


def missed(after_id: int) -> bool:
    """Whether events after ``after_id`` (an id a page got) were pruned before it came back."""
    return (
        after_id > 0
        and not LiveEvent.objects.filter(pk=after_id).exists()
        and LiveEvent.objects.filter(pk__gt=after_id).exists()
    )


def admits(reader: Reader, row: Row) -> bool:
    return reader.admitted(row.audience)


def encode(event_id: int | None, kind: str, data: dict[str, Any]) -> bytes:
    """One Server-Sent Event: ``id`` (the page's ``Last-Event-ID``), ``event`` and one JSON ``data`` line."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def message_for(reader: Reader, row: Row) -> bytes:
    """What ``reader`` (admitted) is sent about ``row``: a new post says whether it belongs in their home feed."""
    data = row.data
    if row.kind == "post":
        data = {**data, "home": any(reader.holds(key) for key in row.home)}
    return encode(row.id, row.kind, data)


def select(reader: Reader, rows: Iterable[Row]) -> list[bytes]:
    """The messages ``reader`` is sent for ``rows`` (their keys reloaded where a row says so)."""
    out: list[bytes] = []
    for row in rows:
        if not admits(reader, row):
            continue
        if row.kind == KEYS:
            reload_keys(reader)
            continue
        out.append(message_for(reader, row))
    return out


KEEPALIVE = b": keepalive\n\n"
RETRY = b"retry: 2000\n\n"
