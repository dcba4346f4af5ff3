"""Writes for personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.api.models import PersonalToken

TOKEN_PREFIX = "essaim_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def personal_token_create(*, actor: Actor, name: str) -> tuple[PersonalToken, str]:
    """A new token for ``actor``; returns it with the raw secret, which is never stored."""
    access.require(actor, Action.EDIT, PersonalToken)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(user=actor, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH])
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def personal_token_revoke(*, actor: Actor, token: PersonalToken) -> PersonalToken:
    access.require(actor, Action.DELETE, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def personal_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every active token of ``user`` (their deactivation: ``accounts.services.user_deactivate``,
    which checks the permission); returns how many."""
    return PersonalToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def personal_token_touch(*, token: PersonalToken) -> None:
    """Record a use, at most once a minute so that reads do not become writes."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
