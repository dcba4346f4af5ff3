"""What an idea's card shows beside its post (its status, official answer, votes and the reader's vote):
loaded for the page's ideas in one query (``stream.kind_rows``)."""

from __future__ import annotations

from essaim.access.roles import Actor
from essaim.ideas.selectors import idea_rows
from essaim.stream import kind_rows
from essaim.stream.models import Post, PostKind


def _load(actor: Actor, posts: list[Post]) -> None:
    found = idea_rows(actor=actor, posts=posts)
    for post in posts:
        idea = found.get(post.pk)
        post.idea_row = idea  # type: ignore[attr-defined]  # hydrated for cards
        if idea is not None:
            shown = (idea.status, idea.vote_count, idea.answer_html, bool(getattr(idea, "voted", False)))
            kind_rows.keep(post, "idea", shown)


kind_rows.register("idea", wants=lambda post: post.kind == PostKind.IDEA, load=_load)
