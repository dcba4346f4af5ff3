"""Webhooks' permission matrix: who manages a space's incoming and outgoing webhooks, who manages the network's,
who reads an endpoint's delivery log; each cell checked against ``access.can`` and against the pages.

A space's webhooks are its administrators' and owners' (and the network administrators', who run every space),
never while the space is archived, never a guest's even if made an administrator. The network-wide endpoints
are the network administrators'. An endpoint's page and log follow its scope.
"""

from __future__ import annotations

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.spaces.models import Space
from essaim.webhooks import services
from essaim.webhooks.models import Endpoint, IncomingWebhook
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.access.test_matrix_charters import SPACE_ROLES, space_actor
from tests.accounts.factories import AdminFactory
from tests.spaces.factories import SpaceFactory

# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page.
#   anonymous guest employee communication compliance network_admin
NETWORK_TABLE = """
    manage_network_webhooks  403   403 403 403 403 ok
    manage_page              login 403 403 403 403 ok
    subscribe                login 403 403 403 403 ok
    network_endpoint_page    login 404 404 404 404 ok
"""
NETWORK = read_table(NETWORK_TABLE, NETWORK_ROLES)

# guest_member outsider reader member moderator admin owner network_admin compliance (a public space; then archived)
SPACE_TABLE = """
    manage_webhooks           403 403 403 403 403 ok  ok  ok  403
    manage_webhooks_archived  403 403 403 403 403 403 403 403 403
    settings_page             403 403 403 403 403 ok  ok  ok  403
    create_hook               403 403 403 403 403 ok  ok  ok  403
    endpoint_page             404 404 404 404 404 ok  ok  ok  404
    hook_visible              no  no  no  no  no  yes yes yes no
"""
SPACE = read_table(SPACE_TABLE, SPACE_ROLES)


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_action(db: None, role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.MANAGE_NETWORK_WEBHOOKS) is (NETWORK["manage_network_webhooks", role] == "ok")


@pytest.mark.parametrize("surface", ["manage_page", "subscribe", "network_endpoint_page"])
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_pages(client: Client, db: None, role: str, surface: str) -> None:
    endpoint = services.endpoint_create(
        actor=AdminFactory(), space=None, url="https://hooks.example/x", events=["post.created"]
    )
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    match surface:
        case "manage_page":
            response = client.get("/manage/webhooks/")
        case "subscribe":
            response = client.post("/manage/webhooks/", {"url": "https://hooks.example/y", "events": ["post.created"]})
        case _:
            response = client.get(f"/webhooks/endpoints/{endpoint.pk}/")
    assert_answer(response, NETWORK[surface, role])
    if surface == "subscribe":
        assert Endpoint.objects.filter(url="https://hooks.example/y").exists() is (NETWORK[surface, role] == "ok")


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_action(db: None, role: str) -> None:
    space = SpaceFactory()
    actor = space_actor(role, space)
    assert access.can(actor, Action.MANAGE_WEBHOOKS, space) is (SPACE["manage_webhooks", role] == "ok")
    space.archived_at = space.created_at
    assert access.can(actor, Action.MANAGE_WEBHOOKS, space) is (SPACE["manage_webhooks_archived", role] == "ok")


@pytest.mark.parametrize("surface", ["settings_page", "create_hook", "endpoint_page"])
@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_pages(client: Client, db: None, role: str, surface: str) -> None:
    space = SpaceFactory(slug="atlas")
    endpoint = services.endpoint_create(
        actor=AdminFactory(), space=space, url="https://hooks.example/x", events=["post.created"]
    )
    client.force_login(space_actor(role, space))
    match surface:
        case "settings_page":
            response = client.get("/spaces/atlas/settings/webhooks/")
        case "create_hook":
            response = client.post("/spaces/atlas/settings/webhooks/", {"name": "CI"})
        case _:
            response = client.get(f"/webhooks/endpoints/{endpoint.pk}/")
    assert_answer(response, SPACE[surface, role])
    if surface == "create_hook":
        assert IncomingWebhook.objects.filter(space=space).exists() is (SPACE[surface, role] == "ok")


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_who_sees_a_space_s_hooks_and_endpoints(db: None, role: str) -> None:
    space = SpaceFactory(visibility=Space.Visibility.PUBLIC)
    admin = AdminFactory()
    services.incoming_webhook_create(actor=admin, space=space, name="CI")
    services.endpoint_create(actor=admin, space=space, url="https://hooks.example/x", events=["post.created"])
    actor = space_actor(role, space)
    expected = SPACE["hook_visible", role] == "yes"
    assert access.visible(actor, IncomingWebhook.objects.all()).exists() is expected
    assert access.visible(actor, Endpoint.objects.all()).exists() is expected
