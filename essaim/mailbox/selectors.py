"""Reads of the outbox, through ``access.visible``: network administrators only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.mailbox.models import OutboxMessage


def outbox_message_list_for(*, actor: Actor) -> QuerySet[OutboxMessage]:
    """The kept messages ``actor`` may read, newest first, without their bodies."""
    messages = access.visible(actor, OutboxMessage.objects.all())
    return messages.defer("text", "html").order_by("-pk")


def outbox_message_get_for(*, actor: Actor, message_id: int) -> OutboxMessage:
    """One kept message; ``Http404`` when it is missing or ``actor`` may not read it."""
    found = access.visible(actor, OutboxMessage.objects.filter(pk=message_id)).first()
    if found is None:
        raise Http404
    return found
