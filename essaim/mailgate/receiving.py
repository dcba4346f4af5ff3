"""The gateway's side of an SMTP or LMTP conversation (aiosmtpd): which recipients it takes, and accepting a
message durably before answering "250".

- **RCPT**: an address that is not one of ours (``addresses.read``: another domain, a made-up or
  forged token) is refused at once (550), so the company's mail server tells the sender; an expired
  reply address is taken (its owner is told politely where to answer instead).
- **DATA**: a message over ``MAIL_IN_MAX_BYTES`` is refused by the SMTP layer itself (552, the SIZE
  extension); a sender (envelope) over ``MAIL_IN_PER_HOUR`` messages is asked to try later (451,
  counted by every process together, ``core.counters``); else one ``InboundMail`` row per recipient
  and its ``MailReceived`` event are committed together, and only then does the gateway answer 250.
  What was accepted survives any restart: the outbox's consumer (``mailgate.consumers``) reads it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings

from essaim.mailgate import addresses
from essaim.mailgate.services import mail_accept

logger = logging.getLogger(__name__)

NOT_OURS = "550 5.1.1 No such recipient here"


def max_bytes() -> int:
    return int(getattr(settings, "MAIL_IN_MAX_BYTES", 26_214_400))


def recipient_status(address: str) -> str | None:
    """``None`` when the gateway takes mail for ``address``, else the SMTP reply refusing it."""
    try:
        addresses.read(address)
    except addresses.AddressError as refused:
        logger.info("Mail gateway: refused a recipient (%s): %s", refused.code, address)
        return NOT_OURS
    return None


class Handler:
    """aiosmtpd's handler: the conversation on the event loop, the database in a thread."""

    def __init__(self, *, lmtp: bool = False) -> None:
        self.lmtp = lmtp

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        refused = recipient_status(address)
        if refused:
            return refused
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        loop = asyncio.get_running_loop()
        try:
            status = await loop.run_in_executor(
                None, mail_accept, envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
            )
        except Exception:
            logger.exception("Mail gateway: could not keep a message; the sender's server will try again")
            status = "451 4.3.0 Could not keep the message: try again later"
        if self.lmtp:  # LMTP answers once per recipient (RFC 2033); all were kept together, or none
            return "\r\n".join([status] * len(envelope.rcpt_tos))
        return status
