"""A full disk answers a clear 503 in the reader's language (a page, or the API's JSON), never a generic 500."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from essaim.accounts.models import User
from essaim.api import services as api_services
from essaim.core.storage_full import is_storage_full
from essaim.stream import services as stream_services
from essaim.stream.models import Post
from tests.api.conftest import TokenClient


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OperationalError("database or disk is full"), True),
        (OperationalError('could not extend file "base/16384/2619": No space left on device'), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        (OperationalError("database is locked"), False),
    ],
)
def test_what_counts_as_a_full_disk(error: BaseException, full: bool) -> None:
    assert is_storage_full(error) is full


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(**_: Any) -> Post:
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(stream_services, "post_create", no_space)


def test_a_page_says_the_storage_is_full(client: Client, employee: User, full_disk: None) -> None:
    client.force_login(employee)
    response = client.post("/posts/new", {"body": "Bonjour", "visibility": "company"})
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    assert "Storage full" in response.text
    assert "nothing was saved" in response.text


def test_in_french(client: Client, employee: User, full_disk: None) -> None:
    User.objects.filter(pk=employee.pk).update(language="fr")
    client.force_login(employee)
    data = {"body": "Bonjour", "visibility": "company"}
    response = client.post("/posts/new", data, headers={"accept-language": "fr"})
    assert response.status_code == 503
    assert "Stockage plein" in response.text


def test_the_api_says_it_in_its_shape(employee: User, full_disk: None) -> None:
    api = TokenClient(api_services.personal_token_create(actor=employee, name="Script")[1])
    response = api.post("/api/v1/statuses", {"status": "Bonjour"}, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["error"] == "Storage full"
