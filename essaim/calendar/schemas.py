"""The Essaim Event entity and the body of ``POST /api/v1/events/:id/rsvp``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field, JsonValue

from essaim.api.body import Body
from essaim.calendar.models import Event, Rsvp
from essaim.core.http import absolute_url
from essaim.people.schemas import Account, account_data

ANSWERS = [Rsvp.Answer.GOING.value, Rsvp.Answer.MAYBE.value, Rsvp.Answer.NOT_GOING.value]


class EventEntity(Schema):
    id: str = Field(description="The event's id: the id of its status (the post that carries it).")
    status_id: str = Field(description="The status (post) of kind event whose text is the description.")
    title: str
    description: str = Field(description="The post's text, as written (Markdown).")
    starts_at: datetime
    ends_at: datetime = Field(description="For an all-day event, midnight after its last day in its time zone.")
    time_zone: str = Field(description="The IANA time zone it was given in, e.g. Europe/Paris.")
    all_day: bool
    place: str
    video_url: str
    capacity: int | None = Field(description="How many may go; null: no limit.")
    going_count: int
    maybe_count: int
    waiting_count: int = Field(description="People who answered going once it was full, in line for a place.")
    cancelled_at: datetime | None
    space_id: str | None
    organizer: Account
    my_answer: str | None = Field(
        description="Your answer: going, maybe, not_going or waiting (on the waiting list); null if none."
    )
    url: str = Field(description="The event's page.")
    ics_url: str = Field(description="The event as an iCalendar file (signed in).")


class RsvpCreate(Body):
    answer: str = Field(
        json_schema_extra={"enum": list[JsonValue](ANSWERS)},
        description="going (on the waiting list when it is full), maybe or not_going.",
    )


class Attendee(Schema):
    account: Account
    answer: str = Field(description="going, maybe or waiting.")
    answered_at: datetime


def event_data(request: HttpRequest, event: Event, *, my_answer: str = "") -> dict[str, Any]:
    post = event.post
    return {
        "id": str(event.pk),
        "status_id": str(event.pk),
        "title": event.title,
        "description": post.body,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "all_day": event.all_day,
        "place": event.place,
        "video_url": event.video_url,
        "capacity": event.capacity,
        "going_count": event.going_count,
        "maybe_count": event.maybe_count,
        "waiting_count": event.waiting_count,
        "cancelled_at": event.cancelled_at,
        "space_id": str(event.space_id) if event.space_id is not None else None,
        "organizer": account_data(request, post.author, with_org=False),
        "my_answer": my_answer or None,
        "url": absolute_url(request, event.get_absolute_url()),
        "ics_url": absolute_url(request, f"{event.get_absolute_url()}event.ics"),
    }
