"""The outbox backend: every message kept for the browser, and one console line with its links."""

from __future__ import annotations

import io

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from essaim.mailbox.backends import OutboxBackend
from essaim.mailbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

# Longer than a quoted-printable line (76): Django's console backend cut it with "=" and a newline.
LINK = "http://127.0.0.1:8101/accounts/password/reset/key/1-dj6h5e-652bc1f09a6f6f2b0b085e30bc857bdb-0123456789/"


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101"


def send(*messages: EmailMessage) -> tuple[int, list[str]]:
    stream = io.StringIO()
    sent = OutboxBackend(stream=stream).send_messages(list(messages))
    return sent, stream.getvalue().splitlines()


def reset_mail() -> EmailMessage:
    body = f"Bonjour, c'est Atelier Boréal !\n\nCliquez sur le lien :\n\n{LINK}\n\nMerci !\nhttp://127.0.0.1:8101"
    return EmailMessage(
        "Réinitialisation du mot de passe", body, "Atelier Boréal <essaim@localhost>", ["lea.martin@essaim.test"]
    )


def test_a_message_is_kept_whole(db: None) -> None:
    sent, _ = send(reset_mail())
    assert sent == 1
    stored = OutboxMessage.objects.get()
    assert stored.subject == "Réinitialisation du mot de passe"
    assert stored.sender == "Atelier Boréal <essaim@localhost>"
    assert stored.recipients == "lea.martin@essaim.test"
    assert stored.text == reset_mail().body
    assert stored.html == ""


def test_the_console_gets_one_line_with_the_link_unbroken(db: None) -> None:
    _, lines = send(reset_mail())
    stored = OutboxMessage.objects.get()
    assert lines == [
        f"mail to lea.martin@essaim.test « Réinitialisation du mot de passe » → {LINK}"
        f"  (outbox: http://127.0.0.1:8101/manage/outbox/{stored.pk}/)"
    ]


def test_several_messages_give_one_line_each(db: None) -> None:
    sent, lines = send(reset_mail(), reset_mail())
    assert sent == 2
    assert len(lines) == 2
    assert OutboxMessage.objects.count() == 2


def test_every_recipient_is_named(db: None) -> None:
    message = EmailMessage("Hello", "No link here.", "a@example.com", ["b@example.com"], cc=["c@example.com"])
    message.bcc = ["d@example.com"]
    _, lines = send(message)
    assert OutboxMessage.objects.get().recipients == "b@example.com, c@example.com, d@example.com"
    assert lines[0].startswith("mail to b@example.com, c@example.com, d@example.com « Hello »  (outbox: ")


def test_the_html_part_is_kept_and_its_links_are_printed(db: None) -> None:
    message = EmailMultiAlternatives("Digest", "", "a@example.com", ["b@example.com"])
    message.attach_alternative(f'<p><a href="{LINK}">Reset</a> <a href="{LINK}">again</a></p>', "text/html")
    _, lines = send(message)
    stored = OutboxMessage.objects.get()
    assert stored.html.startswith("<p><a href=")
    assert lines[0].count(LINK) == 1  # each link once


def test_a_message_whose_body_is_html(db: None) -> None:
    message = EmailMessage("Digest", f'<a href="{LINK}">x</a>', "a@example.com", ["b@example.com"])
    message.content_subtype = "html"
    send(message)
    stored = OutboxMessage.objects.get()
    assert (stored.text, stored.html) == ("", f'<a href="{LINK}">x</a>')


def test_nothing_to_send_is_nothing_kept(db: None) -> None:
    assert send() == (0, [])


def test_the_backend_is_built_from_mailers(db: None, settings) -> None:
    from django.core import mail

    settings.MAILERS = {"default": {"BACKEND": "essaim.mailbox.backends.OutboxBackend", "OPTIONS": {"console": False}}}
    reset_mail().send()
    assert OutboxMessage.objects.count() == 1
    mail.send_mail("Subject", "Body", None, ["x@example.com"])  # Django's old helper still reaches it
    assert OutboxMessage.objects.count() == 2
