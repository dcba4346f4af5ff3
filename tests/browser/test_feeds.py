"""Feeds in a real browser: a space's administrator follows a feed served on loopback from the space's
settings, sees its health, and the feed's items in the space marked as a feed's; a network administrator
reads every feed at /manage/feeds/. Desktop and phone, French and English, axe-core clean, no sideways
scrolling; the screenshots are looked at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.feeds.models import Feed
from essaim.spaces.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import looks_right_on_desktop_and_phone, sign_in
from tests.core.loopback import LoopbackServer
from tests.feeds import samples
from tests.spaces.factories import SpaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def feed_server(settings: Any) -> Iterator[LoopbackServer]:
    settings.FETCH_ALLOW = ["127.0.0.1"]
    with LoopbackServer() as server:
        server.route("/news.xml", body=samples.rss2(3), headers={"Content-Type": "application/rss+xml"})
        yield server


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_space_admin_follows_a_feed_and_its_items_appear_marked_as_a_feed(
    open_page: Callable[..., Any], feed_server: LoopbackServer, language: str
) -> None:
    space = SpaceFactory(name="Veille marché", slug="veille")
    admin = member(space, Membership.Role.ADMIN, first_name="Chloé", last_name="Petit", language=language).user
    page = open_page()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/spaces/veille/settings/")
    page.locator("a[href='/spaces/veille/settings/feeds/']").click()
    page.wait_for_url("**/settings/feeds/")
    page.locator("#id_url").fill(feed_server.url("/news.xml"))
    page.locator("#id_keywords").fill("")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/settings/feeds/")
    page.locator("#feed-" + str(Feed.objects.get().pk)).wait_for()
    assert page.locator(".feed-health .badge--ok").count() == 1
    assert "Industry news" in page.locator(".feed-card h3").inner_text()
    looks_right_on_desktop_and_phone(open_page, page, f"feeds-space-settings-{language}")

    page.goto("/spaces/veille/")
    page.locator(".badge--feed").first.wait_for()
    assert page.locator(".post").filter(has_text="Article 3").count() == 1
    looks_right_on_desktop_and_phone(open_page, page, f"feeds-space-posts-{language}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_network_admin_sees_every_feed_and_its_health(open_page: Callable[..., Any], language: str) -> None:
    from essaim.accounts.services import feed_account_create

    admin: User = UserFactory(is_network_admin=True, language=language)
    for name, url, error in [
        ("Veille marché", "https://news.example.com/rss.xml", ""),
        ("Projet Orion", "https://ci.example.com/builds.atom", "timeout"),
    ]:
        space = SpaceFactory(name=name)
        Feed.objects.create(
            space=space,
            url=url,
            title=f"{name} news",
            account=feed_account_create(name=name),
            last_error=error,
            failures=2 if error else 0,
            items_imported=0 if error else 42,
        )
    page = open_page()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/manage/")
    page.locator("a[href='/manage/feeds/']").click()
    page.wait_for_url("**/manage/feeds/")
    assert page.locator(".feeds-table tbody tr").count() == 2
    assert page.locator(".badge--warning").count() == 1
    looks_right_on_desktop_and_phone(open_page, page, f"feeds-manage-{language}")
