"""Idea boxes', praise's and must-read announcements' permission matrix: each cell checked against ``access.can``
and against the page or form that does it.

Idea boxes (a public space whose box is open, an idea in it by a member): its administrators and owners, and
network administrators, open the box; whoever may react in the space votes (readers and up); its moderators,
administrators and owners, and network administrators, set an idea's status. A guest runs no space and, being
its member, reads and votes. Praise: employees praise (not guests). Must-read (a company-wide announcement by
the communication team): the communication team and network administrators ask for confirmations; everyone
it targets confirms; its author (the asker) and network administrators follow and remind.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.ideas import services as ideas
from essaim.ideas.models import Idea
from essaim.mustread import services as mustread
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

SPACE_ROLES = ["guest_member", "outsider", "reader", "member", "moderator", "admin", "owner", "network_admin",
               "compliance"]  # fmt: skip
SPACE_TABLE = """
    enable_ideas  403 403 403 403 403 ok  ok  ok  403
    vote          ok  403 ok  ok  ok  ok  ok  403 403
    set_status    403 403 403 403 ok  ok  ok  ok  403
    board_page    ok  ok  ok  ok  ok  ok  ok  ok  ok
    enable_form   403 403 403 403 403 ok  ok  ok  403
    vote_form     ok  403 ok  ok  ok  ok  ok  403 403
    status_form   403 403 403 403 ok  ok  ok  ok  403
"""
SPACE = read_table(SPACE_TABLE, SPACE_ROLES)

#   anonymous guest employee communication compliance network_admin
NETWORK_TABLE = """
    give_praise         403   403 ok  ok  ok  ok
    require_read        404   404 403 ok  403 ok
    confirm_read        404   404 ok  ok  ok  ok
    view_confirmations  404   404 403 403 403 ok
    remind              404   404 403 403 403 ok
    confirmations_page  login 404 403 403 403 ok
    confirmations_csv   login 404 403 403 403 ok
    remind_form         login 404 403 403 403 ok
    confirm_form        login 404 ok  ok  ok  ok
"""
NETWORK = read_table(NETWORK_TABLE, NETWORK_ROLES)


def space_actor(role: str, space: object) -> object:
    role_in_space = {"reader": "reader", "member": "member", "moderator": "moderator", "admin": "admin"}
    if role == "guest_member":
        guest = GuestFactory()
        MembershipFactory(space=space, user=guest, role=Membership.Role.MEMBER)
        return guest
    if role in role_in_space or role == "owner":
        return MembershipFactory(space=space, role=role_in_space.get(role, "owner")).user
    return {"outsider": UserFactory, "network_admin": AdminFactory}.get(
        role, lambda: UserFactory(is_compliance_officer=True)
    )()


def _idea_world() -> tuple[object, Idea]:
    space = SpaceFactory(slug="atlas")
    owner = MembershipFactory(space=space, role=Membership.Role.OWNER).user
    ideas.idea_box_enable(actor=owner, space=space)
    author = MembershipFactory(space=space).user
    post = ideas.idea_propose(actor=author, space=space, body="Une idée")
    return space, Idea.objects.select_related("post__space").get(pk=post.pk)


def _answer(allowed: bool, refused: str = "403") -> str:
    return "ok" if allowed else refused


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_idea_actions(db: None, role: str) -> None:
    space, idea = _idea_world()
    actor = space_actor(role, space)
    assert _answer(access.can(actor, Action.ENABLE_IDEAS, space)) == SPACE["enable_ideas", role]
    assert _answer(access.can(actor, Action.VOTE_IDEA, idea)) == SPACE["vote", role]
    assert _answer(access.can(actor, Action.SET_IDEA_STATUS, idea)) == SPACE["set_status", role]


@pytest.mark.parametrize("surface", ["board_page", "enable_form", "vote_form", "status_form"])
@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_idea_pages(client: Client, db: None, role: str, surface: str) -> None:
    space, idea = _idea_world()
    client.force_login(space_actor(role, space))
    match surface:
        case "board_page":
            response = client.get(reverse("ideas:board", kwargs={"slug": "atlas"}))
        case "enable_form":
            response = client.post(reverse("ideas:enable", kwargs={"slug": "atlas"}))
        case "vote_form":
            response = client.post(reverse("ideas:vote", kwargs={"post_id": idea.pk}))
        case _:
            response = client.post(reverse("ideas:status", kwargs={"post_id": idea.pk}), {"status": "planned"})
    assert_answer(response, SPACE[surface, role])


def _must_read_world() -> object:
    comms = UserFactory(is_communication_team=True)
    post = stream.post_create(actor=comms, body="À lire")
    return mustread.must_read_require(actor=comms, post=post)


def _can(actor: object, action: Action, target: object) -> str:
    try:
        access.require(actor, action, target)
    except Exception as refused:
        return "404" if refused.__class__.__name__ == "Http404" else "403"
    return "ok"


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_and_must_read_actions(db: None, role: str) -> None:
    must_read = _must_read_world()
    actor = network_actor(role)
    assert _answer(access.can(actor, Action.GIVE_PRAISE)) == NETWORK["give_praise", role]
    assert _can(actor, Action.REQUIRE_READ, must_read.post) == NETWORK["require_read", role]
    assert _can(actor, Action.CONFIRM_READ, must_read) == NETWORK["confirm_read", role]
    assert _can(actor, Action.VIEW_CONFIRMATIONS, must_read) == NETWORK["view_confirmations", role]
    assert _can(actor, Action.REMIND_UNCONFIRMED, must_read) == NETWORK["remind", role]


@pytest.mark.parametrize("surface", ["confirmations_page", "confirmations_csv", "remind_form", "confirm_form"])
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_must_read_pages(client: Client, db: None, role: str, surface: str) -> None:
    must_read = _must_read_world()
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    kwargs = {"post_id": must_read.pk}
    match surface:
        case "confirmations_page":
            response = client.get(reverse("mustread:confirmations", kwargs=kwargs))
        case "confirmations_csv":
            response = client.get(reverse("mustread:export", kwargs=kwargs))
        case "remind_form":
            response = client.post(reverse("mustread:remind", kwargs=kwargs))
        case _:
            response = client.post(reverse("mustread:confirm", kwargs=kwargs))
    assert_answer(response, NETWORK[surface, role])
