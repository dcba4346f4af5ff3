"""Scheduled posts: written now, published later by the periodic job, exactly once, as their author.

``scheduled_post_create`` checks what ``post_create`` would (``services.post_check``: the policy, the text, the
mentions, the kind, the watch rules' warning) and keeps the post as given, its files reserved. At its time the
job (``stream.jobs``) publishes it through ``services.post_create`` with the author as actor: the policy, the
space's pre-approval, the watch rules and the notifications decide then, as for a post written that minute. One
worker publishes each: the row is claimed by an ``UPDATE`` in the publication's transaction and deleted in it, so a
second worker (or a run taken over) finds nothing to claim, on PostgreSQL (the row's lock) as on SQLite (one
writer at a time). Refused then, nothing is written and the row stays, ``failed``, with the reason in its author's
language; a rate limit only delays it to the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.pagination import Cursor, Page, paginate
from essaim.core.ratelimits import RateLimited
from essaim.spaces.models import Space
from essaim.stream import services
from essaim.stream.models import Attachment, Post, PostKind, ScheduledPost, Visibility

logger = logging.getLogger(__name__)

MIN_AHEAD = timedelta(minutes=5)  # Mastodon's: an earlier time is refused
MAX_AHEAD = timedelta(days=365)
MAX_PER_PERSON = 300  # Mastodon's limit of scheduled statuses per account
SCHEDULABLE_KINDS = frozenset({PostKind.POST, PostKind.QUESTION, PostKind.POLL})  # their input is plain JSON
DUE_BATCH = 100  # published per run of the job; the next run takes the rest


def _checked_time(scheduled_at: datetime, *, now: datetime | None = None) -> datetime:
    """``scheduled_at`` (UTC when it names no time zone), at least ``MIN_AHEAD`` and at most ``MAX_AHEAD`` ahead."""
    now = now or timezone.now()
    if timezone.is_naive(scheduled_at):
        scheduled_at = scheduled_at.replace(tzinfo=UTC)
    if scheduled_at < now + MIN_AHEAD:
        raise ValidationError({"scheduled_at": _("Choose a time at least 5 minutes from now.")})
    if scheduled_at > now + MAX_AHEAD:
        raise ValidationError({"scheduled_at": _("Choose a time within a year from now.")})
    return scheduled_at


def scheduled_post_create(
    *,
    actor: User,
    scheduled_at: datetime,
    body: str,
    visibility: str = Visibility.COMPANY,
    space: Space | None = None,
    media: Sequence[Attachment] = (),
    kind: str = PostKind.POST,
    kind_data: Mapping[str, Any] | None = None,
    confirm_watch: bool = False,
) -> ScheduledPost:
    """Keep a post to publish at ``scheduled_at``; ``media`` (the actor's pending uploads) are reserved for it."""
    if kind not in SCHEDULABLE_KINDS:
        raise ValidationError({"scheduled_at": _("Only posts, questions and polls can be scheduled.")})
    body = services.post_check(
        actor=actor,
        body=body,
        visibility=visibility,
        media=media,
        space=space,
        kind=kind,
        kind_data=kind_data,
        confirm_watch=confirm_watch,
    )
    scheduled_at = _checked_time(scheduled_at)
    if ScheduledPost.objects.filter(author=actor).count() >= MAX_PER_PERSON:
        message = _("You already have %(count)d scheduled posts: publish or cancel some first.")
        raise ValidationError({"scheduled_at": message % {"count": MAX_PER_PERSON}})
    scheduled = ScheduledPost(
        author=actor,
        scheduled_at=scheduled_at,
        body=body,
        visibility=visibility,
        space=space,
        kind=kind,
        kind_data=dict(kind_data) if kind_data else None,
        confirm_watch=confirm_watch,
    )
    scheduled.full_clean(exclude=["author", "space"], validate_unique=False)
    with transaction.atomic():
        scheduled.save(force_insert=True)
        if media:
            free = Attachment.objects.filter(
                pk__in=[item.pk for item in media], post__isnull=True, scheduled_post__isnull=True, uploaded_by=actor
            )
            if free.update(scheduled_post=scheduled) != len(media):
                raise ValidationError({"media_ids": _("These files are not your pending uploads.")})
    return scheduled


def scheduled_post_reschedule(*, actor: User, scheduled: ScheduledPost, scheduled_at: datetime) -> ScheduledPost:
    """Move a scheduled post to another time; a post that failed is tried again then."""
    access.require(actor, Action.EDIT, scheduled)
    scheduled.scheduled_at = _checked_time(scheduled_at)
    scheduled.state, scheduled.failure = ScheduledPost.State.SCHEDULED, ""
    updated = ScheduledPost.objects.filter(pk=scheduled.pk).update(
        scheduled_at=scheduled.scheduled_at, state=scheduled.state, failure=""
    )
    if not updated:  # published (or cancelled) meanwhile
        raise Http404
    return scheduled


def scheduled_post_cancel(*, actor: User, scheduled: ScheduledPost) -> None:
    """Cancel a scheduled post: it will not be published. Its files go back to the author's pending uploads (removed
    later with the others that no post took: ``manage.py purge_media``)."""
    access.require(actor, Action.DELETE, scheduled)
    ScheduledPost.objects.filter(pk=scheduled.pk).delete()


def _refusal(error: Exception) -> str:
    """Why a scheduled post could not be published, in words for its author."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, Http404):
        return _("The space it was to go into no longer exists for you.")
    return _("You may no longer post there.")


def scheduled_post_publish(*, scheduled_id: int, now: datetime | None = None) -> Post | None:
    """Publish the scheduled post ``scheduled_id`` if it is due and nobody did yet (a system job: the author's rights
    are checked by ``post_create``); ``None`` when there was nothing to do or it was refused (then marked failed)."""
    now = now or timezone.now()
    scheduled = ScheduledPost.objects.select_related("author", "space").filter(pk=scheduled_id).first()
    if scheduled is None or scheduled.state != ScheduledPost.State.SCHEDULED or scheduled.scheduled_at > now:
        return None
    author = scheduled.author
    with translation.override(author.language or None):
        try:
            with transaction.atomic():
                claimed = ScheduledPost.objects.filter(
                    pk=scheduled.pk, state=ScheduledPost.State.SCHEDULED, scheduled_at__lte=now
                ).update(failure="")
                if not claimed:  # another worker published it, or its author moved or cancelled it
                    return None
                reserved = Attachment.objects.filter(scheduled_post_id=scheduled.pk)
                files = list(reserved.values_list("pk", flat=True))
                reserved.update(scheduled_post=None)  # pending uploads again, for post_create to take (or not: undone)
                post = services.post_create(
                    actor=author,
                    body=scheduled.body,
                    visibility=scheduled.visibility,
                    media=list(Attachment.objects.filter(pk__in=files)),
                    space=scheduled.space,
                    kind=scheduled.kind,
                    kind_data=scheduled.kind_data,
                    confirm_watch=scheduled.confirm_watch,
                )
                ScheduledPost.objects.filter(pk=scheduled.pk).delete()
        except RateLimited:
            return None  # too many posts at once: the next run publishes it
        except (ValidationError, PermissionDenied, Http404) as error:
            failure = _refusal(error)
            ScheduledPost.objects.filter(pk=scheduled.pk, state=ScheduledPost.State.SCHEDULED).update(
                state=ScheduledPost.State.FAILED, failure=failure[:2000]
            )
            logger.info("Scheduled post %s not published: %s", scheduled.pk, failure)
            return None
    return post


def scheduled_posts_publish_due(*, now: datetime | None = None) -> int:
    """Publish the scheduled posts whose time has come, soonest first (``DUE_BATCH`` a run); how many went out."""
    now = now or timezone.now()
    due = ScheduledPost.objects.filter(state=ScheduledPost.State.SCHEDULED, scheduled_at__lte=now)
    ids = list(due.order_by("scheduled_at", "id").values_list("pk", flat=True)[:DUE_BATCH])
    return sum(1 for scheduled_id in ids if scheduled_post_publish(scheduled_id=scheduled_id, now=now) is not None)


# --- reads --------------------------------------------------------------------------------


def scheduled_post_list_for(*, actor: Actor) -> list[ScheduledPost]:
    """``actor``'s scheduled posts (failed ones included), soonest first, with their spaces and files (three
    queries whatever their number)."""
    mine = access.visible(actor, ScheduledPost.objects.select_related("space"))
    return list(mine.order_by("scheduled_at", "id").prefetch_related("attachments")[:MAX_PER_PERSON])


def scheduled_post_page_for(*, actor: Actor, cursor: Cursor) -> Page[ScheduledPost]:
    """``actor``'s scheduled posts by id, newest first, as Mastodon pages them (``max_id``, ``since_id``…)."""
    page = paginate(access.visible(actor, ScheduledPost.objects.all()), cursor)
    with_files = {
        row.pk: row
        for row in ScheduledPost.objects.filter(pk__in=[r.pk for r in page.items]).prefetch_related("attachments")
    }
    return Page(
        items=[with_files[r.pk] for r in page.items], next_max_id=page.next_max_id, prev_min_id=page.prev_min_id
    )


def scheduled_post_get_for(*, actor: Actor, scheduled_id: int) -> ScheduledPost:
    """One of ``actor``'s scheduled posts, or 404 (someone else's is as missing as one published already)."""
    found = access.visible(actor, ScheduledPost.objects.filter(pk=scheduled_id)).prefetch_related("attachments")
    scheduled = found.first()
    if scheduled is None:
        raise Http404
    return scheduled
