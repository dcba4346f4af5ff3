"""Reads of feeds, starting from ``access.visible``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.feeds.models import Feed
from essaim.spaces.models import Space


def feeds_of_space_for(*, actor: Actor, space: Space) -> QuerySet[Feed]:
    access.require(actor, Action.MANAGE_FEEDS, space)
    return Feed.objects.filter(space=space).select_related("account").order_by("pk")


def feed_get_for(*, actor: Actor, space: Space, feed_id: int) -> Feed:
    """One of ``space``'s feeds that ``actor`` may see (404 otherwise)."""
    found = get_object_or_404(
        access.visible(actor, Feed.objects.select_related("space", "account")), pk=feed_id, space=space
    )
    access.require(actor, Action.VIEW, found)
    return found


def feeds_all_for(*, actor: Actor) -> QuerySet[Feed]:
    """Every feed of the network with its space, for the network administrators' list."""
    access.require(actor, Action.VIEW_ALL_FEEDS)
    return access.visible(actor, Feed.objects.select_related("space")).order_by("space__name", "pk")
