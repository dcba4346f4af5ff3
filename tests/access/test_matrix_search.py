"""The search's matrix: who may open the search surfaces (``Action.SEARCH``: everyone signed in, guests too)
× each surface. What each one finds is the posts' own rule: tests/search/test_permissions.py runs the search
over the matrix's world of posts (``test_visible_among``) for every kind of reader."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from essaim import access
from essaim.access import Action
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "guest", "employee", "compliance", "network_admin", "deactivated"]
SURFACES = {  # path → what an anonymous caller gets (everyone signed in: 200)
    "/search/?q=x": 302,
    "/search/suggestions/?q=x": 302,
    "/search/experts/?q=x": 302,
    "/api/v2/search?q=x": 401,
    "/api/v1/essaim/search?q=x&type=experts": 401,
}


def _actor(role: str) -> Any:
    return {
        "anonymous": AnonymousUser,
        "guest": GuestFactory,
        "employee": UserFactory,
        "compliance": lambda: UserFactory(is_compliance_officer=True),
        "network_admin": AdminFactory,
        "deactivated": lambda: UserFactory(is_active=False),
    }[role]()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_search(role: str) -> None:
    allowed = role not in {"anonymous", "deactivated"}
    assert access.can(_actor(role), Action.SEARCH) is allowed


@pytest.mark.parametrize("role", ["guest", "employee", "compliance", "network_admin"])
@pytest.mark.parametrize("path", list(SURFACES))
def test_every_surface_answers_people_signed_in(client: Client, role: str, path: str) -> None:
    client.force_login(_actor(role))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(("path", "status"), list(SURFACES.items()))
def test_anonymous_callers_sign_in_first(client: Client, path: str, status: int) -> None:
    assert client.get(path).status_code == status
