"""The tags permission matrix: a tag name is known to a reader only through a post they may read.

A tag used only in a secret space names that space's business: it is neither suggested nor resolved
for anyone else, and answers exactly like a tag nobody ever wrote (same status, same body), on every
surface that suggests or resolves tags. The table is stated once below and checked against ``access``
and against each surface.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from essaim import access
from essaim.access import Action
from essaim.api.services import personal_token_create
from essaim.spaces.models import Membership, Space
from essaim.stream import services
from essaim.stream.models import Tag, TagFollow
from essaim.stream.schemas import tag_id
from tests.access.conftest import read_table, sign_in_as, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

READERS = ["anonymous", "guest_member", "guest_outsider", "employee", "member", "network_admin", "compliance"]

# Rows: where the tag's only post is. "ok" = suggested and resolved; 404 = neither, as an unknown tag.
TABLE = """
                 anon g-mem g-out employee member netadm compl
    company      404  404   404   ok       ok     ok     ok
    public       404  404   404   ok       ok     ok     ok
    private      404  404   404   404      ok     404    404
    secret       404  ok    404   404      ok     404    404
    hidden       404  404   404   404      404    404    404
    unused       404  404   404   404      404    404    404
    followed     404  404   404   404      404    404    404
"""
TAGS = ["company", "public", "private", "secret", "hidden", "unused", "followed"]


def _parse() -> dict[tuple[str, str], str]:
    cells = read_table(TABLE, READERS, header=True)
    assert {tag for tag, _ in cells} == set(TAGS)
    return cells


EXPECTED = _parse()


def name(tag: str) -> str:
    """The tag's name as written in its post: a prefix of its own so that suggestions list it alone."""
    return f"Zq{tag.capitalize()}Sujet"


@dataclass
class World:
    readers: dict[str, Any]
    tokens: dict[str, str]


def _build() -> World:
    readers: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest_member": GuestFactory(),
        "guest_outsider": GuestFactory(),
        "employee": UserFactory(),
        "member": UserFactory(),
        "network_admin": AdminFactory(),
        "compliance": UserFactory(is_compliance_officer=True),
    }
    author, moderator = UserFactory(), UserFactory()
    spaces = {kind: Space.objects.create(name=kind, slug=f"zq-{kind}", visibility=kind) for kind in Space.Visibility}
    for space in spaces.values():
        Membership.objects.create(space=space, user=author)
        Membership.objects.create(space=space, user=readers["member"])
    Membership.objects.create(space=spaces["secret"], user=readers["guest_member"])
    Membership.objects.create(space=spaces["public"], user=moderator, role=Membership.Role.MODERATOR)
    services.post_create(actor=author, body=f"#{name('company')} pour tous")
    for kind, space in spaces.items():
        services.post_create(actor=author, body=f"#{name(kind)} dans l'espace", space=space)
    hidden = services.post_create(actor=author, body=f"#{name('hidden')} hors sujet", space=spaces["public"])
    services.post_hide(actor=moderator, post=hidden)
    Tag.objects.create(name=name("unused"), folded=name("unused").lower())  # a follow created it; no post
    followed = Tag.objects.create(name=name("followed"), folded=name("followed").lower())
    TagFollow.objects.create(user=UserFactory(), tag=followed)  # someone else follows it
    tokens = {role: personal_token_create(actor=user, name="t")[1] for role, user in readers.items() if user.pk}
    return World(readers=readers, tokens=tokens)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


CELLS = [pytest.param(tag, reader, id=f"{tag}-{reader}") for tag in TAGS for reader in READERS]


@pytest.mark.parametrize(("tag", "reader"), CELLS)
def test_policy(world: World, db: None, tag: str, reader: str) -> None:
    actor, answer = world.readers[reader], EXPECTED[tag, reader]
    found = Tag.objects.get(folded=name(tag).lower())
    assert access.can(actor, Action.VIEW, found) is (answer == "ok")
    assert access.visible(actor, Tag.objects.filter(pk=found.pk)).exists() is (answer == "ok")


def _page_and_unknown(client: Client, url: str, tag: str, **kwargs: Any) -> tuple[Any, Any]:
    """The answer for the tag and the answer for a tag nobody wrote, of the same length."""
    unknown = "Zq" + "x" * (len(name(tag)) - 2)
    return client.get(url.format(name(tag).lower()), **kwargs), client.get(url.format(unknown.lower()), **kwargs)


