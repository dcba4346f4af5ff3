"""Writes for accounts. Keyword-only, typed, atomic; permission first."""

from __future__ import annotations

from django.db import transaction

from essaim.access import Action, require
from essaim.access.roles import Actor
from essaim.accounts.models import User


@transaction.atomic
def user_preferences_update(*, actor: Actor, user: User, language: str, timezone: str) -> User:
    require(actor, Action.EDIT, user)
    user.language = language
    user.timezone = timezone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language", "timezone"])
    return user
