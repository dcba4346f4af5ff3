"""Essaim's idea boxes in the API: a space's ideas (sorted, filtered), voting, setting an idea's status.

Reads go through ``ideas.selectors``, writes through ``ideas.services``; each idea carries its status (Mastodon's
``Status`` of its post).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from essaim.api.auth import current_user
from essaim.api.body import Body, body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.ideas import selectors, services
from essaim.ideas.models import Idea, IdeaStatus
from essaim.stream import selectors as stream_selectors
from essaim.stream.api import find_post, find_space, post_status
from essaim.stream.schemas import Status

router = Router(tags=["essaim: ideas"])


class IdeaEntity(Schema):
    id: str = Field(..., description="The idea's id: its status's.")
    idea_status: str = Field(..., description="new, under_review, planned, done or declined.")
    votes_count: int
    voted: bool = Field(..., description="Whether you voted for it.")
    answer: str = Field(..., description="The official answer, as its moderators wrote it (Markdown).")
    answer_html: str
    status_changed_at: datetime | None
    status: Status


class IdeaListParams(Schema):
    sort: Literal["votes", "recent", "trending"] = "votes"
    idea_status: Literal["", "new", "under_review", "planned", "done", "declined"] = ""


class IdeaStatusChange(Body):
    idea_status: Literal["new", "under_review", "planned", "done", "declined"]
    answer: str = Field("", max_length=10000, description="The official answer shown on the idea (Markdown).")


def idea_data(request: HttpRequest, idea: Idea, *, voted: bool) -> dict[str, Any]:
    return {
        "id": str(idea.pk),
        "idea_status": idea.status,
        "votes_count": idea.vote_count,
        "voted": voted,
        "answer": idea.answer,
        "answer_html": idea.answer_html,
        "status_changed_at": idea.status_changed_at,
        "status": post_status(request, idea.post),
    }


def _idea(request: HttpRequest, status_id: str) -> Idea:
    post = find_post(request, status_id)
    return selectors.idea_get_for(actor=request.user, post_id=post.pk)


@router.get(
    "/spaces/{space_id}/ideas", response={200: list[IdeaEntity], **errors(400, 403, 404, 422)}, url_name="space-ideas"
)
def space_ideas(request: HttpRequest, space_id: PathId, params: Query[IdeaListParams]) -> list[dict[str, Any]]:
    """The ideas of a space's idea box you may read (the first 50): by votes, newest, or trending (most votes
    of the last 7 days), optionally of one status."""
    space = find_space(request, space_id)
    ideas = selectors.idea_list_for(actor=request.user, space=space, sort=params.sort, status=params.idea_status)
    stream_selectors.hydrate(actor=request.user, posts=[i.post for i in ideas], with_comments=False)
    return [idea_data(request, idea, voted=bool(getattr(idea, "voted", False))) for idea in ideas]


@router.post("/ideas/{status_id}/vote", response={200: IdeaEntity, **errors(403, 404, 422)}, url_name="idea-vote")
def idea_vote(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Vote for an idea (once: voting again changes nothing)."""
    idea = _idea(request, status_id)
    services.idea_vote_set(actor=current_user(request), idea=idea, voted=True)
    return idea_data(request, idea, voted=True)


@router.delete("/ideas/{status_id}/vote", response={200: IdeaEntity, **errors(403, 404, 422)}, url_name="idea-unvote")
def idea_unvote(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Take your vote back (without a vote, nothing changes)."""
    idea = _idea(request, status_id)
    services.idea_vote_set(actor=current_user(request), idea=idea, voted=False)
    return idea_data(request, idea, voted=False)


@router.post(
    "/ideas/{status_id}/status",
    response={200: IdeaEntity, **errors(403, 404, 422)},
    url_name="idea-status",
    openapi_extra=body_openapi(IdeaStatusChange),
)
def idea_status(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Set an idea's status and official answer (the space's moderators): its author and voters are told."""
    data = parse_body(request, IdeaStatusChange)
    idea = _idea(request, status_id)
    services.idea_status_set(actor=current_user(request), idea=idea, status=data.idea_status, answer=data.answer)
    voted = selectors.idea_rows(actor=request.user, posts=[idea.post])[idea.pk]
    return idea_data(request, idea, voted=bool(getattr(voted, "voted", False)))


assert set(IdeaStatus.values) == {"new", "under_review", "planned", "done", "declined"}  # the Literal's values
