"""The usage charters' permission matrix: who publishes the network's charter, who exports the acceptances,
who publishes a space's own charter; each cell checked against ``access.can`` and against the page.

The network's charter is the network administrators'; its acceptances are read by them and by compliance
officers (who read the audit log too). A space's charter is its owners' and administrators' (and the network
administrators', who run every space), never while the space is archived. Everyone signed in reads and accepts.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.charters.models import Charter
from essaim.spaces.models import Membership, Space
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import MembershipFactory, SpaceFactory

# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow NETWORK_ROLES:
#   anonymous guest employee communication compliance network_admin
NETWORK_TABLE = """
    manage_charter  403   403 403 403 403 ok
    export          403   403 403 403 ok  ok
    manage_page     login 403 403 403 403 ok
    publish         login 403 403 403 403 ok
    export_csv      login 403 403 403 ok  ok
    charter_page    login ok  ok  ok  ok  ok
"""
NETWORK = read_table(NETWORK_TABLE, NETWORK_ROLES)

SPACE_ROLES = ["guest_member", "outsider", "reader", "member", "moderator", "admin", "owner", "network_admin",
               "compliance"]  # fmt: skip
# A public space, then the same space archived; 404 = the space is not visible.
SPACE_TABLE = """
    edit_charter           403 403 403 403 403 ok  ok  ok  403
    edit_charter_archived  403 403 403 403 403 403 403 403 403
    editor_page            403 403 403 403 403 ok  ok  ok  403
"""
SPACE = read_table(SPACE_TABLE, SPACE_ROLES)


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_actions(db: None, role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.MANAGE_CHARTER) is (NETWORK["manage_charter", role] == "ok")
    assert access.can(actor, Action.EXPORT_CHARTER_ACCEPTANCES) is (NETWORK["export", role] == "ok")


@pytest.mark.parametrize("surface", ["manage_page", "publish", "export_csv", "charter_page"])
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_pages(client: Client, db: None, role: str, surface: str) -> None:
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    match surface:
        case "manage_page":
            response = client.get(reverse("charters:manage"))
        case "publish":
            response = client.post(reverse("charters:manage"), {"body_fr": "Règle", "body_en": "Rule"})
        case "export_csv":
            response = client.post(reverse("charters:export"))
        case _:
            response = client.get(reverse("charters:accept"))
    answer = NETWORK[surface, role]
    assert_answer(response, answer)
    if surface == "publish":
        assert Charter.objects.exists() is (answer == "ok")


def space_actor(role: str, space: Space) -> object:
    role_in_space = {"reader": "reader", "member": "member", "moderator": "moderator", "admin": "admin"}
    if role == "guest_member":
        guest = GuestFactory()
        MembershipFactory(space=space, user=guest, role=Membership.Role.ADMIN)  # even so: guests run no space
        return guest
    if role in role_in_space or role == "owner":
        return MembershipFactory(space=space, role=role_in_space.get(role, "owner")).user
    return {"outsider": UserFactory, "network_admin": AdminFactory}.get(
        role, lambda: UserFactory(is_compliance_officer=True)
    )()


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_action(db: None, role: str) -> None:
    space = SpaceFactory()
    actor = space_actor(role, space)
    assert access.can(actor, Action.EDIT_CHARTER, space) is (SPACE["edit_charter", role] == "ok")
    space.archived_at = space.created_at
    assert access.can(actor, Action.EDIT_CHARTER, space) is (SPACE["edit_charter_archived", role] == "ok")


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_editor_page(client: Client, db: None, role: str) -> None:
    space = SpaceFactory(slug="atlas")
    client.force_login(space_actor(role, space))
    response = client.post("/spaces/atlas/settings/charter/", {"body_fr": "Règle", "body_en": ""})
    assert_answer(response, SPACE["editor_page", role])
    assert Charter.objects.filter(space=space).exists() is (SPACE["editor_page", role] == "ok")
