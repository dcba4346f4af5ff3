"""Loaded with ``-p`` before Django: test-only environment (fast hashing, temporary data dir, one per
xdist worker, static files).

With Redis (the PostgreSQL run), each xdist worker gets its own Redis database: the workers
share one server, and a test's ``cache.clear()`` or cached network settings must not reach
another worker's tests. A run without xdist (``-n 0``) uses the database its URL names, so that
runs side by side (each with its own database) leave each other's alone.
"""

import os
import re
import tempfile

os.environ.setdefault("ESSAIM_FAST_PASSWORD_HASHER", "1")
# Static files found where they are, as `make dev` does (production's hashed names need collectstatic);
# Django's test runner turns DEBUG off itself, so pages and error pages are tested as production serves them.
os.environ.setdefault("ESSAIM_DEBUG", "1")
_data = os.environ.setdefault("ESSAIM_DATA_DIR", tempfile.mkdtemp(prefix="essaim-tests-"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker its own files: the shared counters' above all
    os.environ["ESSAIM_DATA_DIR"] = os.path.join(_data, os.environ["PYTEST_XDIST_WORKER"])
os.environ.setdefault("ESSAIM_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
# Tests post hundreds of times as one person: no per-person limits (tests/core/test_ratelimits.py turns them on).
os.environ.setdefault("ESSAIM_RATE_LIMITS", "off")
os.environ.setdefault("ESSAIM_BACKUP_KEEP", "0")  # the workers the tests start make no daily archive

_redis = os.environ.get("ESSAIM_REDIS_URL", "")
if _redis and os.environ.get("PYTEST_XDIST_WORKER"):  # one process alone (-n 0) keeps the database it was given
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _database = 15 - _worker % 8  # databases 8 to 15 are the tests'
    os.environ["ESSAIM_REDIS_URL"] = re.sub(r"(/\d+)?$", f"/{_database}", _redis.rstrip("/"), count=1)
