"""The feeds' permission matrix: who runs a space's feeds, who sees every feed of the network; each cell checked
against ``access.can`` and against the pages.

A space's feeds are its runners' (admins, owners, network administrators), never while it is archived; guests
never run a space. Network administrators see every feed at /manage/feeds/; nobody else does.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.accounts.services import feed_account_create
from essaim.feeds.models import Feed
from essaim.spaces.models import Space
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.access.test_matrix_charters import SPACE_ROLES, space_actor
from tests.spaces.factories import SpaceFactory

# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow NETWORK_ROLES:
#   anonymous guest employee communication compliance network_admin
NETWORK_TABLE = """
    view_all_feeds  403   403 403 403 403 ok
    manage_page     login 403 403 403 403 ok
"""
NETWORK = read_table(NETWORK_TABLE, NETWORK_ROLES)

# A public space, then the same space archived; 404 = the space is not visible.
#  guest_member outsider reader member moderator admin owner network_admin compliance
SPACE_TABLE = """
    manage_feeds           403 403 403 403 403 ok  ok  ok  403
    manage_feeds_archived  403 403 403 403 403 403 403 403 403
    feeds_page             403 403 403 403 403 ok  ok  ok  403
    subscribe              403 403 403 403 403 ok  ok  ok  403
    edit_feed              404 404 404 404 404 ok  ok  ok  404
    remove_feed            404 404 404 404 404 ok  ok  ok  404
"""
SPACE = read_table(SPACE_TABLE, SPACE_ROLES)


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_action(db: None, role: str) -> None:
    assert access.can(network_actor(role), Action.VIEW_ALL_FEEDS) is (NETWORK["view_all_feeds", role] == "ok")


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_network_page(client: Client, db: None, role: str) -> None:
    actor = network_actor(role)
    if role != "anonymous":
        client.force_login(actor)
    assert_answer(client.get(reverse("feeds:manage")), NETWORK["manage_page", role])


def _feed(space: Space) -> Feed:
    return Feed.objects.create(space=space, url="https://news.example.com/feed", account=feed_account_create(name="N"))


@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_action(db: None, role: str) -> None:
    space = SpaceFactory()
    actor = space_actor(role, space)
    feed = _feed(space)
    assert access.can(actor, Action.MANAGE_FEEDS, space) is (SPACE["manage_feeds", role] == "ok")
    assert access.can(actor, Action.EDIT, feed) is (SPACE["manage_feeds", role] == "ok")
    assert (feed in access.visible(actor, Feed.objects.all())) is (SPACE["manage_feeds", role] == "ok")
    space.archived_at = space.created_at
    assert access.can(actor, Action.MANAGE_FEEDS, space) is (SPACE["manage_feeds_archived", role] == "ok")


@pytest.mark.parametrize("surface", ["feeds_page", "subscribe", "edit_feed", "remove_feed"])
@pytest.mark.parametrize("role", SPACE_ROLES)
def test_the_space_pages(client: Client, db: None, role: str, surface: str, settings: object) -> None:
    space = SpaceFactory(slug="atlas")
    client.force_login(space_actor(role, space))
    feed = _feed(space)
    base = "/spaces/atlas/settings/feeds/"
    match surface:
        case "feeds_page":
            response = client.get(base)
        case "subscribe":
            response = client.post(base, {"url": "https://blog.example.com/rss", "every": "60", "show": "summary"})
        case "edit_feed":
            response = client.post(f"{base}{feed.pk}/", {"title": "T", "every": "60", "show": "title"})
        case _:
            response = client.post(f"{base}{feed.pk}/remove/")
    answer = SPACE[surface, role]
    assert_answer(response, answer)
    if surface == "subscribe":
        assert Feed.objects.filter(url="https://blog.example.com/rss").exists() is (answer == "ok")
    if surface == "remove_feed":
        assert Feed.objects.filter(pk=feed.pk).exists() is (answer != "ok")
