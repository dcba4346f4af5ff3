from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class NotificationPolicy:
    """A notification is its recipient's alone: they read it, mark it read (``EDIT``) or dismiss it
    (``DELETE``); nobody else — network administrators included — sees it."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj is not None
            and obj.recipient_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(recipient_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("notifications.Notification", NotificationPolicy())
