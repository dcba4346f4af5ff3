"""Webhooks' reads, each from ``access.visible``: what a space's or the network's webhook pages list."""

from __future__ import annotations

from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.spaces.models import Space
from essaim.webhooks.models import Delivery, Endpoint, IncomingWebhook

LOG_SIZE = 50


def incoming_list_for(*, actor: Actor, space: Space) -> list[IncomingWebhook]:
    hooks = access.visible(actor, IncomingWebhook.objects.filter(space_id=space.pk))
    return list(hooks.select_related("created_by").order_by("-created_at"))


def incoming_get_for(*, actor: Actor, space: Space, hook_id: int) -> IncomingWebhook:
    hook = access.visible(actor, IncomingWebhook.objects.filter(space_id=space.pk, pk=hook_id)).first()
    if hook is None:
        raise Http404
    return hook


def endpoint_list_for(*, actor: Actor, space: Space | None) -> list[Endpoint]:
    """The endpoints of ``space`` (``None``: the network-wide ones) that ``actor`` manages."""
    scope = Endpoint.objects.filter(space__isnull=True) if space is None else Endpoint.objects.filter(space_id=space.pk)
    return list(access.visible(actor, scope).select_related("owner").order_by("-created_at"))


def endpoint_get_for(*, actor: Actor, endpoint_id: int) -> Endpoint:
    endpoint = access.visible(actor, Endpoint.objects.filter(pk=endpoint_id)).select_related("space", "owner").first()
    if endpoint is None:
        raise Http404
    return endpoint


def delivery_log_for(*, actor: Actor, endpoint: Endpoint, limit: int = LOG_SIZE) -> list[Delivery]:
    """The endpoint's latest deliveries, newest first."""
    deliveries = access.visible(actor, Delivery.objects.filter(endpoint_id=endpoint.pk))
    return list(deliveries.order_by("-id")[:limit])


def delivery_get_for(*, actor: Actor, endpoint: Endpoint, delivery_id: int) -> Delivery:
    delivery = access.visible(actor, Delivery.objects.filter(endpoint_id=endpoint.pk, pk=delivery_id)).first()
    if delivery is None:
        raise Http404
    return delivery
