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
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from essaim.core import safe_fetch
from essaim.core.rows import database, statement
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

    Each claimed batch's bodies are built here at once (its posts read and its owner's rights asked in a few
    queries, ``payloads.data_for_many``) and sent ``SENDERS`` requests at a time on connections kept open to the
    endpoint (``safe_fetch.Session``: the waits on the receiver overlap, no connection made per delivery). While
    a batch is on the wire, the next one is claimed, built and queued behind it, and the one before is recorded
    (in order, one transaction): the senders never wait for the database."""
    endpoint = Endpoint.objects.select_related("owner").filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return 0
    tried = 0
    deadline = time.monotonic() + budget_s
    with (
        ThreadPoolExecutor(SENDERS, thread_name_prefix="essaim-webhook") as pool,
        safe_fetch.Session(maxsize=SENDERS) as session,
    ):

        def start() -> tuple[list[Delivery], list[Future[Attempt]]] | None:
            """The next batch claimed, built and queued for sending (None: nothing due, time is up, or disabled)."""
            if time.monotonic() >= deadline or not (rows := claim(endpoint_id)):
                return None
            if not Endpoint.objects.filter(pk=endpoint_id, is_active=True).exists():  # disabled from its page
                _release(rows[0].claimed_by)
                return None
            bodies = prepare_batch(endpoint, rows)
            return rows, [pool.submit(post, endpoint, d, b, session=session) for d, b in zip(rows, bodies, strict=True)]

        current = start()
        while current is not None:
            upcoming = start()
            rows, sent = current
            tried += record_batch(endpoint, rows, [future.result() for future in sent])
            if not endpoint.is_active and upcoming is not None:  # disabled meanwhile: the next batch waits
                for future in upcoming[1]:
                    future.cancel()
                wait(upcoming[1])
                _release(upcoming[0][0].claimed_by)
                break
            current = upcoming
    return tried


def _release(token: str) -> None:
    """A claimed batch's rows not attempted after all: due again (when the endpoint is enabled, if it is not)."""
    Delivery.objects.filter(claimed_by=token, state=Delivery.State.PENDING).update(
        next_attempt_at=timezone.now(), attempts=F("attempts") - 1, claimed_by=""
    )


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
    return prepare_batch(endpoint, [delivery])[0]


def prepare_batch(endpoint: Endpoint, rows: list[Delivery]) -> list[str | None]:
    """The bodies of ``rows``, in order (``None``: nothing its owner may read now, not sent)."""
    with translation.override(endpoint.owner.language or settings.LANGUAGE_CODE):
        found = payloads.data_for_many(endpoint.owner, [(d.event_type, d.event) for d in rows])
    return [
        None
        if data is None
        else json.dumps(payloads.body(d.event_type, data), separators=(",", ":"), ensure_ascii=False)
        for d, data in zip(rows, found, strict=True)
    ]


def post(
    endpoint: Endpoint, delivery: Delivery, body: str | None, *, session: safe_fetch.Session | None = None
) -> Attempt:
    """One signed request through the safe fetcher (no database: it runs in the sender's threads)."""
    if body is None:
        return Attempt(skipped=True)
    started = time.monotonic()
    request = {
        "method": "POST",
        "headers": signed_headers(endpoint, delivery.msg_id, body),
        "body": body.encode(),
        "limits": LIMITS,
        "follow_redirects": False,
    }
    try:
        result = (session or safe_fetch).fetch(endpoint.url, **request)  # type: ignore[arg-type]  # the same keywords
    except safe_fetch.FetchError as exc:
        return Attempt(latency_ms=int((time.monotonic() - started) * 1000), error=exc.code)
    excerpt = result.body[:EXCERPT].decode(errors="replace")
    return Attempt(status=result.status, latency_ms=int((time.monotonic() - started) * 1000), excerpt=excerpt)


def send(endpoint: Endpoint, delivery: Delivery) -> bool:
    """One attempt at ``delivery``, recorded; ``True`` when delivered (or skipped: nothing its owner may read)."""
    return record(endpoint, delivery, post(endpoint, delivery, prepare(endpoint, delivery)))


