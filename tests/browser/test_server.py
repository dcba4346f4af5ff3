"""Issue 17 in a real browser: Essaim's own error pages in French and English, the icons, and axe's
moderate findings on the home and post pages (a page's ``h1``, named landmarks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.stream.services import comment_create, post_create
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import AXE, PHONE, axe_violations, describe, horizontal_overflow, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core rules whose findings are only "moderate" but which a screen-reader user meets at once.
STRUCTURE_RULES = ["page-has-heading-one", "landmark-unique", "landmark-one-main", "region", "heading-order"]


def axe_findings(page: Any, rules: list[str]) -> list[dict[str, Any]]:
    """Every violation of ``rules``, whatever its impact (axe_violations keeps serious and critical)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (rules) => JSON.stringify((await axe.run(document, "
        "{runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})).violations)",
        rules,
    )
    findings: list[dict[str, Any]] = json.loads(result)
    return findings


@pytest.mark.parametrize(
    ("locale", "title", "back"),
    [("fr-FR", "Page introuvable", "Retour à l’accueil"), ("en-GB", "Page not found", "Back to home")],
)
def test_an_unknown_address_shows_essaims_page_in_the_browsers_language(
    browser: Any, live_server: Any, locale: str, title: str, back: str
) -> None:
    for viewport, device in ((None, "desktop"), (PHONE, "phone")):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, **({"viewport": viewport} if viewport else {})
        )
        try:
            page = context.new_page()
            response = page.goto("/nulle-part/")
            assert response.status == 404
            assert page.locator("h1").inner_text() == title
            assert page.get_by_role("link", name=back).is_visible()
            assert "URLconf" not in page.content()
            screenshot(page, f"error-404-{locale[:2]}-{device}")
            assert describe(axe_violations(page)) == ""
            assert horizontal_overflow(page) == 0
        finally:
            context.close()


@pytest.mark.urls("tests.core.test_views")  # a view that crashes
@pytest.mark.parametrize(("locale", "title"), [("fr-FR", "Un problème est survenu"), ("en-GB", "Something went wrong")])
def test_a_crash_shows_a_calm_page_in_the_browsers_language(
    browser: Any, live_server: Any, locale: str, title: str
) -> None:
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=PHONE)
    try:
        page = context.new_page()
        assert page.goto("/boom/").status == 500
        assert page.locator("h1").inner_text() == title
        assert "Traceback" not in page.content()
        screenshot(page, f"error-500-{locale[:2]}-phone")
        assert describe(axe_violations(page)) == ""
    finally:
        context.close()


def test_a_signed_in_person_gets_the_not_found_page_within_essaim(
    open_page: Callable[..., Any], employee: User
) -> None:
    page = open_page()
    sign_in(page, employee.email, PASSWORD)
    assert page.goto("/posts/999999999/").status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.locator("nav.sidenav").is_visible(), "the person can go on from there"
    screenshot(page, "error-404-signed-in-desktop")


def test_the_icons_load_and_look_right(page: Any) -> None:
    page.goto("/accounts/login/")
    for selector, kind in (
        ("link[rel=icon][type='image/svg+xml']", "image/svg+xml"),
        ("link[rel=apple-touch-icon]", "image/png"),
        ("link[rel=manifest]", "application/manifest+json"),
    ):
        href = page.locator(selector).get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith(kind), (href, response.headers["content-type"])
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200
    assert favicon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    # How the icons look: the SVG at tab size and large, and the touch icons.
    icons = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    touch = page.locator("link[rel=apple-touch-icon]").get_attribute("href")
    page.set_content(
        f'<body style="background:#ddd;display:flex;gap:16px;align-items:end;padding:16px">'
        f'<img src="{icons}" width="16"><img src="{icons}" width="32"><img src="{icons}" width="128">'
        f'<img src="{touch}"><img src="{icons.replace("favicon.svg", "icon-192.png")}"></body>'
    )
    page.wait_for_function("[...document.images].every((img) => img.complete && img.naturalWidth > 0)")
    screenshot(page, "icons")


def test_the_home_and_post_pages_have_a_heading_one_and_named_landmarks(
    open_page: Callable[..., Any], employee: User, colleague: User
) -> None:
    post = post_create(actor=colleague, body=f"Bienvenue @{employee.handle} ! On se voit au #lancement.")
    comment_create(actor=employee, post=post, body="Merci, à tout à l’heure !")
    findings = {}
    for viewport, device in ((None, "desktop"), (PHONE, "phone")):
        page = open_page(**({"viewport": viewport} if viewport else {}))
        sign_in(page, employee.email, PASSWORD)
        for name, url in (("home", "/"), ("post", f"/posts/{post.pk}/"), ("directory", "/people/?q=lea")):
            page.goto(url)
            findings[f"{name} ({device})"] = describe(axe_findings(page, STRUCTURE_RULES))
        assert page.goto(f"/posts/{post.pk}/").status == 200
        screenshot(page, f"post-with-heading-{device}")
    assert {name: text for name, text in findings.items() if text} == {}
    assert page.locator("h1").count() == 1
