"""What an announcement's card shows of its read confirmation ("I have read it", or that it was confirmed):
loaded for the page's must-read announcements in one query (``stream.kind_rows``). A confirmed must-read is no
longer pinned for its reader (``pin_done``: ``stream.selectors.feed_home`` leaves it out of the pins).

Most announcements ask for no confirmation: which do is a short list of ids shared through the cache for a few
seconds (as ``stream.announcements`` shares the active ones), so a home page with a plain announcement pinned
costs no query here. Asking and dropping forget the list when they commit.
"""

from __future__ import annotations

from django.core.cache import cache

from essaim.access.roles import Actor
from essaim.mustread.models import MustRead
from essaim.mustread.selectors import reader_states
from essaim.stream import kind_rows
from essaim.stream.models import Post

IDS_KEY = "essaim:mustread:ids"
IDS_TIMEOUT = 5


def must_read_ids() -> frozenset[int]:
    """The ids of the posts that ask for a read confirmation (few: one per must-read announcement)."""
    ids: frozenset[int] | None = cache.get(IDS_KEY)
    if ids is None:
        ids = frozenset(MustRead.objects.values_list("post_id", flat=True))
        cache.set(IDS_KEY, ids, IDS_TIMEOUT)
    return ids


def forget() -> None:
    cache.delete(IDS_KEY)


def _load(actor: Actor, posts: list[Post]) -> None:
    asking = must_read_ids()
    chosen = [post for post in posts if post.pk in asking]
    states = reader_states(actor=actor, posts=chosen) if chosen else {}
    for post in posts:
        state = states.get(post.pk)
        post.must_read_state = state  # type: ignore[attr-defined]  # hydrated for cards
        if state is not None:
            post.pin_done = state.confirmed  # type: ignore[attr-defined]  # hydrated for the home feed's pins
            kind_rows.keep(post, "must_read", (state.targeted, state.confirmed))


kind_rows.register("must_read", wants=lambda post: post.is_announcement, load=_load)
