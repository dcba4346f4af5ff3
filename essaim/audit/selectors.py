"""What the audit log's viewer and export read: entries filtered, newest first, by id cursor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.audit.models import AuditEntry, AuditTargetLabel
from essaim.core.ids import is_digits
from essaim.core.pagination import Cursor, Page, paginate

EXPORT_CHUNK = 2000
# Entries are numbered as they are written, and ``at`` is read a moment before: ids follow time to within far less
# than this. A date range becomes a range of ids (an index seek on ``at`` for each end, this much wider), then the
# exact dates are checked on the entries in it: a page is a range scan of the primary key, not of a year's index.
# Entries written at the same instant are told apart by their ids: the first end takes the lowest, the last the highest.
CLOCK_SKEW = timedelta(hours=1)
# Labels matched by a search by words, at most, before the search reads the entries' labels instead.
LABELS = 200


@dataclass(frozen=True)
class Filters:
    actor_id: int | None = None
    action: str = ""
    target: str = ""  # a target's id (digits: through an index), else words of its label (read through)
    since: date | None = None  # from this day, in the reader's time zone
    until: date | None = None  # to this day, included


def _filtered(filters: Filters) -> QuerySet[AuditEntry]:
    entries: QuerySet[AuditEntry] = AuditEntry.objects.all()
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.action:
        entries = entries.filter(action=filters.action)
    words = filters.target.strip()
    if is_digits(words):
        entries = entries.filter(target_id=words)
    elif words:
        entries = _by_label(entries, words)
    if filters.since is not None:
        since = _day_start(filters.since)
        first = AuditEntry.objects.filter(at__gte=since - CLOCK_SKEW).order_by("at", "id").values("id")[:1]
        entries = entries.filter(id__gte=Subquery(first), at__gte=since)
    if filters.until is not None:
        until = _day_start(filters.until + timedelta(days=1))
        last = AuditEntry.objects.filter(at__lt=until + CLOCK_SKEW).order_by("-at", "-id").values("id")[:1]
        entries = entries.filter(id__lte=Subquery(last), at__lt=until)
    return entries


def _by_label(entries: QuerySet[AuditEntry], words: str) -> QuerySet[AuditEntry]:
    """Entries whose target's name holds ``words``: the few labels that do, then their entries by index. Words
    found in very many labels ("a") read the entries' labels newest first instead, where a page fills fast."""
    labels = list(AuditTargetLabel.objects.filter(label__icontains=words).values_list("label", flat=True)[: LABELS + 1])
    if len(labels) > LABELS:
        return entries.filter(target_label__icontains=words)
    return entries.filter(target_label__in=labels)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries_for(*, actor: Actor, filters: Filters, cursor: Cursor) -> Page[AuditEntry]:
    require(actor, Action.VIEW_AUDIT_LOG)
    return paginate(_filtered(filters), cursor)


def entries_to_export(*, actor: Actor, filters: Filters) -> Iterator[AuditEntry]:
    """Every entry the filters keep, newest first, read by chunks of ids (memory stays bounded)."""
    require(actor, Action.VIEW_AUDIT_LOG)
    before: int | None = None
    while True:
        chunk = _filtered(filters)
        if before is not None:
            chunk = chunk.filter(id__lt=before)
        rows = list(chunk.order_by("-id")[:EXPORT_CHUNK])
        yield from rows
        if len(rows) < EXPORT_CHUNK:
            return
        before = rows[-1].id
