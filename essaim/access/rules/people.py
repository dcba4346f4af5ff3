"""Who may see a person, edit a profile and follow someone.

Employees see every active person. Guests see themselves and the active co-members of
their spaces, nobody else. Anonymous visitors see nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor
from essaim.spaces.models import Membership


class PersonPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        if roles.is_directory(actor):  # a SCIM token reads and writes the people it provisions, nothing else
            return action in {Action.VIEW, Action.EDIT} and roles.is_provisionable(obj)
        match action:
            case Action.VIEW:
                if roles.is_network_admin(actor) or roles.is_self(actor, obj):
                    return True
                if not obj.is_active:
                    return False
                return roles.is_employee(actor) or (roles.is_guest(actor) and _shares_a_space(actor, obj.pk))
            case Action.EDIT:
                return roles.is_self(actor, obj) or roles.is_network_admin(actor)
            case Action.FOLLOW:
                return roles.is_employee(actor) and not roles.is_self(actor, obj) and obj.is_active
            case Action.VIEW_FOLLOWS:
                return self.can(actor, Action.VIEW, obj) and not roles.is_guest(actor)
            case Action.REPORT:  # anyone they may see, but themselves (``rules/moderation.py``)
                return not roles.is_self(actor, obj) and obj.is_active and self.can(actor, Action.VIEW, obj)
            case Action.SUSPEND:  # network administrators, never themselves
                return roles.is_network_admin(actor) and not roles.is_self(actor, obj) and obj.is_active
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if roles.is_directory(actor):
            return queryset.filter(roles.provisionable_q())
        if roles.is_network_admin(actor):
            return queryset
        if roles.is_employee(actor):
            return queryset.filter(is_active=True)
        if roles.is_signed_in(actor):
            return queryset.filter(Q(pk=actor.pk) | (Q(is_active=True) & Exists(_co_members(actor, OuterRef("pk")))))
        return queryset.none()

    def visible_among(self, actor: Actor, people: Sequence[Any]) -> list[Any]:
        """``visible`` decided on loaded people (the ``@handles`` of a new post): at most one query,
        for a guest's co-members."""
        if roles.is_directory(actor):
            return [p for p in people if roles.is_provisionable(p)]
        if roles.is_network_admin(actor):
            return list(people)
        if roles.is_employee(actor):
            return [p for p in people if p.is_active]
        if not roles.is_signed_in(actor):
            return []
        others = [p.pk for p in people if p.is_active and p.pk != actor.pk]
        shared = set(_co_members(actor, others).values_list("user_id", flat=True)) if others else set()
        return [p for p in people if p.pk == actor.pk or (p.is_active and p.pk in shared)]


def _co_members(actor: Actor, user_id: Any) -> QuerySet[Membership]:
    """Memberships of ``user_id`` (an id, an ``OuterRef``, or a list of ids) in a space where
    ``actor`` is a member too."""
    lookup = "user_id__in" if isinstance(user_id, list) else "user_id"
    return Membership.objects.filter(**{lookup: user_id}, space__memberships__user_id=actor.pk)


def _shares_a_space(actor: Actor, user_id: int) -> bool:
    return _co_members(actor, user_id).exists()


class ProfilePolicy:
    """A profile follows its person's rules."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return PersonPolicy().can(actor, action, obj.user if obj is not None else None)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if roles.is_directory(actor):
            return queryset.filter(user__kind__in=roles.PROVISIONABLE_KINDS, user__is_superuser=False)
        if roles.is_network_admin(actor):
            return queryset
        if roles.is_employee(actor):
            return queryset.filter(user__is_active=True)
        if roles.is_signed_in(actor):
            return queryset.filter(
                Q(user_id=actor.pk) | (Q(user__is_active=True) & Exists(_co_members(actor, OuterRef("user_id"))))
            )
        return queryset.none()


register("accounts.User", PersonPolicy())
register("people.Profile", ProfilePolicy())
