from __future__ import annotations

from django.core.cache import cache

from essaim.network.models import NetworkSettings

CACHE_KEY = "network:settings:v1"


def network_settings() -> NetworkSettings:
    """The network's settings, cached; created with defaults on first use."""
    found: NetworkSettings | None = cache.get(CACHE_KEY)
    if found is None:
        found, _ = NetworkSettings.objects.get_or_create(pk=1)
        cache.set(CACHE_KEY, found, 300)
    return found


def network_settings_invalidate() -> None:
    """Forget the cached settings: the next read fetches them from the database."""
    cache.delete(CACHE_KEY)
