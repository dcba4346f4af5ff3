"""Watch rules and their matches (``essaim.watchrules``): network administrators and compliance officers.

* ``Action.MANAGE_WATCH_RULES`` (network level, ``rules/network.py``): write, change, disable and delete the
  rules; a ``WatchRule`` is VIEWed and EDITed by the same people.
* ``Action.REVIEW_WATCH_HITS`` (network level): open the compliance queue; a ``WatchHit`` is VIEWed (its
  excerpt, the held post's text) and decided (``EDIT``: publish, delete, mark reviewed) by the same people.
  Space moderators do not decide a held post: the rule is the network's, and so is the review.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


def _governs(actor: Actor) -> bool:
    return roles.is_network_admin(actor) or roles.is_compliance_officer(actor)


class WatchRulePolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT, Action.DELETE} and _governs(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if _governs(actor) else queryset.none()


class WatchHitPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return action in {Action.VIEW, Action.EDIT} and _governs(actor)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if _governs(actor) else queryset.none()


register("watchrules.WatchRule", WatchRulePolicy())
register("watchrules.WatchHit", WatchHitPolicy())
