"""Content warnings and saved posts in a real browser: a post written behind a warning shows folded (opened with a
click, without a reload), a colleague's post saved from its card without a reload, then found on the Saved posts
page from the account menu — desktop and phone, in French, axe-clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.stream import services
from essaim.stream.models import Bookmark
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import looks_right, looks_right_on_desktop_and_phone, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_warned_post_shows_folded_and_a_saved_post_is_on_the_saved_page(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    services.post_create(actor=colleague, body="Procédure des congés d'été : remplir le formulaire avant le 15 mai.")
    page = open_page()  # fr-FR
    page.set_default_timeout(30_000)  # a loaded two-core machine
    sign_in(page, employee.email, PASSWORD)
    page.goto("/")
    composer = page.locator("form[data-composer]")
    composer.locator("textarea[name=body]").fill("Le taux de réponse est de 62 %, détails dans le rapport.")
    warning = composer.locator("details.composer__cw")
    assert not warning.evaluate("(d) => d.open")  # a small toggle, closed until asked for
    warning.locator("summary").click()
    warning.locator("input[name=spoiler_text]").fill("Résultats de l'enquête interne")
    looks_right(page, "cw-composer-desktop")
    composer.locator("button[type=submit]").click()

    card = page.locator("article.post", has=page.locator("details.cw")).first
    card.wait_for()
    assert "Résultats de l'enquête interne" in card.locator("details.cw > summary").inner_text()
    assert not card.locator(".post__body").is_visible()  # folded until opened
    page.evaluate("() => { window.notReloaded = true; }")
    looks_right(page, "cw-card-folded-desktop")
    card.locator("details.cw > summary").click()
    assert card.locator(".post__body").is_visible()
    assert "62" in card.locator(".post__body").inner_text()

    page.goto("/company/")  # the colleague's post: Léa does not follow her, so it is in the company feed
    page.evaluate("() => { window.notReloaded = true; }")
    theirs = page.locator("article.post", has_text="Procédure des congés").first
    save = theirs.locator("form.bookmark button")
    assert save.get_attribute("aria-pressed") == "false"
    save.click()
    theirs.locator('form.bookmark button[aria-pressed="true"]').wait_for()
    assert page.evaluate("() => window.notReloaded === true")  # htmx swapped the button, no reload
    assert Bookmark.objects.filter(user=employee).count() == 1
    screenshot(page, "cw-saved-button-desktop")

    page.locator("details.usermenu > summary").click()
    page.locator("details.usermenu a[href='/saved/']").click()
    page.wait_for_url("**/saved/")
    assert page.locator("article.post", has_text="Procédure des congés").count() == 1
    assert page.locator("article.post", has_text="62").count() == 0  # only what was saved
    phone = looks_right_on_desktop_and_phone(open_page, page, "saved-posts")
    assert phone.locator("article.post", has_text="Procédure des congés").count() == 1
    phone.set_default_timeout(30_000)
    phone.goto("/company/")
    phone.locator("details.cw").first.wait_for()
    looks_right(phone, "cw-card-folded-phone")

    page.locator('form.bookmark button[aria-pressed="true"]').click()  # unsave from the Saved page
    page.locator('form.bookmark button[aria-pressed="false"]').wait_for()
    assert not Bookmark.objects.exists()
    page.goto("/saved/")
    page.locator(".empty-state").wait_for()
    looks_right(page, "saved-posts-empty-desktop")
