"""The embedded default's e-mail backend: every message kept in the outbox, one console line each.

Without a mail server (no ``ESSAIM_EMAIL_HOST``), ``MAILERS["default"]`` is this backend: network
administrators read each message under /manage/outbox/ (``mailbox.views``), and the console says
who got what with its links, on one line, instead of Django's console backend's quoted-printable
dump that cut a reset link across lines (here folded in two)::

    mail to lea@example.com « Réinitialisation du mot de passe » → http://127.0.0.1:8000/accounts/password/
    reset/key/1-dj6h5e-652bc1f09a6f6f2b0b08/  (outbox: http://127.0.0.1:8000/manage/outbox/12/)

The bare site address (a signature's) is left out of the line; the outbox link is always there.
Options (``MAILERS["default"]["OPTIONS"]``): ``console`` (default true) and ``stream`` (standard
output by default).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from essaim.mailbox import services
from essaim.mailbox.models import OutboxMessage
from essaim.network import site

BACKEND = "essaim.mailbox.backends.OutboxBackend"
_lock = threading.Lock()  # one line at a time from a process's threads


def outbox_enabled() -> bool:
    """Whether the default mailer keeps mail in the outbox (no mail server configured)."""
    from django.conf import settings

    return bool(getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND") == BACKEND)


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *args: Any, console: bool = True, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.console = console
        self.stream = stream

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            message.message()  # the headers are checked as for a real send (no newline in a subject…)
            kept = services.outbox_message_keep(message=message)
            if self.console:
                self._print(kept)
            sent += 1
        return sent

    def _print(self, kept: OutboxMessage) -> None:
        root = site.site_url()
        links = [link for link in kept.links() if link.rstrip("/") != root]
        outbox = site.absolute_url(reverse("mailbox:message-detail", kwargs={"message_id": kept.pk}))
        line = f"mail to {kept.recipients} « {kept.subject} »"
        if links:
            line += " → " + " ".join(links)
        stream = self.stream or sys.stdout
        with _lock:
            stream.write(f"{line}  (outbox: {outbox})\n")
            stream.flush()
