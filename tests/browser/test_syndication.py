"""Atom feeds, link previews and muted sources in a real browser, desktop and phone, French and English:
a post's link card (its image served by Essaim) and its removal by the author; an oEmbed card that comes after
the page was drawn, shown there live; a feed filtered by source, a feed muted from its post's menu and unmuted
from the muted sources' page; the Atom key page. axe-core clean, no sideways scrolling; the screenshots are
looked at."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from essaim.accounts.services import feed_account_create
from essaim.spaces.models import Membership, Space
from essaim.stream import services, tasks
from essaim.stream.models import Post, SourceMute
from essaim.stream.services import ImportedPost
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import looks_right_on_desktop_and_phone, sign_in
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Atlas</title>
<meta property="og:title" content="Projet Atlas : la première fusée réutilisable de l'équipe décolle">
<meta property="og:description" content="Après dix-huit mois d'essais, l'équipe d'ingénierie présente le lanceur
qui divise par trois le coût de chaque mission. Retour sur les étapes clés et les prochains rendez-vous.">
<meta property="og:site_name" content="Le Journal de l'espace">
<meta property="og:image" content="/cover.png"></head><body></body></html>"""


def _cover() -> bytes:
    image = Image.new("RGB", (1200, 630), (32, 72, 160))
    for x in range(0, 1200, 40):
        for y in range(630):
            image.putpixel((x, y), (250, 200, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def site(settings: Any) -> Iterator[LoopbackServer]:
    settings.FETCH_ALLOW = ["127.0.0.1"]
    with LoopbackServer() as server:
        server.route("/atlas", body=PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
        server.route("/cover.png", body=_cover(), headers={"Content-Type": "image/png"})
        yield server


VIDEO_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Vidéo</title>
<link rel="alternate" type="application/json+oembed" href="/oembed.json"></head><body></body></html>"""
OEMBED = {
    "version": "1.0",
    "type": "video",
    "title": "Atlas : le premier vol d'essai filmé depuis la rampe",
    "author_name": "Léa Martin",
    "provider_name": "VidéoThèque",
    "thumbnail_url": "/cover.png",
    "html": '<iframe src="https://embed.example/atlas"></iframe>',
}


@pytest.mark.live_pages
@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_oembed_card_appears_on_the_open_page_when_it_comes(
    open_page: Callable[..., Any], site: LoopbackServer, language: str
) -> None:
    site.route("/video", body=VIDEO_PAGE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    site.route("/oembed.json", body=json.dumps(OEMBED).encode(), headers={"Content-Type": "application/json"})
    author = UserFactory(first_name="Chloé", last_name="Petit", language=language)
    reader = UserFactory(first_name="Éloïse", last_name="Roux", language=language)
    with pytest.MonkeyPatch.context() as later:  # the card's task runs below, once the page is drawn
        later.setattr(services, "_queue_link_preview", lambda *args, **kwargs: None)
        post = services.post_create(actor=author, body=f"Le vol d'essai en vidéo : {site.url('/video')}")
    page = open_page()
    sign_in(page, reader.email, PASSWORD)
    page.goto("/company/")
    page.locator(f"#post-{post.pk}").wait_for()
    assert page.locator(".link-card").count() == 0  # drawn before its card came
    page.wait_for_timeout(500)  # its stream is open
    tasks.fetch_link_preview.call(post_id=post.pk)  # the task, after the page was drawn
    card = page.locator(f"#post-{post.pk} .link-card")
    card.wait_for(timeout=20_000)
    text = card.inner_text()
    assert "VidéoThèque · Léa Martin" in text
    assert "le premier vol d'essai" in text
    assert page.locator("iframe").count() == 0  # the oEmbed's html is never shown
    image = card.locator(".link-card__image")
    image.scroll_into_view_if_needed()
    loaded = "img => img.complete ? img.naturalWidth : new Promise(done => img.onload = () => done(img.naturalWidth))"
    assert image.evaluate(loaded) == 640  # the thumbnail, re-encoded and served by Essaim
    looks_right_on_desktop_and_phone(open_page, page, f"previews-oembed-live-{language}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_link_card_and_its_removal(open_page: Callable[..., Any], site: LoopbackServer, language: str) -> None:
    author = UserFactory(first_name="Chloé", last_name="Petit", language=language)
    post = services.post_create(actor=author, body=f"Une belle réussite pour l'équipe : {site.url('/atlas')}")
    tasks.fetch_link_preview.call(post_id=post.pk)
    page = open_page()
    sign_in(page, author.email, PASSWORD)
    page.goto("/company/")
    card = page.locator(".link-card")
    card.wait_for()
    assert "Le Journal de l'espace" in card.inner_text()
    assert page.locator(".link-card__image").evaluate("img => img.naturalWidth") == 640
    looks_right_on_desktop_and_phone(open_page, page, f"previews-card-{language}")
    card.locator(".link-card__remove button").click()
    page.wait_for_url(f"**/posts/{post.pk}/")
    assert page.locator(".link-card").count() == 0
    assert Post.objects.get(pk=post.pk).link_preview_removed


@pytest.mark.parametrize("language", ["fr", "en"])
def test_filter_mute_and_unmute_a_source(open_page: Callable[..., Any], language: str) -> None:
    space = SpaceFactory(name="Veille marché", slug="veille", visibility=Space.Visibility.PUBLIC)
    reader = UserFactory(first_name="Léa", last_name="Martin", language=language)
    colleague = UserFactory(first_name="Hugo", last_name="Bernard")
    for person in (reader, colleague):
        Membership.objects.create(space=space, user=person, role=Membership.Role.MEMBER)
    feed = feed_account_create(name="Les Échos de l'industrie")
    items = [ImportedPost(body=f"Dépêche {n}", body_html=f"<p>Dépêche n° {n} : les marchés</p>") for n in range(4)]
    services.posts_import_unchecked(author=feed, space=space, items=items)
    services.post_create(actor=colleague, body="Réunion d'équipe jeudi à 10 h, salle Atlas.", space=space)
    page = open_page()
    sign_in(page, reader.email, PASSWORD)
    page.goto("/spaces/veille/?source=people")
    assert page.locator(".post").count() == 1
    looks_right_on_desktop_and_phone(open_page, page, f"sources-filtered-{language}")
    page.goto("/spaces/veille/")
    first = page.locator(".post").filter(has_text="Dépêche n° 3").first
    first.locator(".post__menu summary").click()
    first.locator("form[action='/sources/mute'] button").click()
    page.wait_for_url("**/sources/muted/")
    assert SourceMute.objects.filter(user=reader, author=feed).exists()
    page.goto("/spaces/veille/")
    assert page.locator(".post").filter(has_text="Dépêche").count() == 0
    page.locator(".source-tools form button").click()  # and every automated source of the space
    page.goto("/sources/muted/")
    assert page.locator(".muted-sources__item").count() == 2
    looks_right_on_desktop_and_phone(open_page, page, f"sources-muted-{language}")
    page.locator(".muted-sources__item").first.locator("button").click()
    page.wait_for_url("**/sources/muted/")
    assert page.locator(".muted-sources__item").count() == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_atom_key_page(open_page: Callable[..., Any], language: str) -> None:
    SpaceFactory(name="Veille marché", slug="veille", visibility=Space.Visibility.PUBLIC)
    person = UserFactory(first_name="Léa", last_name="Martin", language=language)
    page = open_page()
    sign_in(page, person.email, PASSWORD)
    page.goto("/spaces/veille/")
    page.locator("a.atom-link").click()
    page.wait_for_url("**/accounts/atom/?for=space*")
    page.locator("button[value=make]").click()
    page.locator("#atom-target").wait_for()
    assert "/spaces/veille.atom" in page.locator("#atom-target").input_value()
    looks_right_on_desktop_and_phone(open_page, page, f"atom-key-{language}")
