"""Who is told of an idea's new status: its author and its voters who may still read it (durable: a
notification owed is never lost, and running twice adds nothing: ``notifications.services.notify``'s source)."""

from __future__ import annotations

from essaim import access
from essaim.events import consumer
from essaim.events.types import IdeaStatusChanged
from essaim.ideas.models import IdeaVote
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification
from essaim.stream import selectors as stream_selectors


@consumer("ideas.status_notifications", on=[IdeaStatusChanged], durable=True)
def tell_author_and_voters(event: IdeaStatusChanged) -> None:
    post = stream_selectors.post_unchecked(post_id=event.post_id)
    if post is None or post.hidden_at is not None:
        return
    voters = set(IdeaVote.objects.filter(idea_id=post.pk).values_list("user_id", flat=True))
    wanted = voters | {post.author_id}
    readers = access.readers(post).filter(pk__in=wanted).values_list("pk", flat=True)
    notifications.notify(
        recipient_ids=list(readers),
        kind=Notification.Kind.IDEA_STATUS,
        source=f"idea_status:{post.pk}:{event.status}",
        actor_id=event.actor_id,
        post_id=post.pk,
    )
