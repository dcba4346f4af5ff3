"""Who may see and revoke personal API tokens: their owner only. Anyone signed in may create their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class PersonalTokenPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:  # the model itself: anyone signed in manages their own tokens
            return action is Action.EDIT and roles.is_signed_in(actor)
        match action:
            case Action.VIEW | Action.DELETE:
                return roles.is_signed_in(actor) and obj.user_id == actor.pk
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if roles.is_signed_in(actor):
            return queryset.filter(user_id=actor.pk)
        return queryset.none()


register("api.PersonalToken", PersonalTokenPolicy())


class AccessTokenPolicy:
    """An app's OAuth token (``oauth2_provider.AccessToken``): its person sees it (the authorised apps page) and
    takes it back; nobody else, administrators included (they deactivate the person instead)."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        match action:
            case Action.VIEW | Action.DELETE:
                return roles.is_signed_in(actor) and obj.user_id == actor.pk
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if roles.is_signed_in(actor):
            return queryset.filter(user_id=actor.pk)
        return queryset.none()


register("oauth2_provider.AccessToken", AccessTokenPolicy())
