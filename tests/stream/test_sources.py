"""Less noise: filtering every feed by source and muting sources, in the feeds' SQL (pages are never short)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from essaim.accounts.models import User
from essaim.accounts.services import feed_account_create
from essaim.core.pagination import Cursor
from essaim.spaces.models import Membership, Space
from essaim.stream import selectors, services
from essaim.stream.models import SourceMute
from essaim.stream.services import ImportedPost
from essaim.stream.sources import EVERY_SOURCE, SourceFilter, parse_source
from essaim.stream.space_feeds import feed_space
from essaim.syndication import services as atom_services
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, reader: User) -> None:
        self.reader = reader
        self.space = SpaceFactory(slug="veille", visibility=Space.Visibility.PUBLIC)
        self.other = SpaceFactory(slug="autre", visibility=Space.Visibility.PUBLIC)
        for space in (self.space, self.other):
            Membership.objects.create(space=space, user=reader, role=Membership.Role.MEMBER)
        self.person = UserFactory(first_name="Zoé")
        Membership.objects.create(space=self.space, user=self.person, role=Membership.Role.MEMBER)
        self.feed = feed_account_create(name="Les Échos")
        self.bot = UserFactory(kind=User.Kind.BOT, first_name="CI", last_name="(webhook)", handle="webhook-ci")
        for space in (self.space, self.other):
            Membership.objects.create(space=space, user=self.bot, role=Membership.Role.MEMBER)
        # Thirty feed items first, then one post of each other source: a page of 20 must not come out short.
        items = [ImportedPost(body=f"Dépêche {n}", body_html=f"<p>Dépêche {n}</p>") for n in range(30)]
        services.posts_import_unchecked(author=self.feed, space=self.space, items=items)
        services.post_create(actor=self.person, body="Une personne parle", space=self.space)
        services.post_create(actor=self.bot, body="Build vert #ci", space=self.space)
        services.post_create(actor=self.bot, body="Build ailleurs #ci", space=self.other)


@pytest.fixture
def world(employee: User) -> World:
    return World(employee)


def _home(world: World, source: SourceFilter = EVERY_SOURCE) -> list[str]:
    _pinned, page = selectors.feed_home(actor=world.reader, cursor=Cursor(limit=20), source=source)
    return [p.body for p in page.items]


def _space(world: World, source: SourceFilter = EVERY_SOURCE) -> list[str]:
    return [p.body for p in feed_space(actor=world.reader, space=world.space, cursor=Cursor(), source=source).items]


class TestFilter:
    def test_each_kind_of_source(self, world: World) -> None:
        assert _home(world, parse_source("people")) == ["Une personne parle"]
        assert _home(world, parse_source("integrations")) == ["Build ailleurs #ci", "Build vert #ci"]
        feeds = _home(world, parse_source("feeds"))
        assert len(feeds) == 20
        assert all(b.startswith("Dépêche") for b in feeds)
        assert _space(world, parse_source("people")) == ["Une personne parle"]
        assert _space(world, parse_source("integrations")) == ["Build vert #ci"]

    def test_one_automated_source(self, world: World) -> None:
        assert _home(world, parse_source(f"@{world.bot.handle}")) == ["Build ailleurs #ci", "Build vert #ci"]
        assert len(_space(world, parse_source(f"@{world.feed.handle}"))) == 20

    def test_a_person_or_nonsense_is_refused_with_a_message(self, world: World) -> None:
        with pytest.raises(ValidationError, match="No feed or integration"):
            parse_source(f"@{world.person.handle}")
        with pytest.raises(ValidationError, match="Show posts by people"):
            parse_source("everything")

    def test_the_orm_feeds_too(self, world: World) -> None:
        tag = selectors.tag_get_for(actor=world.reader, name="ci")
        page = selectors.feed_tag(actor=world.reader, tag=tag, cursor=Cursor(), source=parse_source("people"))
        assert page.items == []
        page = selectors.feed_tag(actor=world.reader, tag=tag, cursor=Cursor(), source=parse_source("integrations"))
        assert len(page.items) == 2


class TestMute:
    def test_a_muted_feed_leaves_full_pages_of_the_others(self, world: World) -> None:
        services.source_mute(actor=world.reader, author=world.feed)
        assert _home(world) == ["Build ailleurs #ci", "Build vert #ci", "Une personne parle"]
        assert _space(world) == ["Build vert #ci", "Une personne parle"]

    def test_a_spaces_automated_sources_but_not_its_people_nor_other_spaces(self, world: World) -> None:
        services.source_mute(actor=world.reader, space=world.space)
        assert _home(world) == ["Build ailleurs #ci", "Une personne parle"]
        tag = selectors.tag_get_for(actor=world.reader, name="ci")
        assert [p.body for p in selectors.feed_tag(actor=world.reader, tag=tag, cursor=Cursor()).items] == [
            "Build ailleurs #ci"
        ]

    def test_only_for_oneself(self, world: World, colleague: User) -> None:
        Membership.objects.create(space=world.space, user=colleague, role=Membership.Role.MEMBER)
        services.source_mute(actor=world.reader, author=world.feed)
        page = feed_space(actor=colleague, space=world.space, cursor=Cursor())
        assert len(page.items) == 20

    def test_people_are_not_muted_twice_is_once_and_unmute(self, world: World) -> None:
        with pytest.raises(ValidationError, match="unfollow"):
            services.source_mute(actor=world.reader, author=world.person)
        first = services.source_mute(actor=world.reader, author=world.bot)
        assert services.source_mute(actor=world.reader, author=world.bot).pk == first.pk
        services.source_unmute(actor=world.reader, mute=first)
        assert not SourceMute.objects.exists()

    def test_the_atom_feed_of_the_reader_leaves_muted_sources_out(self, world: World, client: Client) -> None:
        services.source_mute(actor=world.reader, author=world.feed)
        token = atom_services.atom_key_get_or_create(actor=world.reader).token
        body = client.get(f"/atom/{token}/spaces/veille.atom").content.decode()
        assert "Dépêche" not in body
        assert "Une personne parle" in body

    def test_no_query_of_its_own(self, world: World) -> None:
        """The mutes are a condition of the page's query: the home feed asks as many queries with as without."""
        _home(world)  # what is cached across pages (the active announcements) is cached
        with CaptureQueriesContext(connection) as before:
            _home(world)
        services.source_mute(actor=world.reader, author=feed_account_create(name="Silencieux"))  # nothing on the page
        with CaptureQueriesContext(connection) as after:
            _home(world)
        assert len(after) == len(before)


