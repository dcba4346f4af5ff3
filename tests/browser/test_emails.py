"""Issue 18 point 4 in a real browser: a notification e-mail and a digest as a mail client shows their HTML part
(the network's name and colour, the sentence, the excerpt, the links), and the unsubscribe link followed from
a browser with no session, in the person's language: the page asks, the button does it, the page says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from essaim.accounts.models import User
from essaim.emails import batches, compose
from essaim.events import outbox
from essaim.network.models import NetworkSettings
from essaim.notifications import selectors
from essaim.stream import services as stream_services
from tests.browser.conftest import PHONE, looks_right, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emailed(employee: User, colleague: User, settings: Any) -> mail.EmailMultiAlternatives:
    """The e-mail Éloïse gets after Léa mentioned her and answered her comment, in French, from a network
    with its own name and colour."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    NetworkSettings.objects.update_or_create(pk=1, defaults={"name": "Atelier Boréal", "accent_color": "#b3261e"})
    User.objects.filter(pk=colleague.pk).update(language="fr")
    stream_services.post_create(actor=employee, body="Peux-tu relire la note de rentrée, @eloise.dupre ?")
    question = stream_services.post_create(actor=colleague, body="Qui a la clé du local vélo ?")
    comment = stream_services.comment_create(actor=colleague, post=question, body="Je la cherche aussi")
    stream_services.comment_create(actor=employee, post=question, body="Elle est à l'accueil", parent=comment)
    outbox.drain()
    mail.outbox = []
    assert batches.send_due(now=timezone.now() + timedelta(minutes=10)) == 1
    return mail.outbox[0]  # type: ignore[return-value]


def test_a_notification_email_and_its_unsubscribe_link(
    open_page: Callable[..., Any], colleague: User, emailed: mail.EmailMultiAlternatives
) -> None:
    html = str(emailed.alternatives[0][0])
    reader = open_page()
    reader.set_content(html)
    screenshot(reader, "email-notifications-fr")
    assert "Atelier Boréal" in reader.locator("body").inner_text()
    assert reader.get_by_text("Léa Martin vous a mentionné dans une publication").is_visible()
    phone = open_page(viewport=PHONE)
    phone.set_content(html)
    screenshot(phone, "email-notifications-phone-fr")

    link = re.search(r"http://[^\s]+/emails/unsubscribe/[^/\s]+/", str(emailed.body))
    assert link is not None
    page = open_page()
    page.goto(link.group(0).split("/emails/", 1)[1].join(["/emails/", ""]))
    assert page.get_by_role("heading", name="Se désabonner").is_visible()
    looks_right(page, "email-unsubscribe-ask-fr")
    page.get_by_role("button", name="Se désabonner").click()
    page.get_by_role("heading", name="Désabonnement fait").wait_for()
    looks_right(page, "email-unsubscribe-done-fr")
    channels = selectors.notification_choices_for(actor=colleague).channels
    assert "app_email" not in channels.values(), "a batch of two kinds: every notification e-mail stops"


def test_a_weekly_digest_as_a_mail_client_shows_it(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    author = colleague
    discussed = stream_services.post_create(actor=author, body="Nouvelle organisation des ateliers du jeudi")
    for _i in range(3):
        stream_services.comment_create(actor=employee, post=discussed, body="Bonne idée")
    discussed.refresh_from_db()
    unanswered = stream_services.post_create(actor=author, body="Quelqu'un a une rallonge de 10 m ?")
    digest = compose.Digest(discussed=[discussed], unanswered=[unanswered], announcements=[])
    for post in (discussed, unanswered):
        post.email_url = f"http://127.0.0.1:8000/posts/{post.pk}/"  # type: ignore[attr-defined]
    for language in ("fr", "en"):
        User.objects.filter(pk=employee.pk).update(language=language)
        employee.refresh_from_db()
        message = compose.digest_email(employee, digest, weekly=True)
        reader = open_page()
        reader.set_content(str(message.alternatives[0][0]))
        screenshot(reader, f"email-digest-{language}")
        assert reader.get_by_text("Nouvelle organisation des ateliers du jeudi").is_visible()


def test_a_space_shows_its_member_their_own_posting_address(
    open_page: Callable[..., Any], colleague: User, settings: Any
) -> None:
    from essaim.spaces.models import Membership, Space
    from tests.accounts.factories import PASSWORD
    from tests.browser.conftest import sign_in
    from tests.spaces.factories import SpaceFactory

    settings.MAIL_IN_DOMAIN = "reply.atelier-boreal.example"
    space = SpaceFactory(name="Atelier vélo", slug="atelier-velo", visibility=Space.Visibility.PUBLIC)
    Membership.objects.create(space=space, user=colleague, role=Membership.Role.MEMBER)
    page = open_page()
    sign_in(page, colleague.email, PASSWORD)
    page.goto(space.get_absolute_url())
    address = page.locator(".posting-address a")
    assert address.inner_text().startswith("post-")
    assert address.inner_text().endswith("@reply.atelier-boreal.example")
    looks_right(page, "space-posting-address-desktop-fr")
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(space.get_absolute_url())
    looks_right(phone, "space-posting-address-phone-fr")
