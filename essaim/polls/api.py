"""Mastodon's polls resource: read a poll, vote in it. Reads through the selectors, votes through the service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from essaim.api.auth import current_user
from essaim.api.body import body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.core.ids import parse_id
from essaim.polls import selectors, services
from essaim.polls.schemas import PollEntity, PollVoteBody, poll_data

router = Router(tags=["polls"])


def _poll(request: HttpRequest, poll_id: str) -> Any:
    from django.http import Http404

    number = parse_id(poll_id)
    if number is None:
        raise Http404
    return selectors.poll_get_for(actor=current_user(request), poll_id=number)


def _view(request: HttpRequest, poll: Any) -> dict[str, Any]:
    view = selectors.poll_view_for(actor=current_user(request), post=poll.post)
    assert view is not None  # the poll exists: it has options
    return poll_data(view)


@router.get("/polls/{poll_id}", response={200: PollEntity, **errors(404)}, url_name="polls-detail")
def poll_detail(request: HttpRequest, poll_id: PathId) -> dict[str, Any]:
    """A poll of a status you may read (404 otherwise, as a missing one)."""
    return _view(request, _poll(request, poll_id))


@router.post(
    "/polls/{poll_id}/votes",
    response={200: PollEntity, **errors(403, 404, 422)},
    url_name="polls-vote",
    openapi_extra=body_openapi(PollVoteBody),
)
def poll_vote(request: HttpRequest, poll_id: PathId) -> dict[str, Any]:
    """Vote (``choices[]``, indexes from 0); voting again replaces your vote until the poll closes."""
    data = parse_body(request, PollVoteBody)
    poll = _poll(request, poll_id)
    services.poll_vote(actor=current_user(request), poll=poll, choices=data.choices)
    return _view(request, poll)
