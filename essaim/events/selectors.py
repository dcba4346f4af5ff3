"""What the outbox holds, for monitoring (``essaim.health``): no actor, no rows, only counts and an age."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from essaim.events.models import OutboxItem


@dataclass(frozen=True)
class OutboxBacklog:
    """``due``: rows a worker should be running now; ``failed``: rows given up on (``failed_at`` set), kept for
    an administrator; ``oldest_due_at``: when the longest-waiting due row became due (``None``: none due)."""

    due: int
    failed: int
    oldest_due_at: datetime.datetime | None


def outbox_backlog(*, now: datetime.datetime) -> OutboxBacklog:
    """The outbox's backlog at ``now``, in one statement. A row a worker holds is not due: taking it moved
    its ``next_attempt_at`` past its lease (``events.outbox.claim``)."""
    due = Q(failed_at__isnull=True, next_attempt_at__lte=now)
    found = OutboxItem.objects.aggregate(
        due=Count("pk", filter=due),
        failed=Count("pk", filter=Q(failed_at__isnull=False)),
        oldest_due_at=Min("next_attempt_at", filter=due),
    )
    return OutboxBacklog(due=found["due"], failed=found["failed"], oldest_due_at=found["oldest_due_at"])
