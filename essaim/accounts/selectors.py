"""Reads about accounts that leave this app. Every one starts from ``access.visible``."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import Invitation, User
from essaim.accounts.services import token_hash
from essaim.core.text import fold


def invitation_list_for(*, actor: Actor) -> QuerySet[Invitation]:
    return access.visible(actor, Invitation.objects.select_related("invited_by", "user"))


def invitation_get_for(*, actor: Actor, invitation_id: int) -> Invitation:
    try:
        return invitation_list_for(actor=actor).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404 from None


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's token opens (whatever its state), or ``None``."""
    return Invitation.objects.filter(token_hash=token_hash(token)).first()


def user_list_for(*, actor: Actor, query: str = "") -> QuerySet[User]:
    """People the actor may see, searched by name, handle or e-mail (accents ignored)."""
    queryset = access.visible(actor, User.objects.select_related("profile"))
    query = query.strip()
    if query:
        folded = fold(query)
        queryset = queryset.filter(
            Q(profile__search_key__contains=folded) | Q(email__icontains=query) | Q(handle__icontains=folded)
        )
    return queryset.order_by("last_name", "first_name", "pk")


def user_get_for(*, actor: Actor, user_id: int) -> User:
    try:
        return access.visible(actor, User.objects.all()).get(pk=user_id)
    except User.DoesNotExist:
        raise Http404 from None
