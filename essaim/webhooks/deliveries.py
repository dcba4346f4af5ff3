"""Outgoing deliveries: the durable fan-out of events into ``Delivery`` rows, and their sending.

The fan-out (``consumers.fan_out``) writes one row per active endpoint that subscribed to the event, in the
space it happened in or network-wide, and asks a task to send them (``tasks.send_deliveries``). A sender takes
the endpoint's due rows (a conditional ``UPDATE`` that marks them with its token and moves them a lease on, as
the outbox does: two senders never take the same row, and a sender that died leaves them due again), builds
each body from what the endpoint's owner may read *now* (``payloads.data_for``), signs it as Standard Webhooks
says and POSTs it through the safe fetcher (``core.safe_fetch``), the one way out.

A 2xx answer delivers. Anything else is tried again after ``RETRY_DELAYS`` (5 s, 5 min, 30 min, 2 h, 5 h, 8 h,
8 h: about a day), with the same ``webhook-id``; then the row is failed. Each attempt leaves its status,
latency and the answer's first characters on the row (the delivery log). An endpoint whose deliveries keep
failing (``DISABLE_AFTER`` failed attempts in a row, or a delivery given up with no success since it was
written) is disabled and its owner told by e-mail; enabling it again sends what waited.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from essaim.core import safe_fetch
from essaim.events.types import Event
from essaim.network import site
from essaim.webhooks import payloads
from essaim.webhooks.models import Delivery, Endpoint

logger = logging.getLogger(__name__)

RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 28800, 28800)  # seconds after attempts 1, 2, … (7 retries: ≈ 1 day)
DISABLE_AFTER = 50  # failed attempts in a row
CLAIM = 50
SENDERS = 8  # requests in flight per sender
LEASE = timedelta(seconds=120)
LIMITS = safe_fetch.Limits(max_bytes=64 * 1024, timeout=10.0, connect_timeout=5.0, max_redirects=0)
EXCERPT = 500


def fan_out(event: Event) -> list[int]:
    """The rows for ``event`` (one per subscribed, active endpoint); returns the endpoints to send to."""
    kind = payloads.event_type(event)
    if kind is None:
        return []
    found, space_id = payloads.space_of(event)
    if not found:
        return []
    scope = Endpoint.objects.filter(is_active=True, space__isnull=True)
    if space_id is not None:
        scope = scope | Endpoint.objects.filter(is_active=True, space_id=space_id)
    endpoints = [e for e in scope.only("id", "events") if kind in e.events]
    if not endpoints:
        return []
    data = event.payload()
    Delivery.objects.bulk_create(
        Delivery(endpoint_id=e.pk, msg_id=f"msg_{uuid.uuid4().hex}", event_type=kind, event=data) for e in endpoints
    )
    return [e.pk for e in endpoints]


def claim(endpoint_id: int, *, limit: int = CLAIM) -> list[Delivery]:
    """Take up to ``limit`` due rows of the endpoint for this sender (oldest first)."""
    now = timezone.now()
    due = Delivery.objects.filter(endpoint_id=endpoint_id, state=Delivery.State.PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    due.filter(pk__in=ids).update(claimed_by=token, next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    return list(Delivery.objects.filter(claimed_by=token, state=Delivery.State.PENDING).order_by("id"))


def send_due(endpoint_id: int, *, budget_s: float = 60.0) -> int:
    """Send the endpoint's due rows until none is left or ``budget_s`` has passed; returns how many were tried.

    Each claimed batch is built here (the database, in this thread), sent ``SENDERS`` requests at a time (the
    waits on the receiver overlap), then recorded here in order."""
    endpoint = Endpoint.objects.select_related("owner").filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return 0
    tried = 0
    deadline = time.monotonic() + budget_s
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="essaim-webhook") as pool:
        while time.monotonic() < deadline and (rows := claim(endpoint_id)):
            if not Endpoint.objects.filter(pk=endpoint_id, is_active=True).exists():  # disabled from its page
                Delivery.objects.filter(claimed_by=rows[0].claimed_by).update(
                    next_attempt_at=timezone.now(), attempts=F("attempts") - 1, claimed_by=""
                )
                break
            bodies = [prepare(endpoint, delivery) for delivery in rows]
            attempts = pool.map(lambda pair: post(endpoint, *pair), zip(rows, bodies, strict=True))
            for delivery, attempt in zip(rows, attempts, strict=True):
                tried += 1
                if record(endpoint, delivery, attempt) or endpoint.is_active:
                    continue
                # disabled meanwhile: the rest of the batch waits, due again when it is enabled
                Delivery.objects.filter(claimed_by=delivery.claimed_by, state=Delivery.State.PENDING).update(
                    next_attempt_at=timezone.now(), attempts=F("attempts") - 1, claimed_by=""
                )
                return tried
    return tried


def signed_headers(endpoint: Endpoint, msg_id: str, body: str, *, at: datetime | None = None) -> dict[str, str]:
    moment = at or timezone.now()
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(msg_id, moment, body),
    }


@dataclass(frozen=True)
class Attempt:
    status: int | None = None
    latency_ms: int = 0
    excerpt: str = ""
    error: str = ""
    skipped: bool = False


def prepare(endpoint: Endpoint, delivery: Delivery) -> str | None:
    """The body of ``delivery``, from what the endpoint's owner may read now (``None``: nothing to send)."""
    with translation.override(endpoint.owner.language or settings.LANGUAGE_CODE):
        data = payloads.data_for(endpoint.owner, delivery.event_type, delivery.event)
    if data is None:
        return None
    return json.dumps(payloads.body(delivery.event_type, data), separators=(",", ":"), ensure_ascii=False)


