"""Who may see and change a person's secret key to an address read without a session — their calendar
(``calendar.CalendarFeed``) and their Atom feeds (``syndication.AtomKey``): its person alone (``VIEW``, ``EDIT``,
``DELETE``). Keeping one is a network right (``KEEP_CALENDAR_FEED``, ``KEEP_ATOM_FEED``: ``rules/network.py``);
what an address shows is decided by the stream's and the calendar's rules, for the key's person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import register
from essaim.access.roles import Actor


class PersonalKeyPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return (
            obj is not None
            and action in {Action.VIEW, Action.EDIT, Action.DELETE}
            and roles.is_signed_in(actor)
            and obj.user_id == actor.pk
        )

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(user_id=actor.pk) if roles.is_signed_in(actor) else queryset.none()


register("calendar.CalendarFeed", PersonalKeyPolicy())
register("syndication.AtomKey", PersonalKeyPolicy())
