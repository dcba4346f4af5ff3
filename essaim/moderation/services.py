"""Writes of moderation: reporting, and the decisions that resolve reports.

A decision resolves the report it was taken on and every other open report of the same target, is written in
the audit log (labels that name ids and handles, never content: compliance reads the log, not secret spaces),
and emits ``ReportsResolved``: the notifications' consumer tells each reporter the outcome in neutral words and
the author what was done and why. Refusals are ``ValidationError`` with a translated message; ``Http404`` and
``PermissionDenied`` as ``access.require`` decides.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.accounts.services import user_credentials_revoke
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.core.ratelimits import take
from essaim.events import emit
from essaim.events.types import ReportsResolved
from essaim.moderation.models import (
    NOTE_MAX,
    REPORT_TEXT_MAX,
    Decision,
    ModerationWarning,
    Reason,
    Report,
    Suspension,
    TargetKind,
)
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post

SUSPENSION_MAX_DAYS = 365
Target = Post | Comment | User


def target_of(target: Target) -> dict[str, Any]:
    """A report's target fields for ``target`` (see ``models``: the post's space, the author)."""
    if isinstance(target, Comment):
        post = target.post
        return {
            "target_kind": TargetKind.COMMENT,
            "target_key": f"comment:{target.pk}",
            "post": post,
            "comment": target,
            "author_id": target.author_id,
            "space_id": post.space_id,
        }
    if isinstance(target, Post):
        return {
            "target_kind": TargetKind.POST,
            "target_key": f"post:{target.pk}",
            "post": target,
            "author_id": target.author_id,
            "space_id": target.space_id,
        }
    return {"target_kind": TargetKind.PERSON, "target_key": f"person:{target.pk}", "author_id": target.pk}


@transaction.atomic
def report_create(*, actor: User, target: Target, reason: str, details: str = "") -> Report:
    """Report a post, a comment or a person ``actor`` may see (not their own) for ``reason`` (``Reason``), with
    at most ``REPORT_TEXT_MAX`` characters of ``details``. Once per target while the report is open; at most
    ``core.ratelimits``' "report" limit (20 an hour by default: 429 on the pages and in the API)."""
    access.require(actor, Action.REPORT, target)
    details = details.strip()
    errors: dict[str, list[str]] = {}
    if reason not in Reason.values:
        errors["reason"] = [_("Choose the reason that fits best; “Something else” if none does.")]
    if len(details) > REPORT_TEXT_MAX:
        errors["details"] = [_too_long(len(details), REPORT_TEXT_MAX)]
    if errors:
        raise ValidationError(errors)
    fields = target_of(target)
    if Report.objects.filter(reporter_id=actor.pk, target_key=fields["target_key"], status=Report.Status.OPEN).exists():
        raise ValidationError(_("You have already reported this: a moderator will look at it soon."), code="reported")
    take("report", actor.pk)
    report = Report(reporter=actor, reason=reason, details=details, **fields)
    report.full_clean(validate_constraints=False)  # the unique constraint is the database's, behind the check above
    report.save()
    return report


@transaction.atomic
def reports_create(*, actor: User, targets: list[Target], reason: str, details: str = "") -> list[Report]:
    """One report per target, all or none (Mastodon's report of an account with several of its statuses)."""
    return [report_create(actor=actor, target=target, reason=reason, details=details) for target in targets]


def _too_long(count: int, limit: int) -> str:
    return ngettext(
        "This is too long: %(count)d characters, the limit is %(limit)d character.",
        "This is too long: %(count)d characters, the limit is %(limit)d characters.",
        limit,
    ) % {"count": count, "limit": limit}


def target_label(report: Report) -> str:
    """Words for the audit log that name the target without telling its content."""
    handle = report.author.handle
    if report.target_kind == TargetKind.POST:
        return _("Post #%(id)s by @%(handle)s") % {"id": report.target_key.split(":")[1], "handle": handle}
    if report.target_kind == TargetKind.COMMENT:
        return _("Comment #%(id)s by @%(handle)s") % {"id": report.target_key.split(":")[1], "handle": handle}
    return f"{report.author.get_full_name() or report.author.email} (@{handle})"


