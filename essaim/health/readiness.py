"""``/readyz``: whether each dependency of this process answers, and what is down when one does not.

One small function per dependency returns what it found (numbers for the report) or raises:

- ``database``: ``SELECT 1`` on the default database;
- ``cache``: a key written and read back on every cache of ``settings.CACHES`` (the default cache, the
  shared HTML and the shared counters: Redis with ``ESSAIM_REDIS_URL``, else memory and SQLite files);
- ``tasks``: the work waiting for the task worker (``backlog``), read from the database; not ready only
  when ``ESSAIM_READY_MAX_TASK_AGE`` is set and something has waited longer, or no worker has been seen for
  longer (``worker_seen_s``: its scheduler starts a periodic job every 30 s) (off by default: a stopped
  worker leaves the pages working, and a load balancer should keep sending them people);
- ``live``: the live pages' bus (``realtime.bus``): its sockets' directory takes a new file, or Redis
  answers ``PING``;
- ``disk``: the free space under ``ESSAIM_DATA_DIR`` (the database, uploads, the shared files), not ready
  below ``ESSAIM_READY_MIN_FREE_MB``.

Each has ``ESSAIM_READY_TIMEOUT`` seconds. The checks that read the database run in the request's thread
on its connection (Django's connections belong to their thread), bounded on PostgreSQL by a statement
timeout; ``cache`` and ``live`` run meanwhile in two threads of a small pool and are waited for until the
deadline, so a Redis that accepts connections and never answers cannot hold the probe.

A dependency's failure is reported, never raised: the errors a dependency raises (``DEPENDENCY_ERRORS``)
become the check's ``error``. Anything else is a bug, and answers 500.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError

from essaim.health import backlog, database
from essaim.realtime import bus

Details = dict[str, object]
DEPENDENCY_ERRORS = (DatabaseError, sqlite3.Error, OSError, redis.RedisError)
ORDER = ("database", "cache", "tasks", "live", "disk")
MAX_ERROR = 300  # characters of a dependency's message: enough to say what, not a traceback
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="essaim-readyz")


class NotReadyError(Exception):
    """A dependency answered, but not well enough (too little free space, work waiting too long)."""

    def __init__(self, message: str, details: Details | None = None) -> None:
        super().__init__(message)
        self.details = details or {}


@dataclass(frozen=True)
class Result:
    ok: bool
    ms: float
    details: Details = field(default_factory=dict)
    error: str = ""

    def as_json(self, *, details: bool) -> dict[str, object]:
        """With ``details``, the time taken, what was found and the error; else whether it is ok."""
        if not details:
            return {"ok": self.ok}
        return {"ok": self.ok, "ms": self.ms, **self.details, **({"error": self.error} if self.error else {})}


@dataclass(frozen=True)
class Report:
    checks: dict[str, Result]

    @property
    def ready(self) -> bool:
        return all(result.ok for result in self.checks.values())

    def as_json(self, *, details: bool) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "not ready",
            "checks": {name: result.as_json(details=details) for name, result in self.checks.items()},
        }


# --- The checks


def check_database() -> Details:
    with database.time_limit(settings.READY_TIMEOUT_S):
        database.answers()
    return {}


def check_cache() -> Details:
    key, value = f"essaim:readyz:{os.getpid()}", secrets.token_hex(8)
    for alias in settings.CACHES:
        try:
            if check := getattr(caches[alias], "check", None):  # a cache that degrades says why it would
                check()
            caches[alias].set(key, value, timeout=60)
            read = caches[alias].get(key)
        except DEPENDENCY_ERRORS as error:
            raise NotReadyError(f"{alias}: {describe(error)}") from error
        if read != value:
            raise NotReadyError(f"{alias}: a key just written could not be read back")
    return {"caches": list(settings.CACHES)}


def check_tasks() -> Details:
    with database.time_limit(settings.READY_TIMEOUT_S):
        found = backlog.backlog()
    details: Details = {
        "queued": found.queued,
        "oldest_s": found.oldest_s,
        "outbox_due": found.outbox_due,
        "outbox_failed": found.outbox_failed,
        "outbox_oldest_s": found.outbox_oldest_s,
        "worker_seen_s": found.worker_seen_s,
    }
    limit = settings.READY_MAX_TASK_AGE_S
    if limit and max(found.oldest_s or 0, found.outbox_oldest_s or 0) > limit:
        raise NotReadyError(
            f"work has waited more than {limit:g} s for a task worker (ESSAIM_READY_MAX_TASK_AGE): is one running?",
            details,
        )
    if limit and (found.worker_seen_s or 0) > limit:
        raise NotReadyError(
            f"no task worker has been seen for {found.worker_seen_s:.0f} s (ESSAIM_READY_MAX_TASK_AGE: {limit:g} s)",
            details,
        )
    return details


def check_live() -> Details:
    if settings.REDIS_URL:
        _redis(settings.REDIS_URL, settings.READY_TIMEOUT_S).ping()
        return {"bus": "redis"}
    directory = bus.socket_dir()
    directory.mkdir(parents=True, exist_ok=True)
    probe = directory / f".readyz-{os.getpid()}"
    probe.touch()  # where each process serving live pages binds its socket
    probe.unlink()
    return {"bus": "sockets"}


def check_disk() -> Details:
    free_mb = shutil.disk_usage(settings.DATA_DIR).free // 2**20
    details: Details = {"free_mb": free_mb, "min_free_mb": settings.READY_MIN_FREE_MB}
    if free_mb < settings.READY_MIN_FREE_MB:
        raise NotReadyError(
            f"{free_mb} MB free under ESSAIM_DATA_DIR, less than ESSAIM_READY_MIN_FREE_MB "
            f"({settings.READY_MIN_FREE_MB} MB)",
            details,
        )
    return details


IN_REQUEST: dict[str, Callable[[], Details]] = {
    "database": check_database,
    "tasks": check_tasks,
    "disk": check_disk,  # a local statvfs
}
BESIDE: dict[str, Callable[[], Details]] = {"cache": check_cache, "live": check_live}


@functools.cache
def _redis(url: str, timeout: float) -> redis.Redis:
    """One client per process (its connection kept), which gives up after ``timeout`` seconds."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


# --- Running them


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR]


def run(check: Callable[[], Details]) -> Result:
    """One check, timed; a dependency's error or a :class:`NotReadyError` is its result."""
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    try:
        details = check()
    except NotReadyError as problem:
        return Result(ok=False, ms=elapsed(), details=problem.details, error=str(problem)[:MAX_ERROR])
    except DEPENDENCY_ERRORS as error:
        return Result(ok=False, ms=elapsed(), error=describe(error))
    return Result(ok=True, ms=elapsed(), details=details)


def report() -> Report:
    """Every check, ``cache`` and ``live`` in the pool while the others run here; in ``ORDER``."""
    timeout = settings.READY_TIMEOUT_S
    deadline = time.monotonic() + timeout
    pending = {name: _pool.submit(run, check) for name, check in BESIDE.items()}
    results = {name: run(check) for name, check in IN_REQUEST.items()}
    for name, future in pending.items():
        try:
            results[name] = future.result(timeout=max(deadline - time.monotonic(), 0.0))
        except TimeoutError:
            results[name] = Result(ok=False, ms=round(timeout * 1000, 1), error=f"no answer within {timeout:g} s")
    return Report({name: results[name] for name in ORDER})
