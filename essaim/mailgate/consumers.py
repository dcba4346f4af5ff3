"""Mail in, durable: each message the gateway accepted is handled once by the task worker, even after a restart."""

from __future__ import annotations

from essaim.events import consumer
from essaim.events.types import MailReceived
from essaim.mailgate import services


@consumer("mailgate.inbound", on=[MailReceived], durable=True)
def inbound(event: MailReceived) -> None:
    services.mail_handle(mail_id=event.mail_id)
