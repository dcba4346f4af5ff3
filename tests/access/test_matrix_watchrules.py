"""Watch rules' permission matrix: who writes the rules and who reviews what they catch.

Network administrators and compliance officers, asked first as on every /manage/ page: anonymous visitors are sent
to sign in, everyone else gets 403 before anything is read — a space's moderators too, since a held post is the
network's rule, not the space's (they see it in their own queue only once compliance released it).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.spaces.models import Membership
from essaim.stream import services as stream
from essaim.watchrules import services
from essaim.watchrules.models import WatchHit, WatchRule
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory, UserFactory
from tests.spaces.factories import SpaceFactory, member

ROLES = [*NETWORK_ROLES, "space_moderator"]
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow ROLES:
# anonymous guest employee communication compliance network_admin space_moderator
TABLE = """
    manage_watch_rules  403   403 403 403 ok ok 403
    review_watch_hits   403   403 403 403 ok ok 403
    rule_view           403   403 403 403 ok ok 403
    hit_view            403   403 403 403 ok ok 403
    list_page           login 403 403 403 ok ok 403
    create_page         login 403 403 403 ok ok 403
    create              login 403 403 403 ok ok 403
    edit                login 403 403 403 ok ok 403
    toggle              login 403 403 403 ok ok 403
    delete              login 403 403 403 ok ok 403
    queue_page          login 403 403 403 ok ok 403
    decide              login 403 403 403 ok ok 403
"""
EXPECTED = read_table(TABLE, ROLES)


def actor_for(role: str) -> Any:
    if role == "space_moderator":
        return member(SpaceFactory(), Membership.Role.MODERATOR).user
    return network_actor(role)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    rule = services.rule_create(
        actor=AdminFactory(), data={"name": "Projets", "kind": "words", "terms": "Orion", "action": "hold"}
    )
    space = SpaceFactory(visibility="public")
    post = stream.post_create(actor=member(space).user, body="Le projet Orion", space=space)
    return {"rule": rule, "hit": WatchHit.objects.get(post=post)}


@pytest.mark.parametrize("role", ROLES)
def test_the_actions(world: dict[str, Any], role: str) -> None:
    actor = actor_for(role)
    for action in ("manage_watch_rules", "review_watch_hits"):
        assert access.can(actor, Action(f"network.{action}")) is (EXPECTED[action, role] == "ok")
    assert access.can(actor, Action.VIEW, world["rule"]) is (EXPECTED["rule_view", role] == "ok")
    assert access.can(actor, Action.VIEW, world["hit"]) is (EXPECTED["hit_view", role] == "ok")
    allowed = EXPECTED["rule_view", role] == "ok"
    assert access.visible(actor, WatchRule.objects.all()).exists() is allowed
    assert access.visible(actor, WatchHit.objects.all()).exists() is allowed


SURFACES = ["list_page", "create_page", "create", "edit", "toggle", "delete", "queue_page", "decide"]


def request(client: Client, surface: str, world: dict[str, Any]) -> Any:
    rule_id, hit_id = world["rule"].pk, world["hit"].pk
    new = {"name": "Clients", "kind": "words", "terms": "Acme", "action": "warn", "is_active": "on"}
    return {
        "list_page": lambda: client.get(reverse("watchrules:list")),
        "create_page": lambda: client.get(reverse("watchrules:rule-create")),
        "create": lambda: client.post(reverse("watchrules:rule-create"), new),
        "edit": lambda: client.post(reverse("watchrules:rule-edit", kwargs={"rule_id": rule_id}), new),
        "toggle": lambda: client.post(reverse("watchrules:rule-toggle", kwargs={"rule_id": rule_id}), {"active": "0"}),
        "delete": lambda: client.post(reverse("watchrules:rule-delete", kwargs={"rule_id": rule_id})),
        "queue_page": lambda: client.get(reverse("watchrules:queue")),
        "decide": lambda: client.post(
            reverse("watchrules:hit-decide", kwargs={"hit_id": hit_id}), {"decision": "approve"}
        ),
    }[surface]()


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("role", ROLES)
def test_the_pages(client: Client, world: dict[str, Any], role: str, surface: str) -> None:
    actor = actor_for(role)
    if role != "anonymous":
        client.force_login(actor)
    response = request(client, surface, world)
    answer = EXPECTED[surface, role]
    assert_answer(response, answer)
    changed = {
        "create": WatchRule.objects.filter(name="Clients").exists(),
        "edit": WatchRule.objects.filter(pk=world["rule"].pk, name="Clients").exists(),
        "toggle": WatchRule.objects.filter(pk=world["rule"].pk, is_active=False).exists(),
        "delete": not WatchRule.objects.filter(pk=world["rule"].pk).exists(),
        "decide": WatchHit.objects.filter(pk=world["hit"].pk, status="resolved").exists(),
    }
    if surface in changed:
        assert changed[surface] is (answer == "ok")
    if surface == "queue_page" and answer == "ok":
        assert "Le projet Orion" in response.text


def test_a_compliance_officer_who_is_also_a_guest_is_refused(db: None) -> None:
    """Compliance is an employee's role: the flag on an external guest grants nothing."""
    from tests.accounts.factories import GuestFactory

    guest = GuestFactory(is_compliance_officer=True)
    assert not access.can(guest, Action.MANAGE_WATCH_RULES)
    assert not access.can(UserFactory(is_compliance_officer=False), Action.REVIEW_WATCH_HITS)
