"""Essaim's praise in the API: praise colleagues (a status of kind ``praise``), list a person's praise received."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from essaim.api.auth import current_user
from essaim.api.body import Body, body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.params import PathId
from essaim.people.api import person_by_id
from essaim.people.schemas import Account, account_data
from essaim.praise import selectors, services
from essaim.praise.models import MAX_PRAISED
from essaim.stream import selectors as stream_selectors
from essaim.stream.api import post_status
from essaim.stream.models import Post
from essaim.stream.schemas import Status

router = Router(tags=["essaim: praise"])

BadgeName = Literal["thanks", "teamwork", "expertise", "extra_mile", "helpful", "welcome"]


class PraiseCreate(Body):
    account_ids: list[str] = Field(..., min_length=1, max_length=MAX_PRAISED, description="The people praised.")
    badge: BadgeName
    status: str = Field(..., min_length=1, max_length=20000, description="What they are praised for (Markdown).")
    visibility: Literal["public", "unlisted", "private"] = "public"


class PraiseEntity(Schema):
    id: str
    badge: str
    accounts: list[Account]
    status: Status


class PraiseReceived(Schema):
    count: int = Field(..., description="The praise received that you may read.")
    latest: list[Status]


def praise_data(request: HttpRequest, post: Post) -> dict[str, Any]:
    stream_selectors.hydrate(actor=request.user, posts=[post], with_comments=False)
    people = getattr(post, "praised", [])
    return {
        "id": str(post.pk),
        "badge": getattr(post, "praise_badge", ""),
        "accounts": [account_data(request, person, with_org=False) for person in people],
        "status": post_status(request, post),
    }


@router.post(
    "/praise",
    response={200: PraiseEntity, **errors(403, 404, 422)},
    url_name="praise-create",
    openapi_extra=body_openapi(PraiseCreate),
)
def praise_create(request: HttpRequest) -> dict[str, Any]:
    """Praise one or several colleagues with a badge: a status in the stream that tells them."""
    data = parse_body(request, PraiseCreate)
    people = [person_by_id(request.user, account_id) for account_id in dict.fromkeys(data.account_ids)]
    visibility = {"public": "company", "unlisted": "company", "private": "followers"}[data.visibility]
    post = services.praise_give(
        actor=current_user(request), people=people, badge=data.badge, body=data.status, visibility=visibility
    )
    return praise_data(request, stream_selectors.post_get_for(actor=request.user, post_id=post.pk))


@router.get("/accounts/{account_id}/praise", response={200: PraiseReceived, **errors(404)}, url_name="account-praise")
def account_praise(request: HttpRequest, account_id: PathId) -> dict[str, Any]:
    """The praise a person received that you may read: how many, and the latest (never a ranking)."""
    person = person_by_id(request.user, account_id)
    received = selectors.praise_received_for(actor=request.user, person=person)
    posts = stream_selectors.hydrate(actor=request.user, posts=received.latest, with_comments=False)
    return {"count": received.count, "latest": [post_status(request, post) for post in posts]}
