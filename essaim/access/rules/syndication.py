"""Who may keep an Atom key (``essaim.syndication``): ``KEEP_ATOM_FEED`` is a network right of every signed-in
person (``rules/network.py``); a key (``AtomKey``) is its person's own, seen and changed by them alone. What a
feed shows is decided by the stream's rules, for the key's person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class AtomKeyPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            obj is not None
            and action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj.user_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("syndication.AtomKey", AtomKeyPolicy())
