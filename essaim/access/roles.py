"""Who someone is, network-wide. Rules combine these; nothing else should test user flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

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


# The same questions asked of every person at once, as conditions on a queryset of users (for the
# reverse question, ``access.readers``): each says what the function of the same name says.


def signed_in_q() -> Q:
    return Q(is_active=True)


def employee_q() -> Q:
    return signed_in_q() & Q(kind="employee")


def network_admin_q() -> Q:
    return signed_in_q() & (Q(is_network_admin=True) | Q(is_superuser=True))


def compliance_officer_q() -> Q:
    return employee_q() & Q(is_compliance_officer=True)
