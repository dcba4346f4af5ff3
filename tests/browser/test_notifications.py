"""Issue 18, notifications in a real browser: a colleague comments, mentions and reacts; the person sees
the bell count up, opens its panel, reads the notifications page and follows one to the comment; the bell
and the page looked at on a desktop and a phone, in French and English, with axe-core and without
sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.events import outbox
from essaim.people import services as people_services
from essaim.stream import services as stream_services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import PHONE, looks_right, looks_right_on_desktop_and_phone, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_day(employee: User, colleague: User) -> int:
    """What colleagues did about ``employee``'s post, told through the outbox's consumer as the worker would."""
    post = stream_services.post_create(actor=employee, body="Réunion de rentrée jeudi à 10 h en salle Garonne")
    stream_services.comment_create(actor=colleague, post=post, body="J'y serai, merci @lea.martin pour l'ordre du jour")
    for first_name, last_name in (("Marc", "Roux"), ("Zoé", "Petit"), ("Inès", "Lecoq")):
        stream_services.reaction_add(
            actor=UserFactory(first_name=first_name, last_name=last_name), post=post, emoji="👍"
        )
    people_services.follow_create(actor=colleague, user=employee)
    outbox.drain()
    return post.pk


def assert_within_the_screen(page: Any, selector: str) -> None:
    left, right = page.evaluate(
        f"() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); return [r.left, r.right]; }}"
    )
    assert 0 <= left < right <= page.viewport_size["width"]


def test_the_bell_counts_its_panel_shows_and_a_notification_leads_to_the_comment(
    page: Any, open_page: Callable[..., Any], employee: User, busy_day: int
) -> None:
    sign_in(page, employee.email, PASSWORD)
    page.goto("/")
    bell = page.locator("details.bell")
    assert bell.locator(".bell__count").inner_text() == "3"
    bell.locator("summary").click()
    panel = bell.locator(".bell__panel")
    panel.locator(".notification").first.wait_for()
    assert "Éloïse Dupré vous suit" in panel.inner_text()
    assert "Inès Lecoq et 2 autres personnes ont réagi à votre publication" in panel.inner_text().replace("\xa0", " ")
    screenshot(page, "notifications-bell-open-desktop-fr")
    assert_within_the_screen(page, ".bell__panel")

    page.goto("/notifications/")
    looks_right_on_desktop_and_phone(open_page, page, "notifications-page-fr")
    page.get_by_text("Éloïse Dupré vous a mentionné dans un commentaire").click()
    page.wait_for_url(f"**/posts/{busy_day}/#comment-*")
    assert page.locator("details.bell .bell__count").inner_text() == "2"


def test_in_english_on_a_phone_with_the_panel_open(
    open_page: Callable[..., Any], employee: User, busy_day: int
) -> None:
    User.objects.filter(pk=employee.pk).update(language="en")
    phone = open_page(viewport=PHONE)
    sign_in(phone, employee.email, PASSWORD)
    phone.goto("/")
    phone.locator("details.bell summary").click()
    phone.locator(".bell__panel .notification").first.wait_for()
    assert "Éloïse Dupré now follows you" in phone.locator(".bell__panel").inner_text()
    assert_within_the_screen(phone, ".bell__panel")
    looks_right(phone, "notifications-bell-open-phone-en")
    phone.goto("/notifications/?unread=1")
    phone.get_by_role("button", name="Mark all as read").click()
    phone.wait_for_url("**/notifications/?unread=1")
    assert "nothing unread" in phone.locator("main").inner_text()
    assert phone.locator("details.bell .bell__count").count() == 0
    looks_right(phone, "notifications-all-read-phone-en")
