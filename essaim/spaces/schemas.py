"""JSON shapes of Essaim's spaces API (``/api/v1/spaces/…``): spaces, members, join requests, invitations.

People inside them are Mastodon Account entities (without counts, so lists cost a fixed number of
queries); a space's posts are Mastodon Status entities (``essaim.stream.schemas``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import ConfigDict, Field, JsonValue
from pydantic.json_schema import JsonDict

from essaim import access
from essaim.accounts.models import User
from essaim.api.body import Body
from essaim.api.params import NOT_BLANK, BodyId
from essaim.people.schemas import Account, account_data
from essaim.spaces.models import JoinRequest, Membership, Space, SpaceInvitation
from essaim.spaces.views.common import PERMISSIONS

# --- output -------------------------------------------------------------------------------


class SpaceEntity(Schema):
    id: str
    slug: str
    name: str
    description: str
    welcome: str
    visibility: str = Field(description="public, private or secret.")
    parent_id: str | None
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    url: str
    avatar: str | None
    banner: str | None
    include_subspace_posts: bool = Field(description="The space's statuses include its sub-spaces' posts.")
    post_approval: str = Field(
        description="Whose posts wait for a moderator's approval: none, guests, newcomers or members.",
        json_schema_extra={"enum": ["none", "guests", "newcomers", "members"]},
    )
    member_count: int
    role: str | None = Field(description="Your role in the space (owner, admin, moderator, member, reader), if any.")
    permissions: dict[str, bool] = Field(description="What you may do here: read, post, invite, settings, …")


class Member(Schema):
    id: str
    account: Account
    role: str
    created_at: datetime


class JoinRequestEntity(Schema):
    id: str
    space_id: str
    account: Account
    message: str
    status: str = Field(description="pending, approved or refused.")
    response: str
    created_at: datetime
    decided_at: datetime | None


class SpaceSummary(Schema):
    """Enough to show a space an invitation leads to (even a secret one the invitee cannot see yet)."""

    id: str
    slug: str
    name: str
    visibility: str
    url: str


class InvitationEntity(Schema):
    id: str
    space: SpaceSummary
    account: Account | None
    email: str
    role: str
    status: str = Field(description="pending, accepted, declined or revoked.")
    invited_by: Account | None
    created_at: datetime


# --- input --------------------------------------------------------------------------------
# pydantic checks the shapes and lengths; the services check the rules, in the reader's language: the schema
# documents those (``json_schema_extra``) so that it describes exactly what the server accepts.

VISIBILITY_VALUES: list[JsonValue] = ["public", "private", "secret"]  # Space.Visibility (a test keeps them equal)
VISIBILITIES: JsonDict = {"enum": VISIBILITY_VALUES}
APPROVAL_VALUES: list[JsonValue] = ["none", "guests", "newcomers", "members"]  # Space.PostApproval
APPROVALS: JsonDict = {"enum": APPROVAL_VALUES}
ROLES: JsonDict = {"enum": ["owner", "admin", "moderator", "member", "reader"]}  # Membership.Role (likewise)


class SpaceCreate(Body):
    name: str = Field(
        ...,
        max_length=120,
        json_schema_extra={"pattern": NOT_BLANK},
        description="Unique among spaces (accents, case and spaces aside).",
    )
    visibility: str = Field("public", json_schema_extra=VISIBILITIES, description="Who finds and reads the space.")
    description: str = Field("", max_length=300)
    welcome: str = Field("", max_length=5000, description="Shown on the space's page (Markdown).")
    parent_id: BodyId | None = Field(None, description="Create a sub-space of this space (you must run it).")
    include_subspace_posts: bool = False
    post_approval: str = Field("none", json_schema_extra=APPROVALS, description="Whose posts wait for approval.")


class SpaceUpdate(Body):
    """Only the fields sent change."""

    name: str | None = Field(None, max_length=120, json_schema_extra={"pattern": NOT_BLANK})
    visibility: str | None = Field(None, json_schema_extra={"enum": [*VISIBILITY_VALUES, None]})
    description: str | None = Field(None, max_length=300)
    welcome: str | None = Field(None, max_length=5000)
    include_subspace_posts: bool | None = None
    post_approval: str | None = Field(None, json_schema_extra={"enum": [*APPROVAL_VALUES, None]})


class RoleChange(Body):
    role: str = Field(..., json_schema_extra=ROLES)


class JoinRequestCreate(Body):
    message: str = Field("", max_length=1000)


class Decision(Body):
    response: str = Field("", max_length=1000, description="An optional answer to the person.")


class InvitationCreate(Body):
    """A colleague by ``account_id``, or an external guest by ``email``: one of the two."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["account_id"], "properties": {"account_id": {"type": "string"}}},
                {"required": ["email"], "properties": {"email": {"type": "string", "pattern": NOT_BLANK}}},
            ]
        }
    )

    account_id: BodyId | None = Field(None, description="Invite a colleague by account id…")
    email: str = Field("", max_length=254, description="…or an external guest by e-mail address.")
    role: str = Field("member", json_schema_extra=ROLES, description="The role they get when they accept.")


# --- builders -----------------------------------------------------------------------------


def _file_url(request: HttpRequest, file: Any) -> str | None:
    return request.build_absolute_uri(file.url) if file else None


def space_data(request: HttpRequest, space: Space, *, member_count: int) -> dict[str, Any]:
    """A space as :class:`SpaceEntity`; load it with the viewer's role (``selectors.space_list_for``)."""
    role = getattr(space, "viewer_role", None)
    return {
        "id": str(space.pk),
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "welcome": space.welcome,
        "visibility": space.visibility,
        "parent_id": str(space.parent_id) if space.parent_id else None,
        "archived": space.archived_at is not None,
        "archived_at": space.archived_at,
        "created_at": space.created_at,
        "url": request.build_absolute_uri(space.get_absolute_url()),
        "avatar": _file_url(request, space.avatar),
        "banner": _file_url(request, space.banner),
        "include_subspace_posts": space.include_subspace_posts,
        "post_approval": space.post_approval,
        "member_count": member_count,
        "role": role,
        "permissions": {name: access.can(request.user, action, space) for name, action in PERMISSIONS.items()},
    }


def _account(request: HttpRequest, user: User | None) -> dict[str, Any] | None:
    return account_data(request, user, with_org=False) if user is not None else None


def member_data(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    return {
        "id": str(membership.pk),
        "account": account_data(request, membership.user, with_org=False),
        "role": membership.role,
        "created_at": membership.created_at,
    }


def join_request_data(request: HttpRequest, join_request: JoinRequest) -> dict[str, Any]:
    return {
        "id": str(join_request.pk),
        "space_id": str(join_request.space_id),
        "account": account_data(request, join_request.user, with_org=False),
        "message": join_request.message,
        "status": join_request.status,
        "response": join_request.response,
        "created_at": join_request.created_at,
        "decided_at": join_request.decided_at,
    }


def invitation_data(request: HttpRequest, invitation: SpaceInvitation) -> dict[str, Any]:
    """Load it with ``select_related("space", "user__profile", "invited_by__profile")``."""
    space = invitation.space
    return {
        "id": str(invitation.pk),
        "space": {
            "id": str(space.pk),
            "slug": space.slug,
            "name": space.name,
            "visibility": space.visibility,
            "url": request.build_absolute_uri(space.get_absolute_url()),
        },
        "account": _account(request, invitation.user),
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "invited_by": _account(request, invitation.invited_by),
        "created_at": invitation.created_at,
    }
