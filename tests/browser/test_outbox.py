"""Issue 17, points 2 and 3 in a real browser: an administrator invites someone, reads the mail in the outbox
and follows its link, which names the site's address; the outbox's pages looked at on a desktop and a phone,
in French and English, with axe-core and without sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from essaim.accounts import services as account_services
from essaim.accounts.models import User
from essaim.mailbox.backends import OutboxBackend
from essaim.mailbox.models import OutboxMessage
from essaim.network.models import NetworkSettings
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    looks_right,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = {"default": {"BACKEND": "essaim.mailbox.backends.OutboxBackend", "OPTIONS": {"console": False}}}


@pytest.fixture(autouse=True)
def _outbox(settings: Any, live_server: Any) -> None:
    settings.MAILERS = OUTBOX
    settings.SITE_URL = live_server.url
    NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Atelier Boréal"})


def test_an_admin_invites_someone_reads_the_mail_and_follows_its_link(page: Any, network_admin: User) -> None:
    sign_in(page, network_admin.email, PASSWORD)
    page.goto("/manage/invitations/")
    page.locator("input[name=first_name]").fill("Noé")
    page.locator("input[name=last_name]").fill("Nouveau")
    page.locator("input[name=email]").fill("noe.nouveau@example.com")
    page.locator("main form button[type=submit]").click()
    page.locator(".message--success").wait_for()

    page.goto("/manage/")
    screenshot(page, "manage-home-with-outbox-desktop-fr")
    page.get_by_role("link", name="Boîte d’envoi").click()
    page.wait_for_url("**/manage/outbox/")
    row = page.locator(".outbox__row").first
    assert "Atelier Boréal" in row.locator(".outbox__subject").inner_text()
    assert "noe.nouveau@example.com" in row.inner_text()

    row.locator(".outbox__subject").click()
    page.wait_for_url(re.compile(r".*/manage/outbox/\d+/$"))
    assert "Atelier Boréal <" in page.locator(".facts").inner_text()
    link = page.locator("pre.mail__text a").first
    href = link.get_attribute("href") or ""
    assert href.startswith(f"{page.url.split('/manage/')[0]}/accounts/invitation/"), href
    screenshot(page, "outbox-invitation-desktop-fr")
    link.click()
    page.wait_for_url("**/accounts/invitation/**")
    assert "noe.nouveau@example.com" in page.locator("main").inner_text()


def _invitation_and_digest(admin: User) -> tuple[OutboxMessage, OutboxMessage]:
    with translation.override(admin.language):  # as sent from the administrator's page
        account_services.invitation_send(actor=admin, email="noe.nouveau@example.com", first_name="Noé")
    invitation = OutboxMessage.objects.latest("pk")
    digest = EmailMultiAlternatives("Ce qui s’est passé cette semaine", "", "a@example.com", ["lea@example.com"])
    digest.attach_alternative(
        "<html><head><style>h1 { color: #2f5bd3; }</style></head><body><h1>Cette semaine</h1>"
        '<p style="font-size: 18px">Trois nouvelles publications dans <a href="/spaces/">vos espaces</a>.</p>'
        '<script>document.body.insertAdjacentHTML("beforeend", "<p id=ran>ran</p>")</script></body></html>',
        "text/html",
    )
    OutboxBackend(console=False).send_messages([digest])
    return invitation, OutboxMessage.objects.latest("pk")


@pytest.mark.parametrize(("viewport", "language"), [(DESKTOP, "fr"), (DESKTOP, "en"), (PHONE, "fr"), (PHONE, "en")])
def test_the_outbox_pages_look_right(
    open_page: Callable[..., Any], network_admin: User, viewport: dict[str, int], language: str
) -> None:
    network_admin.language = language
    network_admin.save(update_fields=["language"])
    invitation, digest = _invitation_and_digest(network_admin)
    size = "desktop" if viewport == DESKTOP else "phone"
    page = open_page(viewport=viewport)
    sign_in(page, network_admin.email, PASSWORD)

    page.goto("/manage/outbox/")
    assert page.locator(".outbox__row").count() == 2
    looks_right(page, f"outbox-list-{size}-{language}")

    page.goto(f"/manage/outbox/{invitation.pk}/")
    assert page.locator("pre.mail__text a").count() == 1
    looks_right(page, f"outbox-text-{size}-{language}")

    page.goto(f"/manage/outbox/{digest.pk}/")
    frame = page.frame_locator("iframe.mail__html")
    heading = frame.locator("h1")
    heading.wait_for()
    assert heading.evaluate("e => getComputedStyle(e).color") == "rgb(47, 91, 211)"  # its own styles apply
    assert frame.locator("#ran").count() == 0  # its script does not run
    looks_right(page, f"outbox-html-{size}-{language}")
    frame.get_by_role("link").click()  # a link replaces the page, not the frame
    page.wait_for_url("**/spaces/")