def post(endpoint: Endpoint, delivery: Delivery, body: str | None) -> Attempt:
    """One signed request through the safe fetcher (no database: it runs in the sender's threads)."""
    if body is None:
        return Attempt(skipped=True)
    started = time.monotonic()
    try:
        result = safe_fetch.fetch(
            endpoint.url,
            method="POST",
            headers=signed_headers(endpoint, delivery.msg_id, body),
            body=body.encode(),
            limits=LIMITS,
            follow_redirects=False,
        )
    except safe_fetch.FetchError as exc:
        return Attempt(latency_ms=int((time.monotonic() - started) * 1000), error=exc.code)
    excerpt = result.body[:EXCERPT].decode(errors="replace")
    return Attempt(status=result.status, latency_ms=int((time.monotonic() - started) * 1000), excerpt=excerpt)


def send(endpoint: Endpoint, delivery: Delivery) -> bool:
    """One attempt at ``delivery``, recorded; ``True`` when delivered (or skipped: nothing its owner may read)."""
    return record(endpoint, delivery, post(endpoint, delivery, prepare(endpoint, delivery)))


def record(endpoint: Endpoint, delivery: Delivery, attempt: Attempt) -> bool:
    """Write an attempt's outcome on its row (and the endpoint's failures); ``True`` when it needs no retry."""
    mine = Delivery.objects.filter(pk=delivery.pk, claimed_by=delivery.claimed_by)
    now = timezone.now()
    if attempt.skipped:
        mine.update(state=Delivery.State.SKIPPED, claimed_by="", last_attempt_at=now)
        return True
    status, error = attempt.status, attempt.error
    outcome: dict[str, Any] = {
        "last_attempt_at": now, "status_code": status, "latency_ms": attempt.latency_ms,
        "response_excerpt": attempt.excerpt, "error": error, "claimed_by": "",
    }  # fmt: skip
    if status is not None and 200 <= status < 300:
        mine.update(state=Delivery.State.DELIVERED, **outcome)
        if endpoint.failure_streak:
            Endpoint.objects.filter(pk=endpoint.pk).update(failure_streak=0)
            endpoint.failure_streak = 0
        return True
    given_up = delivery.attempts > len(RETRY_DELAYS)
    if given_up:
        mine.update(state=Delivery.State.FAILED, **outcome)
    else:
        mine.update(next_attempt_at=now + timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1]), **outcome)
    Endpoint.objects.filter(pk=endpoint.pk).update(failure_streak=F("failure_streak") + 1)
    endpoint.failure_streak += 1
    if endpoint.failure_streak >= DISABLE_AFTER or (given_up and endpoint.failure_streak >= delivery.attempts):
        endpoint_disable_failing(endpoint, reason=describe(status, error))
    return False


def describe(status: int | None, error: str) -> str:
    """An attempt's outcome in words (the reader's language)."""
    if error:
        return safe_fetch.describe(error)
    return _("The endpoint answered with HTTP status %(status)s.") % {"status": status}


def endpoint_disable_failing(endpoint: Endpoint, *, reason: str) -> None:
    """Disable an endpoint that keeps failing, and tell its owner by e-mail (once: a disabled one is left)."""
    with translation.override(endpoint.owner.language or settings.LANGUAGE_CODE):
        why = _("Disabled after repeated failures: %(reason)s") % {"reason": reason}
        changed = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_reason=why[:300]
        )
        endpoint.is_active = False
        if not changed:
            return
        link = site.absolute_url(reverse("webhooks:endpoint", kwargs={"endpoint_id": endpoint.pk}))
        body = _(
            "Essaim stopped sending events to %(url)s: its deliveries kept failing.\n\n%(why)s\n\n"
            "Once the receiver works again, enable it: the events that waited are sent then.\n%(link)s"
        ) % {"url": endpoint.url, "why": why, "link": link}
        try:
            EmailMessage(_("Essaim: a webhook was disabled"), body, site.sender(), [endpoint.owner.email]).send()
        except OSError:  # no mail server: the page says it too (the endpoint shows why it is disabled)
            logger.exception("Webhooks: could not tell the owner of endpoint %s", endpoint.pk)
    logger.warning("Webhooks: endpoint %s disabled (%s)", endpoint.pk, reason)


def due_endpoints() -> list[int]:
    """The active endpoints that have due rows (the periodic retry's question)."""
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now())
    ids = set(due.values_list("endpoint_id", flat=True).distinct()[:1000])
    return list(Endpoint.objects.filter(pk__in=ids, is_active=True).values_list("id", flat=True))


def prune(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget the finished deliveries older than ``older_than`` (the log keeps a month)."""
    old = Delivery.objects.filter(created_at__lt=timezone.now() - older_than).exclude(state=Delivery.State.PENDING)
    return old.delete()[0]
