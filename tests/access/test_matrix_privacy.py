"""The personal data permission matrix: everyone signed in gets an archive of their own data, and only theirs;
only network administrators erase an account, never their own.

Rows: the two actions, then the pages. ``own_download``: one's own ready archive; ``other_download``: someone
else's, which answers 404 as a missing one does (an archive's number tells nothing).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.accounts.models import User
from essaim.privacy import services
from essaim.privacy.models import DataExport
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table
from tests.accounts.factories import UserFactory

ROLES = NETWORK_ROLES
TABLE = """
    export_own_data 403   ok  ok  ok  ok  ok
    erase_people    403   403 403 403 403 ok
    data_page       login ok  ok  ok  ok  ok
    ask_archive     login ok  ok  ok  ok  ok
    own_download    login ok  ok  ok  ok  ok
    other_download  login 404 404 404 404 404
    erase_page      login 403 403 403 403 ok
    erase           login 403 403 403 403 ok
"""
EXPECTED = read_table(TABLE, ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_actions(db: None, role: str) -> None:
    actor = network_actor(role)
    assert access.can(actor, Action.EXPORT_OWN_DATA) is (EXPECTED["export_own_data", role] == "ok")
    assert access.can(actor, Action.ERASE_PEOPLE) is (EXPECTED["erase_people", role] == "ok")


def _ready(user: Any) -> DataExport:
    export = DataExport.objects.create(user=user)
    services.data_export_build.call(export.pk)
    return export


@pytest.mark.parametrize(
    "surface", ["data_page", "ask_archive", "own_download", "other_download", "erase_page", "erase"]
)
@pytest.mark.parametrize("role", ROLES)
def test_the_pages(client: Client, db: None, role: str, surface: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        services, "data_export_build", SimpleNamespace(enqueue=lambda _: None, call=services.data_export_build.call)
    )
    actor = network_actor(role)
    someone: User = UserFactory(email="someone@example.com")
    if role != "anonymous":
        client.force_login(actor)
    if surface == "data_page":
        response = client.get(reverse("privacy:data"))
    elif surface == "ask_archive":
        response = client.post(reverse("privacy:data"))
    elif surface in {"own_download", "other_download"}:
        owner = actor if surface == "own_download" and role != "anonymous" else someone
        response = client.get(reverse("privacy:download", kwargs={"export_id": _ready(owner).pk}))
    elif surface == "erase_page":
        response = client.get(reverse("privacy:erase", kwargs={"user_id": someone.pk}))
    else:
        form = {"content": "keep", "email": "someone@example.com"}
        response = client.post(reverse("privacy:erase", kwargs={"user_id": someone.pk}), form)
    assert_answer(response, EXPECTED[surface, role])
    if surface == "erase":
        someone.refresh_from_db()
        assert (someone.email == "someone@example.com") is (EXPECTED["erase", role] != "ok")
