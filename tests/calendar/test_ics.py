"""iCalendar output, read back with the ``icalendar`` library: valid VCALENDAR, VTIMEZONE for each zone, the
times right on both sides of Europe/Paris's daylight saving changes, all-day dates, cancellations."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest

from essaim.accounts.models import User
from essaim.calendar import ics, services
from essaim.calendar.models import Event
from tests.calendar.factories import publish_event

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def only_event(data: bytes) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(data)
    (vevent,) = cal.walk("VEVENT")
    return vevent


def test_a_calendar_has_the_required_properties_and_lines(employee: User) -> None:
    event = publish_event(employee)
    data = ics.calendar([event])
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == ics.PRODID
    vevent = only_event(data)
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
        assert required in vevent
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver" or str(vevent["UID"]).startswith(f"event-{event.pk}@")
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["LOCATION"]) == "Salle Jaurès, Lyon"
    assert "Venez nombreux" in str(vevent["DESCRIPTION"])


@pytest.mark.parametrize(
    ("local_start", "offset"),
    [
        (datetime(2026, 3, 28, 10, 0, tzinfo=PARIS), timedelta(hours=1)),  # the day before summer time
        (datetime(2026, 3, 30, 10, 0, tzinfo=PARIS), timedelta(hours=2)),  # the day after
        (datetime(2026, 10, 24, 10, 0, tzinfo=PARIS), timedelta(hours=2)),  # the day before winter time
        (datetime(2026, 10, 26, 10, 0, tzinfo=PARIS), timedelta(hours=1)),  # the day after
    ],
)
def test_times_in_paris_across_daylight_saving_changes(
    employee: User, local_start: datetime, offset: timedelta
) -> None:
    event = publish_event(employee, starts_at=local_start, ends_at=local_start + timedelta(hours=2))
    data = ics.calendar([event])
    assert b"DTSTART;TZID=Europe/Paris:" in data
    cal = icalendar.Calendar.from_ical(data)
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Paris"
    assert {c.name for c in vtimezone.subcomponents} >= {"STANDARD", "DAYLIGHT"}
    start = only_event(data)["DTSTART"].dt
    assert (start.hour, start.minute) == (10, 0), "written at its local time"
    assert start.utcoffset() == offset
    assert start == event.starts_at


def test_an_event_over_the_change_night_lasts_its_real_hours(employee: User) -> None:
    start = datetime(2026, 3, 28, 22, 0, tzinfo=PARIS)
    event = publish_event(employee, starts_at=start, ends_at=datetime(2026, 3, 29, 6, 0, tzinfo=PARIS))
    vevent = only_event(ics.calendar([event]))
    # In UTC: Python subtracts two times of one zone by their wall clocks.
    duration = vevent["DTEND"].dt.astimezone(UTC) - vevent["DTSTART"].dt.astimezone(UTC)
    assert duration == timedelta(hours=7)  # an hour fewer that night


def test_a_vtimezone_per_zone_used(employee: User) -> None:
    start = datetime(2026, 6, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/Montreal"))
    events = [publish_event(employee), publish_event(employee, starts_at=start, time_zone="America/Montreal")]
    cal = icalendar.Calendar.from_ical(ics.calendar(events))
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == ["America/Montreal", "Europe/Paris"]


def test_all_day_events_are_dates_with_an_exclusive_end(employee: User) -> None:
    start, end = services.all_day_bounds(date(2026, 3, 28), date(2026, 3, 29), "Europe/Paris")
    event = publish_event(employee, starts_at=start, ends_at=end, all_day=True)
    data = ics.calendar([event])
    assert b"DTSTART;VALUE=DATE:20260328" in data
    vevent = only_event(data)
    assert vevent["DTSTART"].dt == date(2026, 3, 28)
    assert vevent["DTEND"].dt == date(2026, 3, 30)


def test_a_cancelled_event_says_so_with_a_higher_sequence(employee: User) -> None:
    event = publish_event(employee, video_url="https://visio.example.com/atelier", place="")
    cancelled = services.event_cancel(actor=employee, event=event)
    cancelled.post = event.post
    vevent = only_event(ics.calendar([cancelled]))
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1
    assert str(vevent["LOCATION"]) == "https://visio.example.com/atelier"


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    cal = icalendar.Calendar.from_ical(ics.calendar([], name="Essaim"))
    assert cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]) == "Essaim"


def test_events_are_read_from_their_row(employee: User) -> None:
    event = Event.objects.select_related("post__author").get(pk=publish_event(employee).pk)
    assert only_event(ics.calendar([event]))["SUMMARY"] == "Atelier d'intelligence collective"
