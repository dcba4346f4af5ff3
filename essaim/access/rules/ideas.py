"""Idea boxes: who turns a space's box on, who proposes, votes and sets an idea's status.

* **Turning the box on or off** (``Action.ENABLE_IDEAS`` on a Space, in ``rules/spaces.py``): the space's
  administrators and owners, and network administrators, while the space is active.
* **Proposing** an idea is posting in the space (``Action.CREATE_POST`` on a draft post in it), in a space whose
  box is open (the service refuses a closed one with a message).
* **Voting** (``Action.VOTE_IDEA``): whoever may react to the idea's post (readers of a public space, members
  of the others; never in an archived space), in an open box; authors may vote for their own idea.
* **Setting the status** and the official answer (``Action.SET_IDEA_STATUS``): the space's moderators, admins
  and owners (``Action.MODERATE`` on the space), network administrators who run every space.
* An idea, its box and its votes are seen with their post or their space.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, register
from essaim.access.roles import Actor
from essaim.access.rules.stream import post_visibility_q


def box_open(space_id: int) -> bool:
    from essaim.ideas.models import IdeaBox

    return IdeaBox.objects.filter(space_id=space_id).exists()


class IdeaBoxPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return obj is not None and action is Action.VIEW and can(actor, Action.READ_POSTS, obj.space)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from essaim.spaces.models import Space

        readable = [s.pk for s in Space.objects.filter(idea_box__isnull=False) if can(actor, Action.READ_POSTS, s)]
        return queryset.filter(space_id__in=readable)


class IdeaPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        post = obj.post
        match action:
            case Action.VIEW:
                return can(actor, Action.VIEW, post)
            case Action.VOTE_IDEA:
                return can(actor, Action.REACT, post) and box_open(obj.space_id)
            case Action.SET_IDEA_STATUS:
                return can(actor, Action.VIEW, post) and (
                    can(actor, Action.MODERATE, post.space) or roles.is_network_admin(actor)
                )
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        return queryset.filter(post_visibility_q(actor, "post__"))


class IdeaVotePolicy:
    """A vote is seen with its idea; it changes only through ``VOTE_IDEA``."""

    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        return obj is not None and action is Action.VIEW and can(actor, Action.VIEW, obj.idea.post)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        return queryset.filter(post_visibility_q(actor, "idea__post__"))


register("ideas.IdeaBox", IdeaBoxPolicy())
register("ideas.Idea", IdeaPolicy())
register("ideas.IdeaVote", IdeaVotePolicy())
