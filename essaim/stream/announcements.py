"""Which posts are active company announcements: their ids, shared through the cache for a few seconds.

Every home page asks for them, and the answer is the same for everyone and rarely changes. The
ids are only candidates: the feed loads the posts and keeps those still announced, unexpired and
visible to the reader (``selectors.feed_home``), so a cached list can never pin an expired,
cleared, deleted or invisible post. Pinning and clearing forget the list when their transaction
commits, so the change shows at once through a shared cache (Redis) or in the same process; a
local-memory cache of another process catches up within ``IDS_TIMEOUT`` seconds.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from essaim.stream.models import Post

IDS_KEY = "essaim:announcements:active-ids"
IDS_TIMEOUT = 5
IDS_LIMIT = 50  # candidates: a margin over the feed's five pins, some may be invisible to a reader


def active_ids() -> list[int]:
    """Ids of the newest active announcements, newest first (at most ``IDS_LIMIT``)."""
    ids: list[int] | None = cache.get(IDS_KEY)
    if ids is None:
        active = Post.objects.filter(is_announcement=True, announcement_expires_at__gt=timezone.now())
        ids = list(active.order_by("-id").values_list("id", flat=True)[:IDS_LIMIT])
        cache.set(IDS_KEY, ids, IDS_TIMEOUT)
    return ids


def forget() -> None:
    """Drop the cached ids (after an announcement is set or cleared)."""
    cache.delete(IDS_KEY)