def record(endpoint: Endpoint, delivery: Delivery, attempt: Attempt) -> bool:
    """Write an attempt's outcome on its row (and the endpoint's failures); ``True`` when it needs no retry."""
    record_batch(endpoint, [delivery], [attempt])
    return delivery.state in {Delivery.State.DELIVERED, Delivery.State.SKIPPED}


RECORDED = ("state", "last_attempt_at", "status_code", "latency_ms", "response_excerpt", "error", "next_attempt_at")


@statement
def _record_sql(db: BaseDatabaseWrapper) -> str:
    """One attempt's outcome on its row, if this sender's claim still holds it (run once a row, ``executemany``:
    the ORM's ``bulk_update`` cost more CPU building its ``CASE`` than the sending itself)."""
    columns = ", ".join(f"{db.ops.quote_name(name)} = %s" for name in RECORDED)  # plain fields: column = name
    return (
        f"UPDATE {db.ops.quote_name(Delivery._meta.db_table)} SET {columns}, claimed_by = '' "  # noqa: S608 - the model's
        "WHERE id = %s AND claimed_by = %s"
    )


def _record_rows(rows: list[Delivery], token: str) -> None:
    db = database()
    adapt = db.ops.adapt_datetimefield_value
    params = [
        (
            d.state,
            adapt(d.last_attempt_at),
            d.status_code,
            d.latency_ms,
            d.response_excerpt,
            d.error,
            adapt(d.next_attempt_at),
            d.pk,
            token,
        )
        for d in rows
    ]
    with db.cursor() as cursor:
        cursor.executemany(_record_sql(), params)


def record_batch(endpoint: Endpoint, rows: list[Delivery], attempts: list[Attempt]) -> int:
    """Write a batch's outcomes, in order, in one statement and one transaction (the delivery log); returns how
    many were recorded. Only rows still claimed by this sender are written (a lease that ran out is another
    sender's now). An endpoint that must be disabled on the way is, after the commit, and the rest of the batch
    is left due (sent again once it is enabled)."""
    now = timezone.now()
    recorded: list[Delivery] = []
    disable = ""
    succeeded, failures_since = False, 0  # the endpoint's failures in a row, as this batch leaves them
    streak_before = endpoint.failure_streak
    for delivery, attempt in zip(rows, attempts, strict=True):
        recorded.append(delivery)
        outcome = _outcome(delivery, attempt, now)
        if outcome is None:
            continue
        if outcome:
            succeeded, failures_since = True, 0
            endpoint.failure_streak = 0
            continue
        failures_since += 1
        endpoint.failure_streak += 1
        given_up = delivery.state == Delivery.State.FAILED
        if endpoint.failure_streak >= DISABLE_AFTER or (given_up and endpoint.failure_streak >= delivery.attempts):
            disable = describe(attempt.status, attempt.error)
            break
    if not recorded:
        return 0
    token = recorded[0].claimed_by
    with transaction.atomic():
        _record_rows(recorded, token)
        if disable:
            _release(token)
        if succeeded and (streak_before or failures_since):
            Endpoint.objects.filter(pk=endpoint.pk).update(failure_streak=failures_since)
        elif failures_since:
            Endpoint.objects.filter(pk=endpoint.pk).update(failure_streak=F("failure_streak") + failures_since)
    for delivery in recorded:
        delivery.claimed_by = ""
    if disable:
        endpoint_disable_failing(endpoint, reason=disable)
    return len(recorded)


def _outcome(delivery: Delivery, attempt: Attempt, now: datetime) -> bool | None:
    """Set an attempt's outcome on the row (not saved); ``True`` delivered, ``False`` failed (retried or given
    up), ``None`` skipped."""
    delivery.last_attempt_at = now
    if attempt.skipped:
        delivery.state = Delivery.State.SKIPPED
        return None
    delivery.status_code, delivery.latency_ms = attempt.status, attempt.latency_ms
    delivery.response_excerpt, delivery.error = attempt.excerpt, attempt.error
    if attempt.status is not None and 200 <= attempt.status < 300:
        delivery.state = Delivery.State.DELIVERED
        return True
    if delivery.attempts > len(RETRY_DELAYS):
        delivery.state = Delivery.State.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
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
