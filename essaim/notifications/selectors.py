"""Reads of notifications: a person's own, newest first, each about something they may still see."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.core.pagination import Cursor, Page, apply_cursor, page_from_rows
from essaim.core.rows import fetch
from essaim.notifications.models import (
    DEFAULT_CHANNELS,
    DEFAULT_DIGEST,
    DEFAULT_SPACE_LEVEL,
    EmailPreferences,
    Marker,
    Notification,
    NotificationSetting,
    SpaceNotificationLevel,
    ThreadMute,
)
from essaim.spaces.models import Membership, Space
from essaim.stream.models import Post

BELL_MAX = 99  # the bell says "99+" beyond


def notification_page_for(
    *,
    actor: Actor,
    cursor: Cursor,
    unread_only: bool = False,
    kinds: Collection[str] | None = None,
    with_statuses: bool = False,
) -> Page[Notification]:
    """A page of ``actor``'s notifications (of ``kinds`` only, when given) with who did it and what it
    is about (a fixed number of queries). One about a post ``actor`` may no longer read (hidden, moved
    to a space they left) is left out; the cursor still moves on from the rows read. ``with_statuses``
    also loads what the API's statuses show (the authors of the post and the comment, the comment's parent)."""
    access.require(actor, Action.READ_NOTIFICATIONS)
    queryset = access.visible(actor, Notification.objects.all())
    if unread_only:
        queryset = queryset.filter(read_at=None)
    if kinds is not None:
        queryset = queryset.filter(kind__in=kinds)
    page = page_from_rows(list(apply_cursor(_with_subjects(queryset, with_statuses=with_statuses), cursor)), cursor)
    return Page(items=_readable(actor, page.items), next_max_id=page.next_max_id, prev_min_id=page.prev_min_id)


def latest_notification_id_for(*, actor: Actor) -> int:
    """The id of ``actor``'s newest notification (0 without any): a stream opened now tells only of later ones."""
    access.require(actor, Action.READ_NOTIFICATIONS)
    newest = access.visible(actor, Notification.objects.all()).order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def _with_subjects(queryset: QuerySet[Notification], *, with_statuses: bool = False) -> QuerySet[Notification]:
    """Who did it and what it is about, in the same query (the page shows less than the API's statuses)."""
    if with_statuses:
        return queryset.select_related(
            "actor__profile",
            "post__author__profile",
            "post__space",
            "comment__author__profile",
            "comment__parent",
            "space",
            "report__suspension",
        )
    return queryset.select_related("actor__profile", "post__space", "comment", "space", "report__suspension")


def _readable(actor: Actor, notifications: list[Notification]) -> list[Notification]:
    """Those of ``notifications`` that are about nothing, or about a post ``actor`` may read now."""
    posts = [n.post for n in notifications if n.post is not None]
    readable = {post.pk for post in access.visible_among(actor, posts)}
    return [n for n in notifications if n.post_id is None or n.post_id in readable]


def notifications_to_email(*, recipients: Collection[User], ids: Collection[int]) -> dict[int, list[Notification]]:
    """Of the notifications ``ids``, those still worth an e-mail to their recipient among ``recipients``, by
    recipient id, newest first: unread, each one theirs (``access``), and about nothing or about a post they
    may read now and that is not hidden (nobody is told of a hidden post, its author and moderators
    included). One query for all of them, whatever the number of people."""
    people = {person.pk: person for person in recipients if access.can(person, Action.READ_NOTIFICATIONS)}
    shown = Q(post=None) | Q(post__hidden_at=None)
    rows = _with_subjects(Notification.objects.filter(shown, pk__in=list(ids), read_at=None)).order_by("-id")
    found: dict[int, list[Notification]] = {}
    for notification in rows:
        person = people.get(notification.recipient_id)
        if person is not None and access.can(person, Action.VIEW, notification):
            found.setdefault(person.pk, []).append(notification)
    return {pk: readable for pk, items in found.items() if (readable := _readable(people[pk], items))}


_UNREAD_SQL = (
    f"SELECT COUNT(*) FROM (SELECT 1 FROM {Notification._meta.db_table} "  # noqa: S608 - the model's table
    "WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) unread"
)


def unread_count_for(*, actor: Actor) -> int:
    """How many unread notifications ``actor`` has, counted up to ``BELL_MAX + 1`` (one index range, the
    ``notification_unread`` index): the bell on every page."""
    if not access.can(actor, Action.READ_NOTIFICATIONS):
        return 0
    return int(fetch(_UNREAD_SQL, [actor.pk, BELL_MAX + 1])[0][0])


def notification_get_for(*, actor: Actor, notification_id: int, with_statuses: bool = False) -> Notification:
    """One of ``actor``'s notifications with what it is about (404 for anyone else's, as for one that does
    not exist, and for one about a post ``actor`` may no longer read)."""
    found = _with_subjects(
        access.visible(actor, Notification.objects.filter(pk=notification_id)), with_statuses=with_statuses
    ).first()
    if found is None or not _readable(actor, [found]):
        raise Http404
    return found


@dataclass(frozen=True)
class NotificationChoices:
    """What ``actor`` chose, defaults filled in: a channel per kind (in ``Notification.Kind``'s order) and a
    level per space they belong to (by name)."""

    channels: dict[str, str]
    spaces: list[tuple[Space, str]]


def notification_choices_for(*, actor: Actor) -> NotificationChoices:
    """``actor``'s notification settings, in three queries however many spaces they belong to."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    chosen = access.visible(actor, NotificationSetting.objects.all()).values_list("kind", "channel")
    levels = dict(access.visible(actor, SpaceNotificationLevel.objects.all()).values_list("space_id", "level"))
    memberships = access.visible(actor, Membership.objects.filter(user_id=actor.pk)).select_related("space")
    spaces = sorted((m.space for m in memberships), key=lambda space: space.name.casefold())
    return NotificationChoices(
        channels=DEFAULT_CHANNELS | dict(chosen),
        spaces=[(space, levels.get(space.pk, DEFAULT_SPACE_LEVEL)) for space in spaces],
    )


def email_preferences_for(*, actor: Actor) -> EmailPreferences:
    """``actor``'s digest and quiet hours (the defaults, unsaved, when they never chose)."""
    access.require(actor, Action.CHOOSE_NOTIFICATIONS)
    found = access.visible(actor, EmailPreferences.objects.all()).first()
    return found or EmailPreferences(user_id=actor.pk, digest=DEFAULT_DIGEST)


def markers_for(*, actor: Actor, timelines: Sequence[str]) -> dict[str, Marker]:
    """``actor``'s markers among ``timelines``, by timeline (those never saved are missing)."""
    access.require(actor, Action.KEEP_MARKERS)
    rows = access.visible(actor, Marker.objects.filter(timeline__in=list(timelines)))
    return {marker.timeline: marker for marker in rows}


def thread_muted_for(*, actor: Actor, post: Post) -> bool:
    """Whether ``actor`` muted ``post``'s thread."""
    return access.visible(actor, ThreadMute.objects.filter(post_id=post.pk)).exists()
