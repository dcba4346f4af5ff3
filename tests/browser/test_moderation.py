"""Issue 21, point 2 in a real browser: an employee reports a post from its menu; the space's moderator sees the
count in the navigation, opens the queue and hides the post; the reporter is told. On a desktop and a phone, in
French, with axe-core and without sideways scrolling. (The new strings show in English until the French
catalogue has them: the test finds things by their addresses and names, not by their words.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.events.outbox import drain
from essaim.moderation.models import Report
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, looks_right, sign_in
from tests.spaces.factories import SpaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_reports_a_post_and_a_moderator_decides_it(open_page: Callable[..., Any]) -> None:
    space = SpaceFactory(name="Projet Atlas", visibility="public")
    author = member(space, first_name="Hugo", last_name="Roux", language="fr").user
    lea = member(space, first_name="Léa", last_name="Martin", language="fr").user
    noe = member(space, Membership.Role.MODERATOR, first_name="Noé", last_name="Girard", language="fr").user
    post = stream.post_create(actor=author, body="Achetez mes montres sur example.com, prix imbattables !", space=space)

    page = open_page()
    sign_in(page, lea.email, PASSWORD)
    page.goto(post.get_absolute_url())
    page.locator(f"#post-{post.pk} .post__menu summary").click()
    page.locator(f"a[href='/moderation/report/post/{post.pk}/']").click()
    page.wait_for_url(f"**/moderation/report/post/{post.pk}/")
    looks_right(page, "report-form-desktop-fr")
    page.locator("input[name=reason][value=spam]").check()
    page.locator("textarea[name=details]").fill("De la publicité dans l’espace du projet.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{post.get_absolute_url()}")
    assert page.locator(".messages").is_visible()
    assert Report.objects.filter(reporter=lea, status="open").count() == 1

    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(f"/moderation/report/person/{author.handle}/")
    looks_right(phone, "report-form-phone-fr")

    moderator = open_page()
    sign_in(moderator, noe.email, PASSWORD)
    moderator.goto("/")
    moderator.locator(".sidenav a[href='/moderation/']").click()
    moderator.wait_for_url("**/moderation/")
    assert moderator.locator(".report-group").count() == 1
    looks_right(moderator, "moderation-queue-desktop-fr")

    moderator_phone = open_page(viewport=PHONE, storage_state=moderator.context.storage_state())
    moderator_phone.goto("/moderation/")
    looks_right(moderator_phone, "moderation-queue-phone-fr")

    moderator.locator("textarea[name=note]").fill("Les annonces commerciales n’ont pas leur place ici.")
    moderator.locator("button[name=decision][value=hidden]").click()
    moderator.wait_for_url("**/moderation/")
    assert moderator.locator(".report-group").count() == 0
    looks_right(moderator, "moderation-queue-empty-desktop-fr")
    post.refresh_from_db()
    assert post.hidden_at is not None

    drain(budget_s=30)
    page.goto("/notifications/")
    assert page.locator(".notification").count() == 1
    looks_right(page, "report-outcome-notification-desktop-fr")
