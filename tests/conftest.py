"""Composed fixtures shared by every test module."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.core.handlers.wsgi import WSGIHandler
from django.utils import translation

from essaim.accounts.models import User
from essaim.core import fragments
from essaim.events import outbox, pipeline
from essaim.events.types import Event
from essaim.watchrules import screening
from tests.accounts.factories import AdminFactory, GuestFactory, UserFactory

_LIVE_SERVER_TURN = threading.Lock()
_wsgi_call = WSGIHandler.__call__


def _one_request_at_a_time(self: WSGIHandler, environ: dict[str, Any], start_response: Any) -> Any:
    """pytest-django's live server (browser and schemathesis tests) answers each request in a thread, and on
    SQLite every thread shares the test's one in-memory connection: two requests of one page at once made
    SQLite refuse a statement ("bad parameter or other API misuse"). They take turns here, for the time the
    response is made; a live stream (``/live/``) lasts and does not. Never more than 30 s: a request that
    waits on another one of the same server proceeds rather than hangs."""
    if environ.get("PATH_INFO", "").startswith("/live/"):
        return _wsgi_call(self, environ, start_response)
    turn = _LIVE_SERVER_TURN.acquire(timeout=30)
    try:
        return _wsgi_call(self, environ, start_response)
    finally:
        if turn:
            _LIVE_SERVER_TURN.release()


WSGIHandler.__call__ = _one_request_at_a_time  # type: ignore[method-assign]  # the live server's handler only


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
