"""``can`` / ``require`` / ``visible``: the three questions every surface asks.

Each model that needs rules has one :class:`Policy` registered under its model label
(see :mod:`essaim.access.rules`). Network-level actions take ``target=None``.

``require`` answers like Zulip's ``access_*`` helpers: a target the actor may not see
raises ``Http404`` (exactly like a missing one); a visible target the actor may not act on
raises ``PermissionDenied`` (403).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from essaim.access.actions import Action
from essaim.access.roles import Actor


class Policy(Protocol):
    def can(self, actor: Actor, action: Action, obj: Any) -> bool: ...

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]: ...


class NetworkPolicy(Protocol):
    def can(self, actor: Actor, action: Action) -> bool: ...


_policies: dict[str, Policy] = {}
_network_policy: list[NetworkPolicy] = []


def register(model_label: str, policy: Policy) -> None:
    _policies[model_label.lower()] = policy


def register_network(policy: NetworkPolicy) -> None:
    _network_policy[:] = [policy]


def _policy_for(model: type[Model]) -> Policy:
    try:
        return _policies[model._meta.label_lower]
    except KeyError:  # a model without rules is a programming error, never an open door
        raise LookupError(f"No access policy registered for {model._meta.label}") from None


def can(actor: Actor, action: Action, target: Model | type[Model] | None = None) -> bool:
    if target is None:
        return _network_policy[0].can(actor, action)
    if isinstance(target, type):
        return _policy_for(target).can(actor, action, None)
    # ``__class__``, not ``type()``: request.user is a lazy proxy whose type is not the model.
    return _policy_for(target.__class__).can(actor, action, target)


def require(actor: Actor, action: Action, target: Model | type[Model] | None = None) -> None:
    """Raise ``Http404`` if the target is not visible, ``PermissionDenied`` if the action is not allowed."""
    if isinstance(target, Model) and action is not Action.VIEW and not can(actor, Action.VIEW, target):
        raise Http404
    if not can(actor, action, target):
        if action is Action.VIEW:
            raise Http404
        raise PermissionDenied(_("You are not allowed to do this."))


def visible[T: Model](actor: Actor, queryset: QuerySet[T]) -> QuerySet[T]:
    """The part of ``queryset`` that ``actor`` may see."""
    return _policy_for(queryset.model).visible(actor, queryset)
