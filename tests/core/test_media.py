"""``/media/``: profile photos, space images and the logo served by Essaim itself with debug off, safely.

Django's test client runs with DEBUG off, as production does.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.http import http_date
from PIL import Image

from essaim.accounts.models import User
from essaim.stream import services
from essaim.stream.models import attachment_storage
from tests.stream.factories import image_upload


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (47, 91, 211)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def media_root(settings: object, tmp_path: Path) -> Path:
    root = tmp_path / "data" / "media"
    settings.MEDIA_ROOT = root  # type: ignore[attr-defined]  # pytest-django's settings wrapper
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    return root


def put(root: Path, name: str, content: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.django_db
class TestPublicImages:
    def test_a_profile_photo_is_served_with_its_type_caching_and_nosniff(
        self, client: Client, media_root: Path
    ) -> None:
        content = jpeg()
        path = put(media_root, "people/photos/7/3f2a.jpg", content)
        response = client.get("/media/people/photos/7/3f2a.jpg")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Length"] == str(len(content))
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "max-age=" in response["Cache-Control"]
        assert response["Last-Modified"] == http_date(path.stat().st_mtime)
        assert "Content-Encoding" not in response, "images are not compressed again"

    def test_space_images_and_the_network_logo_too(self, client: Client, media_root: Path) -> None:
        put(media_root, "spaces/projet-atlas/avatar-1a2b.png", b"\x89PNG...")
        put(media_root, "network/logo.webp", b"RIFF....WEBP")
        assert client.get("/media/spaces/projet-atlas/avatar-1a2b.png")["Content-Type"] == "image/png"
        assert client.get("/media/network/logo.webp")["Content-Type"] == "image/webp"

    def test_a_browser_that_has_it_gets_not_modified(self, client: Client, media_root: Path) -> None:
        path = put(media_root, "people/photos/7/3f2a.jpg", jpeg())
        response = client.get(
            "/media/people/photos/7/3f2a.jpg", headers={"if-modified-since": http_date(path.stat().st_mtime)}
        )
        assert response.status_code == 304

    def test_head_answers_the_headers_alone(self, client: Client, media_root: Path) -> None:
        content = jpeg()
        put(media_root, "people/photos/7/3f2a.jpg", content)
        response = client.head("/media/people/photos/7/3f2a.jpg")
        assert response.status_code == 200
        assert response["Content-Length"] == str(len(content))
        assert response.content == b""

    def test_serving_a_photo_reads_nothing_from_the_database(
        self, client: Client, employee: User, media_root: Path, django_assert_num_queries: object
    ) -> None:
        put(media_root, "people/photos/7/3f2a.jpg", jpeg())
        client.force_login(employee)
        with django_assert_num_queries(0):  # type: ignore[operator]  # pytest-django's fixture is callable
            assert client.get("/media/people/photos/7/3f2a.jpg").status_code == 200

    def test_a_missing_file_gets_essaims_not_found_page(self, client: Client, media_root: Path) -> None:
        response = client.get("/media/people/photos/7/missing.jpg")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_it_can_be_left_to_the_reverse_proxy(self, client: Client, media_root: Path, settings: object) -> None:
        put(media_root, "people/photos/7/3f2a.jpg", jpeg())
        settings.SERVE_MEDIA = False  # type: ignore[attr-defined]
        assert Client().get("/media/people/photos/7/3f2a.jpg").status_code == 404


@pytest.mark.django_db
class TestNothingElse:
    @pytest.mark.parametrize(
        "url",
        [
            "/media/../private/stream/secret.jpg",
            "/media/people/../../private/stream/secret.jpg",
            "/media/people/%2e%2e/%2e%2e/private/stream/secret.jpg",
            "/media/people/..%2F..%2Fprivate/stream/secret.jpg",
            "/media/people//etc/passwd.jpg",
            "/media/people/photos/7/.hidden.jpg",
        ],
    )
    def test_no_path_leaves_the_public_folders(self, client: Client, media_root: Path, url: str) -> None:
        put(media_root.parent, "private/stream/secret.jpg", jpeg())
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("name", ["people/page.html", "people/drawing.svg", "people/notes.txt", "people/x"])
    def test_only_images_are_served_never_a_page_or_a_script(self, client: Client, media_root: Path, name: str) -> None:
        put(media_root, name, b"<script>alert(1)</script>")
        assert client.get(f"/media/{name}").status_code == 404

    def test_a_folder_outside_the_public_ones_is_not_served(self, client: Client, media_root: Path) -> None:
        put(media_root, "exports/people.jpg", jpeg())
        assert client.get("/media/exports/people.jpg").status_code == 404

    def test_a_link_out_of_the_media_folder_is_not_followed(self, client: Client, media_root: Path) -> None:
        secret = put(media_root.parent, "private/stream/secret.jpg", jpeg())
        (media_root / "people").mkdir(parents=True)
        (media_root / "people" / "link.jpg").symlink_to(secret)
        assert client.get("/media/people/link.jpg").status_code == 404

    def test_post_attachments_are_stored_outside_and_never_reached_through_media(
        self, client: Client, employee: User
    ) -> None:
        attachment = services.media_upload(actor=employee, upload=image_upload("contrat.jpg"))
        location = Path(attachment.file.storage.location).resolve()
        assert location == Path(attachment_storage().location).resolve()
        assert not location.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert (location / attachment.file.name).exists()
        client.force_login(employee)
        assert client.get(f"/media/{attachment.file.name}").status_code == 404
        assert client.get(f"/media/../private/{attachment.file.name}").status_code == 404
