"""Link previews against a real HTTP server on loopback (allow-listed): Open Graph, Twitter cards, <title>, the
image re-encoded and served by Essaim, one fetch per address, nothing from a private address, no card and no
error without metadata, the author's "remove", the API's ``card``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import link_previews, services, tasks
from essaim.stream.models import LinkPreview, Post
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db

OG_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Le titre du document</title>
<meta property="og:title" content="Atlas &amp; Cie : la fusée &lt;script&gt;alert(1)&lt;/script&gt;">
<meta property="og:description" content="Une description   sur
plusieurs lignes.">
<meta property="og:site_name" content="Le Journal">
<meta property="og:image" content="/image.jpg">
</head><body><meta property="og:title" content="not this one"><p>Texte</p></body></html>"""


def _jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    Image.new("RGB", (1600, 900), (200, 40, 40)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.route("/article", body=OG_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
        running.route("/image.jpg", body=_jpeg_with_exif(), headers={"Content-Type": "image/jpeg"})
        yield running


@pytest.fixture(autouse=True)
def _allow_loopback(settings: object) -> None:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]  # pytest-django's settings fixture


def _post(author: User, text: str, **fields: object) -> Post:
    post = services.post_create(actor=author, body=text, **fields)  # type: ignore[arg-type]
    tasks.fetch_link_preview.call(post_id=post.pk)
    post.refresh_from_db()
    return post


class TestTheCard:
    def test_open_graph_with_its_image_re_encoded(self, server: LoopbackServer, employee: User) -> None:
        post = _post(employee, f"À lire : {server.url('/article')}")
        card = post.link_preview
        assert card is not None
        assert card.found
        assert card.title == "Atlas & Cie : la fusée <script>alert(1)</script>"
        assert card.description == "Une description sur plusieurs lignes."
        assert card.site_name == "Le Journal"
        assert card.image
        with card.image.open("rb") as stored:
            image = Image.open(stored)
            image.load()
        assert max(image.size) == link_previews.IMAGE_SIDE
        assert 0x010F not in image.getexif()

    def test_shown_escaped_on_the_card_with_the_image_served_by_essaim(
        self, server: LoopbackServer, employee: User, colleague: User, client: Client
    ) -> None:
        post = _post(employee, f"À lire : {server.url('/article')}")
        client.force_login(colleague)
        page = client.get("/company/").content.decode()
        assert "Le Journal" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page
        image_url = f"/link-previews/{post.link_preview_id}/image"
        assert image_url in page
        assert server.url("/image.jpg") not in page  # never hot-linked
        response = client.get(image_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"

    def test_the_image_only_for_readers_of_a_post_that_shows_it(
        self, server: LoopbackServer, employee: User, colleague: User, client: Client
    ) -> None:
        secret = SpaceFactory(visibility=Space.Visibility.SECRET)
        Membership.objects.create(space=secret, user=employee, role=Membership.Role.MEMBER)
        post = _post(employee, server.url("/article"), space=secret)
        client.force_login(colleague)
        assert client.get(f"/link-previews/{post.link_preview_id}/image").status_code == 404
        client.force_login(employee)
        assert client.get(f"/link-previews/{post.link_preview_id}/image").status_code == 200

    def test_a_title_alone_makes_a_card_and_nothing_makes_none(self, server: LoopbackServer, employee: User) -> None:
        server.route("/plain", body=b"<html><head><title> Juste un titre </title></head></html>",
                     headers={"Content-Type": "text/html"})  # fmt: skip
        server.route("/bare", body=b"<html><body>rien</body></html>", headers={"Content-Type": "text/html"})
        server.route("/file.pdf", body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
        server.route("/gone", status=404, body=b"<title>Not found</title>", headers={"Content-Type": "text/html"})
        titled = _post(employee, server.url("/plain"))
        assert titled.link_preview is not None
        assert titled.link_preview.title == "Juste un titre"
        assert not titled.link_preview.image
        for path, error in (("/bare", ""), ("/file.pdf", "not_html"), ("/gone", "http_status")):
            post = _post(employee, server.url(path))
            assert post.link_preview is None, path
            assert LinkPreview.objects.get(url=server.url(path)).error == error

    def test_mentions_tags_and_our_own_pages_are_no_link_to_preview(self, employee: User, settings: object) -> None:
        settings.SITE_URL = "https://essaim.example"  # type: ignore[attr-defined]
        html = (
            '<p><a href="/@lea">@lea</a> <a href="/tags/x">#x</a> <a href="https://essaim.example/posts/1/">ici</a> '
            '<a href="https://news.example/a?b=1&amp;c=2">là</a></p>'
        )
        assert link_previews.first_link(html) == "https://news.example/a?b=1&c=2"
        assert link_previews.first_link("<p>rien</p>") == ""


class TestFetching:
    def test_once_per_address_until_it_expires(self, server: LoopbackServer, employee: User) -> None:
        _post(employee, server.url("/article"))
        _post(employee, f"Encore {server.url('/article')}")
        assert [r.path for r in server.requests].count("/article") == 1
        LinkPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        _post(employee, f"Et encore {server.url('/article')}")
        assert [r.path for r in server.requests].count("/article") == 2
        assert LinkPreview.objects.count() == 1

    def test_never_a_private_address(self, server: LoopbackServer, employee: User, settings: object) -> None:
        settings.FETCH_ALLOW = []  # type: ignore[attr-defined]
        post = _post(employee, server.url("/article"))
        assert post.link_preview is None
        assert server.requests == []
        assert LinkPreview.objects.get().error == "blocked_address"

    def test_a_redirect_to_a_private_address_is_refused(
        self, server: LoopbackServer, employee: User, settings: object
    ) -> None:
        settings.FETCH_ALLOW = ["localhost"]  # type: ignore[attr-defined]  # the name, not the address it redirects to
        server.route("/jump", status=302, headers={"Location": server.url("/article")})
        post = _post(employee, server.url("/jump").replace("127.0.0.1", "localhost"))
        assert post.link_preview is None
        assert "/article" not in [r.path for r in server.requests]

    def test_queued_on_commit_when_the_text_links(
        self, server: LoopbackServer, employee: User, django_capture_on_commit_callbacks: object
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            post = services.post_create(actor=employee, body=f"Voir {server.url('/article')}")
        post.refresh_from_db()
        assert post.link_preview is not None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
            services.post_create(actor=employee, body="Pas de lien ici")
        assert not [c for c in callbacks if "fetch_link_preview" in repr(c)]

    def test_an_edit_without_the_link_drops_the_card(
        self, server: LoopbackServer, employee: User, django_capture_on_commit_callbacks: object
    ) -> None:
        post = _post(employee, server.url("/article"))
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            services.post_edit(actor=employee, post=post, body="Plus de lien")
        post.refresh_from_db()
        assert post.link_preview is None


class TestRemove:
    def test_the_author_removes_it_for_good(self, server: LoopbackServer, employee: User, client: Client) -> None:
        post = _post(employee, server.url("/article"))
        client.force_login(employee)
        assert "Remove the link preview" in client.get(f"/posts/{post.pk}/").content.decode()
        assert client.post(f"/posts/{post.pk}/link-preview/remove").status_code == 302
        post.refresh_from_db()
        assert post.link_preview is None
        assert post.link_preview_removed
        tasks.fetch_link_preview.call(post_id=post.pk)
        post.refresh_from_db()
        assert post.link_preview is None
        assert "Le Journal" not in client.get(f"/posts/{post.pk}/").content.decode()

    def test_nobody_else(self, server: LoopbackServer, employee: User, colleague: User, client: Client) -> None:
        post = _post(employee, server.url("/article"))
        client.force_login(colleague)
        assert "Remove the link preview" not in client.get(f"/posts/{post.pk}/").content.decode()
        assert client.post(f"/posts/{post.pk}/link-preview/remove").status_code == 403
        post.refresh_from_db()
        assert post.link_preview is not None


class TestTheApi:
    def test_the_status_card_in_mastodons_shape(self, server: LoopbackServer, employee: User, client: Client) -> None:
        post = _post(employee, server.url("/article"))
        client.force_login(employee)
        status = json.loads(client.get(f"/api/v1/statuses/{post.pk}").content)
        card = status["card"]
        assert card["url"] == server.url("/article")
        assert card["type"] == "link"
        assert card["provider_name"] == "Le Journal"
        assert card["width"] == 640
        assert card["image"].startswith("http")
        assert "/link-previews/" in card["image"]
        assert "s=" in card["image"]
        client.logout()
        assert Client().get(card["image"]).status_code == 200  # the signed address, without a session
        plain = _post(employee, "Sans lien")
        client.force_login(employee)
        assert json.loads(client.get(f"/api/v1/statuses/{plain.pk}").content)["card"] is None


OEMBED_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Titre de secours</title>
<meta name="description" content="Une vidéo de l'équipe.">
<link rel="alternate" type="text/xml+oembed" href="/oembed.xml">
<link rel="alternate" type="application/json+oembed" href="/oembed.json?url=x" title="oEmbed">
</head><body></body></html>"""
OEMBED_LINK = '<link rel="alternate" type="application/json+oembed" href="/oembed.json">'
OEMBED_JSON = {
    "version": "1.0",
    "type": "video",
    "title": "La démo d'Atlas",
    "author_name": "Léa Martin",
    "provider_name": "VidéoThèque",
    "thumbnail_url": "/thumb.jpg",
    "html": '<iframe src="https://evil.example/embed"></iframe><script>alert(1)</script>',
}


@pytest.fixture
def oembed_server(server: LoopbackServer) -> LoopbackServer:
    server.route("/video", body=OEMBED_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    server.route("/oembed.json", body=json.dumps(OEMBED_JSON).encode(), headers={"Content-Type": "application/json"})
    server.route("/thumb.jpg", body=_jpeg_with_exif(), headers={"Content-Type": "image/jpeg"})
    return server


class TestOEmbed:
    def test_fills_what_the_page_lacks_with_the_thumbnail_re_encoded(
        self, oembed_server: LoopbackServer, employee: User
    ) -> None:
        card = _post(employee, oembed_server.url("/video")).link_preview
        assert card is not None
        assert (card.title, card.author_name, card.site_name) == ("La démo d'Atlas", "Léa Martin", "VidéoThèque")
        assert card.description == "Une vidéo de l'équipe."
        with card.image.open("rb") as stored:
            image = Image.open(stored)
            image.load()
        assert max(image.size) == link_previews.IMAGE_SIDE
        assert 0x010F not in image.getexif()
        paths = [r.path for r in oembed_server.requests]
        assert "/oembed.json?url=x" in paths
        assert "/oembed.xml" not in paths  # JSON only

    def test_its_html_is_never_shown(
        self, oembed_server: LoopbackServer, employee: User, colleague: User, client: Client
    ) -> None:
        post = _post(employee, oembed_server.url("/video"))
        client.force_login(colleague)
        page = client.get(f"/posts/{post.pk}/").content.decode()
        assert "La démo d&#x27;Atlas" in page
        assert "Léa Martin" in page
        assert "evil.example" not in page
        assert "<iframe" not in page
        card = json.loads(client.get(f"/api/v1/statuses/{post.pk}").content)["card"]
        assert card["html"] == ""
        assert card["author_name"] == "Léa Martin"
        assert card["provider_name"] == "VidéoThèque"

    def test_open_graph_comes_first_and_a_complete_page_asks_nothing_more(
        self, oembed_server: LoopbackServer, employee: User
    ) -> None:
        full = OG_PAGE.replace("</head>", f'<meta name="author" content="La rédaction">{OEMBED_LINK}</head>')
        oembed_server.route("/full", body=full.encode(), headers={"Content-Type": "text/html"})
        card = _post(employee, oembed_server.url("/full")).link_preview
        assert card is not None
        assert (card.site_name, card.author_name) == ("Le Journal", "La rédaction")
        assert not [r for r in oembed_server.requests if r.path.startswith("/oembed")]
        partial = OG_PAGE.replace('<meta property="og:image" content="/image.jpg">', OEMBED_LINK)
        oembed_server.route("/partial", body=partial.encode(), headers={"Content-Type": "text/html"})
        card = _post(employee, oembed_server.url("/partial")).link_preview
        assert card is not None
        assert card.title.startswith("Atlas & Cie")  # the page's own title first
        assert card.site_name == "Le Journal"
        assert card.author_name == "Léa Martin"  # what it lacked
        assert card.image  # the oEmbed thumbnail

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (b'<?xml version="1.0"?><oembed><title>XML</title></oembed>', "text/xml"),
            (b"[1, 2]", "application/json"),
            (b"{pas du json", "application/json"),
            (b'{"title": "' + b"x" * 70_000 + b'"}', "application/json"),  # past the 64 kB cap
        ],
    )
    def test_a_document_that_is_not_json_or_too_large_is_ignored(
        self, oembed_server: LoopbackServer, employee: User, body: bytes, content_type: str
    ) -> None:
        oembed_server.route("/oembed.json", body=body, headers={"Content-Type": content_type})
        card = _post(employee, oembed_server.url("/video")).link_preview
        assert card is not None
        assert (card.title, card.author_name, bool(card.image)) == ("Titre de secours", "", False)

    def test_never_from_a_private_address(
        self, oembed_server: LoopbackServer, employee: User, settings: object
    ) -> None:
        settings.FETCH_ALLOW = ["localhost"]  # type: ignore[attr-defined]  # the page's name, not the address below
        page = OEMBED_PAGE.replace("/oembed.json?url=x", oembed_server.url("/oembed.json"))
        oembed_server.route("/private", body=page.encode(), headers={"Content-Type": "text/html"})
        card = _post(employee, oembed_server.url("/private").replace("127.0.0.1", "localhost")).link_preview
        assert card is not None
        assert card.title == "Titre de secours"
        assert "/oembed.json" not in [r.path for r in oembed_server.requests]


class TestLive:
    def test_a_card_that_comes_after_the_post_redraws_it_on_open_pages(
        self,
        server: LoopbackServer,
        employee: User,
        monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: object,
    ) -> None:
        from essaim.realtime import consumers

        told: list[tuple[str, dict[str, object]]] = []
        monkeypatch.setattr(consumers, "publish", lambda kind, **about: told.append((kind, about["data"])))
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            post = services.post_create(actor=employee, body=f"Voir {server.url('/article')}")
        assert ("post-edited", {"post": str(post.pk)}) in told  # the task ran on commit: the card came
        told.clear()
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            tasks.fetch_link_preview.call(post_id=post.pk)  # the same card again: nothing to redraw
        assert told == []
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            services.post_link_preview_remove(actor=employee, post=Post.objects.get(pk=post.pk))
        assert told == [("post-edited", {"post": str(post.pk)})]
