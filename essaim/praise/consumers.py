"""The people praised are told (durable; once per praise each: ``notifications.services.notify``'s source)."""

from __future__ import annotations

from essaim import access
from essaim.events import consumer
from essaim.events.types import PraiseGiven
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification
from essaim.stream import selectors as stream_selectors


@consumer("praise.notifications", on=[PraiseGiven], durable=True)
def tell_the_praised(event: PraiseGiven) -> None:
    post = stream_selectors.post_unchecked(post_id=event.post_id)
    if post is None or post.hidden_at is not None:
        return
    readers = access.readers(post).filter(pk__in=event.praised_ids).values_list("pk", flat=True)
    notifications.notify(
        recipient_ids=list(readers),
        kind=Notification.Kind.PRAISE,
        source=f"praise:{post.pk}",
        actor_id=event.actor_id,
        post_id=post.pk,
    )
