"""Background work of the stream: delivering posts to home timelines (fan-out on write)."""

from __future__ import annotations

from django.tasks import task

from essaim.stream import timelines


@task()
def deliver_post(*, post_id: int) -> int:
    """Insert ``post_id`` into the home timeline of everyone it is for. Returns the number of owners."""
    return timelines.deliver(post_id=post_id)


@task()
def rebuild_timeline(*, user_id: int) -> int:
    """Recompute one person's home timeline (after they follow or unfollow a person, or join or leave a space)."""
    from essaim.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return timelines.rebuild(user=user)
