"""Reads of idea boxes: a space's box, one idea, a space's board (sorted and filtered), the ideas' rows on
cards. Each starts from what ``access`` lets the reader see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.access.roles import Actor
from essaim.ideas.models import Idea, IdeaBox, IdeaStatus, IdeaVote
from essaim.spaces.models import Space
from essaim.stream import selectors as stream_selectors
from essaim.stream.models import Post

SORTS = ("votes", "recent", "trending")
TRENDING_DAYS = 7
BOARD_LIMIT = 50


def idea_box_for(*, space: Space) -> IdeaBox | None:
    return IdeaBox.objects.filter(space=space).first()


def idea_get_for(*, actor: Actor, post_id: int) -> Idea:
    """The idea of the post ``post_id`` with its post (author, profile, space) loaded, or 404 when it is
    missing, not an idea or not visible to ``actor``."""
    post = stream_selectors.post_get_for(actor=actor, post_id=post_id)
    idea = Idea.objects.filter(post_id=post.pk).first()
    if idea is None:
        raise Http404
    idea.post = post
    return idea


def _voted(actor: Actor) -> Exists:
    return Exists(IdeaVote.objects.filter(idea_id=OuterRef("pk"), user_id=actor.pk))


@dataclass(frozen=True)
class Board:
    ideas: Sequence[Idea]  # each with ``post`` (author, profile) loaded, ``voted`` and, for trending, ``recent_votes``
    counts: dict[str, int]  # ideas per status, and "all"
    sort: str
    status: str
    more: bool


def idea_board_for(*, actor: Actor, space: Space, sort: str = "votes", status: str = "") -> Board:
    """The ideas of ``space``'s board that ``actor`` may read, sorted (``SORTS``: most votes, newest, most votes
    of the last ``TRENDING_DAYS`` days) and filtered by ``status`` (empty: all), at most ``BOARD_LIMIT``.
    Two queries: the page (ideas, posts, authors, the reader's votes) and the counts per status."""
    access.require(actor, Action.READ_POSTS, space)
    if sort not in SORTS:
        sort = "votes"
    if status not in IdeaStatus.values:
        status = ""
    ideas: QuerySet[Idea] = Idea.objects.filter(space=space)
    if not access.can(actor, Action.MODERATE, space):  # hidden ideas: their authors and moderators only
        ideas = ideas.filter(Q(post__hidden_at__isnull=True) | Q(post__author_id=actor.pk))
    counts = Counter({row["status"]: row["n"] for row in ideas.values("status").annotate(n=Count("pk"))})
    counts["all"] = sum(counts.values())
    if status:
        ideas = ideas.filter(status=status)
    ideas = ideas.select_related("post__author__profile").annotate(voted=_voted(actor))
    match sort:
        case "recent":
            ideas = ideas.order_by("-post_id")
        case "trending":
            since = timezone.now() - timedelta(days=TRENDING_DAYS)
            recent = Count("votes", filter=Q(votes__created_at__gte=since))
            ideas = ideas.annotate(recent_votes=recent).order_by("-recent_votes", "-vote_count", "-post_id")
        case _:
            ideas = ideas.order_by("-vote_count", "-post_id")
    page = list(ideas[: BOARD_LIMIT + 1])
    for idea in page:
        idea.post.space = space
    return Board(ideas=page[:BOARD_LIMIT], counts=dict(counts), sort=sort, status=status, more=len(page) > BOARD_LIMIT)


def idea_rows(*, actor: Actor, posts: list[Post]) -> dict[int, Idea]:
    """The ideas of ``posts`` (readable ones), each with ``voted`` for ``actor``: one query."""
    ideas = Idea.objects.filter(post_id__in=[p.pk for p in posts])
    if actor is not None and actor.is_authenticated:
        ideas = ideas.annotate(voted=_voted(actor))
    return {idea.pk: idea for idea in ideas}


def idea_list_for(*, actor: Actor, space: Space, sort: str = "votes", status: str = "") -> Sequence[Idea]:
    """The board's ideas, for the API."""
    return idea_board_for(actor=actor, space=space, sort=sort, status=status).ideas
