"""What following emits (``essaim.events``): a follow and an unfollow, each once."""

from __future__ import annotations

from essaim.accounts.models import User
from essaim.events.types import Event, Followed, Unfollowed
from essaim.people import services


def test_a_follow_and_an_unfollow_each_once(employee: User, colleague: User, capture_events: list[Event]) -> None:
    services.follow_create(actor=employee, user=colleague)
    services.follow_create(actor=employee, user=colleague)  # already followed
    services.follow_delete(actor=employee, user=colleague)
    services.follow_delete(actor=employee, user=colleague)  # no longer followed
    assert capture_events == [
        Followed(actor_id=employee.pk, followed_id=colleague.pk),
        Unfollowed(actor_id=employee.pk, followed_id=colleague.pk),
    ]
