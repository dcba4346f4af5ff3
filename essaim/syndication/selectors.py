"""Reads of the Atom keys and of what an Atom feed holds (the stream's own selectors, for the key's owner)."""

from __future__ import annotations

from typing import Any

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.syndication.models import AtomKey


def key_owner(*, token: str) -> Any | None:
    """The active person whose Atom key is ``token`` and who may still keep one, or None."""
    if not token or len(token) > 64:
        return None
    key = AtomKey.objects.select_related("user").filter(token=token).first()
    if key is None or not key.user.is_active or not access.can(key.user, Action.KEEP_ATOM_FEED):
        return None
    return key.user


def atom_key_of(*, actor: Actor) -> AtomKey | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return AtomKey.objects.filter(user_id=actor.pk).first()
