"""Reads of SCIM provisioning: the tokens an administrator sees, the token a request carries, and the people
and departments the directory may read (``access.visible``: employees and guests, never an integration's
account nor a superuser)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from essaim.access import Action, require, visible
from essaim.access.roles import Actor
from essaim.accounts.models import User
from essaim.api.services import hash_token
from essaim.people.models import Department
from essaim.scim.models import ScimToken


def scim_tokens_for(*, actor: Actor) -> QuerySet[ScimToken]:
    require(actor, Action.MANAGE_SCIM_TOKENS)
    return visible(actor, ScimToken.objects.select_related("created_by"))


def scim_token_get_for(*, actor: Actor, token_id: int) -> ScimToken:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(scim_tokens_for(actor=actor), pk=token_id)


def scim_token_authenticate(*, raw: str) -> ScimToken | None:
    """The live token whose hash matches ``raw``, or ``None`` (unknown, revoked, or not a SCIM token)."""
    if not raw.startswith("scim_") or len(raw) > 100:
        return None
    return ScimToken.objects.filter(token_hash=hash_token(raw), revoked_at=None).first()


def users(*, actor: Actor, condition: Q | None = None) -> QuerySet[User]:
    """The people the directory may see, with what their resource shows (one query for a page)."""
    queryset = User.objects.select_related("profile", "profile__department", "scim_identity").filter(
        Q(scim_identity__isnull=True) | Q(scim_identity__retired_at=None)
    )
    if condition is not None:
        queryset = queryset.filter(condition)
    return visible(actor, queryset).order_by("pk")


def user_get(*, actor: Actor, user_id: str) -> User | None:
    if not str(user_id).isdigit() or len(str(user_id)) > 18:
        return None
    return users(actor=actor).filter(pk=int(user_id)).first()


def users_by_ids(*, actor: Actor, ids: list[str]) -> list[User]:
    numbers = {int(i) for i in ids if str(i).isdigit() and len(str(i)) < 19}
    return list(users(actor=actor).filter(pk__in=numbers)) if numbers else []


def groups(*, actor: Actor, condition: Q | None = None) -> QuerySet[Department]:
    """Departments, as SCIM groups (every department: the directory may read the company's structure)."""
    require(actor, Action.PROVISION_PEOPLE)
    queryset = Department.objects.select_related("scim_group")
    if condition is not None:
        queryset = Department.objects.filter(pk__in=queryset.filter(condition).values("pk")).select_related(
            "scim_group"
        )
    return queryset.order_by("pk")


def group_get(*, actor: Actor, group_id: str) -> Department | None:
    if not str(group_id).isdigit() or len(str(group_id)) > 18:
        return None
    return groups(actor=actor).filter(pk=int(group_id)).first()


def user_retired(*, actor: Actor, user_name: str, email: str) -> User | None:
    """The person the directory once deleted (``services.user_retire``) under this userName or address."""
    from essaim.core.text import fold

    match = Q(scim_identity__user_name_folded=fold(user_name))
    if email:
        match |= Q(email__iexact=email)
    return visible(actor, User.objects.filter(match, scim_identity__retired_at__isnull=False)).first()


def group_member_ids(*, actor: Actor, departments: list[Department]) -> dict[int, list[int]]:
    """Each department's members the directory may see, for a page of groups in one query."""
    members: dict[int, list[int]] = {d.pk: [] for d in departments}
    rows = visible(actor, User.objects.filter(profile__department__in=departments)).order_by("pk")
    for user_id, department_id in rows.values_list("pk", "profile__department_id"):
        members[department_id].append(user_id)
    return members
