"""Writes of notifications: telling people (for the event consumer, ``consumers``) and marking read."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.notifications.models import Notification
from essaim.stream.models import Reaction

Kind = Notification.Kind
BATCH = 1000


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    source: str,
    actor_id: int | None,
    post_id: int | None = None,
    comment_id: int | None = None,
    space_id: int | None = None,
    accepted: bool | None = None,
) -> int:
    """Tell each of ``recipient_ids`` (never the actor themselves, nor a deactivated account) that ``kind``
    happened; once per ``source`` each, however often this runs. Returns how many people it was for.

    Without a permission check: the consumer decided who may know (``access``) before calling.
    """
    wanted = sorted(set(recipient_ids) - {actor_id})
    written = 0
    for start in range(0, len(wanted), BATCH):  # an announcement reaches everyone: bounded statements
        chunk = wanted[start : start + BATCH]
        active = User.objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True)
        rows = [
            Notification(
                recipient_id=pk,
                kind=kind,
                source=source,
                actor_id=actor_id,
                post_id=post_id,
                comment_id=comment_id,
                space_id=space_id,
                accepted=accepted,
            )
            for pk in active
        ]
        written += len(Notification.objects.bulk_create(rows, ignore_conflicts=True))
    return written


@transaction.atomic
def notify_reaction(*, recipient_id: int, actor_id: int, post_id: int) -> Notification | None:
    """Reactions to one post, grouped while unread: the unread row gives way to a new one on top, naming
    the latest to react and how many others did (``others``). Nothing for the post's author's own."""
    if recipient_id == actor_id or not User.objects.filter(pk=recipient_id, is_active=True).exists():
        return None
    unread = Notification.objects.filter(recipient_id=recipient_id, kind=Kind.REACTION, post_id=post_id, read_at=None)
    unread.delete()
    reactors = Reaction.objects.filter(post_id=post_id).exclude(user_id=recipient_id).values("user_id").distinct()
    return Notification.objects.create(
        recipient_id=recipient_id,
        kind=Kind.REACTION,
        actor_id=actor_id,
        post_id=post_id,
        others=max(reactors.count() - 1, 0),
    )


def notification_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of ``actor``'s notifications read (again: nothing changes)."""
    access.require(actor, Action.EDIT, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, actor: Actor) -> int:
    """Mark every unread notification of ``actor`` read; returns how many were."""
    access.require(actor, Action.READ_NOTIFICATIONS)
    return Notification.objects.filter(recipient_id=actor.pk, read_at=None).update(read_at=timezone.now())


def notification_dismiss(*, actor: Actor, notification: Notification) -> None:
    """Delete one of ``actor``'s notifications (Mastodon's dismiss)."""
    access.require(actor, Action.DELETE, notification)
    notification.delete()


def notifications_clear(*, actor: Actor) -> int:
    """Delete every notification of ``actor`` (Mastodon's clear); returns how many there were."""
    access.require(actor, Action.READ_NOTIFICATIONS)
    deleted, _detail = Notification.objects.filter(recipient_id=actor.pk).delete()
    return deleted
