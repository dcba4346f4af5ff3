"""The directory's SCIM tokens (``scim.ScimToken``): network administrators see and revoke them, nobody else.

What a token itself may do is the network rule ``PROVISION_PEOPLE`` (``rules/network.py``) and the people
it may read and write (``rules/people.py``: ``roles.is_directory``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class ScimTokenPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.DELETE} and roles.is_network_admin(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if roles.is_network_admin(actor) else queryset.none()


register("scim.ScimToken", ScimTokenPolicy())
