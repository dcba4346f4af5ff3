"""Events: a post of kind ``event`` (``stream.PostKind.EVENT``) with one ``Event`` row beside it, people's answers
(``Rsvp``) and each person's secret calendar feed address (``CalendarFeed``).

An event is a post so that it lives in the feeds and obeys the posts' rules (``access/rules/calendar.py`` defers
to them): its description is the post's body. Times are stored in UTC with the time zone they were given in
(``time_zone``, an IANA name), which the event page and the iCalendar output show them in. An all-day event
starts at midnight of its first day and ends at midnight after its last day, in its time zone.

Going is bounded by ``capacity`` (empty: no limit). Whoever answers "going" when it is full waits
(``Rsvp.Answer.WAITING``), first come first served; when a place frees up (someone leaves, or the capacity
grows) the one waiting longest takes it. The counts on ``Event`` are kept exact by the services, which take the
event's row lock before changing who goes.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

TITLE_MAX_CHARS = 200
PLACE_MAX_CHARS = 300


class Event(models.Model):
    post = models.OneToOneField(
        "stream.Post", on_delete=models.CASCADE, primary_key=True, related_name="event", verbose_name=_("post")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=PLACE_MAX_CHARS, blank=True, default="")
    video_url = models.URLField(_("video link"), blank=True, default="")
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    going_count = models.PositiveIntegerField(default=0, editable=False)
    maybe_count = models.PositiveIntegerField(default=0, editable=False)
    waiting_count = models.PositiveIntegerField(default=0, editable=False)
    # iCalendar's SEQUENCE: one more at each change a calendar must take (times, place, cancellation).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    # The post's space, copied: the upcoming events of a space are read by one index.
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ("starts_at",)
        indexes = [
            models.Index(fields=["ends_at", "starts_at"], name="event_upcoming"),
            models.Index(fields=["space", "ends_at"], name="event_space_upcoming"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calendar:event-detail", args=[self.pk])

    @cached_property
    def local_start(self) -> datetime:
        """The start in the event's own time zone (what the page and the card show, with the zone's name)."""
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @cached_property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @cached_property
    def last_day(self) -> date:
        """An all-day event's last day (its end is midnight after it)."""
        return (self.local_end - timedelta(microseconds=1)).date()

    @cached_property
    def same_day(self) -> bool:
        return self.local_start.date() == (self.last_day if self.all_day else self.local_end.date())

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Whether it still takes answers (neither cancelled nor over); who may answer is ``access``'s."""
        return self.cancelled_at is None and not self.is_past

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.going_count, 0)


class Rsvp(models.Model):
    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")
        WAITING = "waiting", _("On the waiting list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    # When the answer was last changed: the waiting list's order.
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to an event")
        verbose_name_plural = _("answers to events")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_rsvp_per_person")]
        indexes = [models.Index(fields=["event", "answer", "answered_at"], name="rsvp_event_answer")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}: {self.answer}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address: whoever holds it reads their calendar, without signing in. Revoked by
    deleting the row, regenerated by replacing the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", primary_key=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id}"
