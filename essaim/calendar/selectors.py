"""Reads of the calendar: an event, its attendees, the upcoming events of a space and of a person, the events
of a calendar feed, and what a feed's event cards show (``attach_to_posts``). Every list starts from
``access.visible``: an event is read under its post's rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.calendar.models import CalendarFeed, Event, Rsvp
from essaim.spaces.models import Membership, Space

Answer = Rsvp.Answer
ANSWERED = (Answer.GOING, Answer.MAYBE, Answer.WAITING)
UPCOMING_LIMIT = 50
FEED_PAST = timedelta(days=90)  # a calendar feed keeps the events of the last three months
FEED_LIMIT = 500


def _events() -> QuerySet[Event]:
    return Event.objects.select_related("post__author__profile", "post__space")


def event_get_for(*, actor: Actor, event_id: int) -> Event:
    """The event ``actor`` may see, with its post, author and space; 404 otherwise (missing or not visible)."""
    if not 0 < event_id < 2**63:
        raise Http404
    event = _events().filter(pk=event_id).first()
    if event is None or not access.can(actor, Action.VIEW, event):
        raise Http404
    return event


def rsvp_of(*, actor: Actor, event: Event) -> str:
    """``actor``'s answer to ``event`` ("" when none)."""
    if not getattr(actor, "is_authenticated", False):
        return ""
    return Rsvp.objects.filter(event=event, user_id=actor.pk).values_list("answer", flat=True).first() or ""


def attendees_for(*, actor: Actor, event: Event) -> dict[str, list[Rsvp]]:
    """Who answered ``event``, by answer (going, then maybe, then waiting in the order they will get in): one
    query. Those who said no are not listed."""
    access.require(actor, Action.VIEW_ATTENDEES, event)
    grouped: dict[str, list[Rsvp]] = {answer: [] for answer in ANSWERED}
    rows = (
        Rsvp.objects.filter(event=event, answer__in=ANSWERED)
        .select_related("user__profile")
        .order_by("answered_at", "pk")
    )
    for rsvp in rows:
        grouped[rsvp.answer].append(rsvp)
    return grouped


def _upcoming(actor: Actor) -> QuerySet[Event]:
    now = timezone.now()
    return access.visible(actor, _events().filter(ends_at__gt=now, cancelled_at__isnull=True)).order_by(
        "starts_at", "pk"
    )


def upcoming_in_space(*, actor: Actor, space: Space, limit: int = 5) -> list[Event]:
    """The next events of ``space`` that ``actor`` may see (the space's page: ``event_space_upcoming``)."""
    return list(_upcoming(actor).filter(space=space)[:limit])


def _mine(actor: Actor) -> Q:
    """Events that are ``actor``'s business: they answered (but no), wrote it, or it is in one of their spaces."""
    answered = Rsvp.objects.filter(event_id=OuterRef("pk"), user_id=actor.pk, answer__in=ANSWERED)
    member = Membership.objects.filter(space_id=OuterRef("space_id"), user_id=actor.pk)
    return Q(Exists(answered)) | Q(post__author_id=actor.pk) | Q(Exists(member))


def upcoming_for_me(*, actor: Actor, limit: int = UPCOMING_LIMIT) -> list[Event]:
    """``actor``'s coming events (``_mine``), the soonest first, each with ``my_answer``."""
    if not getattr(actor, "is_authenticated", False):
        return []
    events = list(_upcoming(actor).filter(_mine(actor))[:limit])
    return _with_answers(actor, events)


def upcoming_for_everyone(*, actor: Actor, limit: int = 10) -> list[Event]:
    """Coming events ``actor`` may see but are not theirs yet (company-wide ones, public spaces'): to discover."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return _with_answers(actor, list(_upcoming(actor).exclude(_mine(actor))[:limit]))


def _with_answers(actor: Actor, events: list[Event]) -> list[Event]:
    answers = dict(
        Rsvp.objects.filter(user_id=actor.pk, event_id__in=[e.pk for e in events]).values_list("event_id", "answer")
    )
    for event in events:
        answer = answers.get(event.pk, "")
        event.my_answer = answer  # type: ignore[attr-defined]  # for templates
        event.my_answer_label = Answer(answer).label if answer else ""  # type: ignore[attr-defined]
    return events


def feed_owner(*, token: str) -> Any | None:
    """The active person whose secret calendar address ends in ``token``, or None."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_feed_of(*, actor: Actor) -> CalendarFeed | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return CalendarFeed.objects.filter(user_id=actor.pk).first()


def feed_events_for(*, actor: Actor) -> list[Event]:
    """What a person's calendar feed holds: the events they may see *and* that are theirs (``_mine``: answered
    going, maybe or waiting, written by them, or in one of their spaces), from three months back, cancelled ones
    included (calendars then show them cancelled); company-wide events they did not answer stay out."""
    since = timezone.now() - FEED_PAST
    events = access.visible(actor, _events().filter(ends_at__gt=since)).filter(_mine(actor))
    return _with_answers(actor, list(events.order_by("starts_at", "pk")[:FEED_LIMIT]))


def attach_to_posts(*, actor: Actor, posts: Sequence[Any]) -> None:
    """Give each event post of a feed page its event (``post.calendar_event``) with the reader's answer
    (``my_answer``): one query, only when the page has event posts."""
    ids = [post.pk for post in posts if post.kind == "event"]
    if not ids:
        return
    rows = Event.objects.filter(pk__in=ids)
    if getattr(actor, "is_authenticated", False):
        mine = Rsvp.objects.filter(event_id=OuterRef("pk"), user_id=actor.pk).values("answer")[:1]
        rows = rows.annotate(my_answer=Subquery(mine))
    events = {event.pk: event for event in rows}
    for post in posts:
        event = events.get(post.pk)
        if event is not None:
            event.my_answer = getattr(event, "my_answer", None) or ""  # type: ignore[attr-defined]
            event.post = post
        if post.kind == "event":
            post.calendar_event = event
