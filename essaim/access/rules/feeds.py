"""Who may see and run a space's feeds (essaim/feeds).

A feed is its space's business: whoever runs the space (``MANAGE_FEEDS``: its admins and owners, and
network administrators, never while it is archived) sees, changes, pauses and removes its feeds.
Network administrators also see every feed of the network with its health (``VIEW_ALL_FEEDS``), even
of spaces they do not read. The posts a feed brings follow the stream's rules like any post.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor
from essaim.access.rules.spaces import ADMIN, RANK, SpacePolicy
from essaim.spaces.models import Membership

_spaces = SpacePolicy()


class FeedPolicy:
    def can(self, actor: Actor, action: Action, feed: Any) -> bool:
        if feed is None or not roles.is_signed_in(actor):
            return False
        if action is Action.VIEW and roles.is_network_admin(actor):
            return True
        return action in {Action.VIEW, Action.EDIT, Action.DELETE} and _spaces.can(
            actor, Action.MANAGE_FEEDS, feed.space
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if roles.is_network_admin(actor):
            return queryset
        if not roles.is_employee(actor):
            return queryset.none()  # guests never run a space
        running = [role for role, rank in RANK.items() if rank >= ADMIN]
        spaces = Membership.objects.filter(user_id=actor.pk, role__in=running).values("space_id")
        return queryset.filter(space_id__in=spaces)


register("feeds.Feed", FeedPolicy())
