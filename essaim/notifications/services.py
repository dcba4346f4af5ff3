"""Writes of notifications: telling people (for the event consumer, ``consumers``) what they chose to be
told, marking read, and their choices (a channel per kind, a level per space, muted threads)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import time
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.rows import fetch, placeholders
from essaim.notifications.models import (
    DEFAULT_CHANNELS,
    DEFAULT_DIGEST,
    DEFAULT_SPACE_LEVEL,
    Channel,
    Digest,
    EmailPreferences,
    Marker,
    Notification,
    NotificationSetting,
    PendingEmail,
    SpaceLevel,
    SpaceNotificationLevel,
    ThreadMute,
)
from essaim.realtime.publish import publish
from essaim.spaces.models import Membership
from essaim.stream.models import Post, Reaction
from essaim.webpush.services import push_on_commit

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
    report_id: int | None = None,
) -> int:
    """Tell each of ``recipient_ids`` (never the actor themselves, nor a deactivated account) that ``kind``
    happened; once per ``source`` each, however often this runs. Returns how many people it was for.

    Nobody who chose to hear nothing of ``kind``, muted the post's thread or muted its space (``willing``).
    Without a permission check: the consumer decided who may know (``access``) before calling.
    """
    wanted = sorted(set(recipient_ids) - {actor_id})
    written = 0
    for start in range(0, len(wanted), BATCH):  # an announcement reaches everyone: bounded statements
        told = willing(wanted[start : start + BATCH], kind=kind, post_id=post_id)
        with transaction.atomic():  # a notification and its e-mail to come, together
            written += _write(
                told,
                kind=kind,
                source=source,
                actor_id=actor_id,
                post_id=post_id,
                comment_id=comment_id,
                space_id=space_id,
                accepted=accepted,
                report_id=report_id,
            )
        ring_bells(told)
    return written


def _write(told: list[int], *, kind: str, **about: Any) -> int:
    """Write ``told``'s notifications of ``kind`` (those of an earlier run of the same source are kept, not
    doubled) and the e-mails owed for the new ones."""
    rows = [Notification(recipient_id=pk, kind=kind, **about) for pk in told]
    written = len(Notification.objects.bulk_create(rows, ignore_conflicts=True))
    push_on_commit(rows)  # to the apps that subscribed (``webpush``), once committed
    emailed = by_email(told, kind=kind)
    if emailed:  # only the rows really written (a second run's are not): their ids are known before insert
        ids = [row.pk for row in rows if row.recipient_id in emailed]
        new = Notification.objects.filter(pk__in=ids).values_list("pk", "recipient_id")
        PendingEmail.objects.bulk_create(
            [PendingEmail(notification_id=pk, recipient_id=recipient) for pk, recipient in new], ignore_conflicts=True
        )
    return written


def by_email(user_ids: Sequence[int], *, kind: str) -> set[int]:
    """Those of ``user_ids`` whose channel for ``kind`` includes e-mail (their choice, else the default)."""
    if not user_ids:
        return set()
    chosen = dict(NotificationSetting.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "channel"))
    default = DEFAULT_CHANNELS[kind]
    return {pk for pk in user_ids if chosen.get(pk, default) == Channel.APP_AND_EMAIL}


def ring_bells(user_ids: Iterable[int]) -> None:
    """Their open pages draw their bell again, once this transaction commits (``realtime``)."""
    publish("bell", audience=[(f"u{pk}",) for pk in user_ids], data={})


def willing(user_ids: Sequence[int], *, kind: str, post_id: int | None = None) -> list[int]:
    """Those of ``user_ids`` whose accounts are active and who want to hear of ``kind`` (about ``post_id``):
    not who turned ``kind`` off, muted the post's thread, or muted the space it is in. One statement for all
    of them, written once per shape (the ORM took longer to build it than to run it, for every event)."""
    if not user_ids:
        return []
    params: list[Any] = [*user_ids, kind, Channel.NOTHING.value]
    if post_id is not None:
        params += [post_id, post_id, SpaceLevel.NOTHING.value]
    return [pk for (pk,) in fetch(_willing_sql(len(user_ids), post_id is not None), params)]


@cache
def _willing_sql(count: int, about_a_post: bool) -> str:
    users, settings_ = User._meta.db_table, NotificationSetting._meta.db_table
    sql = (
        f"SELECT u.id FROM {users} u WHERE u.id IN ({placeholders(count)}) AND u.is_active AND u.kind <> 'bot' "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {settings_} s WHERE s.user_id = u.id AND s.kind = %s AND s.channel = %s)"
    )
    if about_a_post:
        mutes, levels, posts = ThreadMute._meta.db_table, SpaceNotificationLevel._meta.db_table, Post._meta.db_table
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {mutes} t WHERE t.user_id = u.id AND t.post_id = %s)"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM {levels} l JOIN {posts} p ON p.space_id = l.space_id"
            " WHERE l.user_id = u.id AND p.id = %s AND l.level = %s)"
        )
    return sql


@transaction.atomic
def notify_reaction(*, recipient_id: int, actor_id: int, post_id: int) -> Notification | None:
    """Reactions to one post, grouped while unread: the unread row gives way to a new one on top, naming
    the latest to react and how many others did (``others``). Nothing for the post's author's own."""
    if recipient_id == actor_id:
        return None
    if not willing([recipient_id], kind=Kind.REACTION, post_id=post_id):
        return None
    unread = Notification.objects.filter(recipient_id=recipient_id, kind=Kind.REACTION, post_id=post_id, read_at=None)
    unread.delete()
    reactors = Reaction.objects.filter(post_id=post_id).exclude(user_id=recipient_id).values("user_id").distinct()
    ring_bells([recipient_id])
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=Kind.REACTION,
        actor_id=actor_id,
        post_id=post_id,
        others=max(reactors.count() - 1, 0),
    )
    if by_email([recipient_id], kind=Kind.REACTION):  # the unread row's e-mail went with it: this one says all
        PendingEmail.objects.create(notification=notification, recipient_id=recipient_id)
    push_on_commit([notification])
    return notification


@transaction.atomic
def marker_save(*, actor: Actor, timeline: str, last_read_id: int) -> Marker:
    """Where ``actor`` stopped reading ``timeline`` (``Marker.Timeline``); each save counts one more version.
    An unknown timeline is refused with a message."""
    access.require(actor, Action.KEEP_MARKERS)
    if timeline not in Marker.Timeline.values:
        raise ValidationError(
            {"timeline": _("Markers are kept for these timelines: %(names)s.") % {"names": ", ".join(Marker.Timeline)}}
        )
    marker, created = Marker.objects.select_for_update().get_or_create(
        user_id=actor.pk, timeline=timeline, defaults={"last_read_id": last_read_id}
    )
    if not created:
        marker.last_read_id = last_read_id
        marker.version += 1
        marker.updated_at = timezone.now()
        marker.save(update_fields=["last_read_id", "version", "updated_at"])
    return marker


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
    ring_bells([actor.pk])  # the count in their other tabs
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


# --- a person's choices -------------------------------------------------------------------------------


@transaction.atomic
def notification_settings_update(
    *, actor: Actor, channels: Mapping[str, str], levels: Mapping[int, str] | None = None
) -> None:
    """Save ``actor``'s channel for each kind in ``channels`` and level for each space in ``levels`` (by space
    id, spaces they belong to). Only what differs from the defaults is kept; a choice back to the default
    removes its row. Refuses the whole change with a message for an unknown kind, channel or level, or a
    space ``actor`` is not a member of."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    levels = levels or {}
    _check_choices(actor=actor, channels=channels, levels=levels)
    NotificationSetting.objects.filter(user_id=actor.pk, kind__in=list(channels)).delete()
    NotificationSetting.objects.bulk_create(
        NotificationSetting(user_id=actor.pk, kind=kind, channel=channel)
        for kind, channel in channels.items()
        if channel != DEFAULT_CHANNELS[kind]
    )
    SpaceNotificationLevel.objects.filter(user_id=actor.pk, space_id__in=list(levels)).delete()
    SpaceNotificationLevel.objects.bulk_create(
        SpaceNotificationLevel(user_id=actor.pk, space_id=space_id, level=level)
        for space_id, level in levels.items()
        if level != DEFAULT_SPACE_LEVEL
    )


