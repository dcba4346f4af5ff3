"""Web Push subscriptions as a matrix: network role × way in → what ``POST /api/v1/push/subscription`` answers.

A subscription is one's own notification channel (``Action.CHOOSE_NOTIFICATIONS``: every signed-in person, guests
included), held by an app's OAuth token with the ``push`` scope; a token without it is refused (403), as are the
session and a personal token, which have no subscription of their own (403); nobody signed in gets 401. Pushes
themselves re-check, per notification, that the recipient may still read what it is about
(``tests/webpush/test_delivery.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim import access
from essaim.access import Action
from tests.access.conftest import network_actor, read_table
from tests.api.conftest import token_client_for
from tests.webpush.conftest import app_client
from tests.webpush.push_service import Browser

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "guest", "employee", "communication", "compliance", "network_admin"]
WAYS = ["push_token", "read_token", "personal_token", "session"]
MATRIX = """
    anonymous      401  401  401  401
    guest          200  403  403  403
    employee       200  403  403  403
    communication  200  403  403  403
    compliance     200  403  403  403
    network_admin  200  403  403  403
"""
CELLS = read_table(MATRIX, WAYS)


def client_for(actor: Any, way: str) -> Client:
    if not getattr(actor, "is_authenticated", False):
        return Client()
    if way == "push_token":
        return app_client(actor, scope="push")
    if way == "read_token":
        return app_client(actor, scope="read write")
    if way == "personal_token":
        return token_client_for(actor)
    session = Client()
    session.force_login(actor)
    return session


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("role", ROLES)
def test_who_subscribes_how(role: str, way: str) -> None:
    actor = network_actor(role)
    browser = Browser()
    form = {
        "subscription[endpoint]": "https://push.example.net/send/abc",
        "subscription[keys][p256dh]": browser.p256dh,
        "subscription[keys][auth]": browser.auth,
    }
    answer = client_for(actor, way).post("/api/v1/push/subscription", form)
    assert str(answer.status_code) == CELLS[(role, way)], answer.content


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_says_the_same(role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.CHOOSE_NOTIFICATIONS) == (role != "anonymous")
