"""Reads about people that leave this app. Every one starts from ``access.visible``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.accounts.models import User


def person_get_for(*, actor: Actor, handle: str) -> User:
    """The person with ``handle``, or 404 when missing or not visible."""
    queryset = access.visible(actor, User.objects.select_related("profile"))
    try:
        return queryset.get(handle=handle)
    except User.DoesNotExist:
        raise Http404 from None


def person_list_for(*, actor: Actor) -> QuerySet[User]:
    return access.visible(actor, User.objects.select_related("profile"))
