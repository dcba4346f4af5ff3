"""The spaces permission matrix: role × space kind × action → allowed / 403 / 404, stated once below.

Every cell is checked against ``access.can`` / ``access.require`` and, for the actions a page or an
endpoint carries, against that HTTP surface (the spaces app's pages, and posting into a space from the
space page's composer and through ``POST /api/v1/statuses`` with ``space_id``). Sub-spaces (whose
members are not members of the parent) must answer exactly like top-level spaces: the same table applies
to both. A compliance officer who belongs to no space answers exactly as any employee outside it (the
``outsdr`` column): they read exports and the audit log, never closed spaces' pages (issue 21).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.spaces import selectors
from essaim.spaces.models import JoinRequest, Membership, Space
from essaim.stream.models import Post
from tests.access.conftest import read_table, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import SpaceFactory

ROLES = ["anonymous", "guest_member", "guest_outsider", "outsider", "reader", "member", "moderator", "admin", "owner",
         "network_admin", "compliance"]  # fmt: skip
COLUMNS = "anon   g-mem  g-out  outsdr reader member moder  admin  owner  netadm compl"

# One table per kind of space; columns follow ROLES. "ok" = allowed, 403 = visible but refused, 404 = not visible.
TABLES = {
    "public": """
        view           404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        view_members   404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        read_posts     404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        post           404 ok  404 403 403 ok  ok  ok  ok  403 403
        comment        404 ok  404 403 403 ok  ok  ok  ok  403 403
        react          404 ok  404 403 ok  ok  ok  ok  ok  403 403
        invite         404 403 404 403 403 403 403 ok  ok  ok  403
        approve        404 403 404 403 403 403 403 ok  ok  ok  403
        change_role    404 403 404 403 403 403 403 ok  ok  ok  403
        remove_member  404 403 404 403 403 403 403 ok  ok  ok  403
        moderate       404 403 404 403 403 403 ok  ok  ok  403 403
        edit_settings  404 403 404 403 403 403 403 ok  ok  ok  403
        archive        404 403 404 403 403 403 403 ok  ok  ok  403
        delete         404 403 404 403 403 403 403 403 ok  ok  403
        join           404 403 404 ok  403 403 403 403 403 ok  ok
        request_join   404 403 404 403 403 403 403 403 403 403 403
        leave          404 ok  404 403 ok  ok  ok  ok  ok  403 403
    """,
    "private": """
        view           404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        view_members   404 ok  404 403 ok  ok  ok  ok  ok  ok  403
        read_posts     404 ok  404 403 ok  ok  ok  ok  ok  403 403
        post           404 ok  404 403 403 ok  ok  ok  ok  403 403
        comment        404 ok  404 403 403 ok  ok  ok  ok  403 403
        react          404 ok  404 403 ok  ok  ok  ok  ok  403 403
        invite         404 403 404 403 403 403 403 ok  ok  ok  403
        approve        404 403 404 403 403 403 403 ok  ok  ok  403
        change_role    404 403 404 403 403 403 403 ok  ok  ok  403
        remove_member  404 403 404 403 403 403 403 ok  ok  ok  403
        moderate       404 403 404 403 403 403 ok  ok  ok  403 403
        edit_settings  404 403 404 403 403 403 403 ok  ok  ok  403
        archive        404 403 404 403 403 403 403 ok  ok  ok  403
        delete         404 403 404 403 403 403 403 403 ok  ok  403
        join           404 403 404 403 403 403 403 403 403 403 403
        request_join   404 403 404 ok  403 403 403 403 403 ok  ok
        leave          404 ok  404 403 ok  ok  ok  ok  ok  403 403
    """,
    "secret": """
        view           404 ok  404 404 ok  ok  ok  ok  ok  ok  404
        view_members   404 ok  404 404 ok  ok  ok  ok  ok  ok  404
        read_posts     404 ok  404 404 ok  ok  ok  ok  ok  403 404
        post           404 ok  404 404 403 ok  ok  ok  ok  403 404
        comment        404 ok  404 404 403 ok  ok  ok  ok  403 404
        react          404 ok  404 404 ok  ok  ok  ok  ok  403 404
        invite         404 403 404 404 403 403 403 ok  ok  ok  404
        approve        404 403 404 404 403 403 403 ok  ok  ok  404
        change_role    404 403 404 404 403 403 403 ok  ok  ok  404
        remove_member  404 403 404 404 403 403 403 ok  ok  ok  404
        moderate       404 403 404 404 403 403 ok  ok  ok  403 404
        edit_settings  404 403 404 404 403 403 403 ok  ok  ok  404
        archive        404 403 404 404 403 403 403 ok  ok  ok  404
        delete         404 403 404 404 403 403 403 403 ok  ok  404
        join           404 403 404 404 403 403 403 403 403 403 404
        request_join   404 403 404 404 403 403 403 403 403 403 404
        leave          404 ok  404 404 ok  ok  ok  ok  ok  403 404
    """,
    # An archived public space: readable as before, nothing changes but un-archiving and deleting.
    "archived": """
        view           404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        view_members   404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        read_posts     404 ok  404 ok  ok  ok  ok  ok  ok  ok  ok
        post           404 403 404 403 403 403 403 403 403 403 403
        comment        404 403 404 403 403 403 403 403 403 403 403
        react          404 403 404 403 403 403 403 403 403 403 403
        invite         404 403 404 403 403 403 403 403 403 403 403
        approve        404 403 404 403 403 403 403 403 403 403 403
        change_role    404 403 404 403 403 403 403 403 403 403 403
        remove_member  404 403 404 403 403 403 403 403 403 403 403
        moderate       404 403 404 403 403 403 403 403 403 403 403
        edit_settings  404 403 404 403 403 403 403 403 403 403 403
        archive        404 403 404 403 403 403 403 ok  ok  ok  403
        delete         404 403 404 403 403 403 403 403 ok  ok  403
        join           404 403 404 403 403 403 403 403 403 403 403
        request_join   404 403 404 403 403 403 403 403 403 403 403
        leave          404 403 404 403 403 403 403 403 403 403 403
    """,
}

ACTIONS = {
    "view": Action.VIEW,
    "view_members": Action.VIEW_MEMBERS,
    "read_posts": Action.READ_POSTS,
    "post": Action.CREATE_POST,
    "comment": Action.COMMENT,
    "react": Action.REACT,
    "invite": Action.INVITE_MEMBERS,
    "approve": Action.APPROVE_MEMBERS,
    "change_role": Action.CHANGE_ROLE,
    "remove_member": Action.REMOVE_MEMBER,
    "moderate": Action.MODERATE,
    "edit_settings": Action.EDIT_SETTINGS,
    "archive": Action.ARCHIVE,
    "delete": Action.DELETE,
    "join": Action.JOIN,
    "request_join": Action.REQUEST_JOIN,
    "leave": Action.LEAVE,
}
MEMBER_ROLES = {
    "guest_member": Membership.Role.MEMBER,
    "reader": Membership.Role.READER,
    "member": Membership.Role.MEMBER,
    "moderator": Membership.Role.MODERATOR,
    "admin": Membership.Role.ADMIN,
    "owner": Membership.Role.OWNER,
}
KINDS = list(TABLES)
PLACEMENTS = ["top", "sub"]


def _parse(table: str) -> dict[tuple[str, str], str]:
    cells = read_table(table, ROLES)
    assert {a for a, _ in cells} == set(ACTIONS)
    return cells


EXPECTED = {kind: _parse(table) for kind, table in TABLES.items()}


def expected(role: str, kind: str, action: str) -> str:
    return EXPECTED[kind][(action, role)]


# --- The world: one person per role, eight spaces, built once for the module and rolled back after it.


@dataclass
class World:
    users: dict[str, Any]
    spaces: dict[tuple[str, str], Space]


def _build() -> World:
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest_member": GuestFactory(),
        "guest_outsider": GuestFactory(),
        "outsider": UserFactory(),
        "network_admin": AdminFactory(),
        "compliance": UserFactory(is_compliance_officer=True),
    }
    users.update({role: UserFactory() for role in MEMBER_ROLES if role != "guest_member"})
    co_owner = UserFactory()  # so that the "owner" may leave: a space always keeps an owner
    spaces: dict[tuple[str, str], Space] = {}
    for kind in KINDS:
        visibility = "public" if kind == "archived" else kind
        archived_at = timezone.now() if kind == "archived" else None
        parent = SpaceFactory(visibility=visibility, archived_at=archived_at)
        spaces[kind, "top"] = SpaceFactory(visibility=visibility, archived_at=archived_at)
        spaces[kind, "sub"] = SpaceFactory(visibility=visibility, archived_at=archived_at, parent=parent)
    memberships = [
        Membership(space=space, user=users[role], role=space_role)
        for space in spaces.values()
        for role, space_role in MEMBER_ROLES.items()
    ]
    memberships += [Membership(space=space, user=co_owner, role=Membership.Role.OWNER) for space in spaces.values()]
    Membership.objects.bulk_create(memberships)
    requester = UserFactory()  # one request waits in every space: who sees it counted (below)
    JoinRequest.objects.bulk_create([JoinRequest(space=space, user=requester) for space in spaces.values()])
    return World(users=users, spaces=spaces)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


CELLS = [
    pytest.param(role, kind, placement, action, id=f"{kind}-{placement}-{role}-{action}")
    for kind in KINDS
    for placement in PLACEMENTS
    for role in ROLES
    for action in ACTIONS
]


@pytest.mark.parametrize(("role", "kind", "placement", "action"), CELLS)
def test_policy(world: World, db: None, role: str, kind: str, placement: str, action: str) -> None:  # noqa: PLR0917
    actor, space = world.users[role], Space.objects.get(pk=world.spaces[kind, placement].pk)
    answer = expected(role, kind, action)
    assert access.can(actor, ACTIONS[action], space) is (answer == "ok")
    if answer == "ok":
        access.require(actor, ACTIONS[action], space)
    else:
        with pytest.raises(Http404 if answer == "404" else PermissionDenied):
            access.require(actor, ACTIONS[action], space)


@pytest.mark.parametrize("role", ROLES)
def test_visible_matches_view_in_one_query(
    world: World, db: None, role: str, django_assert_max_num_queries: Any
) -> None:
    actor = world.users[role]
    mine = [s.pk for s in world.spaces.values()]
    with django_assert_max_num_queries(1):
        seen = set(access.visible(actor, Space.objects.filter(pk__in=mine)).values_list("pk", flat=True))
    assert seen == {
        space.pk for (kind, _placement), space in world.spaces.items() if expected(role, kind, "view") == "ok"
    }


@pytest.mark.parametrize("role", ROLES)
def test_visible_memberships_are_those_of_spaces_whose_members_are_shown(world: World, db: None, role: str) -> None:
    """A membership is visible exactly where the ``view_members`` cell says "ok"."""
    actor = world.users[role]
    spaces = {space.pk: (kind, space) for (kind, _placement), space in world.spaces.items()}
    memberships = Membership.objects.filter(space_id__in=spaces)
    assert memberships.count() > len(spaces)
    seen = set(access.visible(actor, memberships).values_list("pk", flat=True))
    assert seen == {m.pk for m in memberships if expected(role, spaces[m.space_id][0], "view_members") == "ok"}
    assert {m.pk for m in memberships.select_related("space") if access.can(actor, Action.VIEW, m)} == seen


# --- HTTP surfaces


@dataclass(frozen=True)
class Surface:
    action: str
    url_name: str
    method: str = "get"
    success: int = 200
    htmx: bool = False
    data: tuple[tuple[str, str], ...] = ()
    space_field: str = ""  # the URL names no space: the body carries the space's id in this field
    api: bool = False  # the JSON API: anonymous gets 401 instead of the sign-in page


POST_BODY = "Point d'étape"

SURFACES = {
    "space-page": Surface("view", "spaces:space-detail"),
    "member-list": Surface("view_members", "spaces:space-members"),
    "member-fragment": Surface("view_members", "spaces:space-members", htmx=True),
    "settings-page": Surface("edit_settings", "spaces:space-settings"),
    "requests-page": Surface("approve", "spaces:space-requests"),
    "invitations-page": Surface("invite", "spaces:space-invitations"),
    "delete-page": Surface("delete", "spaces:space-delete"),
    "join": Surface("join", "spaces:space-join", method="post", success=302),
    "request": Surface("request_join", "spaces:space-request", method="post", success=302, data=(("message", "Hi"),)),
    "leave": Surface("leave", "spaces:space-leave", method="post", success=302),
    "archive": Surface("archive", "spaces:space-archive", method="post", success=302),
    "post-composer": Surface(
        "post", "stream:post-create", method="post", success=302, data=(("body", POST_BODY),), space_field="space"
    ),
    "post-api": Surface(
        "post",
        "api-json:statuses-create",
        method="post",
        data=(("status", POST_BODY),),
        space_field="space_id",
        api=True,
    ),
}


HTTP_CELLS = [
    pytest.param(role, kind, placement, surface, id=f"{kind}-{placement}-{role}-{surface}")
    for kind in KINDS
    for placement in PLACEMENTS
    for role in ROLES
    for surface in SURFACES
]


@pytest.mark.parametrize(("role", "kind", "placement", "surface"), HTTP_CELLS)
def test_http(  # noqa: PLR0917 - parametrized cells
    world: World, module_client: Client, db: None, role: str, kind: str, placement: str, surface: str
) -> None:
    spec = SURFACES[surface]
    space = world.spaces[kind, placement]
    actor = world.users[role]
    if role == "anonymous":
        module_client.logout()
    else:
        module_client.force_login(actor)
    url = reverse(spec.url_name) if spec.space_field else reverse(spec.url_name, kwargs={"slug": space.slug})
    data = dict(spec.data)
    if spec.space_field:
        data[spec.space_field] = str(space.pk)
    if surface == "archive" and kind == "archived" and placement == "top":
        data["restore"] = "1"  # un-archive (a sub-space waits for its parent; archiving again changes nothing)
    headers = {"HX-Request": "true"} if spec.htmx else {}
    response = getattr(module_client, spec.method)(url, data, headers=headers)
    answer = expected(role, kind, spec.action)
    if role == "anonymous" and spec.api:  # a token or a session first, whatever the space
        assert response.status_code == 401
        return
    if role == "anonymous":  # sign in first, whatever the space
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        return
    assert response.status_code == (spec.success if answer == "ok" else int(answer))
    if spec.action == "post":  # into that space, never elsewhere (a company-wide post would be a leak)
        posted = Post.objects.filter(author_id=actor.pk, body=POST_BODY)
        assert {p.space_id for p in posted} <= {space.pk}
        assert posted.filter(space=space).exists() is (answer == "ok")
    if spec.htmx and answer == "ok":
        assert b"<html" not in response.content


# --- Counts of waiting requests: the requests tab's and the spaces menu's (issue 17, item 8)


@pytest.mark.parametrize(
    ("role", "kind", "placement"),
    [pytest.param(r, k, p, id=f"{k}-{p}-{r}") for k in KINDS for p in PLACEMENTS for r in ROLES if r != "anonymous"],
)
def test_request_count_on_the_space_page(  # noqa: PLR0917 - parametrized cells
    world: World, module_client: Client, db: None, role: str, kind: str, placement: str
) -> None:
    """The requests tab and its count show exactly for those who may answer the requests."""
    space = world.spaces[kind, placement]
    module_client.force_login(world.users[role])
    response = module_client.get(reverse("spaces:space-detail", kwargs={"slug": space.slug}))
    if expected(role, kind, "view") != "ok":
        assert response.status_code == 404
        return
    approves = expected(role, kind, "approve") == "ok"
    html = response.content.decode()
    assert (reverse("spaces:space-requests", kwargs={"slug": space.slug}) in html) is approves
    assert ('<span class="count" aria-hidden="true">1</span>' in html) is approves


@pytest.mark.parametrize("role", ROLES)
def test_spaces_menu_counts_requests_the_reader_answers(
    world: World, db: None, role: str, django_assert_num_queries: Any
) -> None:
    """The menu counts the requests of the spaces where the reader answers them as a member (admin,
    owner): each is one the policy lets them answer. Network administrators, who may answer in every
    space, are not counted every request of the network."""
    actor = world.users[role]
    answered = [
        space
        for (kind, _placement), space in world.spaces.items()
        if role in MEMBER_ROLES and expected(role, kind, "approve") == "ok"
    ]
    with django_assert_num_queries(1 if role != "anonymous" else 0):
        pending = selectors.pending_for(actor=actor)
    assert pending.requests == len(answered)
    assert pending.invitations == 0
    assert all(access.can(actor, Action.APPROVE_MEMBERS, space) for space in answered)
    listed = {space.pk for space in selectors.spaces_with_pending_requests(actor=actor)}
    assert listed == {space.pk for space in answered}
