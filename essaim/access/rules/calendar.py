"""Who may see and answer events (``essaim.calendar``): an event is a post, and its post's rules decide.

* see the event, its answers and its attendees: whoever may read its post (``VIEW``, ``VIEW_ATTENDEES``);
* answer (``RSVP``): whoever may read its post (in a space: its readers too, and employees who see a public
  space's events without being members), while the event is neither cancelled nor over and its space is not
  archived;
* change it (``EDIT_EVENT``): whoever may edit the post (its author), until it is cancelled;
* cancel it (``CANCEL_EVENT``): whoever may delete the post (its author, the space's moderators, network
  administrators outside spaces), once.

An answer (``Rsvp``) is seen with its event and changed only by the service, for its person. A person's calendar
address is theirs alone (``rules/personal_keys.py``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor
from essaim.access.rules.stream import post_visibility_q


class EventPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        post = obj.post
        match action:
            case Action.VIEW | Action.VIEW_ATTENDEES:
                return can(actor, Action.VIEW, post)
            case Action.RSVP:
                return (
                    obj.cancelled_at is None
                    and obj.ends_at > timezone.now()
                    and (post.space_id is None or post.space.archived_at is None)
                    and can(actor, Action.VIEW, post)
                )
            case Action.EDIT_EVENT | Action.EDIT:
                return obj.cancelled_at is None and can(actor, Action.EDIT, post)
            case Action.CANCEL_EVENT:
                return obj.cancelled_at is None and can(actor, Action.DELETE, post)
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(post_visibility_q(actor, "post__"))


class RsvpPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action is not Action.VIEW:
            return False
        return can(actor, Action.VIEW, obj.event.post)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(post_visibility_q(actor, "event__post__"))


register("calendar.Event", EventPolicy())
register("calendar.Rsvp", RsvpPolicy())
