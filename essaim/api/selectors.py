"""Reads for personal API tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.api.models import PersonalToken
from essaim.api.services import TOKEN_PREFIX, hash_token


def personal_token_list_for(*, actor: Actor) -> QuerySet[PersonalToken]:
    return access.visible(actor, PersonalToken.objects.all())


def personal_token_get_for(*, actor: Actor, token_id: int) -> PersonalToken:
    try:
        return personal_token_list_for(actor=actor).get(pk=token_id)
    except PersonalToken.DoesNotExist:
        raise Http404 from None


def personal_token_authenticate(*, raw: str) -> PersonalToken | None:
    """The active token whose secret is ``raw`` (its owner active too), or ``None``."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return (
        PersonalToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
