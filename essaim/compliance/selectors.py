"""Reads of compliance for its pages: the policies and the holds, with what they name, in a few queries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.compliance.models import LegalHold, RetentionPolicy


def retention_policy_list_for(*, actor: Actor) -> list[RetentionPolicy]:
    """The network's policy first, then the spaces' by name."""
    access.require(actor, Action.MANAGE_RETENTION)
    rows = access.visible(actor, RetentionPolicy.objects.select_related("space", "changed_by"))
    return sorted(rows, key=lambda p: (p.space_id is not None, p.space.name.casefold() if p.space else ""))


def retention_policy_get_for(*, actor: Actor, policy_id: int) -> RetentionPolicy:
    access.require(actor, Action.MANAGE_RETENTION)
    return get_object_or_404(access.visible(actor, RetentionPolicy.objects.select_related("space")), pk=policy_id)


def legal_hold_list_for(*, actor: Actor, active: bool) -> QuerySet[LegalHold]:
    access.require(actor, Action.SET_LEGAL_HOLD)
    holds = LegalHold.objects.select_related("user", "space", "placed_by", "released_by")
    return access.visible(actor, holds.filter(released_at__isnull=active))


def legal_hold_get_for(*, actor: Actor, hold_id: int) -> LegalHold:
    access.require(actor, Action.SET_LEGAL_HOLD)
    return get_object_or_404(access.visible(actor, LegalHold.objects.select_related("user", "space")), pk=hold_id)
