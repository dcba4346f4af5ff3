"""Mastodon's lists are Essaim's spaces: the spaces a person belongs to, read by apps as their lists.

``GET /api/v1/lists`` (the spaces one belongs to), ``GET /api/v1/lists/:id``, ``GET /api/v1/lists/:id/accounts``
(the space's members, read-only) and ``GET /api/v1/timelines/list/:id`` (the space's feed, as the space's page and
``/api/v1/spaces/:id/statuses`` read it). A list's id is its space's id. Lists are not made nor changed in apps:
creating, renaming or deleting one, adding or removing accounts, answer 422 saying that lists are spaces. A post
from an app reaches a space by mentioning its handle (``essaim.stream.space_mentions``).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from essaim import access
from essaim.access import Action
from essaim.api.errors import ApiError, errors
from essaim.api.pagination import PageParams, cursor_from
from essaim.api.params import PathId
from essaim.core.http import absolute_url
from essaim.core.ids import parse_id
from essaim.people.schemas import Account, account_data
from essaim.spaces import selectors
from essaim.spaces.api import _keyset_link
from essaim.spaces.models import Space
from essaim.stream import space_feeds
from essaim.stream.api import page_response
from essaim.stream.schemas import Status

router = Router(tags=["lists"])


class EssaimListExtra(Schema):
    handle: str = Field(description="The space's handle: mention @handle in a status to post into the space.")
    url: str = Field(description="The space's page.")
    archived: bool


class ListEntity(Schema):
    """Mastodon's List, for one of the spaces you belong to (its id is the space's)."""

    id: str
    title: str
    replies_policy: Literal["followed", "list", "none"]
    exclusive: bool
    essaim: EssaimListExtra


class ListAccountParams(Schema):
    after: str | None = Field(None, description="The cursor of the next page (from the Link header).")


def list_data(request: HttpRequest, space: Space) -> dict[str, Any]:
    return {
        "id": str(space.pk),
        "title": space.name,
        "replies_policy": "list",
        "exclusive": False,
        "essaim": {
            "handle": space.slug,
            "url": absolute_url(request, reverse("spaces:space-detail", kwargs={"slug": space.slug})),
            "archived": space.archived_at is not None,
        },
    }


def _list(request: HttpRequest, list_id: str) -> Space:
    """The space this list id names among those you belong to, else 404 (missing, hidden or not yours alike)."""
    identifier = parse_id(list_id)
    if identifier is None:
        raise Http404
    return selectors.member_space_get(actor=request.user, space_id=identifier)


def _lists_are_spaces() -> ApiError:
    return ApiError(
        422,
        _("Lists are spaces"),
        _(
            "In Essaim, your lists are the spaces you belong to: join, leave or create spaces in Essaim, "
            "and their members are managed there."
        ),
    )


@router.get("/lists", response=list[ListEntity], url_name="lists-list")
def list_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The spaces you belong to, by name, as Mastodon's lists."""
    return [list_data(request, space) for space in selectors.member_space_list(actor=request.user)]


@router.post("/lists", response={200: ListEntity, **errors(422)}, url_name="lists-create")
def list_create(request: HttpRequest) -> dict[str, Any]:
    """Not in apps: lists are the spaces you belong to (422)."""
    raise _lists_are_spaces()


@router.get("/lists/{list_id}", response={200: ListEntity, **errors(404)}, url_name="lists-detail")
def list_detail(request: HttpRequest, list_id: PathId) -> dict[str, Any]:
    """One of the spaces you belong to (404 for any other)."""
    return list_data(request, _list(request, list_id))


@router.put("/lists/{list_id}", response={200: ListEntity, **errors(404, 422)}, url_name="lists-update")
def list_update(request: HttpRequest, list_id: PathId) -> dict[str, Any]:
    """Not in apps: a space is renamed in Essaim (422)."""
    _list(request, list_id)
    raise _lists_are_spaces()


@router.delete("/lists/{list_id}", response={200: ListEntity, **errors(404, 422)}, url_name="lists-delete")
def list_delete(request: HttpRequest, list_id: PathId) -> dict[str, Any]:
    """Not in apps: leave or delete the space in Essaim (422)."""
    _list(request, list_id)
    raise _lists_are_spaces()


@router.get("/lists/{list_id}/accounts", response={200: list[Account], **errors(403, 404)}, url_name="lists-accounts")
def list_accounts(
    request: HttpRequest, response: HttpResponse, list_id: PathId, params: Query[ListAccountParams]
) -> list[dict[str, Any]]:
    """The space's members, by name (read-only), as the space's members page shows them; ``Link: rel="next"``."""
    space = _list(request, list_id)
    page = selectors.membership_page_for(actor=request.user, space=space, cursor=selectors.Cursor.decode(params.after))
    _keyset_link(request, response, page.next_cursor)
    return [account_data(request, membership.user, with_org=False) for membership in page.items]


@router.post("/lists/{list_id}/accounts", response={200: None, **errors(404, 422)}, url_name="lists-accounts-add")
def list_accounts_add(request: HttpRequest, list_id: PathId) -> None:
    """Not in apps: people are invited to a space in Essaim (422)."""
    _list(request, list_id)
    raise _lists_are_spaces()


@router.delete("/lists/{list_id}/accounts", response={200: None, **errors(404, 422)}, url_name="lists-accounts-remove")
def list_accounts_remove(request: HttpRequest, list_id: PathId) -> None:
    """Not in apps: members are removed from a space in Essaim (422)."""
    _list(request, list_id)
    raise _lists_are_spaces()


@router.get("/timelines/list/{list_id}", response={200: list[Status], **errors(400, 404)}, url_name="timelines-list")
def timeline_list(
    request: HttpRequest, response: HttpResponse, list_id: PathId, params: Query[PageParams]
) -> HttpResponse:
    """The space's posts you may read, newest first, as its page shows them (with its sub-spaces' when the space
    shows them; pinned ones are on the space's page). ``max_id``/``since_id``/``min_id``/``limit`` (at most 40) and
    ``Link`` as Mastodon."""
    space = _list(request, list_id)
    cursor = cursor_from(request)
    access.require(request.user, Action.READ_POSTS, space)
    page = space_feeds.feed_space(
        actor=request.user,
        space=space,
        cursor=cursor,
        with_subspaces=space.include_subspace_posts,
        with_comments=False,
    )
    return page_response(request, response, page)
