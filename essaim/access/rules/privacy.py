from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class DataExportPolicy:
    """An archive of a person's data is theirs alone: network administrators included, nobody else sees or
    downloads it (``VIEW``)."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action == Action.VIEW and roles.is_signed_in(actor) and obj is not None and obj.user_id == actor.pk

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("privacy.DataExport", DataExportPolicy())
