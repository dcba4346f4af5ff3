"""Issue 18 point 3 in a real browser: a person chooses what they are told (a channel per kind, a level per
space) and mutes a post's thread; the settings page looked at on a desktop and a phone, in French and
English, with axe-core and without sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.notifications.models import EmailPreferences, NotificationSetting, SpaceNotificationLevel, ThreadMute
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream_services
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, looks_right_on_desktop_and_phone, screenshot, sign_in
from tests.spaces.factories import SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workshop(employee: User) -> Space:
    space = SpaceFactory(name="Atelier vélo", visibility=Space.Visibility.PUBLIC)
    Membership.objects.create(space=space, user=employee, role=Membership.Role.MEMBER)
    return space


def test_choosing_what_one_is_told(page: Any, open_page: Callable[..., Any], employee: User, workshop: Space) -> None:
    sign_in(page, employee.email, PASSWORD)
    page.goto("/notifications/")
    page.locator("main a[href='/notifications/settings/']").first.click()
    page.wait_for_url("**/notifications/settings/")
    looks_right_on_desktop_and_phone(open_page, page, "notification-settings-fr")
    page.locator("input[name='channel_reaction'][value='nothing']").check()
    page.locator(f"select[name='level_{workshop.pk}']").select_option("all")
    page.locator("main form button[type=submit]").last.click()
    page.locator(".message--success").wait_for()
    screenshot(page, "notification-settings-saved-desktop-fr")
    assert NotificationSetting.objects.get(user=employee, kind="reaction").channel == "nothing"
    assert SpaceNotificationLevel.objects.get(user=employee, space=workshop).level == "all"


def test_muting_a_thread_on_a_phone_in_english(open_page: Callable[..., Any], employee: User, colleague: User) -> None:
    User.objects.filter(pk=employee.pk).update(language="en")
    post = stream_services.post_create(actor=colleague, body="Qui vient au salon de l'innovation ?")
    phone = open_page(viewport=PHONE)
    sign_in(phone, employee.email, PASSWORD)
    phone.goto(f"/posts/{post.pk}/")
    phone.get_by_role("button", name="Mute this thread").click()
    phone.get_by_role("button", name="Unmute this thread").wait_for()
    assert ThreadMute.objects.filter(user=employee, post=post).exists()
    looks_right(phone, "post-muted-thread-phone-en")
    phone.goto("/notifications/settings/")
    looks_right(phone, "notification-settings-phone-en")


def test_choosing_a_daily_digest_and_quiet_hours(open_page: Callable[..., Any], employee: User) -> None:
    page = open_page()  # a French browser: a 24-hour clock in the time fields
    sign_in(page, employee.email, PASSWORD)
    page.goto("/notifications/settings/")
    page.locator("select[name='digest']").select_option("daily")
    page.locator("input[name='quiet_from']").fill("21:30")
    page.locator("input[name='quiet_until']").fill("07:00")
    page.locator("main form button[type=submit]").last.click()
    page.locator(".message--success").wait_for()
    looks_right(page, "notification-settings-email-saved-desktop-fr")
    preferences = EmailPreferences.objects.get(user=employee)
    assert (preferences.digest, preferences.quiet_from, preferences.quiet_until) == ("daily", time(21, 30), time(7))
