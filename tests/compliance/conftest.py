"""A frozen clock, a space with posts of every age, and the people who govern them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from essaim.accounts.models import User
from essaim.spaces.models import Space
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The clock stops at ``NOW`` for everything that asks ``timezone.now()`` (services, the retention job)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def aged() -> Callable[[Post, int], Post]:
    """Make ``post`` published ``days`` before ``NOW`` (a post's own default clock is not the frozen one)."""

    def age(post: Post, days: int) -> Post:
        Post.objects.filter(pk=post.pk).update(created_at=NOW - timedelta(days=days))
        post.refresh_from_db()
        return post

    return age


@pytest.fixture
def officer(db: None) -> User:
    return UserFactory(first_name="Inès", last_name="Garnier", handle="ines.garnier", is_compliance_officer=True)


@pytest.fixture
def secret_space(db: None) -> Space:
    return SpaceFactory(name="Projet Orion", slug="projet-orion", visibility=Space.Visibility.SECRET)


@pytest.fixture
def writer(secret_space: Space) -> User:
    return member(secret_space, first_name="Hugo", last_name="Roux", handle="hugo.roux").user
