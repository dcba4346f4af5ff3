"""The live pages' consumer: domain events become live events for the pages that may show them.

Immediate (``events.pipeline``): it runs once the write has committed, in the process that wrote;
a live event lost with that process costs a page nothing that a reload would not give. Each event is
read back by its ids and its audience asked of ``access.audience`` as the post stands now (a hidden
post's comments reach only who may still read it). Ids go to pages as strings: a 64-bit id is beyond
a JavaScript number's exact range. Joining or leaving a space and following someone change what a
reader may be told: their open pages read their keys again (``keys``).
"""

from __future__ import annotations

from typing import Any

from essaim.access import audience
from essaim.events.pipeline import consumer
from essaim.events.types import (
    AnswerAccepted,
    CommentCreated,
    Followed,
    LinkPreviewChanged,
    MembershipChanged,
    PollVoted,
    PostCreated,
    PostDeleted,
    PostEdited,
    PostHidden,
    ReactionAdded,
    ReactionRemoved,
    Unfollowed,
)
from essaim.realtime.messages import KEYS
from essaim.realtime.publish import publish

ABOUT_A_POST = [
    PostCreated,
    PostEdited,
    PostHidden,
    CommentCreated,
    ReactionAdded,
    ReactionRemoved,
    PollVoted,
    AnswerAccepted,
    LinkPreviewChanged,
]


@consumer("realtime.posts", on=ABOUT_A_POST, durable=False, when=lambda event: getattr(event, "live", True))
def tell_pages_about_a_post(event: Any) -> None:
    from essaim.stream.models import Mention, Post, PostTag

    post = Post.objects.select_related("space").filter(pk=event.post_id).first()
    if post is None:  # deleted since
        return
    mentioned = list(Mention.objects.filter(post=post, comment__isnull=True).values_list("user_id", flat=True))
    readers = audience.post_audience(post, mentioned)
    match event:
        case PostCreated():
            tags = list(PostTag.objects.filter(post=post).values_list("tag_id", "tag__folded"))
            company = post.space_id is None and post.visibility == "company" and post.hidden_at is None
            space = str(post.space_id) if post.space_id is not None else None
            data = {"post": str(post.pk), "space": space, "tags": [name for _, name in tags], "company": company}
            publish("post", audience=readers, data=data, home=audience.home_keys(post, mentioned, [t for t, _ in tags]))
        case PostEdited() | LinkPreviewChanged():  # a new text, or its link's card came
            publish("post-edited", audience=readers, data={"post": str(post.pk)})
        case PostHidden(hidden=True):  # gone from the pages of everyone who may no longer read it
            post.hidden_at = None
            publish("post-removed", audience=audience.post_audience(post, mentioned), data={"post": str(post.pk)})
        case PostHidden():
            publish("post-edited", audience=readers, data={"post": str(post.pk)})
        case CommentCreated():
            publish("comment", audience=readers, data={"post": str(post.pk), "comment": str(event.comment_id)})
        case ReactionAdded() | ReactionRemoved() | PollVoted() | AnswerAccepted():  # counts or answers redrawn
            publish("reactions", audience=readers, data={"post": str(post.pk)})


@consumer("realtime.deletions", on=[PostDeleted], durable=False)
def tell_pages_a_post_is_gone(event: PostDeleted) -> None:
    """The post is gone: its space's readers, else its author and every employee (a deleted post's id
    says nothing of it), are told to take it off their pages."""
    from essaim.spaces.models import Space

    space = Space.objects.filter(pk=event.space_id).first() if event.space_id is not None else None
    readers = audience.space_audience(space) if space else [(f"u{event.author_id}",), (audience.EMPLOYEE,)]
    publish("post-removed", audience=readers, data={"post": str(event.post_id)})


@consumer("realtime.keys", on=[MembershipChanged, Followed, Unfollowed], durable=False)
def tell_pages_their_reader_changed(event: Any) -> None:
    person = event.user_id if isinstance(event, MembershipChanged) else event.actor_id
    if person is not None:
        publish(KEYS, audience=[(f"u{person}",)], data={})
