"""Fixtures of the stream tests: people in every role, spaces, and a post maker that delivers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.people.models import Follow
from essaim.spaces.models import Membership, Space
from essaim.stream import services
from essaim.stream.models import Post
from tests.accounts.factories import UserFactory


@pytest.fixture
def follower(employee: User, colleague: User) -> User:
    """Someone who follows ``employee``."""
    person = UserFactory(first_name="Fanny", last_name="Suiveuse", handle="fanny.suiveuse")
    Follow.objects.create(follower=person, followed=employee)
    return person


@pytest.fixture
def communication(db: None) -> User:
    return UserFactory(first_name="Camille", last_name="Com", handle="camille.com", is_communication_team=True)


def _space(slug: str, visibility: str) -> Space:
    return Space.objects.create(name=slug.title(), slug=slug, visibility=visibility)


@pytest.fixture
def public_space(db: None) -> Space:
    return _space("atelier", Space.Visibility.PUBLIC)


@pytest.fixture
def private_space(db: None) -> Space:
    return _space("direction", Space.Visibility.PRIVATE)


@pytest.fixture
def secret_space(db: None) -> Space:
    return _space("projet-x", Space.Visibility.SECRET)


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(first_name="Maël", last_name="Membre", handle="mael.membre")


@pytest.fixture
def join() -> Callable[[User, Space], Membership]:
    def _join(user: User, space: Space, role: str = Membership.Role.MEMBER) -> Membership:
        return Membership.objects.create(user=user, space=space, role=role)

    return _join


@pytest.fixture
def make_post(django_capture_on_commit_callbacks: Any, drain_outbox: Callable[[], int]) -> Callable[..., Post]:
    """``post_create`` with what follows its commit run (the outbox's consumers too), as in production."""

    def _make(author: User, body: str = "Bonjour à tous", **kwargs: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            post = services.post_create(actor=author, body=body, **kwargs)
        drain_outbox()
        return post

    return _make
