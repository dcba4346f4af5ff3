"""Telling open pages: ``publish`` stores a live event and wakes every process that serves live pages.

Called by the live pages' consumer (``realtime.consumers``) and by other apps' consumers for what
concerns one reader (the notification bell). It runs once the caller's transaction has committed, in
a short transaction of its own, so that a page told of a post finds the post. On PostgreSQL the
insert holds a transaction-level advisory lock: events commit in the order of their ids, and a reader
that has seen id ``n`` has seen everything before it. (SQLite has one writer at a time already.)

The store keeps ``REPLAY_WINDOW`` seconds of events (``ESSAIM_LIVE_REPLAY_SECONDS``, 10 minutes by
default): a page that was offline for less gets everything it missed when it reconnects; one offline
for longer is told to reload. One publish in ``PRUNE_EVERY`` deletes what is older.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from essaim.realtime import bus
from essaim.realtime.models import LiveEvent

logger = logging.getLogger(__name__)

PRUNE_EVERY = 500
ATTEMPTS = 5
ADVISORY_LOCK = 0x6C697665  # "live"


def replay_window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LIVE_REPLAY_SECONDS)


def publish(kind: str, *, audience: Sequence[Sequence[str]], data: dict[str, Any], home: Iterable[str] = ()) -> None:
    """Tell the pages of everyone in ``audience`` (``access.audience`` clauses) that ``kind`` happened,
    once the current transaction commits (at once outside one)."""
    if not audience:
        return
    clauses = [list(clause) for clause in audience]
    home_keys = list(home)
    transaction.on_commit(lambda: _store_and_wake(kind, clauses, data, home_keys))


def _store_and_wake(kind: str, audience: list[list[str]], data: dict[str, Any], home: list[str]) -> None:
    for attempt in range(ATTEMPTS):
        try:
            event = _store(kind, audience, data, home)
            break
        except OperationalError as error:  # SQLite's "table is locked" (a shared cache) is not waited out
            if attempt + 1 < ATTEMPTS and "locked" in str(error):
                time.sleep(0.01 * (attempt + 1))
                continue
            logger.exception("Could not publish the live event %s %s", kind, data)
            return
        except Exception:  # a page not told live is told on its next load: never fail the caller
            logger.exception("Could not publish the live event %s %s", kind, data)
            return
    else:
        return
    if event.pk % PRUNE_EVERY == 0:
        prune()
    bus.wake(event.pk)


def _store(kind: str, audience: list[list[str]], data: dict[str, Any], home: list[str]) -> LiveEvent:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        return LiveEvent.objects.create(kind=kind, audience=audience, data=data, home=home)


def prune(now: datetime.datetime | None = None) -> int:
    """Delete the events older than the replay window, the newest one always kept."""
    newest = latest_id()
    cutoff = (now or timezone.now()) - replay_window()
    deleted, _ = LiveEvent.objects.filter(at__lt=cutoff, pk__lt=newest).delete()
    return deleted


def latest_id() -> int:
    """The newest event's id (0 when there is none): what a page rendered now has been told of."""
    return LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
