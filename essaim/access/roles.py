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


class DirectoryActorBase:
    """What the company's directory acts as, whichever door it comes through: a SCIM token
    (``scim.actors.DirectoryActor``) or an identity provider's claims (``oidc.actors.IdentityProviderActor``).
    Not a person: never signed in, no id; each subclass names itself in the audit log (its ``audit_name``)."""

    is_directory = True
    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_network_admin = False
    pk = None
    kind = "directory"


def is_directory(actor: Actor) -> bool:
    """The company's directory, provisioning through a SCIM token or an identity provider (``DirectoryActorBase``).

    Never a person and never signed in (``is_signed_in`` is false for it): no rule lets it in but those
    that name it, so whatever forgets it fails closed.
    """
    return bool(getattr(actor, "is_directory", False))


def is_provisionable(user: User) -> bool:
    """A person the directory may read and write: employees and guests, never an integration's or a
    feed's account, nor a superuser (the break-glass account stays out of a directory token's reach)."""
    return user.kind in PROVISIONABLE_KINDS and not user.is_superuser


PROVISIONABLE_KINDS = ("employee", "guest")


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


def provisionable_q() -> Q:
    return Q(kind__in=PROVISIONABLE_KINDS, is_superuser=False)


def compliance_officer_q() -> Q:
    return employee_q() & Q(is_compliance_officer=True)
