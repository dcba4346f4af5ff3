"""Must-read announcements: who asks for a read confirmation, who is asked, who follows the confirmations.

* **Asking** (``Action.REQUIRE_READ`` on a Post, in ``rules/stream.py``): whoever may pin it as an announcement
  (network administrators and the communication team, on company-wide posts and posts of public spaces).
* **Confirming** (``Action.CONFIRM_READ`` on a MustRead): the people it targets, who may read the post:
  everyone in the company for a post outside spaces, the space's members for a post in a space; only those of
  its department when it names one (``must_read_targets``, the same rule as one query).
* **Following the confirmations** (``Action.VIEW_CONFIRMATIONS``: who confirmed, who has not, the CSV) and
  **reminding** those who have not (``Action.REMIND_UNCONFIRMED``): the post's author, whoever asked for the
  confirmation, and network administrators who may read the post.
* A confirmation is seen by its person and by those who follow the confirmations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from essaim.access import roles
from essaim.access.actions import Action
from essaim.access.policy import can, readers, register
from essaim.access.roles import Actor


def must_read_targets(must_read: Any) -> QuerySet[Any]:
    """The people ``must_read`` asks to confirm (``post.space`` loaded): the post's readers, narrowed to the
    space's members (a post in a space) and to the department (when it names one)."""
    from essaim.spaces.models import Membership

    post = must_read.post
    people = readers(post).exclude(pk=post.author_id)  # its author has read it
    if post.space_id is not None:
        people = people.filter(Exists(Membership.objects.filter(space_id=post.space_id, user_id=OuterRef("pk"))))
    if must_read.department_id is not None:
        people = people.filter(profile__department_id=must_read.department_id)
    return people


def _targeted(actor: Actor, must_read: Any) -> bool:
    from essaim.people.models import Profile
    from essaim.spaces.models import Membership

    post = must_read.post
    if not roles.is_signed_in(actor) or actor.pk == post.author_id or not can(actor, Action.VIEW, post):
        return False
    if post.space_id is not None and not Membership.objects.filter(space_id=post.space_id, user_id=actor.pk).exists():
        return False
    if must_read.department_id is not None:
        return Profile.objects.filter(user_id=actor.pk, department_id=must_read.department_id).exists()
    return True


def _follows_confirmations(actor: Actor, must_read: Any) -> bool:
    post = must_read.post
    if not roles.is_signed_in(actor) or not can(actor, Action.VIEW, post):
        return False
    return actor.pk in {post.author_id, must_read.required_by_id} or roles.is_network_admin(actor)


class MustReadPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None:
            return False
        match action:
            case Action.VIEW:
                return can(actor, Action.VIEW, obj.post)
            case Action.CONFIRM_READ:
                return _targeted(actor, obj)
            case Action.VIEW_CONFIRMATIONS | Action.REMIND_UNCONFIRMED:
                return _follows_confirmations(actor, obj)
            case _:
                return False

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from essaim.access.rules.stream import post_visibility_q

        if not roles.is_signed_in(actor):
            return queryset.none()
        return queryset.filter(post_visibility_q(actor, "post__"))


class ReadConfirmationPolicy:
    def can(self, actor: Actor, action: Action, obj: Any) -> bool:
        if obj is None or action is not Action.VIEW or not roles.is_signed_in(actor):
            return False
        return obj.user_id == actor.pk or _follows_confirmations(actor, obj.must_read)

    def visible(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not roles.is_signed_in(actor):
            return queryset.none()
        mine = Q(user_id=actor.pk)
        if roles.is_network_admin(actor):
            return queryset
        return queryset.filter(mine | Q(must_read__post__author_id=actor.pk) | Q(must_read__required_by_id=actor.pk))


register("mustread.MustRead", MustReadPolicy())
register("mustread.ReadConfirmation", ReadConfirmationPolicy())
