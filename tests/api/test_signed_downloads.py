"""Attachment addresses an app can load without a token (an ``<img>``): signed for the reader, expiring, and the
permission checked again for that reader at download."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from essaim.accounts.models import User
from essaim.core import downloads
from tests.api.conftest import TokenClient, token_client_for


def published(api_client: TokenClient, visibility: str = "public") -> dict[str, str]:
    from tests.stream.factories import image_upload

    media = api_client.post("/api/v2/media", {"file": image_upload("col.jpg")}).json()
    status = api_client.post(
        "/api/v1/statuses", {"status": "Le col", "media_ids[]": [media["id"]], "visibility": visibility}
    ).json()
    return status["media_attachments"][0]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_signed_address_loads_without_a_token_and_expires(api_client: TokenClient, employee: User) -> None:
    media = published(api_client)
    assert Client().get(path_of(media["url"])).status_code == 200
    assert Client().get(path_of(media["preview_url"])).status_code == 200
    assert Client().get(urlsplit(media["url"]).path).status_code == 302  # unsigned: the sign-in page
    query = parse_qs(urlsplit(media["url"]).query)
    tampered = media["url"].replace(f"u={query['u'][0]}", "u=999999")
    assert Client().get(path_of(tampered)).status_code == 302  # a wrong signature is no signature
    thumbnail_signature_on_the_file = path_of(media["url"]).split("?")[0] + "?" + urlsplit(media["preview_url"]).query
    assert Client().get(thumbnail_signature_on_the_file).status_code == 302


def test_an_expired_address_is_refused(api_client: TokenClient, employee: User, monkeypatch: object) -> None:
    media = published(api_client)
    later = time.time() + 3 * 86400
    monkeypatch.setattr(downloads.time, "time", lambda: later)  # type: ignore[attr-defined]
    assert Client().get(path_of(media["url"])).status_code == 302


def test_the_reader_is_checked_again_at_download(api_client: TokenClient, employee: User, colleague: User) -> None:
    media = published(api_client, visibility="private")  # the followers (none) and the author
    signed_for_the_author = path_of(media["url"])
    assert Client().get(signed_for_the_author).status_code == 200
    assert token_client_for(colleague).get(urlsplit(media["url"]).path).status_code == 404
    User.objects.filter(pk=employee.pk).update(is_active=False)
    assert Client().get(signed_for_the_author).status_code == 404
