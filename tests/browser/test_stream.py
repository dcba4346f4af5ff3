"""Issue #3 in a real browser: a post with a mention, a tag and an image reaches the mentioned colleague,
who comments, reacts and follows the tag."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from essaim.accounts.models import User
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE, axe_violations, describe, horizontal_overflow, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Bonjour @eloise.dupre, le **#lancement** d'Atlas est prêt !"


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (320, 200), (14, 112, 144))
    image.paste((242, 193, 78), (120, 60, 200, 140))
    image.save(path, format="PNG")
    return path


def _loaded(page: Any, image: Any, timeout_ms: int = 10_000) -> bool:
    """Whether the image has loaded (decoded, with a width) within ``timeout_ms``.

    Checking once right after the post appears raced the thumbnail's download (seen once in CI).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=timeout_ms
        )
    except PlaywrightTimeout:
        return False
    return True


def test_a_post_with_a_mention_a_tag_and_an_image_reaches_the_mentioned_colleague(
    open_page: Callable[..., Any], tmp_path: Path, employee: User, colleague: User
) -> None:
    author = open_page()
    sign_in(author, employee.email, PASSWORD)
    composer = author.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill(BODY)
    composer.locator("input[type=file]").set_input_files(str(_photo(tmp_path / "atlas.png")))
    composer.locator("input[name=image_description]").fill("Le logo d'Atlas, jaune sur bleu")
    composer.locator("button[type=submit]").click()
    post = author.locator("article.post", has_text="est prêt").first
    post.wait_for()
    assert post.locator(".post__body a.mention").inner_text() == "@eloise.dupre"
    assert post.locator(".post__body a.hashtag").inner_text() == "#lancement"
    image = post.get_by_role("img", name="Le logo d'Atlas, jaune sur bleu")
    assert _loaded(author, image)
    screenshot(author, "stream-author-desktop")

    reader = open_page()
    sign_in(reader, colleague.email, PASSWORD)
    post = reader.locator("article.post", has_text="est prêt")
    assert post.locator(".person__name").inner_text() == "Léa Martin"
    assert _loaded(reader, post.get_by_role("img", name="Le logo d'Atlas, jaune sur bleu"))

    post.locator(".comment-form textarea").fill("Bravo à toute l'équipe !")
    post.locator(".comment-form button[type=submit]").click()
    reader.wait_for_url(re.compile(r"/posts/\d+/#comment-\d+$"))
    assert reader.locator(".comment", has_text="Bravo à toute l'équipe !").is_visible()

    like = reader.locator(".reactions button[value='👍']")
    assert like.get_attribute("aria-pressed") == "false"
    like.click()
    reader.locator(".reactions button[value='👍'][aria-pressed=true]").wait_for()
    assert reader.locator(".reactions button[value='👍'] .reaction__count").inner_text() == "1"
    screenshot(reader, "post-detail-desktop")
    assert describe(axe_violations(reader)) == ""

    reader.locator(".reactions__who").click()
    reader.wait_for_url(re.compile(r"/posts/\d+/reactions$"))
    assert reader.locator(".reactors .person", has_text="Éloïse Dupré").is_visible()
    screenshot(reader, "reactors-desktop")
    assert describe(axe_violations(reader)) == ""
    reader.go_back()

    reader.locator(".post__body a.hashtag").click()
    reader.wait_for_url("**/tags/lancement/")
    reader.locator("form.tag-follow button[aria-pressed=false]").click()
    reader.locator("form.tag-follow button[aria-pressed=true]").wait_for()
    reader.reload()
    assert reader.locator("form.tag-follow button[aria-pressed=true]").is_visible()
    assert reader.locator("article.post", has_text="est prêt").is_visible()
    screenshot(reader, "tag-desktop")

    phone = open_page(viewport=PHONE, storage_state=reader.context.storage_state())
    phone.goto("/")
    phone_post = phone.locator("article.post", has_text="est prêt")
    assert phone_post.locator(".comment", has_text="Bravo").is_visible()
    screenshot(phone, "stream-reader-phone")
    assert horizontal_overflow(phone) == 0


def test_a_signed_in_reader_switches_the_tag_page_to_english(page: Any, colleague: User) -> None:
    from essaim.stream.services import post_create

    post_create(actor=colleague, body="Le #lancement approche.")
    sign_in(page, colleague.email, PASSWORD)
    page.goto("/tags/lancement/")
    assert page.locator("html").get_attribute("lang") == "fr"
    with page.expect_response(lambda response: "/accounts/language/" in response.url) as switched:
        page.locator("form.langswitch button").click()
    assert switched.value.status == 302
    page.wait_for_url("**/tags/lancement/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Follow this tag").is_visible()
    assert page.locator("nav.sidenav").get_by_role("link", name="Home").is_visible()
