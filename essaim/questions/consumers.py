"""Followers of a question are told of its new answers (a top-level comment), through the notifications."""

from __future__ import annotations

from essaim import access
from essaim.events.pipeline import consumer
from essaim.events.types import CommentCreated
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification
from essaim.questions.models import QuestionFollow


def _is_answer(event: CommentCreated) -> bool:
    return event.post_kind == "question" and event.parent_id is None


@consumer("questions.followers", on=[CommentCreated], durable=True, when=_is_answer)
def tell_followers(event: CommentCreated) -> None:
    from essaim.stream.selectors import post_unchecked

    post = post_unchecked(post_id=event.post_id)
    if post is None:
        return
    followers = QuestionFollow.objects.filter(question_id=post.pk).values_list("user_id", flat=True)
    readers = access.readers(post).filter(pk__in=followers).exclude(pk=post.author_id)  # the asker is told anyway
    notifications.notify(
        recipient_ids=readers.values_list("pk", flat=True).iterator(),
        kind=Notification.Kind.COMMENT,
        source=f"answer:{event.comment_id}",
        actor_id=event.actor_id,
        post_id=post.pk,
        comment_id=event.comment_id,
    )
