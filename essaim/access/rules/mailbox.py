from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class OutboxMessagePolicy:
    """The outbox's copies of sent mail (``Action.READ_OUTBOX``): network administrators read them, nobody
    changes them. They hold every mail's links, password-reset links included."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action is Action.VIEW and roles.is_network_admin(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if roles.is_network_admin(actor) else queryset.none()


register("mailbox.OutboxMessage", OutboxMessagePolicy())
