"""Issue #2 in a real browser: sign in, profile with a photo, directory, follow, language, and every main page
looked at (screenshots at 1280 and 360 px), checked with axe-core and for sideways scrolling on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from essaim.accounts.models import User
from essaim.spaces.services.spaces import space_create
from essaim.stream.services import post_create
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    axe_violations,
    describe,
    horizontal_overflow,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path: Path) -> Path:
    image = Image.new("RGB", (96, 96), (47, 91, 211))
    image.paste((242, 193, 78), (24, 24, 72, 72))
    image.save(path, format="PNG")
    return path


def test_a_person_signs_in_adds_a_photo_finds_and_follows_a_colleague(
    page: Any, tmp_path: Path, employee: User, colleague: User
) -> None:
    sign_in(page, employee.email, PASSWORD)
    assert page.url.endswith("/")
    assert page.locator("details.usermenu").is_visible()

    page.goto(f"/@{employee.handle}")
    page.locator("main").get_by_role("link", name=re.compile("Edit profile|Modifier le profil")).click()
    page.locator("input[type=file][name=photo]").set_input_files(str(_png(tmp_path / "me.png")))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/@{employee.handle}")
    photo = page.locator(".profile__head img.avatar")
    assert photo.is_visible()
    assert "people/photos/" in (photo.get_attribute("src") or "")
    # Loaded (not only present): waited for, as a single check can race the download.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=10_000)
    assert page.locator("header.topbar img.avatar").is_visible()  # the top bar shows the new photo too
    screenshot(page, "profile-with-photo-desktop")

    page.goto("/people/")
    page.locator("#dir-q").fill("eloise")
    page.locator("main form[role=search] button[type=submit]").click()
    results = page.locator("#people-results")
    results.get_by_role("link", name="Éloïse Dupré").click()
    page.wait_for_url(f"**/@{colleague.handle}")

    counts = page.locator(".profile__counts")
    assert re.search(r"\b0\b", counts.inner_text().split("·")[0])
    page.locator(".follow-form button[aria-pressed=false]").click()
    page.locator(".follow-form button[aria-pressed=true]").wait_for()
    page.wait_for_function("/\\b1\\b/.test(document.querySelector('.profile__counts').innerText.split('·')[0])")
    page.reload()
    assert re.search(r"\b1\b", counts.inner_text().split("·")[0])
    assert page.locator(".follow-form button[aria-pressed=true]").is_visible()


def test_the_language_switch_works_before_signing_in(page: Any) -> None:
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Mot de passe").is_visible()  # allauth's own French catalogue
    page.locator("form.langswitch button").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/accounts/login/")
    assert page.get_by_label("Password").is_visible()
    page.locator("form.langswitch button").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.get_by_label("Mot de passe").is_visible()


def test_the_language_switch_turns_the_interface_english_and_back_to_french(page: Any, employee: User) -> None:
    sign_in(page, employee.email, PASSWORD)
    page.goto("/people/")
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.locator("nav.sidenav")
    assert nav.get_by_role("link", name="Accueil").is_visible()  # Django's catalogue already says "Accueil"
    assert "Anglais" in page.locator("form.langswitch button").inner_text()

    with page.expect_response(lambda response: "/accounts/language/" in response.url) as switched:
        page.locator("form.langswitch button").click()
    assert switched.value.status == 302
    page.wait_for_url("**/people/")  # the switch comes back to the same page
    assert page.locator("html").get_attribute("lang") == "en"
    assert nav.get_by_role("link", name="Home").is_visible()
    assert "French" in page.locator("form.langswitch button").inner_text()

    page.locator("form.langswitch button").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert nav.get_by_role("link", name="Accueil").is_visible()


def _main_pages(admin: User, colleague: User) -> dict[str, str]:
    space = space_create(actor=admin, name="Projet Atlas", description="Le projet qui porte le monde.")
    post = post_create(actor=admin, body=f"Bienvenue à @{colleague.handle} dans l'équipe #atlas !")
    return {
        "home": "/",
        "profile": f"/@{colleague.handle}",
        "profile-edit": f"/@{admin.handle}/edit",
        "directory": "/people/",
        "org-chart": f"/@{colleague.handle}/org",
        "settings": "/accounts/settings/",
        "manage": "/manage/",
        "spaces": "/spaces/",
        "space": f"/spaces/{space.slug}/",
        "post": f"/posts/{post.pk}/",
    }


def test_main_pages_are_accessible_look_right_and_fit_a_phone(
    open_page: Callable[..., Any], network_admin: User, colleague: User
) -> None:
    admin = network_admin
    UserFactory.create_batch(3)
    pages = _main_pages(admin, colleague)
    problems: dict[str, str] = {}
    overflow: dict[str, int] = {}

    desktop = open_page(viewport=DESKTOP)
    desktop.goto("/accounts/login/")
    screenshot(desktop, "login-desktop")
    problems["login"] = describe(axe_violations(desktop))
    phone = open_page(viewport=PHONE)
    phone.goto("/accounts/login/")
    screenshot(phone, "login-phone")
    overflow["login"] = horizontal_overflow(phone)

    sign_in(desktop, admin.email, PASSWORD)
    state = desktop.context.storage_state()
    phone = open_page(viewport=PHONE, storage_state=state)
    for name, url in pages.items():
        assert desktop.goto(url).status == 200, url
        screenshot(desktop, f"{name}-desktop")
        problems[name] = describe(axe_violations(desktop))
        assert phone.goto(url).status == 200, url
        screenshot(phone, f"{name}-phone")
        overflow[name] = horizontal_overflow(phone)
    assert phone.locator("nav.bottomnav").is_visible()
    # One set of links for both bars: the phone's keeps the everyday ones.
    assert not phone.locator("nav.bottomnav").get_by_role("link", name="Administration").is_visible()
    assert desktop.locator("nav.sidenav").get_by_role("link", name="Administration").is_visible()

    desktop.goto("/people/")
    desktop.keyboard.press("Tab")
    assert desktop.locator(".skip-link").evaluate(
        "(el) => el === document.activeElement && el.getBoundingClientRect().top >= 0"
    )
    desktop.keyboard.press("Tab")
    ring = desktop.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid"  # keyboard focus is always visible
    assert not phone.locator("nav.sidenav").is_visible()

    dark = open_page(viewport=DESKTOP, storage_state=state, color_scheme="dark")
    dark.goto("/")
    screenshot(dark, "home-desktop-dark")
    problems["home (dark)"] = describe(axe_violations(dark))
    dark.set_viewport_size(PHONE)
    dark.goto(pages["profile"])
    screenshot(dark, "profile-phone-dark")

    report = "\n\n".join(f"## {name}\n{text or 'no serious or critical violation'}" for name, text in problems.items())
    (ARTIFACTS.parent / "axe-report.md").write_text(report, encoding="utf-8")
    assert {name: text for name, text in problems.items() if text} == {}
    assert {name: px for name, px in overflow.items() if px > 0} == {}
