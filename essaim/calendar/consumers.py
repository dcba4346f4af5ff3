"""Who hears of an event's changes (``essaim.events`` → ``notifications``). Durable: nobody misses a cancellation
because a process died, and running one twice tells nobody twice (each notification's ``source``).

* a change of time or place (``EventChanged``) and a cancellation tell everyone who answered going, maybe or
  waiting, among those who may still read the event (``access.readers``), but whoever made it;
* a place freed up (``RsvpChanged.promoted_ids``) tells those the waiting list moved to "going".
"""

from __future__ import annotations

from essaim import access
from essaim.calendar.models import Event, Rsvp
from essaim.events import consumer
from essaim.events.types import Event as DomainEvent
from essaim.events.types import EventChanged, RsvpChanged
from essaim.notifications import services as notifications
from essaim.notifications.models import Notification

ANSWERED = (Rsvp.Answer.GOING, Rsvp.Answer.MAYBE, Rsvp.Answer.WAITING)


def _tells_someone(event: DomainEvent) -> bool:
    return not isinstance(event, RsvpChanged) or bool(event.promoted_ids)


@consumer("calendar.notify", on=[EventChanged, RsvpChanged], durable=True, when=_tells_someone)
def notify(event: DomainEvent) -> None:
    match event:
        case EventChanged():
            _changed(event)
        case RsvpChanged():
            _promoted(event)


def _event(event_id: int) -> Event | None:
    row = Event.objects.select_related("post__space").filter(pk=event_id).first()
    return row if row is not None and row.post.hidden_at is None else None


def _changed(change: EventChanged) -> None:
    event = _event(change.event_id)
    if event is None:
        return
    answered = Rsvp.objects.filter(event=event, answer__in=ANSWERED).values("user_id")
    readers = access.readers(event.post).filter(pk__in=answered).values_list("pk", flat=True)
    sequence = event.sequence
    notifications.notify(
        recipient_ids=readers.iterator(),
        kind=Notification.Kind.EVENT,
        source=f"event:{event.pk}:{sequence}",
        actor_id=change.actor_id,
        post_id=event.pk,
        accepted=False if change.cancelled else None,
    )


def _promoted(change: RsvpChanged) -> None:
    event = _event(change.event_id)
    if event is None:
        return
    still_going = Rsvp.objects.filter(event=event, user_id__in=change.promoted_ids, answer=Rsvp.Answer.GOING)
    notifications.notify(
        recipient_ids=list(still_going.values_list("user_id", flat=True)),
        kind=Notification.Kind.EVENT,
        source=f"event_place:{event.pk}",
        actor_id=None,
        post_id=event.pk,
        accepted=True,
    )


@consumer("calendar.live", on=[EventChanged, RsvpChanged], durable=False)
def redraw_open_pages(event: DomainEvent) -> None:
    """Pages showing the event's card (feeds, its post) redraw it: new counts, a change, a cancellation. Said to
    those who may read its post, as the stream's live pages are (``access.audience``)."""
    from essaim.access import audience
    from essaim.realtime.publish import publish
    from essaim.stream.models import Mention, Post

    assert isinstance(event, EventChanged | RsvpChanged)
    post = Post.objects.select_related("space").filter(pk=event.event_id).first()
    if post is None:
        return
    mentioned = list(Mention.objects.filter(post=post, comment__isnull=True).values_list("user_id", flat=True))
    publish("post-edited", audience=audience.post_audience(post, mentioned), data={"post": str(post.pk)})
