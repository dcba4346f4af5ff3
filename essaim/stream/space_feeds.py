"""Reads of a space's stream, for the spaces app: its posts (with its sub-spaces' when the space asks for
it) and the posts its moderators pinned. Every one starts from ``selectors.post_list_for`` (``access.visible``)
and is hydrated like the other feeds: a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from django.db.models import QuerySet

from essaim import access
from essaim.access.roles import Actor
from essaim.core.pagination import Cursor, Page, page_from_rows, paginate
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import Post
from essaim.stream.post_rows import space_page
from essaim.stream.selectors import hydrate, post_list_for

PINNED_LIMIT = 5


def _space_posts(actor: Actor, space: Space, *, with_subspaces: bool) -> QuerySet[Post]:
    if with_subspaces:
        # The ids as a list, not a sub-query: given ``pk = x OR parent_id = x`` as a sub-query,
        # PostgreSQL scanned all the spaces, then read and sorted every post of the space and its
        # sub-spaces (3,960 posts for a page of 21: 28 ms); given the list, 4.5 ms.
        spaces = [space.pk, *Space.objects.filter(parent_id=space.pk).values_list("pk", flat=True)]
        return post_list_for(actor=actor).filter(space_id__in=spaces)
    return post_list_for(actor=actor).filter(space_id=space.pk)


def feed_space(
    *, actor: Actor, space: Space, cursor: Cursor, with_subspaces: bool = False, with_comments: bool = True
) -> Page[Post]:
    """The space's posts that ``actor`` may read, newest first, without the ones pinned in it
    (callers check ``Action.READ_POSTS`` on the space first).

    ``with_subspaces`` adds the posts of its sub-spaces, each filtered by ``access.visible`` (a secret
    sub-space's posts reach only its members). A fixed number of queries: posts, the reader's role
    in the space (for hidden posts), then the hydration (``with_comments=False`` leaves the comment
    previews out, as the JSON API does not show them).
    """
    if with_subspaces:
        pinned = SpacePin.objects.filter(space_id=space.pk).values("post_id")
        page = paginate(_space_posts(actor, space, with_subspaces=True).exclude(pk__in=pinned), cursor)
        items = page.items
    else:
        # One space: the page by id, then the rule decided on its rows (``access.visible_among``),
        # cheaper than building the SQL filter. It can only drop posts hidden by moderation, so a
        # page may come out a little short; the cursor still moves on from the rows read.
        # The page's rows with their authors and space come from SQL written once (``post_rows``).
        page = page_from_rows(space_page(space_id=space.pk, cursor=cursor), cursor)
        items = access.visible_among(actor, page.items)
    return Page(
        items=hydrate(actor=actor, posts=items, with_comments=with_comments),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


def pinned_in_space_for(*, actor: Actor, space: Space) -> list[Post]:
    """The posts pinned in ``space`` that ``actor`` may read, last pinned first, hydrated."""
    pins = SpacePin.objects.filter(space_id=space.pk).order_by("-pinned_at").values_list("post_id", flat=True)
    post_ids = list(pins[:PINNED_LIMIT])
    if not post_ids:  # most spaces pin nothing: one small query
        return []
    by_id = {p.pk: p for p in Post.objects.select_related("author__profile", "space").filter(pk__in=post_ids)}
    readable = access.visible_among(actor, [by_id[i] for i in post_ids if i in by_id])
    return hydrate(actor=actor, posts=readable)
