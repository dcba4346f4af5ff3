"""The mail gateway on loopback (``manage.py mailgate``'s own server, in a thread) and a client speaking to it."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from essaim.mailgate.management.commands.mailgate import start
from tests.emails.conftest import free_port

DOMAIN = "rse.example.com"


@pytest.fixture
def mail_domain(settings: Any) -> str:
    settings.MAIL_IN_DOMAIN = DOMAIN
    return DOMAIN


@pytest.fixture
def gateway(mail_domain: str) -> Iterator[int]:
    """The gateway speaking LMTP on a free loopback port; its port."""
    port = free_port()
    controller = start(host="127.0.0.1", port=port, lmtp=True)
    try:
        yield port
    finally:
        controller.stop()


def message(
    *, sender: str, to: str, body: str, subject: str = "Re: notification", headers: dict[str, str] | None = None
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = "<m1@client.example.com>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail


@pytest.fixture
def lmtp(gateway: int) -> Callable[..., dict[str, tuple[int, bytes]]]:
    """``lmtp(mail, envelope_from=...)``: one LMTP conversation with the gateway; the refusals by recipient
    (``smtplib``'s answer: empty when every recipient took it)."""

    def send(mail: EmailMessage, *, envelope_from: str | None = None) -> dict[str, tuple[int, bytes]]:
        with smtplib.LMTP("127.0.0.1", gateway) as client:
            return client.send_message(mail, from_addr=envelope_from if envelope_from is not None else mail["From"])

    return send
