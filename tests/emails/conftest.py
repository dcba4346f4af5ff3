"""A real SMTP server on loopback (aiosmtpd) for the tests that send through one, and helpers to read mail."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

TOKEN = re.compile(r"/emails/unsubscribe/[^/\s>]+/")


class Inbox:
    """What the server received, as parsed messages (the handler's side of each SMTP conversation)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's
        parsed = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """An SMTP server on a free loopback port, and Essaim's mailer pointed at it (no TLS, no login)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


class FailingConnection:
    """A mail connection that hands messages on (to Django's test outbox) until the ``at``-th, where it fails
    as ``error`` says: ``SystemExit`` for a worker killed mid-run, an SMTP error for a server that refuses."""

    def __init__(self, at: int, error: BaseException) -> None:
        self.at, self.error, self.sent = at, error, 0

    def __enter__(self) -> FailingConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send_messages(self, messages: Sequence[Any]) -> int:
        from django.core import mail

        self.sent += 1
        if self.sent == self.at:
            raise self.error
        mail.outbox.extend(messages)
        return len(messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def text_of(message: Any) -> str:
    """The plain-text part of a sent message (Django's or a parsed one), unsubscribe tokens replaced by ``TOKEN``."""
    body = str(message.body) if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    return TOKEN.sub("/emails/unsubscribe/TOKEN/", body)


def html_of(message: Any) -> str:
    if hasattr(message, "alternatives"):
        return str(message.alternatives[0][0])
    return str(message.get_body(preferencelist=("html",)).get_content())
