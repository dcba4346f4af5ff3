"""Reads of moderation: the queue (open reports grouped by target, with their context), a report to decide, a
person's warnings, and the suspension that keeps someone from signing in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.stream import MODERATING_ROLES
from essaim.core.ids import parse_id
from essaim.moderation.models import Decision, ModerationWarning, Report, Suspension, TargetKind

QUEUE_LIMIT = 200  # open reports read for one page of the queue; the oldest first
EARLIER_LIMIT = 5  # earlier decisions shown for one target


@dataclass
class History:
    """What the queue says of an author: earlier warnings, suspensions, and posts or comments removed."""

    warnings: int = 0
    suspensions: int = 0
    removed: int = 0


@dataclass
class Group:
    """The open reports of one target, oldest first, and what the moderator needs to decide."""

    key: str
    reports: list[Report]
    earlier: list[Report] = field(default_factory=list)
    history: History = field(default_factory=History)
    readable: bool = False  # whether the moderator may read the post or comment (else it is not shown)
    decisions: list[str] = field(default_factory=list)  # those the moderator may take

    @property
    def first(self) -> Report:
        return self.reports[0]

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counted: dict[str, int] = defaultdict(int)
        for report in self.reports:
            counted[report.get_reason_display()] += 1
        return sorted(counted.items(), key=lambda item: -item[1])


def suspension_for(*, user: Any) -> Suspension | None:
    """The suspension that keeps ``user`` from signing in now (the one that ends last), or None."""
    if getattr(user, "pk", None) is None:
        return None
    return Suspension.objects.filter(user_id=user.pk, until__gt=timezone.now()).order_by("-until").first()


def queue_count_sql(actor: Actor) -> tuple[str, list[Any]]:
    """``(SELECT COUNT(*) …) + (SELECT COUNT(*) …)``: what waits in ``actor``'s moderation queue — the open reports
    they decide (the rule is the policy's: ``access.visible_sql``) and the posts waiting for approval in the
    unarchived spaces they moderate (``approval.awaiting_for``) —, and its parameters: a piece of the navigation's
    one statement (``spaces.selectors.pending_for``)."""
    from essaim.spaces.models import Membership, Space
    from essaim.stream.models import Post
    from essaim.watchrules.models import WatchHit, WatchRule

    condition, params = access.visible_sql(actor, Report, "mr")
    roles = ", ".join(["%s"] * len(MODERATING_ROLES))
    reports = f"(SELECT COUNT(*) FROM {Report._meta.db_table} mr WHERE mr.status = %s AND {condition})"  # noqa: S608
    held = (  # a watch rule's hold: compliance decides first (``watchrules.screening.held_post_ids``)
        f"SELECT 1 FROM {WatchHit._meta.db_table} wh WHERE wh.post_id = wp.id AND wh.action = %s AND wh.status = %s"  # noqa: S608
    )
    waiting = (
        f"(SELECT COUNT(*) FROM {Post._meta.db_table} wp WHERE wp.awaiting_approval = %s AND wp.space_id IN "  # noqa: S608
        f"(SELECT wm.space_id FROM {Membership._meta.db_table} wm JOIN {Space._meta.db_table} ws ON ws.id = wm.space_id"
        f" WHERE wm.user_id = %s AND wm.role IN ({roles}) AND ws.archived_at IS NULL) AND NOT EXISTS ({held}))"
    )
    return (
        f"({reports} + {waiting})",  # names from the models' meta, values as parameters
        [
            Report.Status.OPEN.value,
            *params,
            True,
            actor.pk,
            *MODERATING_ROLES,
            WatchRule.Action.HOLD.value,
            WatchHit.Status.OPEN.value,
        ],
    )


def open_reports_for(*, actor: Actor) -> Any:
    return access.visible(actor, Report.objects.filter(status=Report.Status.OPEN))


def report_get_for(*, actor: Actor, report_id: str | int) -> Report:
    """A report ``actor`` may decide, or 404 (a report is not shown to anyone else)."""
    identifier = parse_id(str(report_id))
    if identifier is None:
        raise Http404
    found = access.visible(actor, Report.objects.select_related("space", "author", "post__author")).filter(
        pk=identifier
    )
    report = found.first()
    if report is None:
        raise Http404
    return report


def queue_for(*, actor: Actor) -> list[Group]:
    """The open reports ``actor`` decides, grouped by target (the oldest waiting first), each group with its
    context: the target as loaded (shown only if the actor may read it), earlier decisions on it, its author's
    history, and the decisions the actor may take. A fixed number of queries, whatever the number of groups."""
    reports = list(
        open_reports_for(actor=actor)
        .select_related(
            "reporter__profile", "author__profile", "post__author__profile", "post__space", "comment__author", "space"
        )
        .order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    grouped: dict[str, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.target_key, []).append(report)
    groups = [Group(key=key, reports=items) for key, items in grouped.items()]
    if not groups:
        return []
    _add_earlier(groups)
    _add_history(groups)
    for group in groups:
        group.readable = _readable(actor, group.first)
        group.decisions = decisions_for(actor=actor, report=group.first)
    return groups


def _add_earlier(groups: list[Group]) -> None:
    resolved = Report.objects.filter(target_key__in=[g.key for g in groups], status=Report.Status.RESOLVED)
    earlier: dict[str, list[Report]] = defaultdict(list)
    for report in resolved.order_by("-resolved_at")[: EARLIER_LIMIT * len(groups)]:
        if len(earlier[report.target_key]) < EARLIER_LIMIT:
            earlier[report.target_key].append(report)
    for group in groups:
        group.earlier = earlier.get(group.key, [])


def _add_history(groups: list[Group]) -> None:
    authors = sorted({g.first.author_id for g in groups})
    histories = {pk: History() for pk in authors}
    warned = ModerationWarning.objects.filter(user_id__in=authors).values("user_id").annotate(n=Count("pk"))
    for row in warned:
        histories[row["user_id"]].warnings = row["n"]
    suspended = Suspension.objects.filter(user_id__in=authors).values("user_id").annotate(n=Count("pk"))
    for row in suspended:
        histories[row["user_id"]].suspensions = row["n"]
    removed = (
        Report.objects.filter(author_id__in=authors, decision__in=[Decision.HIDDEN, Decision.DELETED])
        .exclude(target_kind=TargetKind.PERSON)
        .values("author_id")
        .annotate(n=Count("target_key", distinct=True))
    )
    for removed_row in removed:
        histories[removed_row["author_id"]].removed = removed_row["n"]
    for group in groups:
        group.history = histories[group.first.author_id]


def _readable(actor: Actor, report: Report) -> bool:
    if report.target_kind == TargetKind.PERSON:
        return True
    if report.target_kind == TargetKind.COMMENT:
        return report.comment is not None and access.can(actor, Action.VIEW, report.comment)
    return report.post is not None and access.can(actor, Action.VIEW, report.post)


def decisions_for(*, actor: Actor, report: Report) -> list[str]:
    """The decisions ``actor`` may take on ``report`` (the buttons the queue shows), in the queue's order."""
    allowed = [Decision.DISMISSED.value]
    if report.target_kind == TargetKind.POST and report.post is not None:
        if access.can(actor, Action.HIDE, report.post) and report.post.hidden_at is None:
            allowed.append(Decision.HIDDEN.value)
        if access.can(actor, Action.DELETE, report.post):
            allowed.append(Decision.DELETED.value)
    comment = report.comment if report.target_kind == TargetKind.COMMENT else None
    if comment is not None and access.can(actor, Action.DELETE, comment):
        allowed.append(Decision.DELETED.value)
    allowed.append(Decision.WARNED.value)
    if access.can(actor, Action.SUSPEND, report.author):
        allowed.append(Decision.SUSPENDED.value)
    return allowed


def warnings_for(*, actor: Actor) -> list[ModerationWarning]:
    """``actor``'s warnings, unread first, newest first."""
    mine = list(access.visible(actor, ModerationWarning.objects.all()).order_by("-created_at")[:100])
    return sorted(mine, key=lambda warning: warning.read_at is not None)


def warning_get_for(*, actor: Actor, warning_id: int) -> ModerationWarning:
    found = access.visible(actor, ModerationWarning.objects.filter(pk=warning_id)).first()
    if found is None:
        raise Http404
    return found
