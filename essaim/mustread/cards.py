"""What an announcement's card shows of its read confirmation ("I have read it", or that it was confirmed):
loaded for the page's announcements in one query (``stream.kind_rows``). A confirmed must-read is no longer
pinned for its reader (``pin_done``: ``stream.selectors.feed_home`` leaves it out of the pins)."""

from __future__ import annotations

from essaim.access.roles import Actor
from essaim.mustread.selectors import reader_states
from essaim.stream import kind_rows
from essaim.stream.models import Post


def _load(actor: Actor, posts: list[Post]) -> None:
    states = reader_states(actor=actor, posts=posts)
    for post in posts:
        state = states.get(post.pk)
        post.must_read_state = state  # type: ignore[attr-defined]  # hydrated for cards
        if state is not None:
            post.pin_done = state.confirmed  # type: ignore[attr-defined]  # hydrated for the home feed's pins
            kind_rows.keep(post, "must_read", (state.targeted, state.confirmed))


kind_rows.register("must_read", wants=lambda post: post.is_announcement, load=_load)
