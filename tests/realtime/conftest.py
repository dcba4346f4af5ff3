from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.realtime.models import LiveEvent


@pytest.fixture
def live(transactional_db: None) -> Callable[[], list[LiveEvent]]:
    """The live events stored since the test began, oldest first. Writes commit for real here
    (``transactional_db``): live events are published once a write has committed."""
    start = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: list(LiveEvent.objects.filter(pk__gt=start).order_by("pk"))
