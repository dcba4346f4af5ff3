"""Playwright on Debian's Chromium (never a downloaded browser), against pytest-django's live server.

One browser per session; each test opens the contexts it needs (desktop 1280 px, phone 360 px,
dark colour scheme) and signs in through the real login form once, then reuses the signed-in
state. Screenshots land in ``test-artifacts/screenshots/``; ``axe_violations`` runs axe-core
(from npm) on the current page and returns its serious or critical violations.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("ESSAIM_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 740}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: `make browsers` installs Debian's Chromium")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def live_pages(request: pytest.FixtureRequest, settings: Any) -> None:
    """Pages open the live stream only in the tests marked ``live_pages``: elsewhere its long requests would
    hold a thread each of the live server, whose threads share one SQLite connection with the test."""
    settings.LIVE_PAGES = request.node.get_closest_marker("live_pages") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(viewport=PHONE, storage_state=..., color_scheme="dark")``: a new page in its own context."""
    contexts: list[Any] = []

    def _open(*, viewport: dict[str, int] = DESKTOP, storage_state: Any = None, color_scheme: str = "light") -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport=viewport,
            storage_state=storage_state,
            color_scheme=color_scheme,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    return open_page()


@pytest.fixture
def phone_page(open_page: Callable[..., Any]) -> Any:
    return open_page(viewport=PHONE)


def screenshot(page: Any, name: str) -> Path:
    """The whole page as ``test-artifacts/screenshots/<name>.png``. Chromium now and then refuses a
    capture ("Unable to capture screenshot") and takes the same one when asked again a moment
    later (a loaded page, on a busy two-core machine): asked once more, for that error only."""
    from playwright.sync_api import Error

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Error as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(250)
        page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (evaluated, not injected: CSP stays on)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => JSON.stringify((await axe.run(document, {resultTypes: ['violations']})).violations)"
    )
    violations: list[dict[str, Any]] = json.loads(result)
    return [v for v in violations if v.get("impact") in {"serious", "critical"}]


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable line per violation and node, for assertion messages."""
    lines = []
    for v in violations:
        for node in v.get("nodes", [])[:5]:
            lines.append(f"{v['id']} ({v['impact']}): {node.get('target')} — {node.get('failureSummary', '')[:200]}")
    return "\n".join(lines)


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return width


def looks_right(page: Any, name: str) -> None:
    """A screenshot to look at, axe-core clean, nothing wider than the viewport."""
    screenshot(page, name)
    assert describe(axe_violations(page)) == ""
    assert horizontal_overflow(page) == 0


def looks_right_on_desktop_and_phone(open_page: Callable[..., Any], page: Any, name: str) -> Any:
    """Desktop screenshot and axe-core; then the same address on a phone, signed in alike: the phone page."""
    screenshot(page, f"{name}-desktop")
    assert describe(axe_violations(page)) == ""
    phone = open_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto(page.url)
    looks_right(phone, f"{name}-phone")
    return phone


def sign_in(page: Any, email: str, password: str) -> None:
    """Through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[type=password]").first.fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
