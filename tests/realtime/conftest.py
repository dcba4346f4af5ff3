from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from essaim.realtime.models import LiveEvent


@pytest.fixture
def live(transactional_db: None) -> Callable[[], list[LiveEvent]]:
    """The live events stored since the test began, oldest first. Writes commit for real here
    (``transactional_db``): live events are published once a write has committed."""
    start = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: list(LiveEvent.objects.filter(pk__gt=start).order_by("pk"))


def run_async[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` in a thread of its own: a browser test run before in the same process
    leaves Playwright's event loop running in the main thread."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(asyncio.run(coroutine))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]
    return results[0]
