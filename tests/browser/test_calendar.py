"""Issue 20, point 3 in a real browser: an employee creates an event from the composer ("Event" in its type
switch), sees its card in the feed, opens its page, answers "going" and downloads its .ics, then finds it on
their upcoming events page with their calendar address; on a desktop and a phone, in French and in English,
each page looked at (screenshots), axe-core clean and without sideways scrolling.

Buttons and fields are found by their names and values, not their labels, so the test holds in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.calendar.models import Event, Rsvp
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import DESKTOP, PHONE, looks_right, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLOW_MACHINE_MS = 30_000  # eight people share two cores: pages may take seconds


def create_from_the_composer(page: Any, name: str) -> Event:
    page.goto("/")
    composer = page.locator("form[data-composer]")
    composer.locator("label[for=composer-kind-event]").click()
    composer.locator("fieldset.composer__event").wait_for()
    composer.locator("textarea[name=body]").fill("On fête la fin du projet Atlas, venez nombreux !")
    composer.locator("input[name=event-title]").fill("Fête du projet Atlas")
    composer.locator("input[name=event-start_date]").fill((timezone.localdate() + timedelta(days=12)).isoformat())
    composer.locator("input[name=event-start_time]").fill("18:00")
    composer.locator("input[name=event-end_time]").fill("21:30")
    composer.locator("input[name=event-place]").fill("Terrasse du 5e étage, Lyon")
    composer.locator("input[name=event-capacity]").fill("40")
    looks_right(page, f"{name}-composer")
    composer.locator("button[type=submit]").click()
    page.locator(".event-card").first.wait_for()
    looks_right(page, f"{name}-feed")
    return Event.objects.get()


def answer_going(page: Any, event: Event, person: User, name: str) -> None:
    page.locator(".event-card__title a").first.click()
    page.wait_for_url(f"**/events/{event.pk}/")
    page.locator("#event-title").wait_for()
    looks_right(page, f"{name}-page")
    page.locator(f"#rsvp-{event.pk} button[value=going]").click()
    page.locator(f"#rsvp-{event.pk} button[value=going][aria-pressed=true]").wait_for()
    assert Rsvp.objects.get(user=person).answer == Rsvp.Answer.GOING
    page.reload()
    page.locator(".people-list").get_by_text("Léa Martin").wait_for()
    looks_right(page, f"{name}-answered")


def download_the_ics(page: Any, event: Event) -> None:
    with page.expect_download() as download:
        page.locator(f"a[href='/events/{event.pk}/event.ics']").click()
    data = Path(download.value.path()).read_bytes()
    (vevent,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Fête du projet Atlas"
    assert vevent["DTSTART"].dt.hour == 18
    assert b"BEGIN:VTIMEZONE" in data


def my_events_and_calendar_address(page: Any, name: str) -> None:
    page.goto("/events/")
    page.locator(".event-list").get_by_text("Fête du projet Atlas").wait_for()
    page.locator("button[name=do][value=make]").click()
    page.locator("#feed-url").wait_for()
    looks_right(page, f"{name}-mine")
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.endswith(".ics")
    feed = page.context.request.get(feed_url)
    assert feed.status == 200
    assert "Fête du projet Atlas" in feed.text()


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_create_an_event_answer_it_and_download_it(open_page: Callable[..., Any], language: str, device: str) -> None:
    person = UserFactory(first_name="Léa", last_name="Martin", language=language)
    page = open_page(viewport=DESKTOP if device == "desktop" else PHONE)
    page.set_default_timeout(SLOW_MACHINE_MS)
    page.set_default_navigation_timeout(SLOW_MACHINE_MS)
    sign_in(page, person.email, PASSWORD)
    name = f"calendar-{device}-{language}"
    event = create_from_the_composer(page, name)
    assert event.local_start.hour == 18
    assert event.capacity == 40
    answer_going(page, event, person, name)
    download_the_ics(page, event)
    my_events_and_calendar_address(page, name)
