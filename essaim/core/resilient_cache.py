"""Redis down is a cache miss, not an error page: Django's Redis cache, made to degrade.

With ``ESSAIM_REDIS_URL`` the cache, the rendered HTML and the shared counters live in Redis. When
Redis stops, Django's backend raises on every call and every page answered 500. Here a read answers
as a miss (its default), a write is dropped, a counter counts 1 (rate limits and sign-in throttling
fail open while Redis is down: the site stays usable, and the log says so), all within a short
socket timeout; one warning a minute says Redis is unreachable, and the next call after Redis is back
simply works. ``/readyz`` reports it down meanwhile (docs/monitoring.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
T = TypeVar("T")
WARN_EVERY_S = 60.0
_last_warning = [0.0]


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)


def degrade[T](call: Callable[[], T], fallback: T) -> T:
    """``call()``, or ``fallback`` when Redis cannot be reached (a warning a minute at most)."""
    try:
        return call()
    except _errors() as error:
        now = time.monotonic()
        if now - _last_warning[0] > WARN_EVERY_S:
            _last_warning[0] = now
            logger.warning("Redis is unreachable (%s): the cache answers misses, counters fail open", error)
        return fallback


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; Redis unreachable answers misses and drops writes (see the module)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)  # a stopped Redis costs a page half a second at most
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)

    def check(self) -> None:
        """Raise what Redis raises, if anything (``/readyz``): the one call that does not degrade."""
        self._cache.get_client(None, write=True).ping()

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return degrade(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return degrade(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return degrade(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        degrade(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None) -> list[Any]:
        return degrade(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return degrade(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return degrade(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return degrade(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        degrade(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return degrade(lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta)

    def clear(self) -> None:
        degrade(lambda: super(ResilientRedisCache, self).clear(), None)
