from __future__ import annotations

import pytest
from django.test import Client

from essaim.feeds.models import Feed
from tests.accounts.factories import AdminFactory
from tests.feeds.conftest import make_feed

pytestmark = pytest.mark.django_db


def test_the_space_feeds_page_shows_health_in_words(client: Client, space, space_admin) -> None:
    make_feed(space, "https://news.example.com/rss", title="Industry news", last_error="timeout", failures=3)
    client.force_login(space_admin)
    page = client.get("/spaces/veille/settings/feeds/").content.decode()
    assert "Industry news" in page
    assert "The server took too long to answer." in page
    assert "(3 times in a row)" in page


def test_a_bad_address_keeps_what_was_typed_with_a_message(client: Client, space, space_admin) -> None:
    client.force_login(space_admin)
    response = client.post(
        "/spaces/veille/settings/feeds/", {"url": "ftp://x", "keywords": "ia, climat", "every": "60", "show": "title"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="ia, climat"' in page
    assert "Enter a valid URL." in page or "https://" in page
    assert not Feed.objects.exists()


def test_the_space_settings_link_to_the_feeds(client: Client, space, space_admin) -> None:
    client.force_login(space_admin)
    assert "/spaces/veille/settings/feeds/" in client.get("/spaces/veille/settings/").content.decode()


def test_the_network_list_shows_every_feed_in_one_query_set(client: Client, space, django_assert_max_num_queries):
    for n in range(5):
        make_feed(space, f"https://news.example.com/{n}", last_error="dns" if n == 2 else "")
    client.force_login(AdminFactory())
    client.get("/manage/feeds/")
    with django_assert_max_num_queries(12):
        page = client.get("/manage/feeds/").content.decode()
    assert page.count("https://news.example.com/") == 5
    assert "The server name could not be found." in page


def test_a_feed_post_is_marked_as_a_feed(client: Client, space, space_admin) -> None:
    from essaim.feeds import importing

    feed = make_feed(space, "https://news.example.com/rss")
    entry = importing.Entry("k", "Hello", "https://news.example.com/1", "<p>Sum</p>", "Sum", "")
    importing.import_entries(feed, [entry])
    client.force_login(space_admin)
    page = client.get("/spaces/veille/").content.decode()
    assert "badge--feed" in page
    assert "Hello" in page
    assert f"/@{feed.account.handle}" not in page  # a feed's identity has no profile page to link to
