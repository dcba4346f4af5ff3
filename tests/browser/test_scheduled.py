"""Scheduled posts in a real browser, in French: "Send later" from the composer, the scheduled posts page (a post
seen in the list, one cancelled once asked), desktop and phone, screenshots and axe-core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.stream import scheduling
from essaim.stream.models import Post, ScheduledPost
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def author(employee: User) -> User:
    employee.timezone, employee.language = "Europe/Paris", "fr"
    employee.save(update_fields=["timezone", "language"])
    return employee


def test_schedule_a_post_see_it_and_cancel_one(open_page: Callable[..., Any], author: User) -> None:
    page = open_page()
    sign_in(page, author.email, PASSWORD)
    tomorrow = (
        (timezone.now() + timedelta(days=1)).astimezone(PARIS).replace(hour=9, minute=30, second=0, microsecond=0)
    )
    composer = page.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill("Le compte rendu de la réunion d'équipe, demain matin.")
    composer.locator("input[name=send_at]").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "scheduled-composer-desktop")
    composer.locator("button[type=submit]").click()
    page.wait_for_url("**/posts/scheduled/")
    item = page.locator(".scheduled-posts__item", has_text="compte rendu")
    item.wait_for()
    assert "30" in item.locator("time").inner_text()
    scheduled = ScheduledPost.objects.get()
    assert scheduled.scheduled_at == tomorrow
    assert not Post.objects.exists()

    scheduling.scheduled_post_create(
        actor=author, scheduled_at=timezone.now() + timedelta(days=3), body="Rappel : inscriptions au séminaire"
    )
    page.reload()
    assert page.locator(".scheduled-posts__item").count() == 2
    looks_right(page, "scheduled-list-desktop")

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/posts/scheduled/")
    looks_right(phone, "scheduled-list-phone")
    reminder = phone.locator(".scheduled-posts__item", has_text="séminaire")
    reminder.locator("a.button--danger").click()
    phone.wait_for_url("**/cancel")
    looks_right(phone, "scheduled-cancel-phone")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/posts/scheduled/")
    assert phone.locator(".scheduled-posts__item").count() == 1
    assert list(ScheduledPost.objects.values_list("body", flat=True)) == [
        "Le compte rendu de la réunion d'équipe, demain matin."
    ]