def _same_body(found: Any, unknown: Any, tag: str) -> None:
    unknown_name = "Zq" + "x" * (len(name(tag)) - 2)
    assert found.status_code == unknown.status_code
    assert _stable(found).replace(name(tag).lower(), unknown_name.lower()) == _stable(unknown)


def _stable(response: Any) -> str:
    """The body without what changes from one response to the next (CSP nonces, masked CSRF tokens, the time)."""
    body = re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode())
    body = re.sub(r'data-live-since="[0-9]*"', 'data-live-since=""', body)  # when the request began
    body = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', body)


def _bearer(world: World, reader: str) -> dict[str, Any]:
    return {} if reader == "anonymous" else {"headers": {"Authorization": f"Bearer {world.tokens[reader]}"}}


@pytest.mark.parametrize(("tag", "reader"), CELLS)
def test_suggestions(world: World, module_client: Client, db: None, tag: str, reader: str) -> None:
    sign_in_as(module_client, world.readers[reader])
    response = module_client.get("/stream/tags", {"q": name(tag)[:6]})
    if reader == "anonymous":
        assert response.status_code == 302
        return
    assert (name(tag) in response.content.decode()) is (EXPECTED[tag, reader] == "ok")


@pytest.mark.parametrize(("tag", "reader"), CELLS)
def test_tag_page(world: World, module_client: Client, db: None, tag: str, reader: str) -> None:
    sign_in_as(module_client, world.readers[reader])
    found, unknown = _page_and_unknown(module_client, "/tags/{}/", tag)
    if reader == "anonymous":
        assert found.status_code == unknown.status_code == 302
    elif EXPECTED[tag, reader] == "ok":
        assert found.status_code == 200
        assert name(tag) in found.content.decode()
    else:
        _same_body(found, unknown, tag)


@pytest.mark.parametrize(("tag", "reader"), CELLS)
def test_api_tag(world: World, module_client: Client, db: None, tag: str, reader: str) -> None:
    module_client.logout()
    found, unknown = _page_and_unknown(module_client, "/api/v1/tags/{}", tag, **_bearer(world, reader))
    if EXPECTED[tag, reader] == "ok":
        assert found.status_code == 200
        assert found.json()["name"] == name(tag)
    else:
        _same_body(found, unknown, tag)


@pytest.mark.parametrize(("tag", "reader"), CELLS)
def test_api_timeline(world: World, module_client: Client, db: None, tag: str, reader: str) -> None:
    module_client.logout()
    found, unknown = _page_and_unknown(module_client, "/api/v1/timelines/tag/{}", tag, **_bearer(world, reader))
    if EXPECTED[tag, reader] == "ok":
        assert found.status_code == 200
        assert len(found.json()) == 1
    else:
        _same_body(found, unknown, tag)


FOLLOWERS = ["employee", "member", "network_admin", "compliance"]  # others: 401 / 403 whatever the tag


@pytest.mark.parametrize(("tag", "reader"), [c for c in CELLS if c.values[1] in FOLLOWERS])
def test_api_follow(world: World, module_client: Client, db: None, tag: str, reader: str) -> None:
    """Following by name: a tag one may not see answers as a new one would."""
    module_client.logout()
    typed, bearer = name(tag).lower(), _bearer(world, reader)
    with transaction.atomic():
        followed = module_client.post(f"/api/v1/tags/{typed}/follow", **bearer)
        assert followed.status_code == 200
        shown = followed.json()
        assert shown["name"] == (name(tag) if EXPECTED[tag, reader] == "ok" else typed)
        assert shown["id"] == tag_id(typed)  # the name's, never the row's: no creation order to compare
        fresh = module_client.post(f"/api/v1/tags/{typed}fresh/follow", **bearer).json()
        same = {"history", "following"}
        assert {k: shown[k] for k in same} == {k: fresh[k] for k in same}
        transaction.set_rollback(True)


@pytest.mark.parametrize("reader", ["employee", "member"])
def test_suggestions_stay_one_query(world: World, db: None, reader: str, django_assert_num_queries: Any) -> None:
    from essaim.stream import selectors

    with django_assert_num_queries(1):
        found = selectors.tag_suggestions_for(actor=world.readers[reader], query="zq")
    assert {t.name for t in found} == {name(tag) for tag in TAGS if EXPECTED[tag, reader] == "ok"}
