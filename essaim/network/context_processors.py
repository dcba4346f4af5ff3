from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from essaim.network.selectors import network_settings


def network(request: HttpRequest) -> dict[str, Any]:
    return {"network": network_settings()}
