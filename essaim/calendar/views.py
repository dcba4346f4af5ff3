"""The calendar's pages: an event, its edit and cancel forms, answering it, its ``.ics``; my upcoming events
with my calendar address; the calendar feed itself (without a session: its secret address is the key).

An event the visitor may not see answers 404 (like a missing one); a forbidden action on a visible one 403;
bad input 400 with the message next to the field.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.calendar import ics, selectors, services
from essaim.calendar.forms import EventForm, RsvpForm
from essaim.calendar.models import Event
from essaim.core.http import absolute_url, add_service_errors, error_response, redirect_or_htmx

ICS_TYPE = "text/calendar; charset=utf-8"


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view that writes is behind ``login_required``)."""
    return cast(User, request.user)


def _event_context(request: HttpRequest, event: Event, **extra: Any) -> dict[str, Any]:
    actor = request.user
    event.my_answer = selectors.rsvp_of(actor=actor, event=event)  # type: ignore[attr-defined]  # for templates
    return {
        "event": event,
        "post": event.post,
        "attendees": selectors.attendees_for(actor=actor, event=event),
        "can_rsvp": access.can(actor, Action.RSVP, event),
        "can_edit": access.can(actor, Action.EDIT_EVENT, event),
        "can_cancel": access.can(actor, Action.CANCEL_EVENT, event),
        **extra,
    }


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for(actor=request.user, event_id=event_id)
    return render(request, "calendar/event_detail.html", _event_context(request, event))


@login_required
@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    """Answer an event; from htmx, the answer block comes back (the card's or the page's)."""
    event = selectors.event_get_for(actor=request.user, event_id=event_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return error_response(request, ValidationError(list(form.errors["answer"])), status=400)
    try:
        services.rsvp_set(actor=_me(request), event=event, answer=form.cleaned_data["answer"])
    except ValidationError as exc:
        return error_response(request, exc, status=400)
    if getattr(request, "htmx", False):
        event.my_answer = selectors.rsvp_of(actor=request.user, event=event)  # type: ignore[attr-defined]
        context = {"event": event, "can_rsvp": access.can(request.user, Action.RSVP, event)}
        return render(request, "calendar/includes/rsvp.html", context)
    return redirect(event.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for(actor=request.user, event_id=event_id)
    access.require(request.user, Action.EDIT_EVENT, event)
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                services.event_edit(actor=_me(request), event=event, details=form.details())
            except ValidationError as exc:
                add_service_errors(form, form.take_errors(exc))
            else:
                return redirect(event.get_absolute_url())
        return render(request, "calendar/event_edit.html", {"event": event, "form": form}, status=400)
    form = EventForm(initial=EventForm.initial_for(event))
    return render(request, "calendar/event_edit.html", {"event": event, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for(actor=request.user, event_id=event_id)
    access.require(request.user, Action.CANCEL_EVENT, event)
    if request.method == "POST":
        services.event_cancel(actor=_me(request), event=event)
        return redirect_or_htmx(request, event.get_absolute_url())
    return render(request, "calendar/event_cancel.html", {"event": event})


@login_required
@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event as an ``.ics`` file to open in a calendar."""
    event = selectors.event_get_for(actor=request.user, event_id=event_id)
    event.my_answer = selectors.rsvp_of(actor=request.user, event=event)  # type: ignore[attr-defined]
    response = HttpResponse(ics.calendar([event]), content_type=ICS_TYPE)
    name = slugify(event.title)[:60] or "event"
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    """My coming events (answered, mine, in my spaces), others to discover, and my calendar address."""
    actor = request.user
    feed = selectors.calendar_feed_of(actor=actor)
    context = {
        "events": selectors.upcoming_for_me(actor=actor),
        "others": selectors.upcoming_for_everyone(actor=actor),
        "feed": feed,
        "feed_url": absolute_url(request, _feed_path(feed.token)) if feed is not None else "",
        "may_keep_feed": access.can(actor, Action.KEEP_CALENDAR_FEED),
    }
    return render(request, "calendar/my_events.html", context)


def _feed_path(token: str) -> str:
    return reverse("calendar:feed", args=[token])


@login_required
@require_POST
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Make (``make``), change (``regenerate``) or remove (``revoke``) my secret calendar address."""
    match request.POST.get("do"):
        case "make":
            services.calendar_feed_get_or_create(actor=_me(request))
        case "regenerate":
            services.calendar_feed_regenerate(actor=_me(request))
        case "revoke":
            services.calendar_feed_revoke(actor=_me(request))
        case _:
            return error_response(request, ValidationError("?"), status=400)
    return redirect("calendar:mine")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's calendar, for calendar apps that subscribe to it: no session, the secret address is the key.
    An unknown, changed or revoked address answers 404 (as a missing page)."""
    owner = selectors.feed_owner(token=token)
    if owner is None:
        raise Http404
    events = selectors.feed_events_for(actor=owner)
    response = HttpResponse(ics.calendar(events, name="Essaim"), content_type=ICS_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
