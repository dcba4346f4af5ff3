"""The task worker (``manage.py worker``) killed while it delivers a post to a large space: after it is
started again, every member's home timeline holds the post, once. A real worker process on a real
SQLite file, as ``manage.py serve`` runs it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests import processes

MEMBERS = 1150  # three batches of ``timelines.BATCH``

SETUP = f"""
from django.core.management import call_command
call_command("migrate", verbosity=0)
from essaim.accounts.models import User
from essaim.people.models import Profile
from essaim.spaces.models import Membership
from essaim.spaces.services import space_create
from essaim.stream.services import post_create
owner = User.objects.create(email="owner@example.com", handle="owner", first_name="O", last_name="Wner")
Profile.objects.create(user=owner)
space = space_create(actor=owner, name="Toute l'entreprise", visibility="public")
people = User.objects.bulk_create(
    [User(email=f"p{{i}}@example.com", handle=f"p{{i}}", first_name="P", last_name=str(i))
     for i in range({MEMBERS} - 1)]
)
Membership.objects.bulk_create([Membership(space=space, user=u, role="member") for u in people])
print(post_create(actor=owner, body="Pour toute l'entreprise", space=space).pk)
"""

# The worker, with each batch of a delivery made slow enough to be killed between two.
SLOW_WORKER = """
import sys, time
import django
django.setup()
from essaim.stream import timelines
write = timelines._write
def slow_write(cursor, owners, post_id):
    time.sleep(0.4)
    write(cursor, owners, post_id)
timelines._write = slow_write
from django.core.management import call_command
call_command("worker", interval=0.05, reload=False, startup_delay=False)
"""


@pytest.fixture(scope="module")
def posted() -> tuple[dict[str, str], Path, int]:
    """A fresh data directory with a space of ``MEMBERS`` people and a post in it, not yet delivered."""
    env = processes.environment(ESSAIM_OUTBOX_LEASE="1")
    return env, processes.database(env), int(processes.shell(env, SETUP).strip().splitlines()[-1])


def _count(database: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(database, timeout=10) as db:
        return int(db.execute(sql, params).fetchone()[0])


def _entries(database: Path, post_id: int) -> int:
    return _count(database, "SELECT COUNT(*) FROM stream_homeentry WHERE post_id = ?", post_id)


def test_a_worker_killed_mid_delivery_leaves_every_timeline_filled_once_after_restart(
    posted: tuple[dict[str, str], Path, int],
) -> None:
    env, database, post_id = posted
    assert _entries(database, post_id) == 0  # too many members to deliver in the post's transaction
    assert _count(database, "SELECT COUNT(*) FROM events_outboxitem WHERE consumer = 'stream.deliver'") == 1

    slow = subprocess.Popen([sys.executable, "-c", SLOW_WORKER], cwd=processes.REPO, env=env)  # noqa: S603
    try:
        assert processes.wait_until(lambda: _entries(database, post_id) > 0, timeout=30), "the delivery started"
        os.kill(slow.pid, signal.SIGKILL)
    finally:
        slow.wait(timeout=10)
    partial = _entries(database, post_id)
    assert 0 < partial < MEMBERS, "killed between two batches"
    owed = "SELECT COUNT(*) FROM events_outboxitem WHERE consumer = 'stream.deliver'"
    assert _count(database, owed) == 1, "the work is still owed"

    worker = processes.worker(env)
    try:
        assert processes.wait_until(lambda: _count(database, "SELECT COUNT(*) FROM events_outboxitem") == 0, timeout=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert _entries(database, post_id) == MEMBERS
    owners = _count(database, "SELECT COUNT(DISTINCT owner_id) FROM stream_homeentry WHERE post_id = ?", post_id)
    assert owners == MEMBERS  # every member once