class TestPages:
    def test_the_filter_links_and_a_bad_source(self, world: World, client: Client) -> None:
        client.force_login(world.reader)
        page = client.get("/?source=integrations").content.decode()
        assert "Build vert" in page
        assert "Une personne parle" not in page
        assert 'aria-current="page">' in page
        assert client.get("/?source=nonsense").status_code == 400
        assert client.get("/spaces/veille/?source=people").status_code == 200
        assert client.get("/spaces/veille/?source=nonsense").status_code == 400
        assert client.get("/company/?source=feeds").status_code == 200

    def test_mute_from_a_card_list_and_unmute(self, world: World, client: Client) -> None:
        client.force_login(world.reader)
        assert "Mute this source" in client.get("/spaces/veille/").content.decode()
        response = client.post("/sources/mute", {"author": world.feed.handle, "next": "/spaces/veille/"})
        assert response.status_code == 302
        assert response.url == "/spaces/veille/"
        assert "Dépêche" not in client.get("/spaces/veille/").content.decode()
        client.post("/sources/mute", {"space": "autre"})
        listing = client.get("/sources/muted/").content.decode()
        assert "Les Échos" in listing
        assert "Feeds and integrations in" in listing
        mute = SourceMute.objects.get(author=world.feed)
        assert client.post(f"/sources/{mute.pk}/unmute").status_code == 302
        assert "Dépêche" in client.get("/spaces/veille/").content.decode()
        assert client.post("/sources/mute", {"author": world.person.handle}).status_code == 404
        assert client.post("/sources/mute", {}).status_code == 400

    def test_someone_elses_mute_is_a_404(self, world: World, client: Client, colleague: User) -> None:
        mute = services.source_mute(actor=world.reader, author=world.bot)
        client.force_login(colleague)
        assert client.post(f"/sources/{mute.pk}/unmute").status_code == 404
        assert SourceMute.objects.filter(pk=mute.pk).exists()
