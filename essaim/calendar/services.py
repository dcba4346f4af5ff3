"""Writes of the calendar: publish, change and cancel an event; answer it; keep one's calendar address.

An event is published as a post of kind ``event`` (``stream.services.post_create``) and its ``Event`` row, in
one transaction. Answers change under the event's row lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
write transactions are taken one at a time, ``transaction_mode="IMMEDIATE"``), so sixteen people answering at
once never put more people on "going" than it has places, and the counts stay exact (recounted in the lock).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.calendar.models import PLACE_MAX_CHARS, TITLE_MAX_CHARS, CalendarFeed, Event, Rsvp, new_feed_token
from essaim.events import emit
from essaim.events.types import EventChanged, RsvpChanged
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from essaim.stream.models import Post, PostKind, Visibility

Answer = Rsvp.Answer
MAX_DURATION = timedelta(days=366)
# What a calendar must take again, and those who answered hear of.
NOTIFIED_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "all_day", "place", "video_url")


@dataclass(frozen=True, kw_only=True)
class EventDetails:
    """What makes an event, beside its post's text: the composer's and the API's input, checked by ``_check``."""

    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = "Europe/Paris"
    all_day: bool = False
    place: str = ""
    video_url: str = ""
    capacity: int | None = None


def all_day_bounds(first: date, last: date, time_zone: str) -> tuple[datetime, datetime]:
    """An all-day event from ``first`` to ``last`` (both included): midnight of its first day to midnight after
    its last, in its time zone."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def _check(details: EventDetails) -> EventDetails:
    errors: dict[str, str] = {}
    title = details.title.strip()
    if not title:
        errors["title"] = _("Give the event a title.")
    elif len(title) > TITLE_MAX_CHARS:
        errors["title"] = _("A title has at most %(limit)d characters.") % {"limit": TITLE_MAX_CHARS}
    try:
        zoneinfo.ZoneInfo(details.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("Choose a time zone from the list.")
    if timezone.is_naive(details.starts_at) or timezone.is_naive(details.ends_at):
        errors["starts_at"] = _("Give the start and the end with their time zone.")
    elif details.ends_at <= details.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    elif details.ends_at - details.starts_at > MAX_DURATION:
        errors["ends_at"] = _("An event lasts at most a year.")
    place = details.place.strip()
    if len(place) > PLACE_MAX_CHARS:
        errors["place"] = _("A place has at most %(limit)d characters.") % {"limit": PLACE_MAX_CHARS}
    video_url = details.video_url.strip()
    if video_url:
        try:
            URLValidator(schemes=["https", "http"])(video_url)
        except ValidationError:
            errors["video_url"] = _("Give the video link as a full address, starting with https://.")
    if details.capacity is not None and details.capacity < 1:
        errors["capacity"] = _("Give at least one place, or leave it empty for no limit.")
    if errors:
        raise ValidationError(errors)
    return EventDetails(
        title=title,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        time_zone=details.time_zone,
        all_day=details.all_day,
        place=place,
        video_url=video_url,
        capacity=details.capacity,
    )


def event_publish(
    *,
    actor: User,
    details: EventDetails,
    body: str,
    visibility: str = Visibility.COMPANY,
    space: Space | None = None,
    attachments: Sequence[UploadedFile] = (),
    image_description: str = "",
) -> Event:
    """Publish an event: its post (the description, in the feeds, under the posts' rules) and its row, together
    (``stream.services.post_create`` with the event kind: ``event_prepare`` then ``event_write``). An event
    that is refused leaves no post, and a post that is refused no event."""
    post = stream_services.post_create(
        actor=actor,
        body=body,
        visibility=visibility,
        space=space,
        attachments=attachments,
        image_description=image_description,
        kind=PostKind.EVENT,
        kind_data={"details": details},
    )
    return Event.objects.get(pk=post.pk)


# The composer's fields that ``_check``'s refusals are about (the start date for ``starts_at``…).
COMPOSER_FIELDS = {"starts_at": "start_date", "ends_at": "end_date"}


def event_prepare(*, actor: User, data: Mapping[str, Any]) -> EventDetails:
    """The event kind's input checked (``stream.kinds``), before the post's transaction: ``details`` (an
    ``EventDetails``, from the API or ``event_publish``) or the composer's cleaned fields. Refusals name
    the composer's fields there (the start date for ``starts_at``…), the service's otherwise."""
    given = data.get("details")
    from_composer = not isinstance(given, EventDetails)
    if isinstance(given, EventDetails):
        details = given
    else:
        if data.get("starts_at") is None or data.get("ends_at") is None:
            raise ValidationError({"start_date": _("Give the start and the end with their time zone.")})
        details = EventDetails(
            title=str(data.get("title") or ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=str(data.get("time_zone") or "Europe/Paris"),
            all_day=bool(data.get("all_day")),
            place=str(data.get("place") or ""),
            video_url=str(data.get("video_url") or ""),
            capacity=data.get("capacity"),
        )
    try:
        return _check(details)
    except ValidationError as error:
        if not from_composer or not hasattr(error, "error_dict"):
            raise
        on_fields = {COMPOSER_FIELDS.get(name, name): messages for name, messages in error.message_dict.items()}
        raise ValidationError(on_fields) from error


def event_write(*, actor: User, post: Post, prepared: EventDetails) -> Event:
    """The event's row, in its post's transaction (``stream.kinds``)."""
    event = Event(post=post, space=post.space, **_fields(prepared))
    event.save(force_insert=True)
    return event


def _fields(details: EventDetails) -> dict[str, object]:
    return {
        "title": details.title,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "time_zone": details.time_zone,
        "all_day": details.all_day,
        "place": details.place,
        "video_url": details.video_url,
        "capacity": details.capacity,
    }


def _locked(event: Event) -> Event:
    """The event's row, locked for the rest of the transaction, with its post (already loaded) kept."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    locked.post = event.post
    return locked


@transaction.atomic
def event_edit(*, actor: User, event: Event, details: EventDetails) -> Event:
    """Change an event's title, times, place, link or capacity. Those who answered hear of what changed (when a
    calendar must take it, ``NOTIFIED_FIELDS``); more places let the waiting list in."""
    access.require(actor, Action.EDIT_EVENT, event)
    details = _check(details)
    locked = _locked(event)
    changes = tuple(name for name, value in _fields(details).items() if getattr(locked, name) != value)
    if not changes:
        return locked
    if details.capacity is not None and details.capacity < locked.going_count:
        raise ValidationError(
            {
                "capacity": _("%(count)d people are already going: give at least as many places.")
                % {"count": locked.going_count}
            }
        )
    for name, value in _fields(details).items():
        setattr(locked, name, value)
    notified = tuple(name for name in changes if name in NOTIFIED_FIELDS)
    if notified:
        locked.sequence += 1
    promoted = _let_in(locked)
    _recount(locked)
    locked.save()
    if notified:
        emit(EventChanged(actor_id=actor.pk, event_id=locked.pk, changes=notified))
    for user_id in promoted:
        emit(RsvpChanged(actor_id=actor.pk, event_id=locked.pk, user_id=user_id, answer=Answer.GOING))
    return locked


@transaction.atomic
def event_cancel(*, actor: User, event: Event) -> Event:
    """Cancel an event: it stays (its page and calendars say it is cancelled) and nobody answers it any more;
    those who answered are told."""
    access.require(actor, Action.CANCEL_EVENT, event)
    locked = _locked(event)
    locked.cancelled_at = timezone.now()
    locked.sequence += 1
    locked.save(update_fields=["cancelled_at", "sequence"])
    emit(EventChanged(actor_id=actor.pk, event_id=locked.pk, cancelled=True))
    return locked


@transaction.atomic
def rsvp_set(*, actor: User, event: Event, answer: str) -> Rsvp:
    """``actor``'s answer to ``event``: going (on the waiting list when it is full), maybe or not going. Leaving
    "going" gives the place to whoever waits longest. Answering the same again changes nothing."""
    if answer not in {Answer.GOING, Answer.MAYBE, Answer.NOT_GOING}:
        raise ValidationError({"answer": _("Answer going, maybe or not going.")})
    locked = _locked(event)
    access.require(actor, Action.RSVP, locked)
    rsvp = Rsvp.objects.filter(event=locked, user=actor).first()
    before = rsvp.answer if rsvp is not None else None
    after = answer
    if answer == Answer.GOING:
        if before in {Answer.GOING, Answer.WAITING}:
            after = before
        elif locked.is_full:
            after = Answer.WAITING
    if rsvp is not None and after == before:
        return rsvp
    if rsvp is None:
        rsvp = Rsvp(event=locked, user=actor)
    rsvp.answer = after
    rsvp.answered_at = timezone.now()
    rsvp.save()
    _recount(locked)
    promoted = _let_in(locked) if before == Answer.GOING else []
    if promoted:
        _recount(locked)
    locked.save(update_fields=["going_count", "maybe_count", "waiting_count"])
    event.going_count, event.maybe_count, event.waiting_count = (
        locked.going_count,
        locked.maybe_count,
        locked.waiting_count,
    )
    emit(
        RsvpChanged(actor_id=actor.pk, event_id=locked.pk, user_id=actor.pk, answer=after, promoted_ids=tuple(promoted))
    )
    return rsvp


def _recount(event: Event) -> None:
    counts = dict(
        Rsvp.objects.filter(event=event).values_list("answer").annotate(n=Count("pk")).values_list("answer", "n")
    )
    event.going_count = counts.get(Answer.GOING, 0)
    event.maybe_count = counts.get(Answer.MAYBE, 0)
    event.waiting_count = counts.get(Answer.WAITING, 0)


def _let_in(event: Event) -> list[int]:
    """Move the longest waiting onto "going" while there are places (the event's row is locked): their ids."""
    free = (
        None
        if event.capacity is None
        else event.capacity - Rsvp.objects.filter(event=event, answer=Answer.GOING).count()
    )
    waiting = Rsvp.objects.filter(event=event, answer=Answer.WAITING).order_by("answered_at", "pk")
    chosen = list(
        waiting.values_list("pk", "user_id") if free is None else waiting.values_list("pk", "user_id")[: max(free, 0)]
    )
    if chosen:
        Rsvp.objects.filter(pk__in=[pk for pk, _user in chosen]).update(answer=Answer.GOING)
    return [user_id for _pk, user_id in chosen]


# --- the personal calendar address


@transaction.atomic
def calendar_feed_get_or_create(*, actor: User) -> CalendarFeed:
    """``actor``'s secret calendar address, made the first time they ask for it."""
    access.require(actor, Action.KEEP_CALENDAR_FEED)
    feed, _created = CalendarFeed.objects.get_or_create(user=actor)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, actor: User) -> CalendarFeed:
    """A new secret address for ``actor``: the old one answers nothing from now on."""
    access.require(actor, Action.KEEP_CALENDAR_FEED)
    feed, created = CalendarFeed.objects.get_or_create(user=actor)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> None:
    """No calendar address for ``actor`` any more (calendars subscribed to it stop updating)."""
    access.require(actor, Action.KEEP_CALENDAR_FEED)
    CalendarFeed.objects.filter(user=actor).delete()
