from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def live(request: HttpRequest) -> dict[str, Any]:
    """``live_pages``: whether pages open the live stream (``ESSAIM_LIVE_PAGES``)."""
    return {"live_pages": settings.LIVE_PAGES}
