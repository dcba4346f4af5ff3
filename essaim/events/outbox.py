"""The outbox's worker loop: take the rows that are due, run their consumer, forget them once done.

A worker takes up to ``CLAIM`` due rows at a time with one conditional ``UPDATE`` (due, and not
given up on), marking them with a token of its own and moving them ``lease`` seconds on: two
workers never take the same row while the lease lasts (on PostgreSQL the second ``UPDATE`` waits
for the first and then finds the rows no longer due; on SQLite writes take turns). A row whose
worker died while running it is due again when its lease ends (``ESSAIM_OUTBOX_LEASE``, 60 s by
default: longer than any consumer's run), and its work is done again: consumers are idempotent.
A consumer that raises gets the row back after ``BACKOFF_S`` × 2^(attempts − 1) seconds (at most
``BACKOFF_MAX_S``), the error kept; after ``MAX_ATTEMPTS`` the row stays, ``failed_at`` set.

``manage.py worker`` (``serve`` starts it) runs ``run_forever`` in a thread beside the task
worker, polling every ``--interval`` seconds when nothing is due: one indexed query.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from essaim.events import pipeline
from essaim.events.models import OutboxItem
from essaim.events.types import from_payload

logger = logging.getLogger(__name__)

CLAIM = 20
MAX_ATTEMPTS = 8
BACKOFF_S = 2.0
BACKOFF_MAX_S = 3600.0


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "OUTBOX_LEASE_S", 60)))


def backoff(attempts: int) -> timedelta:
    """The pause before the next attempt after ``attempts`` failed ones: 2 s, 4 s, 8 s… at most an hour."""
    return timedelta(seconds=min(BACKOFF_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


def claim(limit: int = CLAIM) -> list[OutboxItem]:
    """Take up to ``limit`` due rows for this worker (oldest due first)."""
    now = timezone.now()
    due = OutboxItem.objects.filter(failed_at__isnull=True, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    due.filter(pk__in=ids).update(claimed_by=token, next_attempt_at=now + lease(), attempts=F("attempts") + 1)
    return list(OutboxItem.objects.filter(claimed_by=token).order_by("id"))


def run(item: OutboxItem) -> bool:
    """Run one claimed row's consumer; ``True`` when done (the row is deleted)."""
    if attempt(item):
        OutboxItem.objects.filter(pk=item.pk, claimed_by=item.claimed_by).delete()
        return True
    return False


def attempt(item: OutboxItem) -> bool:
    """Run one claimed row's consumer; ``True`` when it is done (the caller deletes the row), else the row
    comes back later with its error, or is given up on."""
    mine = OutboxItem.objects.filter(pk=item.pk, claimed_by=item.claimed_by)
    try:
        pipeline.run_durable(item.consumer, from_payload(item.kind, item.payload))
    except Exception as exc:
        now = timezone.now()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if item.attempts >= MAX_ATTEMPTS:
            mine.update(failed_at=now, last_error=error)
            logger.error(
                "Outbox: %s gave up on %s after %d attempts: %s", item.consumer, item.kind, item.attempts, error
            )
        else:
            mine.update(next_attempt_at=now + backoff(item.attempts), last_error=error)
            logger.warning("Outbox: %s failed on %s (attempt %d): %s", item.consumer, item.kind, item.attempts, error)
        return False
    return True


def drain(*, budget_s: float = 5.0) -> int:
    """Run the due rows until none is left or ``budget_s`` has passed; returns how many were done. The rows
    done in one claim go in one statement (one commit fewer per row for the worker)."""
    done = 0
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline and (items := claim()):
        finished = [item.pk for item in items if attempt(item)]
        OutboxItem.objects.filter(pk__in=finished, claimed_by=items[0].claimed_by).delete()
        done += len(finished)
    return done


def run_forever(*, interval: float, stop: threading.Event) -> None:
    """The worker's outbox loop, until ``stop`` is set; waits ``interval`` seconds when nothing was due."""
    while not stop.is_set():
        close_old_connections()
        try:
            worked = drain()
        except Exception:
            logger.exception("Outbox: the loop failed; trying again")
            worked = 0
        if not worked:
            stop.wait(interval)