@transaction.atomic
def report_decide(
    *, actor: User, report: Report, decision: str, note: str = "", days: int | None = None
) -> list[Report]:
    """Decide ``report`` (``Decision``): dismiss it, hide the post, delete the post or the comment, warn the
    author (``note`` is the message they read), or suspend the author's account for ``days`` (network
    administrators). Resolves every open report of the same target; returns them."""
    access.require(actor, Action.MODERATE_REPORTS, report)
    report = (
        Report.objects.select_for_update(of=("self",))  # the report's row: PostgreSQL locks no outer join's side
        .select_related("author", "post__author", "post__space")
        .get(pk=report.pk)
    )
    if not report.is_open:
        raise ValidationError(_("This report was already handled."), code="resolved")
    note = note.strip()
    _check_decision(report, decision=decision, note=note, days=days)
    details: dict[str, Any] = {"reason": report.reason}
    keys = {report.target_key}
    if decision == Decision.DELETED and report.target_kind == TargetKind.POST:  # its comments' reports go with it
        on_post = Report.objects.filter(post_id=_post(report).pk, status=Report.Status.OPEN)
        keys |= set(on_post.values_list("target_key", flat=True))
    match decision:
        case Decision.DISMISSED:
            record(AuditAction.REPORT_DISMISSED, actor=actor, target=report, space_id=report.space_id,
                   label=target_label(report), **details)  # fmt: skip
        case Decision.HIDDEN:
            stream.post_hide(actor=actor, post=_post(report))  # logged as a hidden post
        case Decision.DELETED:
            _delete(actor, report, details)
        case Decision.WARNED:
            _warn(actor, report, note, details)
        case Decision.SUSPENDED:
            _suspend(actor, report, note, days or 0, details)
    return _resolve(actor, report, keys, decision=decision, note=note)


def _check_decision(report: Report, *, decision: str, note: str, days: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    elif decision in {Decision.HIDDEN, Decision.DELETED} and report.target_kind == TargetKind.PERSON:
        errors["decision"] = [_("A person cannot be hidden or deleted: warn them, or suspend their account.")]
    elif decision == Decision.HIDDEN and report.target_kind != TargetKind.POST:
        errors["decision"] = [_("Only a post can be hidden; delete the comment instead.")]
    elif decision in {Decision.HIDDEN, Decision.DELETED} and report.post_id is None:
        errors["decision"] = [_("This content was deleted already.")]
    if decision in {Decision.WARNED, Decision.SUSPENDED} and not note:
        errors["note"] = [_("Say why: the author reads this message.")]
    if len(note) > NOTE_MAX:
        errors["note"] = [_too_long(len(note), NOTE_MAX)]
    if decision == Decision.SUSPENDED and not (days is not None and 1 <= days <= SUSPENSION_MAX_DAYS):
        errors["days"] = [
            _("Suspend for 1 to %(max)d days.") % {"max": SUSPENSION_MAX_DAYS},
        ]
    if errors:
        raise ValidationError(errors)


def _post(report: Report) -> Post:
    assert report.post is not None  # _check_decision
    return report.post


def _delete(actor: User, report: Report, details: dict[str, Any]) -> None:
    label = target_label(report)
    if report.target_kind == TargetKind.COMMENT:
        comments = Comment.objects.select_related("post__space", "post__author")
        comment = comments.filter(pk=report.comment_id).first() if report.comment_id is not None else None
        if comment is None:
            raise ValidationError({"decision": [_("This content was deleted already.")]})
        record(AuditAction.CONTENT_DELETED, actor=actor, target=comment, space_id=report.space_id, label=label,
               **details)  # fmt: skip
        stream.comment_delete(actor=actor, comment=comment)
    else:
        post = _post(report)
        record(AuditAction.CONTENT_DELETED, actor=actor, target=post, space_id=report.space_id, label=label, **details)
        stream.post_delete(actor=actor, post=post)


def _warn(actor: User, report: Report, note: str, details: dict[str, Any]) -> None:
    ModerationWarning.objects.create(
        user=report.author, message=note, reason=report.reason, report=report, created_by=actor
    )
    record(AuditAction.AUTHOR_WARNED, actor=actor, target=report.author, space_id=report.space_id,
           about=target_label(report), **details)  # fmt: skip


def _suspend(actor: User, report: Report, note: str, days: int, details: dict[str, Any]) -> None:
    access.require(actor, Action.SUSPEND, report.author)
    until = timezone.now() + timedelta(days=days)
    Suspension.objects.create(user=report.author, until=until, reason=note, report=report, created_by=actor)
    user_credentials_revoke(user=report.author)  # signed out everywhere, tokens revoked: they sign in again after
    record(AuditAction.ACCOUNT_SUSPENDED, actor=actor, target=report.author, days=days, until=until.isoformat(),
           credentials_revoked=True, **details)  # fmt: skip


def _resolve(actor: User, report: Report, keys: set[str], *, decision: str, note: str) -> list[Report]:
    others = Report.objects.select_for_update().filter(target_key__in=sorted(keys), status=Report.Status.OPEN)
    ids = sorted(others.values_list("pk", flat=True))
    now = timezone.now()
    Report.objects.filter(pk__in=ids).update(
        status=Report.Status.RESOLVED, resolved_at=now, resolved_by=actor, decision=decision, decision_note=note
    )
    emit(ReportsResolved(actor_id=actor.pk, report_id=report.pk, report_ids=tuple(ids), decision=decision))
    return list(Report.objects.filter(pk__in=ids))


@transaction.atomic
def warning_mark_read(*, actor: User, warning: ModerationWarning) -> ModerationWarning:
    """The person says they read the warning (again: nothing changes)."""
    access.require(actor, Action.READ_WARNING, warning)
    if warning.read_at is None:
        warning.read_at = timezone.now()
        warning.save(update_fields=["read_at"])
    return warning
