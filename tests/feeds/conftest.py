from __future__ import annotations

from collections.abc import Iterator

import pytest

from essaim.feeds.models import Feed
from essaim.spaces.models import Membership, Space
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import MembershipFactory, SpaceFactory


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _allow_loopback(settings: object) -> None:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]  # pytest-django's settings fixture


@pytest.fixture
def space(db: None) -> Space:
    return SpaceFactory(name="Veille", slug="veille")


@pytest.fixture
def space_admin(space: Space) -> object:
    return MembershipFactory(space=space, role=Membership.Role.ADMIN).user


def make_feed(space: Space, url: str, **fields: object) -> Feed:
    """A feed row with its identity, without the first fetch ``feed_subscribe`` queues."""
    from essaim.accounts.services import feed_account_create

    return Feed.objects.create(space=space, url=url, account=feed_account_create(name="Test feed"), **fields)
