"""``can`` / ``require`` / ``visible``: the three questions every surface asks.

Each model that needs rules has one :class:`Policy` registered under its model label
(see :mod:`essaim.access.rules`). Network-level actions take ``target=None``.

``require`` answers like Zulip's ``access_*`` helpers: a target the actor may not see
raises ``Http404`` (exactly like a missing one); a visible target the actor may not act on
raises ``PermissionDenied`` (403).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from essaim.access.actions import Action
from essaim.access.roles import Actor


class Policy(Protocol):
    def can(self, actor: Actor, action: Action, obj: Any) -> bool: ...

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]: ...


@runtime_checkable
class LoadedRowsPolicy(Protocol):
    """A policy that can also decide ``visible`` on rows already loaded (see ``visible_among``)."""

    def visible_among(self, actor: Actor, objects: Sequence[Any]) -> list[Any]: ...


@runtime_checkable
class SqlPolicy(Protocol):
    """A policy that can also write ``visible`` as an SQL condition (see ``visible_sql``)."""

    def visible_sql(self, actor: Actor, alias: str) -> tuple[str, list[Any]]: ...


@runtime_checkable
class ReadersPolicy(Protocol):
    """A policy that can also answer the reverse question: who may see this object (see ``readers``)."""

    def readers(self, obj: Any) -> QuerySet[Any]: ...


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


def visible_among[T: Model](actor: Actor, objects: Sequence[T]) -> list[T]:
    """The ``objects`` (already loaded, all of one model) that ``actor`` may see, in their order.

    The same rule as ``visible``, for a page of rows read by primary key (a materialised
    timeline): a policy that implements ``visible_among`` decides on the loaded rows with a few
    small lookups instead of one SQL filter (for posts, building that filter cost more than
    running it); any other policy is asked through ``visible`` on those primary keys.
    """
    if not objects:
        return []
    model = objects[0].__class__
    policy = _policy_for(model)
    if isinstance(policy, LoadedRowsPolicy):
        return policy.visible_among(actor, objects)
    allowed = set(
        policy.visible(actor, model._default_manager.filter(pk__in=[o.pk for o in objects])).values_list(
            "pk", flat=True
        )
    )
    return [o for o in objects if o.pk in allowed]


def readers(target: Model) -> QuerySet[Any]:
    """The people who may see ``target``: the users for whom ``can(user, VIEW, target)`` is true, as one
    query (the reverse of ``visible``, as Wagtail's ``users_with_permission_for_instance``).

    For whatever reaches people about one object (notifications, live pages, search, delivery):
    the policy answers, so the rule stays here. ``tests/access/test_readers.py`` proves it equal to
    ``visible`` for every kind of post and person. Only policies that implement it answer; asking
    another is a programming error.
    """
    policy = _policy_for(target.__class__)
    if not isinstance(policy, ReadersPolicy):
        raise LookupError(f"The access policy of {target._meta.label} has no reverse form")
    return policy.readers(target)


def visible_sql(actor: Actor, model: type[Model], alias: str) -> tuple[str, list[Any]]:
    """``visible``'s rule as an SQL condition on ``model``'s table under ``alias``, and its parameters.

    For a selector whose query is written in SQL once (building the ORM's form cost several times
    running it): the policy writes the condition, so the rule stays here. Only policies that
    implement it answer; asking another is a programming error.
    """
    policy = _policy_for(model)
    if not isinstance(policy, SqlPolicy):
        raise LookupError(f"The access policy of {model._meta.label} has no SQL form")
    return policy.visible_sql(actor, alias)
