"""Writes of the Atom keys: make, change, revoke one's own (``Action.KEEP_ATOM_FEED``)."""

from __future__ import annotations

from django.db import transaction

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.syndication.models import AtomKey, new_atom_token


@transaction.atomic
def atom_key_get_or_create(*, actor: User) -> AtomKey:
    """``actor``'s secret Atom key, made the first time they ask for it."""
    access.require(actor, Action.KEEP_ATOM_FEED)
    key, _created = AtomKey.objects.get_or_create(user=actor)
    return key


@transaction.atomic
def atom_key_regenerate(*, actor: User) -> AtomKey:
    """A new key for ``actor``: every address made with the old one answers nothing from now on."""
    access.require(actor, Action.KEEP_ATOM_FEED)
    key, created = AtomKey.objects.get_or_create(user=actor)
    if not created:
        key.token = new_atom_token()
        key.save(update_fields=["token"])
    return key


@transaction.atomic
def atom_key_revoke(*, actor: User) -> None:
    """No Atom key for ``actor`` any more: feed readers subscribed with it get 404."""
    access.require(actor, Action.KEEP_ATOM_FEED)
    AtomKey.objects.filter(user=actor).delete()
