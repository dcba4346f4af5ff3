"""Writes of watch rules and of the compliance queue. Each checks the actor's right first and is audited.

A rule's change reaches the matcher of this process when its transaction commits (``screening.forget``), and
the other processes' within ``screening.CHECK_SECONDS``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.audit.models import AuditAction
from essaim.audit.services import record
from essaim.documents.selectors import extracted_texts
from essaim.moderation.models import ModerationWarning
from essaim.stream import services as stream
from essaim.stream.models import Attachment, Mention, Post
from essaim.watchrules import engine, screening
from essaim.watchrules.models import WatchHit, WatchRule

FIELDS = ("name", "kind", "terms", "explanation", "action", "is_active")


def _clean(rule: WatchRule) -> None:
    """The rule's own checks: words to look for, a pattern RE2 accepts (a clear message otherwise)."""
    rule.name = rule.name.strip()
    if rule.kind == WatchRule.Kind.WORDS and not engine.terms_of(rule.terms):
        raise ValidationError({"terms": _("Write the words or phrases to look for, one a line.")})
    if rule.kind == WatchRule.Kind.PATTERN:
        try:
            engine.check_pattern(rule.terms)
        except engine.PatternError as exc:
            raise ValidationError({"terms": _pattern_message(str(exc))}) from exc
    if rule.kind in engine.DETECTORS:
        rule.terms = ""
    rule.full_clean()


def _pattern_message(reason: str) -> str:
    if reason == "empty":
        return _("Write the pattern to look for.")
    if reason == "too long":
        return _("This pattern is too long: %(limit)d characters at most.") % {"limit": engine.PATTERN_MAX_CHARS}
    if reason == "matches everything":
        return _("This pattern matches any text, even an empty one: make it say what to look for.")
    return _(
        "This pattern is not valid (%(reason)s). Patterns use RE2's syntax: no back-references (\\1) nor "
        "look-arounds ((?=…), (?!…)), which could make a check take forever."
    ) % {"reason": reason}


def _changed(rule: WatchRule) -> None:
    transaction.on_commit(screening.changed)
    screening.forget()  # this transaction's own screenings see the change too


def _details(rule: WatchRule) -> dict[str, Any]:
    return {"kind": rule.kind, "rule_action": rule.action, "active": rule.is_active}


@transaction.atomic
def rule_create(*, actor: User, data: dict[str, Any]) -> WatchRule:
    access.require(actor, Action.MANAGE_WATCH_RULES)
    rule = WatchRule(created_by=actor, **{name: data[name] for name in FIELDS if name in data})
    _clean(rule)
    rule.save()
    record(AuditAction.WATCH_RULE_CREATED, actor=actor, target=rule, label=rule.name, **_details(rule))
    _changed(rule)
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: WatchRule, data: dict[str, Any]) -> WatchRule:
    """Change a rule (``data``: any of ``FIELDS``; ``is_active`` False disables it, True enables it)."""
    access.require(actor, Action.EDIT, rule)
    before = {name: getattr(rule, name) for name in FIELDS}
    for name in FIELDS:
        if name in data:
            setattr(rule, name, data[name])
    _clean(rule)
    changed = [name for name in FIELDS if getattr(rule, name) != before[name]]
    if not changed:
        return rule
    rule.updated_at = timezone.now()
    rule.save()
    record(AuditAction.WATCH_RULE_CHANGED, actor=actor, target=rule, label=rule.name, changed=changed, **_details(rule))
    _changed(rule)
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: WatchRule) -> None:
    """Delete a rule; its matches stay in the queue, with its name."""
    access.require(actor, Action.DELETE, rule)
    record(AuditAction.WATCH_RULE_DELETED, actor=actor, target=rule, label=rule.name, **_details(rule))
    rule.delete()
    _changed(rule)


# --- the compliance queue -------------------------------------------------------------------


def _decide(hit: WatchHit, *, actor: User, decision: str, note: str = "") -> None:
    hit.status, hit.decision, hit.note = WatchHit.Status.RESOLVED, decision, note
    hit.resolved_at, hit.resolved_by = timezone.now(), actor
    hit.save(update_fields=["status", "decision", "note", "resolved_at", "resolved_by"])
    record(
        AuditAction.WATCH_HIT_DECIDED,
        actor=actor,
        target=hit,
        label=_("Match of “%(rule)s” by @%(handle)s") % {"rule": hit.rule_name, "handle": hit.author.handle},
        decision=decision,
        post_id=hit.post_id,
    )


