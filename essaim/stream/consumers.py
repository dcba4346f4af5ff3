"""What the stream does with the events of the network (``essaim.events``): home timelines.

Both consumers are durable (the outbox): a post that reached no timeline, or a follow that never
changed one, would go unnoticed and stay wrong. Both are idempotent: delivery inserts entries that
may already be there (``ON CONFLICT DO NOTHING``), a rebuild recomputes the whole timeline.
"""

from __future__ import annotations

from essaim.accounts.models import User
from essaim.events import consumer
from essaim.events.types import Followed, MembershipChanged, PostCreated, PostEdited, Unfollowed
from essaim.stream import timelines


@consumer("stream.deliver", on=[PostCreated, PostEdited], durable=True, when=lambda event: not event.delivered)
def deliver(event: PostCreated | PostEdited) -> None:
    """A post whose audience was too large to fill in its own transaction (a big space, a much-followed
    author): batch by batch, each in its own transaction (``timelines.deliver``)."""
    timelines.deliver(post_id=event.post_id)


def _joined_or_left(event: Followed | Unfollowed | MembershipChanged) -> bool:
    return not isinstance(event, MembershipChanged) or (event.role is None) != (event.previous_role is None)


@consumer("stream.rebuild", on=[Followed, Unfollowed, MembershipChanged], durable=True, when=_joined_or_left)
def rebuild(event: Followed | Unfollowed | MembershipChanged) -> None:
    """What someone follows or belongs to changed: their timeline again from what they may read now
    (a role change within a space changes nothing there)."""
    owner_id = event.user_id if isinstance(event, MembershipChanged) else event.actor_id
    user = User.objects.filter(pk=owner_id).first() if owner_id is not None else None
    if user is not None:
        timelines.rebuild(user=user)
