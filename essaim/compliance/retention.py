"""Applying the retention policies: the periodic job ``compliance.retention`` (``jobs.py``) calls ``run``.

For each policy, the posts it governs that were published more than ``days`` ago are deleted or archived,
``BATCH`` at a time, each batch in its own transaction through the stream's services (their events keep
search, timelines and live pages right). A space's own policy governs its posts; the network's governs posts
outside spaces and in spaces without one. A post a legal hold covers is never touched (``holds``).

Idempotent and catching up: a run looks at what is owed (old posts still there, or not yet hidden), not at
when it last ran; at most ``MAX_PER_RUN`` posts per policy a run, the rest the next run. Each policy that
did something writes one audit entry (``retention.applied``: how many, what, the cut-off); a run with nothing
to do writes none. A post's comments go with it; they are not dated on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.compliance import holds
from essaim.compliance.models import RetentionPolicy
from essaim.stream import services as stream
from essaim.stream.models import Post

BATCH = 200
MAX_PER_RUN = 20_000


@dataclass(frozen=True)
class Applied:
    policy_id: int
    space_id: int | None
    mode: str
    count: int


def governed(policy: RetentionPolicy, *, own_policy_spaces: set[int]) -> QuerySet[Post]:
    """The posts ``policy`` governs, whatever their age."""
    if policy.space_id is not None:
        return Post.objects.filter(space_id=policy.space_id)
    return Post.objects.filter(Q(space__isnull=True) | ~Q(space_id__in=own_policy_spaces))


def due(policy: RetentionPolicy, *, now: datetime, own_policy_spaces: set[int]) -> QuerySet[Post]:
    """The posts ``policy`` has yet to delete or archive at ``now``, none a hold covers."""
    posts = governed(policy, own_policy_spaces=own_policy_spaces).filter(
        created_at__lt=now - timedelta(days=policy.days), awaiting_approval=False
    )
    if policy.mode == RetentionPolicy.Mode.ARCHIVE:
        posts = posts.filter(hidden_at__isnull=True)
    return holds.posts_not_held(posts)


def apply(policy: RetentionPolicy, *, now: datetime, own_policy_spaces: set[int]) -> Applied:
    """Delete or archive what ``policy`` has due, in batches; one audit entry if it did something."""
    act = (
        stream.posts_delete_unchecked if policy.mode == RetentionPolicy.Mode.DELETE else stream.posts_archive_unchecked
    )
    done = 0
    while done < MAX_PER_RUN:
        with transaction.atomic():
            # Read again in each batch's transaction: a hold placed meanwhile is honoured.
            ids = list(
                due(policy, now=now, own_policy_spaces=own_policy_spaces)
                .order_by("id")
                .values_list("pk", flat=True)[: min(BATCH, MAX_PER_RUN - done)]
            )
            if not ids:
                break
            done += act(post_ids=ids)
    if done:
        record(
            AuditAction.RETENTION_APPLIED,
            actor=None,
            target=policy,
            space_id=policy.space_id,
            label=policy.space.name if policy.space is not None else "",
            mode=policy.mode,
            days=policy.days,
            count=done,
            before=(now - timedelta(days=policy.days)).isoformat(),
        )
    return Applied(policy.pk, policy.space_id, policy.mode, done)


def run(*, now: datetime | None = None) -> list[Applied]:
    """Apply every policy (the periodic job); what each did."""
    now = now or timezone.now()
    policies = list(RetentionPolicy.objects.select_related("space").order_by("space_id", "pk"))
    own = {p.space_id for p in policies if p.space_id is not None}
    return [apply(policy, now=now, own_policy_spaces=own) for policy in policies]
