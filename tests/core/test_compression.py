"""Pages and JSON go out gzipped to a browser that accepts it; files, streams and pages showing a secret do not."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.core.compression import compress
from essaim.stream import services
from tests.mailbox.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def signed_in(client: Client, employee: User, colleague: User) -> Client:
    for n in range(5):
        services.post_create(actor=colleague, body=f"Une publication assez longue pour compter, numéro {n}. " * 4)
    client.force_login(employee)
    return client


def test_the_home_page_goes_out_gzipped_and_reads_the_same(signed_in: Client) -> None:
    plain = signed_in.get("/")
    packed = signed_in.get("/", headers=GZIP)
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert html.rstrip().endswith(b"</html>")
    assert abs(len(html) - len(plain.content)) < 200, "the same page (its CSRF token is masked anew each time)"
    assert len(packed.content) < len(html) / 3
    assert int(packed["Content-Length"]) == len(packed.content)


def test_json_too(signed_in: Client) -> None:
    response = signed_in.get("/api/openapi.json", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"


def test_nothing_is_compressed_for_a_client_that_does_not_ask(signed_in: Client) -> None:
    response = signed_in.get("/")
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"], "caches keep the two apart"


def test_the_page_that_shows_a_new_personal_token_is_never_compressed(signed_in: Client) -> None:
    response = signed_in.post("/accounts/tokens/", {"name": "script"}, headers=GZIP)
    assert response.status_code == 201
    assert "Content-Encoding" not in response
    assert "Content-Encoding" not in signed_in.get("/accounts/2fa/", headers=GZIP)


def test_the_outbox_and_its_reset_links_are_never_compressed(client: Client, network_admin: User) -> None:
    link = "http://127.0.0.1:8000/accounts/password/reset/key/1-abc/"
    message = OutboxMessageFactory(
        text=f"Réinitialisez : {link}\n" * 20, html=f'<p><a href="{link}">{link}</a></p>' * 20
    )
    client.force_login(network_admin)
    for address in ("/manage/outbox/", f"/manage/outbox/{message.pk}/", f"/manage/outbox/{message.pk}/html/"):
        response = client.get(address, headers=GZIP)
        assert response.status_code == 200, address
        assert "Content-Encoding" not in response, address


def test_files_are_not_compressed_again(client: Client, settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]  # pytest-django's settings wrapper
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "a.png").write_bytes(b"\x89PNG" + b"\0" * 5000)
    response = client.get("/media/people/a.png", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_each_compressed_body_carries_a_random_padding_against_breach() -> None:
    page = b"<p>Bonjour</p>" * 100
    bodies = [compress(page) for _ in range(20)]
    assert len({len(body) for body in bodies}) > 1
    assert all(gzip.decompress(body) == page for body in bodies)
