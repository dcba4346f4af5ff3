"""Reads of watch rules and of the compliance queue, for the people ``access`` lets see them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from essaim import access
from essaim.access.roles import Actor
from essaim.watchrules.models import WatchHit, WatchRule

QUEUE_LIMIT = 100


def rule_list_for(*, actor: Actor) -> QuerySet[WatchRule]:
    return access.visible(actor, WatchRule.objects.all()).order_by("-is_active", "name", "id")


def rule_get_for(*, actor: Actor, rule_id: int) -> WatchRule:
    rule = rule_list_for(actor=actor).filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    return rule


def hit_list_for(*, actor: Actor, status: str = WatchHit.Status.OPEN) -> QuerySet[WatchHit]:
    """The queue, newest first (at most ``QUEUE_LIMIT``), with the held posts' text."""
    hits = access.visible(actor, WatchHit.objects.filter(status=status))
    related = hits.select_related("author__profile", "post__space", "resolved_by")
    return related.order_by("-created_at", "-id")[:QUEUE_LIMIT]


def hit_get_for(*, actor: Actor, hit_id: int) -> WatchHit:
    hit = access.visible(actor, WatchHit.objects.select_related("author", "post")).filter(pk=hit_id).first()
    if hit is None:
        raise Http404
    return hit


def open_count_for(*, actor: Actor) -> int:
    return access.visible(actor, WatchHit.objects.filter(status=WatchHit.Status.OPEN)).count()
