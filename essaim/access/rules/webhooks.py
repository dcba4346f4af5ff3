"""Who manages webhooks: a space's incoming hooks and outgoing endpoints are its administrators' (and the network
administrators', who run every space: ``MANAGE_WEBHOOKS``); the network-wide endpoints are the network
administrators' (``MANAGE_NETWORK_WEBHOOKS``). A delivery is seen by whoever manages its endpoint.

What an outgoing delivery may carry is another question, asked when it is sent: whatever its endpoint's owner
may read (``webhooks.deliveries``), so that a webhook never shows more than its owner would see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor
from essaim.access.rules.spaces import ADMIN, RANK, SpacePolicy
from essaim.spaces.models import Membership


def _manages(actor: Actor, space: Any) -> bool:
    if space is None:
        return roles.is_network_admin(actor)
    return SpacePolicy().can(actor, Action.MANAGE_WEBHOOKS, space)


def _managed_spaces_q(actor: Actor, prefix: str = "") -> Q:
    """The rows of spaces ``actor`` administers, as a condition (network administrators: every row)."""
    admin_roles = [role for role, rank in RANK.items() if rank >= ADMIN]
    spaces = Membership.objects.filter(user_id=actor.pk, role__in=admin_roles).values("space_id")
    return Q(**{f"{prefix}space_id__in": spaces, f"{prefix}space__archived_at__isnull": True})


class _ManagedBySpace:
    prefix = ""

    def space_of(self, obj: Any) -> Any:
        return obj.space if obj.space_id is not None else None

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or not roles.is_signed_in(actor) or roles.is_guest(actor):
            return False
        return action in {Action.VIEW, Action.EDIT, Action.DELETE} and _manages(actor, self.space_of(obj))

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor) or roles.is_guest(actor):
            return queryset.none()
        if roles.is_network_admin(actor):
            return queryset
        return queryset.filter(_managed_spaces_q(actor, self.prefix))


class IncomingWebhookPolicy(_ManagedBySpace):
    pass


class EndpointPolicy(_ManagedBySpace):
    pass


class DeliveryPolicy(_ManagedBySpace):
    prefix = "endpoint__"

    def space_of(self, obj: Any) -> Any:
        return EndpointPolicy().space_of(obj.endpoint)


register("webhooks.IncomingWebhook", IncomingWebhookPolicy())
register("webhooks.Endpoint", EndpointPolicy())
register("webhooks.Delivery", DeliveryPolicy())
