"""The backups' permission matrix: who makes, lists and downloads archives (every post of every space is in one).

Network administrators only, asked first as on every /manage/ page: anonymous visitors are sent to sign in,
everyone else without the role gets 403 before any archive is looked up (a name tells them nothing).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from essaim import access
from essaim.access import Action
from essaim.backups import services
from tests.access.conftest import NETWORK_ROLES, assert_answer, network_actor, read_table

ROLES = NETWORK_ROLES
# "ok" = allowed, 403 = refused, "login" = sent to the sign-in page. Columns follow ROLES.
TABLE = """
    manage_backups 403   403 403 403 403 ok
    list_page      login 403 403 403 403 ok
    start          login 403 403 403 403 ok
    download       login 403 403 403 403 ok
"""
EXPECTED = read_table(TABLE, ROLES)


def _actor(role: str) -> Any:
    return network_actor(role)


@pytest.fixture
def kept(settings: Any, tmp_path: Path) -> Path:
    settings.BACKUP_DIR = str(tmp_path)
    archive = tmp_path / "essaim-20261207-080000.tar.gz"
    archive.write_bytes(b"archive")
    return archive


@pytest.mark.parametrize("role", ROLES)
def test_the_action(db: None, role: str) -> None:
    assert access.can(_actor(role), Action.MANAGE_BACKUPS) is (EXPECTED["manage_backups", role] == "ok")


@pytest.mark.parametrize("surface", ["list_page", "start", "download"])
@pytest.mark.parametrize("role", ROLES)
def test_the_pages(  # noqa: PLR0917 - parametrized cells
    client: Client, db: None, kept: Path, role: str, surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(services, "backup_in_background", SimpleNamespace(enqueue=lambda: asked.append(True)))
    actor = _actor(role)
    if role != "anonymous":
        client.force_login(actor)
    if surface == "list_page":
        response = client.get(reverse("backups:list"))
    elif surface == "start":
        response = client.post(reverse("backups:start"))
    else:
        response = client.get(reverse("backups:download", kwargs={"name": kept.name}))
    answer = EXPECTED[surface, role]
    assert_answer(response, answer)
    assert bool(asked) == (surface == "start" and answer == "ok")
    if answer == "ok" and surface == "list_page":
        assert kept.name in response.text
    if answer == "ok" and surface == "download":
        assert b"".join(response.streaming_content) == b"archive"  # type: ignore[attr-defined]
        assert (
            client.get(reverse("backups:download", kwargs={"name": "essaim-20000101-000000.tar.gz"})).status_code == 404
        )
        assert client.get(reverse("backups:download", kwargs={"name": "..%2Fsecret_key"})).status_code == 404
