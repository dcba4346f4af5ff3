"""Essaim's spaces API under ``/api/v1/spaces``: spaces, members, join requests, invitations, pins and
the space's statuses (Mastodon Status entities, paginated with ``max_id``/``min_id`` and ``Link``).

Same rules as the pages: a space you may not see answers 404 like a missing one, a visible one you may
not act on 403, invalid input 422 with a translated message. Reads go through ``essaim.spaces.selectors``
(and the stream's selectors for posts), writes through ``essaim.spaces.services``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as NinjaStatus
from pydantic import Field, WithJsonSchema

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.api.auth import current_user
from essaim.api.body import body_openapi, parse_body
from essaim.api.errors import errors
from essaim.api.pagination import PageParams, cursor_from
from essaim.api.params import PathId
from essaim.core.ids import parse_id
from essaim.people.api import person_by_id
from essaim.spaces import selectors, services
from essaim.spaces.models import Space
from essaim.spaces.schemas import (
    Decision,
    InvitationCreate,
    InvitationEntity,
    JoinRequestCreate,
    JoinRequestEntity,
    Member,
    RoleChange,
    SpaceCreate,
    SpaceEntity,
    SpaceUpdate,
    invitation_data,
    join_request_data,
    member_data,
    space_data,
)
from essaim.stream import selectors as stream_selectors
from essaim.stream import space_feeds
from essaim.stream.api import page_response, post_status, render_json
from essaim.stream.schemas import Status

router = Router(tags=["essaim: spaces"])


# --- helpers ------------------------------------------------------------------------------


def _id(raw: str) -> int:
    """A path id: anything but a positive 64-bit number is simply missing (404)."""
    identifier = parse_id(raw)
    if identifier is None:
        raise Http404
    return identifier


def _space(request: HttpRequest, space_id: str) -> Space:
    return selectors.space_get_by_id_for(actor=request.user, space_id=_id(space_id))


def _space_entity(request: HttpRequest, space: Space) -> dict[str, Any]:
    """The space as the reader sees it now (re-read with their role after a change)."""
    fresh = selectors.space_get_by_id_for(actor=request.user, space_id=space.pk)
    return space_data(request, fresh, member_count=selectors.membership_count(space=fresh))


def _keyset_link(request: HttpRequest, response: HttpResponse, next_cursor: str | None) -> None:
    """``Link: <…?after=…>; rel="next"`` when more rows follow (keyset pages: names, not ids)."""
    if next_cursor is None:
        return
    params = [(k, v) for k, values in request.GET.lists() if k != "after" for v in values]
    params.append(("after", next_cursor))
    response["Link"] = f'<{request.build_absolute_uri(f"{request.path}?{urlencode(params)}")}>; rel="next"'


class SpaceListParams(Schema):
    q: str = Field("", max_length=100, description="Accent-insensitive start of a word of the name.")
    scope: Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *selectors.DirectoryFilters.SCOPES]})] = Field(
        "", description="mine, public, private or archived (default: every active space)."
    )
    after: str | None = Field(None, description="The cursor of the next page (from the Link header).")


class MemberListParams(Schema):
    q: str = Field("", max_length=100, description="Accent-insensitive start of a first or last name.")
    after: str | None = Field(None, description="The cursor of the next page (from the Link header).")


class SpaceStatusParams(PageParams):
    pinned: bool = Field(False, description="Only the posts pinned on top of the space (no pagination).")


# --- spaces -------------------------------------------------------------------------------


@router.get("/spaces", response={200: list[SpaceEntity], **errors(422)}, url_name="spaces-list")
def space_list(request: HttpRequest, response: HttpResponse, params: Query[SpaceListParams]) -> list[dict[str, Any]]:
    """The spaces you may see, by name, 30 a page; ``Link: rel="next"`` carries the next page's cursor."""
    if params.scope and params.scope not in selectors.DirectoryFilters.SCOPES:
        raise ValidationError({"scope": _("Choose mine, public, private or archived.")})
    filters = selectors.DirectoryFilters(q=params.q.strip(), scope=params.scope)
    page = selectors.space_directory_for(
        actor=request.user, filters=filters, cursor=selectors.Cursor.decode(params.after)
    )
    _keyset_link(request, response, page.next_cursor)
    # member_count is annotated by the directory selector
    return [space_data(request, space, member_count=space.member_count) for space in page.items]  # type: ignore[attr-defined]


