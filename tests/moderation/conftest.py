"""A space with a moderator, a post and a comment in it, and a post outside spaces: what is reported."""

from __future__ import annotations

from typing import Any

import pytest

from essaim.accounts.models import User
from essaim.spaces.models import Membership, Space
from essaim.stream import services as stream
from essaim.stream.models import Comment, Post
from tests.accounts.factories import UserFactory
from tests.spaces.factories import SpaceFactory, member


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(name="Projet Atlas", visibility="public")


@pytest.fixture
def author(space: Space) -> User:
    return member(space, first_name="Hugo", last_name="Roux", handle="hugo.roux").user


@pytest.fixture
def moderator(space: Space) -> User:
    return member(space, Membership.Role.MODERATOR, first_name="Noé", last_name="Girard", handle="noe.girard").user


@pytest.fixture
def reporter(space: Space) -> User:
    return member(space, first_name="Léa", last_name="Martin", handle="lea.martin").user


@pytest.fixture
def post(author: User, space: Space) -> Post:
    return stream.post_create(actor=author, body="Achetez mes montres sur example.com", space=space)


@pytest.fixture
def comment(post: Post, reporter: User) -> Comment:
    other = member(post.space, handle="zoe.tiers").user if post.space else UserFactory()
    return stream.comment_create(actor=other, post=post, body="Tu es nul")


@pytest.fixture
def company_post(db: None) -> Post:
    return stream.post_create(actor=UserFactory(handle="marc.blanc"), body="Bonjour à tous")


def told(user: Any) -> list[tuple[str, bool | None, str]]:
    from essaim.notifications.models import Notification

    rows = Notification.objects.filter(recipient_id=user.pk).select_related("report").order_by("id")
    return [(n.kind, n.accepted, n.report.decision if n.report else "") for n in rows]
