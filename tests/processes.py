"""Essaim's commands as real processes on a fresh data directory, for the tests that start, kill and restart them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def environment(**extra: str) -> dict[str, str]:
    """The environment of a process on a new data directory of its own (SQLite, no Redis), the database
    task worker, errors only on the console; ``extra`` on top (``ESSAIM_…`` settings)."""
    env = {k: v for k, v in os.environ.items() if k not in {"ESSAIM_DATABASE_URL", "ESSAIM_REDIS_URL"}}
    env.update(
        ESSAIM_DATA_DIR=tempfile.mkdtemp(prefix="essaim-process-"),
        ESSAIM_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        ESSAIM_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="essaim.settings",
    )
    env.update(extra)
    return env


def database(env: dict[str, str]) -> Path:
    return Path(env["ESSAIM_DATA_DIR"]) / "essaim.sqlite3"


def shell(env: dict[str, str], script: str) -> str:
    """Run ``script`` in ``manage.py shell`` (it migrates first if it says so); its standard output."""
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``manage.py <args>`` as a process of its own."""
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=env)  # noqa: S603 - fixed argv


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The task worker ``serve`` starts (tasks, the outbox's loop, the scheduler), polling fast."""
    return start(env, "worker", "--interval", "0.05", "--no-reload", "--no-startup-delay")


def wait_until(condition: Callable[[], object], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@contextlib.contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``ESSAIM_TEST_POSTGRES_URL``'s server (its URL), dropped afterwards;
    the test is skipped without that server."""
    base = os.environ.get("ESSAIM_TEST_POSTGRES_URL", "")
    if not base:
        pytest.skip("ESSAIM_TEST_POSTGRES_URL is not set")
    import psycopg

    server = base.rsplit("/", 1)[0]
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