@router.post(
    "/spaces",
    response={200: SpaceEntity, **errors(403, 404, 422)},
    url_name="spaces-create",
    openapi_extra=body_openapi(SpaceCreate),
)
def space_create(request: HttpRequest) -> dict[str, Any]:
    """Create a space (or a sub-space with ``parent_id``); you become its owner."""
    data = parse_body(request, SpaceCreate)
    parent = _space(request, data.parent_id) if data.parent_id is not None else None
    space = services.space_create(
        actor=current_user(request),
        name=data.name,
        visibility=data.visibility,
        description=data.description,
        welcome=data.welcome,
        parent=parent,
        include_subspace_posts=data.include_subspace_posts,
        post_approval=data.post_approval,
    )
    return _space_entity(request, space)


@router.get("/spaces/invitations", response=list[InvitationEntity], url_name="spaces-my-invitations")
def my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    """Invitations waiting for your answer (to your account or your e-mail address)."""
    return [invitation_data(request, i) for i in selectors.my_invitation_list(actor=request.user)]


@router.post(
    "/spaces/invitations/{invitation_id}/accept",
    response={200: Member, **errors(403, 404, 422)},
    url_name="spaces-invitation-accept",
)
def invitation_accept(request: HttpRequest, invitation_id: PathId) -> dict[str, Any]:
    """Accept an invitation: you become a member with the role it offers."""
    invitation = selectors.my_invitation_get(actor=request.user, invitation_id=_id(invitation_id))
    membership = services.invitation_accept(actor=current_user(request), invitation=invitation)
    return member_data(request, membership)


@router.post(
    "/spaces/invitations/{invitation_id}/decline",
    response={200: InvitationEntity, **errors(403, 404, 422)},
    url_name="spaces-invitation-decline",
)
def invitation_decline(request: HttpRequest, invitation_id: PathId) -> dict[str, Any]:
    invitation = selectors.my_invitation_get(actor=request.user, invitation_id=_id(invitation_id))
    declined = services.invitation_decline(actor=current_user(request), invitation=invitation)
    return invitation_data(request, declined)


