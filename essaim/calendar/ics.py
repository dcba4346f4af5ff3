"""iCalendar (RFC 5545) output with the ``icalendar`` library: one event's ``.ics`` and a person's calendar feed.

Each event is a ``VEVENT`` whose ``UID`` is stable (its id at the site's host), ``SEQUENCE`` grows at each
change a calendar must take and ``STATUS:CANCELLED`` says it is off. Timed events are written in their own
time zone (``DTSTART;TZID=Europe/Paris``) with that zone's ``VTIMEZONE`` (``add_missing_timezones``, from
the tz database), so that Outlook, Google Calendar and Thunderbird place them right across daylight saving
changes; all-day events are ``VALUE=DATE`` days, the end exclusive as the RFC says.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from essaim.calendar.models import Event, Rsvp

PRODID = "-//Essaim//Essaim calendar//EN"
PARTSTAT = {
    Rsvp.Answer.GOING: "ACCEPTED",
    Rsvp.Answer.MAYBE: "TENTATIVE",
    Rsvp.Answer.NOT_GOING: "DECLINED",
    Rsvp.Answer.WAITING: "NEEDS-ACTION",
}


def _site() -> str:
    return str(getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _host() -> str:
    return urlsplit(_site()).hostname or "essaim"


def _vevent(event: Event) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@{_host()}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    zone = zoneinfo.ZoneInfo(event.time_zone)
    if event.all_day:
        start = event.starts_at.astimezone(zone).date()
        end = (event.ends_at - timedelta(microseconds=1)).astimezone(zone).date() + timedelta(days=1)
        vevent.add("dtstart", start)
        vevent.add("dtend", end)
    else:
        vevent.add("dtstart", event.starts_at.astimezone(zone))
        vevent.add("dtend", event.ends_at.astimezone(zone))
    description = event.post.body
    if event.video_url:
        description = f"{description}\n\n{event.video_url}".strip()
    if description:
        vevent.add("description", description)
    if event.place:
        vevent.add("location", event.place)
    elif event.video_url:
        vevent.add("location", event.video_url)
    vevent.add("url", f"{_site()}{event.get_absolute_url()}")
    vevent.add("status", "CANCELLED" if event.cancelled_at is not None else "CONFIRMED")
    vevent.add("created", event.post.created_at)
    vevent.add("last-modified", event.post.edited_at or event.post.created_at)
    organizer = event.post.author
    vevent.add("organizer", f"mailto:{organizer.email}", parameters={"cn": organizer.get_full_name()})
    answer = getattr(event, "my_answer", "")
    if answer in PARTSTAT:
        vevent.add("transp", "TRANSPARENT" if answer in {Rsvp.Answer.NOT_GOING, Rsvp.Answer.WAITING} else "OPAQUE")
    return vevent


def calendar(events: Iterable[Event], *, name: str = "", method: str = "PUBLISH") -> bytes:
    """The ``VCALENDAR`` of ``events`` with the ``VTIMEZONE`` of each time zone they use, as bytes (CRLF lines,
    folded at 75 octets)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def parse(data: bytes) -> Any:
    """``data`` read back (tests, and whoever checks an export)."""
    return icalendar.Calendar.from_ical(data)
