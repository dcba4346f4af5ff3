"""``manage.py mailgate``: the mail gateway, an LMTP (or SMTP) server on loopback behind the company's mail server.

The mail server hands it the mail for ``ESSAIM_MAIL_IN_DOMAIN`` (docs/deploy.md, "Reply and post by
e-mail": Postfix's transport line). Each message is kept before it is acknowledged; the task worker
(``manage.py worker``) turns it into a comment or a post (``mailgate.consumers``).
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.mailgate import addresses
from essaim.mailgate.receiving import Handler, max_bytes


class GatewayController(Controller):
    """aiosmtpd's threaded server, speaking LMTP or SMTP, refusing messages over the size limit."""

    def __init__(self, handler: Handler, *, lmtp: bool, **kwargs: Any) -> None:
        self.lmtp = lmtp
        super().__init__(handler, data_size_limit=max_bytes(), **kwargs)

    def factory(self) -> SMTP:
        server_class = LMTP if self.lmtp else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)


def start(*, host: str, port: int, lmtp: bool) -> GatewayController:
    controller = GatewayController(Handler(lmtp=lmtp), lmtp=lmtp, hostname=host, port=port)
    controller.start()
    return controller


class Command(BaseCommand):
    help = "Run the mail gateway: reply and post by e-mail (LMTP by default, on loopback)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8025", help="host:port to listen on (default 127.0.0.1:8025)")
        parser.add_argument("--smtp", action="store_true", help="speak SMTP instead of LMTP")

    def handle(self, *args: Any, **options: Any) -> None:
        if not addresses.domain():
            raise CommandError("Set ESSAIM_MAIL_IN_DOMAIN (the domain of the reply and posting addresses) first.")
        host, _colon, port = str(options["bind"]).rpartition(":")
        controller = start(host=host or "127.0.0.1", port=int(port), lmtp=not options["smtp"])
        protocol = "SMTP" if options["smtp"] else "LMTP"
        self.stdout.write(f"Mail gateway ({protocol}) for @{addresses.domain()} on {options['bind']}")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        controller.stop()