@router.get("/spaces/{space_id}", response={200: SpaceEntity, **errors(404)}, url_name="spaces-detail")
def space_detail(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    space = _space(request, space_id)
    return space_data(request, space, member_count=selectors.membership_count(space=space))


@router.patch(
    "/spaces/{space_id}",
    response={200: SpaceEntity, **errors(403, 404, 422)},
    url_name="spaces-update",
    openapi_extra=body_openapi(SpaceUpdate),
)
def space_update(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    """Change the fields sent (name, visibility, description, welcome, include_subspace_posts, post_approval)."""
    space = _space(request, space_id)
    access.require(request.user, Action.EDIT_SETTINGS, space)
    data = parse_body(request, SpaceUpdate)
    services.space_update(
        actor=current_user(request),
        space=space,
        name=space.name if data.name is None else data.name,
        visibility=space.visibility if data.visibility is None else data.visibility,
        description=space.description if data.description is None else data.description,
        welcome=space.welcome if data.welcome is None else data.welcome,
        include_subspace_posts=data.include_subspace_posts,
        post_approval=data.post_approval,
    )
    return _space_entity(request, space)


@router.post("/spaces/{space_id}/archive", response={200: SpaceEntity, **errors(403, 404)}, url_name="spaces-archive")
def space_archive(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    """Make the space and its sub-spaces read-only."""
    space = services.space_archive(actor=current_user(request), space=_space(request, space_id))
    return _space_entity(request, space)


@router.post(
    "/spaces/{space_id}/unarchive", response={200: SpaceEntity, **errors(403, 404, 422)}, url_name="spaces-unarchive"
)
def space_unarchive(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    space = services.space_unarchive(actor=current_user(request), space=_space(request, space_id))
    return _space_entity(request, space)


@router.delete("/spaces/{space_id}", response={204: None, **errors(403, 404)}, url_name="spaces-delete")
def space_delete(request: HttpRequest, space_id: PathId) -> NinjaStatus[None]:
    """Delete the space with its sub-spaces, posts, members, requests and invitations (owners)."""
    services.space_delete(actor=current_user(request), space=_space(request, space_id))
    return NinjaStatus(204, None)


# --- members ------------------------------------------------------------------------------


@router.get(
    "/spaces/{space_id}/members", response={200: list[Member], **errors(403, 404, 422)}, url_name="spaces-members"
)
def member_list(
    request: HttpRequest, response: HttpResponse, space_id: PathId, params: Query[MemberListParams]
) -> list[dict[str, Any]]:
    """The members, by name, 50 a page; ``Link: rel="next"`` carries the next page's cursor."""
    space = _space(request, space_id)
    page = selectors.membership_page_for(
        actor=request.user, space=space, q=params.q.strip(), cursor=selectors.Cursor.decode(params.after)
    )
    _keyset_link(request, response, page.next_cursor)
    return [member_data(request, membership) for membership in page.items]


@router.post("/spaces/{space_id}/join", response={200: Member, **errors(403, 404, 422)}, url_name="spaces-join")
def join(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    """Join a public space (a private one: send a join request)."""
    membership = services.membership_join(actor=current_user(request), space=_space(request, space_id))
    return member_data(request, membership)


@router.post("/spaces/{space_id}/leave", response={204: None, **errors(403, 404, 422)}, url_name="spaces-leave")
def leave(request: HttpRequest, space_id: PathId) -> NinjaStatus[None]:
    services.membership_leave(actor=current_user(request), space=_space(request, space_id))
    return NinjaStatus(204, None)


@router.patch(
    "/spaces/{space_id}/members/{member_id}",
    response={200: Member, **errors(403, 404, 422)},
    url_name="spaces-member-role",
    openapi_extra=body_openapi(RoleChange),
)
def member_role(request: HttpRequest, space_id: PathId, member_id: PathId) -> dict[str, Any]:
    """Change a member's role (administrators; the owner role is for owners)."""
    space = _space(request, space_id)
    membership = selectors.membership_get_for(actor=request.user, space=space, membership_id=_id(member_id))
    access.require(request.user, Action.CHANGE_ROLE, space)
    data = parse_body(request, RoleChange)
    changed = services.membership_role_change(actor=current_user(request), membership=membership, role=data.role)
    return member_data(request, changed)


@router.delete(
    "/spaces/{space_id}/members/{member_id}",
    response={204: None, **errors(403, 404, 422)},
    url_name="spaces-member-remove",
)
def member_remove(request: HttpRequest, space_id: PathId, member_id: PathId) -> NinjaStatus[None]:
    space = _space(request, space_id)
    membership = selectors.membership_get_for(actor=request.user, space=space, membership_id=_id(member_id))
    services.membership_remove(actor=current_user(request), membership=membership)
    return NinjaStatus(204, None)


# --- join requests ------------------------------------------------------------------------


@router.post(
    "/spaces/{space_id}/join_requests",
    response={200: JoinRequestEntity, **errors(403, 404, 422)},
    url_name="spaces-join-request-create",
    openapi_extra=body_openapi(JoinRequestCreate),
)
def join_request_create(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    """Ask to join a private space; its administrators decide."""
    space = _space(request, space_id)
    data = parse_body(request, JoinRequestCreate)
    join_request = services.join_request_create(actor=current_user(request), space=space, message=data.message)
    return join_request_data(request, join_request)


@router.get(
    "/spaces/{space_id}/join_requests",
    response={200: list[JoinRequestEntity], **errors(403, 404)},
    url_name="spaces-join-requests",
)
def join_request_list(request: HttpRequest, space_id: PathId) -> list[dict[str, Any]]:
    """Pending requests, oldest first (administrators)."""
    space = _space(request, space_id)
    return [join_request_data(request, r) for r in selectors.join_request_list_for(actor=request.user, space=space)]


def _decide(request: HttpRequest, space_id: str, request_id: str, *, approve: bool) -> dict[str, Any]:
    space = _space(request, space_id)
    join_request = selectors.join_request_get_for(actor=request.user, space=space, request_id=_id(request_id))
    data = parse_body(request, Decision)
    decide = services.join_request_approve if approve else services.join_request_refuse
    decided = decide(actor=current_user(request), join_request=join_request, response=data.response)
    return join_request_data(request, decided)


@router.post(
    "/spaces/{space_id}/join_requests/{request_id}/approve",
    response={200: JoinRequestEntity, **errors(403, 404, 422)},
    url_name="spaces-join-request-approve",
    openapi_extra=body_openapi(Decision),
)
def join_request_approve(request: HttpRequest, space_id: PathId, request_id: PathId) -> dict[str, Any]:
    return _decide(request, space_id, request_id, approve=True)


@router.post(
    "/spaces/{space_id}/join_requests/{request_id}/refuse",
    response={200: JoinRequestEntity, **errors(403, 404, 422)},
    url_name="spaces-join-request-refuse",
    openapi_extra=body_openapi(Decision),
)
def join_request_refuse(request: HttpRequest, space_id: PathId, request_id: PathId) -> dict[str, Any]:
    return _decide(request, space_id, request_id, approve=False)


# --- invitations --------------------------------------------------------------------------


@router.post(
    "/spaces/{space_id}/invitations",
    response={200: InvitationEntity, **errors(403, 404, 422)},
    url_name="spaces-invitation-create",
    openapi_extra=body_openapi(InvitationCreate),
)
def invitation_create(request: HttpRequest, space_id: PathId) -> dict[str, Any]:
    """Invite a colleague (``account_id``) or an external guest (``email``)."""
    space = _space(request, space_id)
    access.require(request.user, Action.INVITE_MEMBERS, space)
    data = parse_body(request, InvitationCreate)
    user: User | None = None
    if data.account_id is not None:
        try:
            user = person_by_id(request.user, data.account_id)
        except Http404:
            raise ValidationError({"account_id": _("Nobody has this account id.")}) from None
    invitation = services.invitation_create(
        actor=current_user(request), space=space, user=user, email=data.email, role=data.role
    )
    return invitation_data(request, invitation)


@router.get(
    "/spaces/{space_id}/invitations",
    response={200: list[InvitationEntity], **errors(403, 404)},
    url_name="spaces-invitations",
)
def invitation_list(request: HttpRequest, space_id: PathId) -> list[dict[str, Any]]:
    """Pending invitations into the space, newest first (those who may invite)."""
    space = _space(request, space_id)
    return [invitation_data(request, i) for i in selectors.space_invitation_list_for(actor=request.user, space=space)]


@router.delete(
    "/spaces/{space_id}/invitations/{invitation_id}",
    response={200: InvitationEntity, **errors(403, 404, 422)},
    url_name="spaces-invitation-revoke",
)
def invitation_revoke(request: HttpRequest, space_id: PathId, invitation_id: PathId) -> dict[str, Any]:
    space = _space(request, space_id)
    invitation = selectors.space_invitation_get_for(actor=request.user, space=space, invitation_id=_id(invitation_id))
    return invitation_data(request, services.invitation_revoke(actor=current_user(request), invitation=invitation))


# --- statuses -----------------------------------------------------------------------------


@router.get(
    "/spaces/{space_id}/statuses",
    response={200: list[Status], **errors(400, 403, 404, 422)},
    url_name="spaces-statuses",
)
def space_statuses(
    request: HttpRequest, response: HttpResponse, space_id: PathId, params: Query[SpaceStatusParams]
) -> HttpResponse:
    """The space's posts, newest first (with its sub-spaces' when the space shows them), pinned ones left out;
    ``?pinned=true`` gives the pinned ones. ``max_id``/``since_id``/``min_id``/``limit`` and ``Link`` as Mastodon."""
    space = _space(request, space_id)
    access.require(request.user, Action.READ_POSTS, space)
    cursor = cursor_from(request)
    if params.pinned:
        pinned = space_feeds.pinned_in_space_for(actor=request.user, space=space)
        response.content = render_json([post_status(request, post) for post in pinned])
        return response
    page = space_feeds.feed_space(
        actor=request.user,
        space=space,
        cursor=cursor,
        with_subspaces=space.include_subspace_posts,
        with_comments=False,
    )
    return page_response(request, response, page)


@router.post(
    "/spaces/{space_id}/statuses/{status_id}/pin",
    response={200: Status, **errors(403, 404, 422)},
    url_name="spaces-status-pin",
)
def status_pin(request: HttpRequest, space_id: PathId, status_id: PathId) -> dict[str, Any]:
    """Pin one of the space's posts on top of its stream (moderators, administrators, owners)."""
    space = _space(request, space_id)
    post = stream_selectors.post_get_for(actor=request.user, post_id=_id(status_id))
    services.space_pin_add(actor=current_user(request), space=space, post=post)
    return post_status(request, post)


@router.post(
    "/spaces/{space_id}/statuses/{status_id}/unpin",
    response={200: Status, **errors(403, 404)},
    url_name="spaces-status-unpin",
)
def status_unpin(request: HttpRequest, space_id: PathId, status_id: PathId) -> dict[str, Any]:
    space = _space(request, space_id)
    post = stream_selectors.post_get_for(actor=request.user, post_id=_id(status_id))
    services.space_pin_remove(actor=current_user(request), space=space, post=post)
    return post_status(request, post)