def _check_choices(*, actor: Actor, channels: Mapping[str, str], levels: Mapping[int, str]) -> None:
    errors: dict[str, list[str]] = {}
    if set(channels) - set(Kind.values):
        errors.setdefault("channels", []).append(_("This kind of notification does not exist."))
    if set(channels.values()) - set(Channel.values):
        errors.setdefault("channels", []).append(_("Choose in the app, in the app and by e-mail, or nothing."))
    if set(levels.values()) - set(SpaceLevel.values):
        errors.setdefault("levels", []).append(_("Choose every post, mentions only, or nothing."))
    mine = set(
        Membership.objects.filter(user_id=actor.pk, space_id__in=list(levels)).values_list("space_id", flat=True)
    )
    if set(levels) - mine:
        errors.setdefault("levels", []).append(_("You can only choose for the spaces you belong to."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def notification_settings_save(
    *,
    actor: Actor,
    channels: Mapping[str, str],
    levels: Mapping[int, str],
    digest: str,
    quiet_from: time | None,
    quiet_until: time | None,
) -> None:
    """The settings page's whole form: channels, space levels, digest and quiet hours, all or nothing."""
    notification_settings_update(actor=actor, channels=channels, levels=levels)
    email_preferences_update(actor=actor, digest=digest, quiet_from=quiet_from, quiet_until=quiet_until)


@transaction.atomic
def email_preferences_update(
    *, actor: Actor, digest: str, quiet_from: time | None = None, quiet_until: time | None = None
) -> EmailPreferences:
    """Save how often ``actor`` gets the digest and their quiet hours (both ends, or neither). Refused with a
    message for an unknown frequency, one end of the quiet hours without the other, or an empty range."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    errors: dict[str, list[str]] = {}
    if digest not in Digest.values:
        errors["digest"] = [_("Choose every day, every week or never.")]
    if (quiet_from is None) != (quiet_until is None):
        errors["quiet_until"] = [_("Give both the start and the end of your quiet hours, or neither.")]
    elif quiet_from is not None and quiet_from == quiet_until:
        errors["quiet_until"] = [_("Your quiet hours must end at another time than they start.")]
    if errors:
        raise ValidationError(errors)
    preferences = EmailPreferences(user_id=actor.pk, digest=digest, quiet_from=quiet_from, quiet_until=quiet_until)
    if digest == DEFAULT_DIGEST and quiet_from is None:
        EmailPreferences.objects.filter(user_id=actor.pk).delete()  # only what differs from the defaults is kept
    else:
        preferences.save()
    return preferences


@transaction.atomic
def thread_mute_set(*, actor: Actor, post: Post, muted: bool) -> bool:
    """Mute (or unmute) ``post`` for ``actor``: while muted, nothing about it reaches them. Again changes
    nothing. Returns whether it is muted now. A post ``actor`` may not see answers 404."""
    access.require(actor, Action.MUTE_THREAD, ThreadMute(user_id=actor.pk, post=post))
    if muted:
        ThreadMute.objects.get_or_create(user_id=actor.pk, post_id=post.pk)
    else:
        ThreadMute.objects.filter(user_id=actor.pk, post_id=post.pk).delete()
    return muted
