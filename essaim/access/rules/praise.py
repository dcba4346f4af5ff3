"""Praise: employees praise colleagues (``Action.GIVE_PRAISE``, a network right, in ``rules/network.py``); a
praise and the people it names are seen with its post (a ``praise`` post obeys the stream's rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor
from essaim.access.rules.stream import post_visibility_q


class FollowsPraisePostPolicy:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return obj is not None and action is Action.VIEW and can(actor, Action.VIEW, obj.post)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        return queryset.filter(post_visibility_q(actor, self.prefix))


register("praise.Praise", FollowsPraisePostPolicy("post__"))
register("praise.PraisedPerson", FollowsPraisePostPolicy("post__"))