def _require_open(actor: User, hit: WatchHit) -> None:
    access.require(actor, Action.EDIT, hit)
    if hit.status != WatchHit.Status.OPEN:
        raise ValidationError(_("This match was reviewed already."))


@transaction.atomic
def hit_acknowledge(*, actor: User, hit: WatchHit) -> WatchHit:
    """A reported match looked at: nothing to do (the content stays as it is)."""
    _require_open(actor, hit)
    if hit.is_held:
        raise ValidationError(_("This post is held: publish it or delete it."))
    _decide(hit, actor=actor, decision=WatchHit.Decision.ACKNOWLEDGED)
    return hit


@transaction.atomic
def hit_approve(*, actor: User, hit: WatchHit) -> WatchHit:
    """Release a held post. Once no other match holds it: shown again if it was out before (an edit, a file's
    text), published now if it never was, or left to its space's moderators when the space asks for approval."""
    _require_open(actor, hit)
    if not hit.is_held:
        raise ValidationError(_("Only a held post can be published from here."))
    _decide(hit, actor=actor, decision=WatchHit.Decision.APPROVED)
    post = Post.objects.select_related("space", "author").get(pk=hit.post_id or 0)
    if WatchHit.objects.filter(post=post, action=WatchRule.Action.HOLD, status=WatchHit.Status.OPEN).exists():
        return hit
    waits = post.space is not None and not access.can(post.author, Action.PUBLISH_DIRECTLY, post.space)
    if waits and not hit.published_before:
        return hit  # the space's pre-approval queue has it now
    post.awaiting_approval, post.hidden_at = False, None
    post.save(update_fields=["awaiting_approval", "hidden_at"])
    if not hit.published_before:
        mentioned = Mention.objects.filter(post=post, comment__isnull=True).exclude(user_id=post.author_id)
        documents = Attachment.objects.filter(post=post, is_image=False).exists() if post.attachment_count else False
        stream.post_published(
            post, mentioned_ids=tuple(mentioned.values_list("user_id", flat=True)), with_documents=documents
        )
    return hit


@transaction.atomic
def hit_reject(*, actor: User, hit: WatchHit, note: str) -> None:
    """Delete a held post and tell its author why (``note``, required: a warning on their warnings page)."""
    _require_open(actor, hit)
    if not hit.is_held:
        raise ValidationError(_("Only a held post can be deleted from here."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Tell the author why their post is not published.")]})
    post = Post.objects.get(pk=hit.post_id or 0)
    _decide(hit, actor=actor, decision=WatchHit.Decision.REJECTED, note=note)
    others = WatchHit.objects.filter(post=post, status=WatchHit.Status.OPEN).exclude(pk=hit.pk)
    others.update(status=WatchHit.Status.RESOLVED, decision=WatchHit.Decision.REJECTED, resolved_at=hit.resolved_at)
    ModerationWarning.objects.create(user=hit.author, message=note, created_by=actor)
    stream.post_delete_unchecked(actor=actor, post=post)


# --- attachments' text (after the fact) ---------------------------------------------------


@transaction.atomic
def attachment_screen(*, attachment_id: int, post_id: int, comment_id: int | None) -> list[WatchHit]:
    """A file's text was read (the worker, ``DocumentTextExtracted``): its matches go to compliance. Nobody can be
    warned any more; a "hold" hides a post's file's post until compliance decides, and is a report for a
    comment's file (a comment cannot wait hidden)."""
    text = extracted_texts([attachment_id]).get(attachment_id, "")
    if not text:
        return []
    verdict = screening.Verdict()
    for hit in screening.matcher().match(text):
        if hit.action == WatchRule.Action.HOLD:
            verdict.hold.append(hit)
        elif hit.action == WatchRule.Action.REPORT:
            verdict.report.append(hit)
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if not verdict or post is None:
        return []
    holds = verdict.holds and comment_id is None
    published = not post.awaiting_approval
    rows = screening.record(
        verdict,
        author_id=post.author_id if comment_id is None else _comment_author(comment_id, post.author_id),
        source=WatchHit.Source.ATTACHMENT,
        post_id=post.pk,
        comment_id=comment_id,
        attachment_id=attachment_id,
        published_before=published,
        holds_as_reports=not holds,
    )
    if holds and published:
        post.awaiting_approval, post.hidden_at = True, timezone.now()
        post.save(update_fields=["awaiting_approval", "hidden_at"])
    return rows


def _comment_author(comment_id: int, fallback: int) -> int:
    from essaim.stream.models import Comment

    author = Comment.objects.filter(pk=comment_id).values_list("author_id", flat=True).first()
    return author if author is not None else fallback
