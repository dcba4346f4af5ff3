"""A reminder reaches the people a must-read targets who have not confirmed it when the worker runs (durable;
once per reminder each: ``notifications.services.notify``'s source)."""

from __future__ import annotations

from essaim.events import consumer
from essaim.events.types import ReadReminderSent
from essaim.mustread.models import MustRead
from essaim.mustread.selectors import pending_ids
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification


@consumer("mustread.reminders", on=[ReadReminderSent], durable=True)
def remind_the_unconfirmed(event: ReadReminderSent) -> None:
    must_read = MustRead.objects.filter(pk=event.post_id).select_related("post__space").first()
    if must_read is None or must_read.post.hidden_at is not None:
        return
    notifications.notify(
        recipient_ids=pending_ids(must_read=must_read),
        kind=Notification.Kind.MUST_READ,
        source=f"must_read:{event.post_id}:{event.reminder}",
        actor_id=event.actor_id,
        post_id=event.post_id,
    )
