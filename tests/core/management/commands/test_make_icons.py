"""The favicon and touch icons: drawn from the brand mark by ``manage.py make_icons``, committed, linked everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image, ImageChops, ImageStat

from essaim.core.management.commands.make_icons import FOLDER, PNG_ICONS, svg, write_icons


def test_the_committed_icons_are_what_the_command_draws(tmp_path: Path) -> None:
    for drawn in write_icons(tmp_path):
        committed = FOLDER / drawn.name
        assert committed.exists(), f"run manage.py make_icons and commit {committed.name}"
        if drawn.suffix == ".svg":
            assert committed.read_text() == drawn.read_text()
            continue
        ours, theirs = Image.open(committed).convert("RGBA"), Image.open(drawn).convert("RGBA")
        assert ours.size == theirs.size
        difference = ImageStat.Stat(ImageChops.difference(ours, theirs)).mean
        assert max(difference) < 2, f"{committed.name} differs from the mark: run manage.py make_icons"


def test_each_icon_has_its_size_and_apples_has_no_transparent_corner() -> None:
    for name, (size, round_corners) in PNG_ICONS.items():
        image = Image.open(FOLDER / name)
        assert image.size == (size, size)
        corner = image.convert("RGBA").getpixel((0, 0))
        assert isinstance(corner, tuple)
        assert (corner[3] == 0) is round_corners, name
    assert set(Image.open(FOLDER / "favicon.ico").ico.sizes()) == {(16, 16), (32, 32), (48, 48)}  # type: ignore[attr-defined]


def test_the_svg_is_the_top_bars_mark() -> None:
    assert 'fill="#2f5bd3"' in svg()
    assert "M21 16V8" in svg(), "lucide's hexagon, as the top bar's {% icon 'hexagon' %}"


def test_the_manifest_names_existing_icons() -> None:
    manifest = json.loads((FOLDER / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        assert (FOLDER / icon["src"]).exists()


@pytest.mark.django_db
def test_every_page_links_the_icons_and_the_manifest(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    links = dict(re.findall(r'<link rel="([a-z -]+)" href="/static/([^"]+)"', page))
    assert links["icon"] == "essaim/icons/favicon.svg" or "essaim/icons/favicon.svg" in page
    assert links["apple-touch-icon"] == "essaim/icons/apple-touch-icon.png"
    assert links["manifest"] == "essaim/icons/manifest.webmanifest"
    for path in re.findall(r'href="/static/(essaim/icons/[^"]+)"', page):
        assert finders.find(path), path
    assert '<meta name="theme-color" content="#2f5bd3">' in page


@pytest.mark.django_db
def test_favicon_ico_at_the_root_leads_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code in {301, 302}
    assert response["Location"].endswith("/static/essaim/icons/favicon.ico")
