"""Keeping what the outbox backend sends, bounded.

No actor: the mail system itself keeps each message as it goes out (``mailbox.backends``); nobody
edits or deletes a kept message by hand. The outbox keeps the newest ``KEEP_MESSAGES`` messages of
the last ``KEEP_DAYS`` days: each new message forgets the ones beyond, so it never grows.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from essaim.mailbox.models import OutboxMessage

KEEP_MESSAGES = 500
KEEP_DAYS = 30


def _parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of ``message`` (either may be empty)."""
    body = str(message.body or "")
    if message.content_subtype == "html":
        return "", body
    html = ""
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            html = content.decode() if isinstance(content, bytes) else str(content)
            break
    return body, html


@transaction.atomic
def outbox_message_keep(*, message: EmailMessage) -> OutboxMessage:
    """Keep a copy of ``message`` as it goes out, and forget what is now beyond the outbox's bounds."""
    text, html = _parts(message)
    kept = OutboxMessage(
        sender=str(message.from_email),
        recipients=", ".join(message.recipients()),
        subject=str(message.subject),
        text=text,
        html=html,
    )
    kept.full_clean()
    kept.save()
    _prune()
    return kept


def _prune() -> None:
    OutboxMessage.objects.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()
    oldest_kept = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True)[KEEP_MESSAGES - 1 : KEEP_MESSAGES]
    if oldest_kept:
        OutboxMessage.objects.filter(pk__lt=oldest_kept[0]).delete()
