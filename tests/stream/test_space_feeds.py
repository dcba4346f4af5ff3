"""A space's stream as the spaces app reads it: its posts, its sub-spaces' posts, its pinned posts."""

from __future__ import annotations

import pytest

from essaim.accounts.models import User
from essaim.core.pagination import Cursor
from essaim.spaces.models import Membership, Space, SpacePin
from essaim.stream import services
from essaim.stream.space_feeds import feed_space, pinned_in_space_for
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member


@pytest.fixture
def parent(db: None) -> Space:
    return SpaceFactory(slug="parent")


@pytest.fixture
def author(parent: Space) -> User:
    return member(parent).user


def _bodies(posts: list) -> list[str]:
    return [p.body for p in posts]


class TestFeedSpace:
    def test_newest_first_without_the_pinned_posts(self, parent: Space, author: User) -> None:
        first = services.post_create(actor=author, body="Un", space=parent)
        services.post_create(actor=author, body="Deux", space=parent)
        SpacePin.objects.create(space=parent, post=first)
        page = feed_space(actor=author, space=parent, cursor=Cursor())
        assert _bodies(page.items) == ["Deux"]

    def test_sub_spaces_only_when_asked_and_only_what_the_reader_may_read(self, parent: Space, author: User) -> None:
        open_child = SpaceFactory(parent=parent)
        secret_child = SpaceFactory(parent=parent, visibility=Space.Visibility.SECRET)
        elsewhere = SpaceFactory()
        insider = member(secret_child).user
        services.post_create(actor=author, body="Parent", space=parent)
        services.post_create(actor=member(open_child).user, body="Enfant", space=open_child)
        services.post_create(actor=insider, body="Secret", space=secret_child)
        services.post_create(actor=member(elsewhere).user, body="Ailleurs", space=elsewhere)
        services.post_create(actor=author, body="Hors espace")
        reader = UserFactory()
        assert _bodies(feed_space(actor=reader, space=parent, cursor=Cursor()).items) == ["Parent"]
        combined = feed_space(actor=reader, space=parent, cursor=Cursor(), with_subspaces=True)
        assert _bodies(combined.items) == ["Enfant", "Parent"]
        inside = feed_space(actor=insider, space=parent, cursor=Cursor(), with_subspaces=True)
        assert _bodies(inside.items) == ["Secret", "Enfant", "Parent"]

    def test_cursor_pages_follow_each_other(self, parent: Space, author: User) -> None:
        child = SpaceFactory(parent=parent)
        child_author = member(child).user
        for n in range(5):
            services.post_create(actor=author, body=f"P{n}", space=parent)
            services.post_create(actor=child_author, body=f"E{n}", space=child)
        first = feed_space(actor=author, space=parent, cursor=Cursor(limit=4), with_subspaces=True)
        assert _bodies(first.items) == ["E4", "P4", "E3", "P3"]
        second = feed_space(
            actor=author, space=parent, cursor=Cursor(limit=4, max_id=first.next_max_id), with_subspaces=True
        )
        assert _bodies(second.items) == ["E2", "P2", "E1", "P1"]

    def test_constant_number_of_queries(self, parent: Space, author: User, django_assert_max_num_queries) -> None:
        child = SpaceFactory(parent=parent)
        child_author = member(child).user
        for n in range(12):
            services.post_create(
                actor=author if n % 2 else child_author, body=f"M{n}", space=parent if n % 2 else child
            )
        with django_assert_max_num_queries(4):
            page = feed_space(actor=author, space=parent, cursor=Cursor(), with_subspaces=True)
        assert len(page.items) == 12


class TestPinnedInSpace:
    def test_last_pinned_first_and_only_visible_ones(self, parent: Space, author: User) -> None:
        a = services.post_create(actor=author, body="A", space=parent)
        b = services.post_create(actor=author, body="B", space=parent)
        SpacePin.objects.create(space=parent, post=b)
        SpacePin.objects.create(space=parent, post=a)
        assert _bodies(pinned_in_space_for(actor=author, space=parent)) == ["A", "B"]
        Space.objects.filter(pk=parent.pk).update(visibility=Space.Visibility.PRIVATE)
        parent.refresh_from_db()
        assert pinned_in_space_for(actor=UserFactory(), space=parent) == []
        assert Membership.objects.filter(space=parent).count() == 1
