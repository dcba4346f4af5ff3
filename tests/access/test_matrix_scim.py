"""SCIM provisioning's permission matrix: who manages the directory's tokens, and what a token itself may do.

People (of every network role) manage tokens on /manage/scim/ only as network administrators; none of them may
provision (``PROVISION_PEOPLE`` names the directory, never a person). The directory (a live SCIM token) may
provision, and reaches only the people it provisions: employees and guests, never an integration's or a feed's
account nor a superuser. It may not do anything else a person may (read the feed, search, manage tokens…):
it is not signed in, so every other rule refuses it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.scim import services
from essaim.scim.actors import DirectoryActor
from essaim.scim.models import ScimToken
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import AdminFactory, UserFactory

ROLES = [*NETWORK_ROLES, "directory"]
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page, "-" = does not apply. Columns follow ROLES.
ACTIONS = read_table(
    """
    manage_scim_tokens 403 403 403 403 403 ok  403
    provision_people   403 403 403 403 403 403 ok
    manage_people      403 403 403 403 403 ok  403
    view_directory     403 403 ok  ok  ok  ok  403
    search             403 ok  ok  ok  ok  ok  403
    """,
    ROLES,
)
PAGES = read_table(
    """
    token_page    login 403 403 403 403 ok  -
    token_create  login 403 403 403 403 ok  -
    token_revoke  login 403 403 403 403 ok  -
    """,
    ROLES,
)
# What the directory may do to each kind of account: "ok" or 404 (as for an account that does not exist).
REACH = read_table(
    """
    employee  ok
    guest     ok
    admin     ok
    bot       404
    feed      404
    superuser 404
    """,
    ["directory"],
)


def _actor(role: str) -> Any:
    if role == "directory":
        token, _raw = services.scim_token_create(actor=AdminFactory(), name="Okta")
        return DirectoryActor(token=token)
    return network_actor(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "action", ["manage_scim_tokens", "provision_people", "manage_people", "view_directory", "search"]
)
def test_the_actions(db: None, role: str, action: str) -> None:
    allowed = access.can(_actor(role), Action[action.upper()] if action != "search" else Action.SEARCH)
    assert allowed is (ACTIONS[action, role] == "ok")


@pytest.mark.parametrize("surface", ["token_page", "token_create", "token_revoke"])
@pytest.mark.parametrize("role", NETWORK_ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str) -> None:
    token, _raw = services.scim_token_create(actor=AdminFactory(), name="Entra")
    actor = _actor(role)
    if role != "anonymous":
        client.force_login(actor)
    if surface == "token_page":
        response = client.get(reverse("scim:tokens"))
    elif surface == "token_create":
        response = client.post(reverse("scim:tokens"), {"name": "Okta"})
    else:
        response = client.post(reverse("scim:token-revoke", kwargs={"token_id": token.pk}))
    answer = PAGES[surface, role]
    assert_answer(response, answer)
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (surface == "token_revoke" and answer == "ok")
    made = ScimToken.objects.filter(name="Okta").exists()
    assert made == (surface == "token_create" and answer == "ok")


@pytest.mark.parametrize("kind", ["employee", "guest", "admin", "bot", "feed", "superuser"])
def test_what_the_directory_reaches(client: Client, db: None, kind: str) -> None:
    person = {
        "employee": UserFactory,
        "guest": lambda: UserFactory(kind=User.Kind.GUEST),
        "admin": AdminFactory,
        "bot": lambda: UserFactory(kind=User.Kind.BOT),
        "feed": lambda: UserFactory(kind=User.Kind.FEED),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[kind]()
    directory = _actor("directory")
    assert access.can(directory, Action.EDIT, person) is (REACH[kind, "directory"] == "ok")
    _token, raw = services.scim_token_create(actor=AdminFactory(), name="Okta")
    headers = {"Authorization": f"Bearer {raw}"}
    response = client.get(f"/scim/v2/Users/{person.pk}", headers=headers)
    assert response.status_code == (200 if REACH[kind, "directory"] == "ok" else 404)
    deleted = client.delete(f"/scim/v2/Users/{person.pk}", headers=headers)
    assert deleted.status_code == (204 if REACH[kind, "directory"] == "ok" else 404)
    person.refresh_from_db()
    assert person.is_active is (REACH[kind, "directory"] != "ok")  # deactivated by the DELETE, or untouched
