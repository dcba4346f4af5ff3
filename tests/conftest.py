"""Composed fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache, caches
from django.utils import translation

from essaim.accounts.models import User
from essaim.core import fragments
from essaim.events import outbox, pipeline
from essaim.events.types import Event
from essaim.watchrules import screening
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()
    caches["ratelimit"].clear()  # the shared counters (core.counters): a file or Redis
    caches[fragments.ALIAS].clear()  # the shared HTML (core.fragment_store): a file or Redis
    fragments.forget_local()
    screening.reset_empty()  # no watch rule compiled from an earlier test (essaim/watchrules)


@pytest.fixture(autouse=True)
def _english_unless_asked(settings: object) -> Iterator[None]:
    """Tests read the English source strings; a test about French asks for it (Accept-Language, user.language)."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]  # pytest-django's settings wrapper
    with translation.override("en"):
        yield


@pytest.fixture
def capture_events() -> Iterator[list[Event]]:
    """The domain events emitted during the test, in order (``essaim.events``): each service's test
    says which it emits."""
    with pipeline.capture() as events:
        yield events


@pytest.fixture
def drain_outbox(db: None) -> Callable[[], int]:
    """Run the durable consumers on what the test's writes left in the outbox, as the worker would."""
    return lambda: outbox.drain(budget_s=30)


@pytest.fixture
def employee(db: None) -> User:
    return UserFactory(first_name="Léa", last_name="Martin", handle="lea.martin")


@pytest.fixture
def colleague(db: None) -> User:
    return UserFactory(first_name="Éloïse", last_name="Dupré", handle="eloise.dupre")


@pytest.fixture
def guest(db: None) -> User:
    return GuestFactory(first_name="Gaspard", last_name="Extern", handle="gaspard.extern")


@pytest.fixture
def network_admin(db: None) -> User:
    return AdminFactory(first_name="Adèle", last_name="Admin", handle="adele.admin")
