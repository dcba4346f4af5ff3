"""Outgoing events: which domain events become which webhook event, and the body each delivery carries.

A delivery's body is built when it is sent, from the ids its row keeps, and only from what the endpoint's owner
may read then (``access``): a post hidden, deleted or moved out of their reach since is not described, and the
delivery is marked skipped. The body follows the Standard Webhooks shape:
``{"type": "post.created", "timestamp": "…", "data": {…}}`` (docs/api.md lists each event's ``data``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.events.types import CommentCreated, Event, MembershipChanged, PostCreated, PostDeleted, PostEdited
from essaim.network import site
from essaim.spaces.models import Space
from essaim.stream.models import Comment, Post

EVENTS: dict[str, Any] = {
    "post.created": _("A post is published"),
    "post.edited": _("A post is edited"),
    "post.deleted": _("A post is deleted"),
    "comment.created": _("A comment is written"),
    "member.joined": _("Someone joins a space"),
    "member.left": _("Someone leaves a space"),
}
DOMAIN_EVENTS = (PostCreated, PostEdited, PostDeleted, CommentCreated, MembershipChanged)


def event_type(event: Event) -> str | None:
    """The webhook event ``event`` is, if any (a role changed within a space is none)."""
    match event:
        case PostCreated():
            return "post.created"
        case PostEdited():
            return "post.edited"
        case PostDeleted():
            return "post.deleted"
        case CommentCreated():
            return "comment.created"
        case MembershipChanged(role=None):
            return "member.left"
        case MembershipChanged(previous_role=None):
            return "member.joined"
        case _:
            return None


def space_of(event: Event) -> tuple[bool, int | None]:
    """``(found, space_id)``: the space ``event`` happened in (``None``: outside any), ``found`` False when what
    it is about is gone already (nothing to deliver)."""
    match event:
        case PostCreated() | PostDeleted():
            return True, event.space_id
        case MembershipChanged():
            return True, event.space_id
        case PostEdited() | CommentCreated():
            row = Post.objects.filter(pk=event.post_id).values_list("space_id", flat=True).first()
            exists = Post.objects.filter(pk=event.post_id).exists() if row is None else True
            return exists, row
        case _:
            return False, None


def _url(path: str) -> str:
    return site.absolute_url(path)


def _person(user: User) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "handle": user.handle,
        "name": user.get_full_name(),
        "bot": user.kind == User.Kind.BOT,
        "url": _url(user.get_absolute_url()),
    }


def _space(space: Space | None) -> dict[str, Any] | None:
    if space is None:
        return None
    return {"id": str(space.pk), "slug": space.slug, "name": space.name, "url": _url(space.get_absolute_url())}


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": str(post.pk),
        "url": _url(post.get_absolute_url()),
        "author": _person(post.author),
        "space": _space(post.space),
        "text": post.body,
        "html": post.body_html,
        "created_at": post.created_at.isoformat(),
        "edited_at": post.edited_at.isoformat() if post.edited_at else None,
    }


def data_for(owner: User, kind: str, event: dict[str, Any]) -> dict[str, Any] | None:
    """The ``data`` of a delivery of ``kind`` about ``event`` (its ids), or ``None`` when ``owner`` may not read it
    (or it is gone)."""
    if kind in {"post.created", "post.edited"}:
        post = Post.objects.select_related("author", "space").filter(pk=event["post_id"]).first()
        if post is None or not access.can(owner, Action.VIEW, post):
            return None
        return {"post": _post(post)}
    if kind == "post.deleted":
        space = Space.objects.filter(pk=event["space_id"]).first() if event.get("space_id") else None
        if event.get("space_id") and (space is None or not access.can(owner, Action.READ_POSTS, space)):
            return None
        return {"post": {"id": str(event["post_id"]), "space": _space(space)}}
    if kind == "comment.created":
        comment = (
            Comment.objects.select_related("author", "post__author", "post__space")
            .filter(pk=event["comment_id"])
            .first()
        )
        if comment is None or not access.can(owner, Action.VIEW, comment):
            return None
        return _comment_data(comment)
    if kind in {"member.joined", "member.left"}:
        space = Space.objects.filter(pk=event["space_id"]).first()
        user = User.objects.filter(pk=event["user_id"]).first()
        if space is None or user is None or not access.can(owner, Action.VIEW_MEMBERS, space):
            return None
        return {"space": _space(space), "member": _person(user), "role": event.get("role")}
    return None


def data_for_many(owner: User, items: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any] | None]:
    """``data_for`` of each ``(kind, event)`` of a sender's batch, in order, decided by the same rule: the posts
    (and the comments' posts) of the whole batch are read in one query each and ``owner``'s right to read them
    asked once for all (``access.visible_among``, the rule ``can(VIEW)`` applies to one post). Other kinds are
    asked one by one."""
    post_ids = {int(e["post_id"]) for kind, e in items if kind in {"post.created", "post.edited"}}
    comment_ids = {int(e["comment_id"]) for kind, e in items if kind == "comment.created"}
    posts = list(Post.objects.select_related("author", "space").filter(pk__in=post_ids)) if post_ids else []
    comments = (
        list(Comment.objects.select_related("author", "post__author", "post__space").filter(pk__in=comment_ids))
        if comment_ids
        else []
    )
    readable = {p.pk for p in access.visible_among(owner, [*posts, *(c.post for c in comments)])}
    post_data = {p.pk: {"post": _post(p)} for p in posts if p.pk in readable}
    comment_data = {c.pk: _comment_data(c) for c in comments if c.post_id in readable}
    found: list[dict[str, Any] | None] = []
    for kind, event in items:
        if kind in {"post.created", "post.edited"}:
            found.append(post_data.get(int(event["post_id"])))
        elif kind == "comment.created":
            found.append(comment_data.get(int(event["comment_id"])))
        else:
            found.append(data_for(owner, kind, event))
    return found


def _comment_data(comment: Comment) -> dict[str, Any]:
    return {
        "comment": {
            "id": str(comment.pk),
            "author": _person(comment.author),
            "text": comment.body,
            "html": comment.body_html,
            "created_at": comment.created_at.isoformat(),
        },
        "post": _post(comment.post),
    }


def body(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "timestamp": timezone.now().isoformat(), "data": data}
