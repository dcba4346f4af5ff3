"""What the live script finds on the pages and fetches from them: the feed a page shows, the new posts
since the newest on the page, one post's card, the bell."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from essaim.accounts.models import User
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from tests.spaces.factories import MembershipFactory, SpaceFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def reader(colleague: User) -> Client:
    client = Client()
    client.force_login(colleague)
    return client


@pytest.mark.parametrize(("path", "feed"), [("/", "home"), ("/company/", "company"), ("/tags/rentree/", "tag:rentree")])
def test_a_feed_page_says_which_feed_it_shows(reader: Client, path: str, feed: str, employee: User) -> None:
    stream_services.post_create(actor=employee, body="#rentree")
    html = reader.get(path).content.decode()
    assert f'data-live-feed="{feed}"' in html
    assert 'id="live-texts"' in html
    assert "/live/events" in html


def test_a_space_page_and_a_post_page_say_so_too(reader: Client, colleague: User, employee: User) -> None:
    space = SpaceFactory(visibility=Space.Visibility.PUBLIC)
    MembershipFactory(space=space, user=colleague)
    post = stream_services.post_create(actor=employee, body="Bonjour")
    assert f'data-live-feed="space:{space.pk}"' in reader.get(space.get_absolute_url()).content.decode()
    assert f'data-live-feed="post:{post.pk}"' in reader.get(f"/posts/{post.pk}/").content.decode()


def test_a_signed_out_page_has_no_live_updates(client: Client, db: None) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "live-texts" not in html
    assert "data-live-feed" not in html


def test_the_new_posts_are_those_after_the_newest_on_the_page(reader: Client, employee: User) -> None:
    older = stream_services.post_create(actor=employee, body="Avant")
    newer = stream_services.post_create(actor=employee, body="Après")
    html = reader.get(f"/company/?since_id={older.pk}", headers=HTMX).content.decode()
    assert f'id="post-{newer.pk}"' in html
    assert f'id="post-{older.pk}"' not in html
    assert "<html" not in html  # the cards alone


def test_a_spaces_new_posts_too(reader: Client, colleague: User) -> None:
    space = SpaceFactory(visibility=Space.Visibility.PUBLIC)
    MembershipFactory(space=space, user=colleague)
    older = stream_services.post_create(actor=colleague, body="Avant", space=space)
    newer = stream_services.post_create(actor=colleague, body="Après", space=space)
    html = reader.get(f"{space.get_absolute_url()}?since_id={older.pk}", headers=HTMX).content.decode()
    assert f'id="post-{newer.pk}"' in html
    assert f'id="post-{older.pk}"' not in html
    assert "<html" not in html


def test_a_card_is_drawn_for_its_readers_only(reader: Client, employee: User) -> None:
    public = stream_services.post_create(actor=employee, body="Pour tous")
    secret_space = SpaceFactory(visibility=Space.Visibility.SECRET)
    MembershipFactory(space=secret_space, user=employee)
    secret = stream_services.post_create(actor=employee, body="Entre nous", space=secret_space)
    card = reader.get(f"/posts/{public.pk}/card", headers=HTMX)
    assert card.status_code == 200
    assert card.content.decode().lstrip().startswith("<article")
    assert "Pour tous" in card.content.decode()
    assert reader.get(f"/posts/{secret.pk}/card", headers=HTMX).status_code == 404


def test_the_bell_alone_with_its_count(reader: Client, employee: User, drain_outbox: object) -> None:
    stream_services.post_create(actor=employee, body="Merci @eloise.dupre")
    drain_outbox()  # type: ignore[operator]
    html = reader.get("/notifications/bell/", headers=HTMX).content.decode()
    assert html.startswith('<details class="bell"')
    assert 'bell__count" aria-hidden="true">1<' in html


def test_a_guest_page_is_live_too(employee: User) -> None:
    from tests.accounts.factories import GuestFactory

    guest = Client()
    guest.force_login(GuestFactory())
    assert 'data-live-feed="home"' in guest.get("/").content.decode()


def test_live_pages_turned_off_open_no_stream(reader: Client, settings: Any) -> None:
    settings.LIVE_PAGES = False
    assert "live-texts" not in reader.get("/").content.decode()
