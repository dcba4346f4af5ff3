"""Reads of a space's stream, for the spaces app: its posts (with its sub-spaces' when the space asks for
it) and the posts its moderators pinned. Every one starts from ``selectors.post_list_for`` (``access.visible``)
and is hydrated like the other feeds: a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from essaim.access.roles import Actor
from essaim.core.pagination import Cursor, Page, paginate
from essaim.spaces.models import Space, SpacePin
from essaim.stream.models import Post
from essaim.stream.selectors import hydrate, post_list_for

PINNED_LIMIT = 5


def _space_posts(actor: Actor, space: Space, *, with_subspaces: bool) -> QuerySet[Post]:
    if with_subspaces:
        spaces = Space.objects.filter(Q(pk=space.pk) | Q(parent_id=space.pk)).values("pk")
        return post_list_for(actor=actor).filter(space_id__in=spaces)
    return post_list_for(actor=actor).filter(space_id=space.pk)


def feed_space(*, actor: Actor, space: Space, cursor: Cursor, with_subspaces: bool = False) -> Page[Post]:
    """The space's posts that ``actor`` may read, newest first, without the ones pinned in it.

    ``with_subspaces`` adds the posts of its sub-spaces, each filtered by ``access.visible`` (a secret
    sub-space's posts reach only its members). At most 4 queries: posts, then the hydration.
    """
    pinned = SpacePin.objects.filter(space_id=space.pk).values("post_id")
    queryset = _space_posts(actor, space, with_subspaces=with_subspaces).exclude(pk__in=pinned)
    page = paginate(queryset, cursor)
    return Page(
        items=hydrate(actor=actor, posts=page.items), next_max_id=page.next_max_id, prev_min_id=page.prev_min_id
    )


def pinned_in_space_for(*, actor: Actor, space: Space) -> list[Post]:
    """The posts pinned in ``space`` that ``actor`` may read, last pinned first, hydrated."""
    queryset = post_list_for(actor=actor).filter(space_pins__space_id=space.pk).order_by("-space_pins__pinned_at")
    return hydrate(actor=actor, posts=list(queryset[:PINNED_LIMIT]))
