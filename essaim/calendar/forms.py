"""Forms of the calendar: an event's fields (the composer's "Event" switch and the edit page), an answer.

They shape input: the services check and decide (``services._check``). The event's fields carry the ``event_``
prefix so that they sit beside the post's in the composer's one form.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from essaim.calendar.models import PLACE_MAX_CHARS, TITLE_MAX_CHARS, Event, Rsvp
from essaim.calendar.services import EventDetails, all_day_bounds

DEFAULT_ZONE = "Europe/Paris"
SERVICE_FIELDS = {"starts_at": "start_date", "ends_at": "end_date"}


@cache
def zone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return [(name, name.replace("_", " ")) for name in names]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_CHARS * 2)
    all_day = forms.BooleanField(label=_("All day"), required=False)
    start_date = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the same day."),
    )
    end_time = forms.TimeField(
        label=_("at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial=DEFAULT_ZONE)
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX_CHARS * 2, required=False)
    video_url = forms.CharField(
        label=_("Video link"), max_length=500, required=False, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, max_value=100_000, help_text=_("Empty: no limit.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "event")
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = zone_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_date: date | None = data.get("start_date")
        if start_date is None:
            return data
        end_date: date = data.get("end_date") or start_date
        zone_name = data.get("time_zone") or DEFAULT_ZONE
        if data.get("all_day"):
            if end_date < start_date:
                self.add_error("end_date", _("The event must end after it starts."))
                return data
            data["starts_at"], data["ends_at"] = all_day_bounds(start_date, end_date, zone_name)
            return data
        start_time: time | None = data.get("start_time")
        end_time: time | None = data.get("end_time")
        if start_time is None:
            self.add_error("start_time", _("Give the start time, or tick “All day”."))
            return data
        if end_time is None:
            self.add_error("end_time", _("Give the end time, or tick “All day”."))
            return data
        zone = zoneinfo.ZoneInfo(zone_name)
        data["starts_at"] = datetime.combine(start_date, start_time, tzinfo=zone)
        data["ends_at"] = datetime.combine(end_date, end_time, tzinfo=zone)
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("The event must end after it starts."))
        return data

    def details(self) -> EventDetails:
        data = self.cleaned_data
        return EventDetails(
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=data.get("time_zone") or DEFAULT_ZONE,
            all_day=bool(data.get("all_day")),
            place=data.get("place") or "",
            video_url=data.get("video_url") or "",
            capacity=data.get("capacity"),
        )

    def take_errors(self, error: ValidationError) -> ValidationError:
        """Put a service's refusal next to this form's fields where it is about the event (``starts_at`` by the
        start, ``ends_at`` by the end); what is left (the post's text…) is returned for the post's form."""
        if not hasattr(error, "error_dict"):
            return error
        left: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            field = SERVICE_FIELDS.get(name, name)
            if field in self.fields:
                for message in messages:
                    self.add_error(field, message)
            else:
                left[name] = messages
        return ValidationError(left)

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        """The form's fields for an existing event (the edit page), in its own time zone."""
        zone = zoneinfo.ZoneInfo(event.time_zone)
        start = event.starts_at.astimezone(zone)
        end = event.ends_at.astimezone(zone)
        end_day = (event.ends_at.astimezone(zone) - timedelta(days=1)).date() if event.all_day else end.date()
        return {
            "title": event.title,
            "all_day": event.all_day,
            "start_date": start.date(),
            "start_time": None if event.all_day else start.time(),
            "end_date": end_day,
            "end_time": None if event.all_day else end.time(),
            "time_zone": event.time_zone,
            "place": event.place,
            "video_url": event.video_url,
            "capacity": event.capacity,
        }


class ComposerEventForm(EventForm):
    """The event's fields in the composer (``stream.kinds``): never ``required`` in the browser, since they are
    hidden while another kind is chosen; the server checks them when "Event" is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(a.value, a.label) for a in (Rsvp.Answer.GOING, Rsvp.Answer.MAYBE, Rsvp.Answer.NOT_GOING)]
    )
