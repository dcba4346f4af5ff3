"""Essaim's events API under ``/api/v1/events``: the coming events (mine, or others I may join), one event, its
attendees, and answering it. The same rules as the pages: an event you may not see answers 404 like a missing
one; one you may not answer (cancelled, over, in an archived space) 403; a bad answer 422."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field, WithJsonSchema

from essaim.api.auth import current_user
from essaim.api.body import body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.calendar import selectors, services
from essaim.calendar.models import Event
from essaim.calendar.schemas import Attendee, EventEntity, RsvpCreate, event_data
from essaim.core.ids import parse_id
from essaim.people.schemas import account_data

router = Router(tags=["essaim: events"])
SCOPES = ["mine", "others"]


def _event(request: HttpRequest, event_id: str) -> Event:
    identifier = parse_id(event_id)
    if identifier is None:
        raise Http404
    return selectors.event_get_for(actor=request.user, event_id=identifier)


class UpcomingParams(Schema):
    scope: Annotated[str, WithJsonSchema({"type": "string", "enum": SCOPES})] = Field(
        "mine",
        description="mine: events you answered (going, maybe, waiting), wrote, or in your spaces; others: coming "
        "events you may see and join that are not yours yet.",
    )
    limit: int = Field(20, ge=1, le=50, description="At most this many, the soonest first.")


@router.get("/events", response={200: list[EventEntity], **errors(422)}, url_name="events-upcoming")
def events_upcoming(request: HttpRequest, params: Query[UpcomingParams]) -> list[dict[str, Any]]:
    """Coming events (neither over nor cancelled), the soonest first, each with your answer."""
    actor = current_user(request)
    if params.scope not in SCOPES:
        raise ValidationError({"scope": _("Choose mine or others.")})
    pick = selectors.upcoming_for_me if params.scope == "mine" else selectors.upcoming_for_everyone
    events = pick(actor=actor, limit=params.limit)
    return [event_data(request, event, my_answer=getattr(event, "my_answer", "")) for event in events]


@router.get("/events/{event_id}", response={200: EventEntity, **errors(404)}, url_name="event-get")
def event_get(request: HttpRequest, event_id: PathId) -> dict[str, Any]:
    """One event, with your answer."""
    event = _event(request, event_id)
    return event_data(request, event, my_answer=selectors.rsvp_of(actor=request.user, event=event))


@router.get("/events/{event_id}/attendees", response={200: list[Attendee], **errors(404)}, url_name="event-attendees")
def event_attendees(request: HttpRequest, event_id: PathId) -> list[dict[str, Any]]:
    """Who answered going, maybe, or waits for a place (in the order they will get in); not those who said no."""
    event = _event(request, event_id)
    grouped = selectors.attendees_for(actor=request.user, event=event)
    return [
        {"account": account_data(request, rsvp.user, with_org=False), "answer": answer, "answered_at": rsvp.answered_at}
        for answer, rsvps in grouped.items()
        for rsvp in rsvps
    ]


@router.post(
    "/events/{event_id}/rsvp",
    response={200: EventEntity, **errors(403, 404, 422)},
    url_name="event-rsvp",
    openapi_extra=body_openapi(RsvpCreate),
)
def event_rsvp(request: HttpRequest, event_id: PathId) -> dict[str, Any]:
    """Answer an event: going (on the waiting list when it is full: ``my_answer`` says waiting), maybe or
    not_going. Leaving "going" gives your place to whoever waits longest."""
    data = parse_body(request, RsvpCreate)
    actor = current_user(request)
    event = _event(request, event_id)
    rsvp = services.rsvp_set(actor=actor, event=event, answer=data.answer)
    return event_data(request, event, my_answer=rsvp.answer)
