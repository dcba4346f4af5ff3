"""Reads of a space's stream, for the spaces app: its posts (with its sub-spaces' when the space asks for
it) and the posts its moderators pinned. Every post shown has passed ``access.visible_among`` (the
rule of ``access.visible``), and is hydrated like the other feeds: a fixed number of queries whatever
the page size.
"""

from __future__ import annotations

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.access.rules.spaces import with_viewer_role
from essaim.core.pagination import Cursor, Page, page_from_rows
from essaim.core.rows import fetch
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import Post
from essaim.stream.post_rows import space_page
from essaim.stream.selectors import hydrate
from essaim.stream.sources import EVERY_SOURCE, SourceFilter

PINNED_LIMIT = 5
_PINS_SQL = (
    f"SELECT post_id FROM {SpacePin._meta.db_table} WHERE space_id = %s "  # noqa: S608 - the model's table
    "ORDER BY pinned_at DESC LIMIT %s"
)


def _readable_subspaces(actor: Actor, space: Space) -> list[int]:
    """The sub-spaces of ``space`` whose posts ``actor`` may read (one query: each comes with the
    reader's role, so ``can`` asks nothing more)."""
    children = with_viewer_role(actor, Space.objects.filter(parent_id=space.pk).order_by("pk"))
    return [child.pk for child in children if access.can(actor, Action.READ_POSTS, child)]


def feed_space(
    *,
    actor: Actor,
    space: Space,
    cursor: Cursor,
    with_subspaces: bool = False,
    with_comments: bool = True,
    source: SourceFilter = EVERY_SOURCE,
) -> Page[Post]:
    """The space's posts that ``actor`` may read, newest first, without the ones pinned in it
    (callers check ``Action.READ_POSTS`` on the space first).

    ``with_subspaces`` adds the posts of the sub-spaces ``actor`` may read (a secret sub-space's
    posts reach only its members). The page by id, with authors and spaces, comes from SQL written
    once (``post_rows.space_page``), then the rule is decided on its rows (``access.visible_among``),
    cheaper than building the SQL filter: it can then only drop posts hidden by moderation, so a page
    may come out a little short; the cursor still moves on from the rows read. A fixed number of
    queries: the readable sub-spaces (when asked), the posts, the reader's role in the page's spaces
    (for hidden posts), then the hydration (``with_comments=False`` leaves the comment previews
    out, as the JSON API does not show them).
    """
    space_ids = [space.pk, *(_readable_subspaces(actor, space) if with_subspaces else ())]
    reader_id = actor.pk if actor is not None and actor.is_authenticated else None  # their muted sources
    page = page_from_rows(space_page(space_ids=space_ids, cursor=cursor, reader_id=reader_id, source=source), cursor)
    return Page(
        items=hydrate(actor=actor, posts=access.visible_among(actor, page.items), with_comments=with_comments),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def pinned_in_space_for(*, actor: Actor, space: Space) -> list[Post]:
    """The posts pinned in ``space`` that ``actor`` may read, last pinned first, hydrated."""
    # Most spaces pin nothing: one small query, in SQL written once (the ORM's took longer to build).
    post_ids = [post_id for (post_id,) in fetch(_PINS_SQL, [space.pk, PINNED_LIMIT])]
    if not post_ids:
        return []
    by_id = {p.pk: p for p in Post.objects.select_related("author__profile", "space").filter(pk__in=post_ids)}
    readable = access.visible_among(actor, [by_id[i] for i in post_ids if i in by_id])
    return hydrate(actor=actor, posts=readable)
