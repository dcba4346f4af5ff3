"""Who someone is, network-wide. Rules combine these; nothing else should test user flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from essaim.accounts.models import User

Actor = Any  # a User or Django's AnonymousUser


def is_signed_in(actor: Actor) -> bool:
    return bool(actor is not None and actor.is_authenticated and actor.is_active)


def is_employee(actor: Actor) -> bool:
    return is_signed_in(actor) and actor.kind == "employee"


def is_guest(actor: Actor) -> bool:
    return is_signed_in(actor) and actor.kind == "guest"


def is_network_admin(actor: Actor) -> bool:
    return is_signed_in(actor) and bool(actor.is_network_admin or actor.is_superuser)


def is_communication_team(actor: Actor) -> bool:
    return is_employee(actor) and bool(actor.is_communication_team)


def is_compliance_officer(actor: Actor) -> bool:
    return is_employee(actor) and bool(actor.is_compliance_officer)


def is_self(actor: Actor, user: User) -> bool:
    return is_signed_in(actor) and actor.pk == user.pk
