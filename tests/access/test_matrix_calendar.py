"""The calendar's permission matrix: role × event × action → allowed / 403 / 404, stated once below.

Events: in a public, a private, a secret and an archived (public) space, and outside spaces for the whole company.
Everyone in a space role belongs to every space, as the author does. Actions: ``view`` (the event page; the same
for its attendees and its ``.ics``), ``rsvp`` (answer it), ``edit`` (``EDIT_EVENT``) and ``cancel``
(``CANCEL_EVENT``). Every cell is checked against ``access`` and the matching page; ``visible`` against ``view``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from essaim import access
from essaim.access import Action
from essaim.calendar.models import Event
from essaim.spaces.models import Membership
from essaim.stream.models import Post, PostKind
from tests.access.conftest import NETWORK_ROLES, network_actor, read_table, world_for_module
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory
from tests.spaces.factories import SpaceFactory

ROLES = ["anonymous", "guest_member", "outsider", "reader", "member", "moderator", "admin", "owner",
         "network_admin", "compliance", "author"]  # fmt: skip
#         anon g-mem outsd reader member moder admin owner netadm compl author
TABLES = {
    "public": """
        view     404 ok  ok  ok  ok  ok  ok  ok  ok  ok  ok
        rsvp     404 ok  ok  ok  ok  ok  ok  ok  ok  ok  ok
        edit     404 403 403 403 403 403 403 403 403 403 ok
        cancel   404 403 403 403 403 ok  ok  ok  ok  403 ok
    """,
    "private": """
        view     404 ok  404 ok  ok  ok  ok  ok  404 404 ok
        rsvp     404 ok  404 ok  ok  ok  ok  ok  404 404 ok
        edit     404 403 404 403 403 403 403 403 404 404 ok
        cancel   404 403 404 403 403 ok  ok  ok  404 404 ok
    """,
    "secret": """
        view     404 ok  404 ok  ok  ok  ok  ok  404 404 ok
        rsvp     404 ok  404 ok  ok  ok  ok  ok  404 404 ok
        edit     404 403 404 403 403 403 403 403 404 404 ok
        cancel   404 403 404 403 403 ok  ok  ok  404 404 ok
    """,
    # An archived space takes no more answers; its moderators moderate nothing any more.
    "archived": """
        view     404 ok  ok  ok  ok  ok  ok  ok  ok  ok  ok
        rsvp     404 403 403 403 403 403 403 403 403 403 403
        edit     404 403 403 403 403 403 403 403 403 403 ok
        cancel   404 403 403 403 403 403 403 403 ok  403 ok
    """,
    "company": """
        view     404 404 ok  ok  ok  ok  ok  ok  ok  ok  ok
        rsvp     404 404 ok  ok  ok  ok  ok  ok  ok  ok  ok
        edit     404 404 403 403 403 403 403 403 403 403 ok
        cancel   404 404 403 403 403 403 403 403 ok  403 ok
    """,
}
# One's own secret calendar address: everyone signed in, guests too.
#   anonymous guest employee communication compliance network_admin
NETWORK_TABLE = """
    calendar_feed  403 ok ok ok ok ok
"""
EXPECTED = {kind: read_table(table, ROLES) for kind, table in TABLES.items()}
NETWORK = read_table(NETWORK_TABLE, NETWORK_ROLES)
KINDS = list(TABLES)
SPACE_ROLES = {"guest_member": "member", "reader": "reader", "member": "member", "moderator": "moderator",
               "admin": "admin", "owner": "owner", "author": "member"}  # fmt: skip
ACTIONS = {
    "view": Action.VIEW,
    "rsvp": Action.RSVP,
    "edit": Action.EDIT_EVENT,
    "cancel": Action.CANCEL_EVENT,
}


@dataclass
class World:
    users: dict[str, Any]
    events: dict[str, Event]


def _build() -> World:
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "guest_member": GuestFactory(),
        "outsider": UserFactory(),
        "network_admin": AdminFactory(),
        "compliance": UserFactory(is_compliance_officer=True),
    }
    users.update({role: UserFactory() for role in SPACE_ROLES if role not in users})
    spaces: dict[str, Any] = {kind: SpaceFactory(visibility=kind) for kind in ("public", "private", "secret")}
    spaces["archived"] = SpaceFactory(visibility="public", archived_at=timezone.now())
    spaces["company"] = None
    Membership.objects.bulk_create(
        [
            Membership(space=s, user=users[role], role=r)
            for s in spaces.values()
            if s is not None
            for role, r in SPACE_ROLES.items()
        ]
    )
    start = timezone.now() + timedelta(days=3)
    events = {}
    for kind, space in spaces.items():
        post = Post.objects.create(author=users["author"], space=space, body=kind, kind=PostKind.EVENT)
        events[kind] = Event.objects.create(
            post=post, space=space, title=kind, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    return World(users=users, events=events)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_for_module(django_db_blocker, _build)


def _fresh(event: Event) -> Event:
    return Event.objects.select_related("post__space", "post__author").get(pk=event.pk)


CELLS = [pytest.param(role, kind, id=f"{kind}-{role}") for kind in KINDS for role in ROLES]


@pytest.mark.parametrize(("role", "kind"), CELLS)
def test_policy(world: World, db: None, role: str, kind: str) -> None:
    actor = world.users[role]
    for name, action in ACTIONS.items():
        answer = EXPECTED[kind][name, role]
        event = _fresh(world.events[kind])
        assert access.can(actor, action, event) is (answer == "ok"), name
        if answer == "ok":
            access.require(actor, action, event)
        else:
            with pytest.raises(Http404 if answer == "404" else PermissionDenied):
                access.require(actor, action, event)
    assert access.can(actor, Action.VIEW_ATTENDEES, event) is (EXPECTED[kind]["view", role] == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_visible_agrees_with_view(world: World, db: None, role: str) -> None:
    actor = world.users[role]
    expected = {world.events[k].pk for k in KINDS if EXPECTED[k]["view", role] == "ok"}
    events = Event.objects.filter(pk__in=[e.pk for e in world.events.values()])
    assert set(access.visible(actor, events).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize(("role", "kind"), CELLS)
def test_http(world: World, module_client: Client, db: None, role: str, kind: str) -> None:
    actor, event = world.users[role], world.events[kind]
    if role == "anonymous":
        module_client.logout()
    else:
        module_client.force_login(actor)
    base = f"/events/{event.pk}/"
    answers = {
        "view": module_client.get(base),
        "rsvp": module_client.post(f"{base}rsvp/", {"answer": "maybe"}),
        "edit": module_client.get(f"{base}edit/"),
        "cancel": module_client.get(f"{base}cancel/"),
    }
    ics = module_client.get(f"{base}event.ics")
    for name, response in answers.items():
        expected = EXPECTED[kind][name, role]
        if role == "anonymous":
            assert response.status_code == 302, name
            assert "/accounts/login/" in response.url
        elif expected == "ok":
            assert response.status_code == (302 if name == "rsvp" else 200), name
        else:
            assert response.status_code == int(expected), name
    if role != "anonymous":
        assert ics.status_code == (200 if EXPECTED[kind]["view", role] == "ok" else 404)


@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_calendar_address(client: Client, db: None, role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.KEEP_CALENDAR_FEED) is (NETWORK["calendar_feed", role] == "ok")
    if role != "anonymous":
        client.force_login(actor)
    response = client.post("/events/calendar/", {"do": "make"})
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
    else:
        assert response.status_code == (302 if NETWORK["calendar_feed", role] == "ok" else 403)
