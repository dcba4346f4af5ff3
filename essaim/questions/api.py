"""Essaim's questions resource (Mastodon has none): accept an answer, vote an answer up, follow a question.

A question is a status whose ``kind`` is ``question``; its answers are its direct replies. Each call answers
the question's Status (its ``question`` says whether it is answered and which answer is accepted).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from essaim.api.auth import current_user
from essaim.api.body import body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.core.ids import parse_id
from essaim.questions import selectors, services
from essaim.questions.schemas import AcceptBody, FollowBody, VoteBody
from essaim.stream.api import find_post, post_status
from essaim.stream.schemas import Status

router = Router(tags=["essaim: questions"])


def _answer(post: Any, raw: str | None) -> Any:
    from django.http import Http404

    if raw is None:
        return None
    number = parse_id(raw)
    if number is None:
        raise Http404
    return selectors.answer_get(post=post, answer_id=number)


@router.post(
    "/essaim/questions/{status_id}/accepted_answer",
    response={200: Status, **errors(403, 404, 422)},
    url_name="essaim-question-accept",
    openapi_extra=body_openapi(AcceptBody),
)
def question_accept(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Mark ``answer_id`` (a direct reply) as the accepted answer, or unmark it (null): the asker or a
    moderator of the question's space."""
    data = parse_body(request, AcceptBody)
    post = find_post(request, status_id)
    services.answer_accept(actor=current_user(request), post=post, answer=_answer(post, data.answer_id))
    return post_status(request, post)


@router.post(
    "/essaim/questions/{status_id}/answers/{answer_id}/vote",
    response={200: Status, **errors(403, 404, 422)},
    url_name="essaim-answer-vote",
    openapi_extra=body_openapi(VoteBody),
)
def answer_vote(request: HttpRequest, status_id: PathId, answer_id: PathId) -> dict[str, Any]:
    """Vote an answer up (``up``: false takes the vote back); once per person, never one's own answer."""
    data = parse_body(request, VoteBody)
    post = find_post(request, status_id)
    services.answer_vote(actor=current_user(request), post=post, answer=_answer(post, answer_id), up=data.up)
    return post_status(request, post)


@router.post(
    "/essaim/questions/{status_id}/follow",
    response={200: Status, **errors(403, 404, 422)},
    url_name="essaim-question-follow",
    openapi_extra=body_openapi(FollowBody),
)
def question_follow(request: HttpRequest, status_id: PathId) -> dict[str, Any]:
    """Follow the question (be told of its new answers), or stop (``follow``: false)."""
    data = parse_body(request, FollowBody)
    post = find_post(request, status_id)
    services.question_follow(actor=current_user(request), post=post, follow=data.follow)
    return post_status(request, post)
