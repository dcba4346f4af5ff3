"""Writes of must-read announcements: ask for a read confirmation, confirm, remind those who have not.

Asking makes the post an announcement when it is not one yet (pinned until ``expires_at``, as the stream
pins them); each person it targets sees it pinned until they confirm it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events import emit
from essaim.events.types import ReadConfirmed, ReadReminderSent
from essaim.mustread import cards
from essaim.mustread.models import MustRead, ReadConfirmation
from essaim.people.models import Department
from essaim.stream import services as stream_services
from essaim.stream.models import Post

DEFAULT_DAYS = 30


@transaction.atomic
def must_read_require(
    *, actor: User, post: Post, department: Department | None = None, expires_at: datetime | None = None
) -> MustRead:
    """Ask the people ``post`` targets (its audience; only ``department``'s when given) to confirm they read
    it. The post is pinned as an announcement (until ``expires_at``, else as it is, else ``DEFAULT_DAYS``)."""
    access.require(actor, Action.REQUIRE_READ, post)
    if expires_at is not None or not post.is_active_announcement:
        until = expires_at or timezone.now() + timedelta(days=DEFAULT_DAYS)
        stream_services.announcement_set(actor=actor, post=post, expires_at=until)
    must_read, created = MustRead.objects.get_or_create(
        post=post, defaults={"department": department, "required_by": actor}
    )
    if not created and must_read.department_id != (department.pk if department else None):
        must_read.department = department
        must_read.save(update_fields=["department"])
    must_read.post = post
    cards.forget()  # now, and again once committed (a reader may cache the old list in between)
    transaction.on_commit(cards.forget)
    return must_read


@transaction.atomic
def must_read_drop(*, actor: User, post: Post) -> None:
    """No longer ask for confirmations (those given are deleted with it); the announcement stays pinned."""
    access.require(actor, Action.REQUIRE_READ, post)
    MustRead.objects.filter(post=post).delete()
    cards.forget()
    transaction.on_commit(cards.forget)


def read_confirm(*, actor: User, must_read: MustRead) -> ReadConfirmation:
    """``actor`` read it: it is no longer pinned for them, and its author sees them among those who confirmed.
    Confirming twice changes nothing (the first confirmation's time stays)."""
    access.require(actor, Action.CONFIRM_READ, must_read)
    try:
        with transaction.atomic():
            confirmation = ReadConfirmation.objects.create(must_read=must_read, user=actor)
            emit(ReadConfirmed(actor_id=actor.pk, post_id=must_read.pk))
    except IntegrityError:  # already confirmed (a double click, another tab)
        return ReadConfirmation.objects.get(must_read=must_read, user=actor)
    return confirmation


@transaction.atomic
def read_remind(*, actor: User, must_read: MustRead) -> int:
    """Remind the people who have not confirmed yet (a notification each, once per reminder). Returns the
    reminder's number."""
    access.require(actor, Action.REMIND_UNCONFIRMED, must_read)
    locked = MustRead.objects.select_for_update().get(pk=must_read.pk)
    locked.reminders += 1
    locked.reminded_at = timezone.now()
    locked.save(update_fields=["reminders", "reminded_at"])
    must_read.reminders, must_read.reminded_at = locked.reminders, locked.reminded_at
    emit(ReadReminderSent(actor_id=actor.pk, post_id=must_read.pk, reminder=locked.reminders))
    return locked.reminders
