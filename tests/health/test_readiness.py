"""/readyz's checks, one by one and together: what each finds, and what it says when its dependency is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.utils import timezone

from essaim.core.models import ScheduledRun
from essaim.health import database, readiness
from essaim.health.readiness import Result
from tests.core.management.commands.test_serve import ROOT, free_port, manage_py, serve_environment

pytestmark = pytest.mark.django_db
REDIS = os.environ.get("ESSAIM_TEST_REDIS_URL", "")


class TestTogether:
    def test_every_dependency_answers_here_so_the_process_is_ready(self) -> None:
        report = readiness.report()
        assert report.ready
        assert list(report.checks) == ["database", "cache", "tasks", "live", "disk"]
        assert all(result.ok and result.ms >= 0 and not result.error for result in report.checks.values())

    def test_one_failed_check_makes_the_process_not_ready_and_is_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refused() -> None:
            raise OperationalError("connection to server at 10.0.0.5, port 5432 failed: Connection refused")

        monkeypatch.setattr(database, "answers", refused)
        report = readiness.report()
        assert not report.ready
        assert [name for name, result in report.checks.items() if not result.ok] == ["database"]
        assert report.checks["database"].error.startswith("OperationalError: connection to server at 10.0.0.5")

    def test_a_check_that_does_not_answer_in_time_is_down_and_does_not_hold_the_others(
        self, monkeypatch: pytest.MonkeyPatch, settings: Any
    ) -> None:
        settings.READY_TIMEOUT_S = 0.2
        monkeypatch.setitem(readiness.BESIDE, "live", lambda: time.sleep(2) or {})
        started = time.monotonic()
        report = readiness.report()
        assert time.monotonic() - started < 1.5
        assert report.checks["live"] == Result(ok=False, ms=200.0, error="no answer within 0.2 s")
        assert report.checks["cache"].ok

    def test_outsiders_are_told_what_is_down_but_not_the_numbers_and_messages(self) -> None:
        report = readiness.Report(
            {"database": Result(ok=True, ms=1.0), "disk": Result(ok=False, ms=0.1, details={"free_mb": 3}, error="…")}
        )
        assert report.as_json(details=False) == {
            "status": "not ready",
            "checks": {"database": {"ok": True}, "disk": {"ok": False}},
        }
        assert report.as_json(details=True)["checks"] == {
            "database": {"ok": True, "ms": 1.0},
            "disk": {"ok": False, "ms": 0.1, "free_mb": 3, "error": "…"},
        }


class TestCache:
    def test_a_key_is_written_and_read_back_on_every_cache(self) -> None:
        result = readiness.run(readiness.check_cache)
        assert (result.ok, result.details) == (True, {"caches": ["default", "fragments", "ratelimit"]})

    def test_an_unreachable_cache_is_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        class Unreachable:
            def set(self, *args: object, **kwargs: object) -> None:
                raise ConnectionRefusedError(111, "Connection refused")

        every = {alias: caches[alias] for alias in ("default", "fragments", "ratelimit")}
        monkeypatch.setattr(readiness, "caches", {**every, "ratelimit": Unreachable()})
        result = readiness.run(readiness.check_cache)
        assert (result.ok, result.error) == (False, "ratelimit: ConnectionRefusedError: [Errno 111] Connection refused")


class TestTasks:
    def test_the_backlog_is_reported(self, outbox_row) -> None:
        outbox_row(waited=12)
        outbox_row(failed=True)
        result = readiness.run(readiness.check_tasks)
        assert result.ok
        assert result.details == {
            "queued": None,  # the tests run tasks at once: no queue in the database
            "oldest_s": None,
            "outbox_due": 1,
            "outbox_failed": 1,
            "outbox_oldest_s": pytest.approx(12, abs=2),
            "worker_seen_s": None,  # no worker has run a periodic job yet
        }

    @pytest.mark.usefixtures("tasks_in_database")
    def test_waiting_tasks_leave_the_process_ready_unless_a_limit_is_set(self, queue_task, settings: Any) -> None:
        queue_task(waited=900)
        assert readiness.run(readiness.check_tasks).ok, "by default a stopped worker leaves the pages working"
        settings.READY_MAX_TASK_AGE_S = 300
        result = readiness.run(readiness.check_tasks)
        assert not result.ok
        assert result.details["queued"] == 1
        assert result.error == (
            "work has waited more than 300 s for a task worker (ESSAIM_READY_MAX_TASK_AGE): is one running?"
        )

    def test_an_outbox_row_waiting_too_long_counts_too(self, outbox_row, settings: Any) -> None:
        settings.READY_MAX_TASK_AGE_S = 60
        outbox_row(waited=30)
        assert readiness.run(readiness.check_tasks).ok
        outbox_row(waited=120)
        assert not readiness.run(readiness.check_tasks).ok


class TestLive:
    def test_the_sockets_directory_takes_a_new_file(self, settings: Any) -> None:
        settings.REDIS_URL = ""  # the embedded bus (the PostgreSQL run has Redis)
        assert readiness.run(readiness.check_live).details == {"bus": "sockets"}

    def test_a_directory_that_cannot_be_made_is_down(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Any
    ) -> None:
        settings.REDIS_URL = ""
        (tmp_path / "run").write_text("a file where the directory should be")
        monkeypatch.setattr("essaim.realtime.bus.socket_dir", lambda: tmp_path / "run" / "live")
        result = readiness.run(readiness.check_live)
        assert not result.ok
        assert result.error.startswith(("FileExistsError", "NotADirectoryError"))

    @pytest.mark.skipif(not REDIS, reason="needs Redis: ESSAIM_TEST_REDIS_URL")
    def test_with_redis_the_bus_is_redis_and_answers_its_ping(self, settings: Any) -> None:
        settings.REDIS_URL = REDIS
        assert readiness.run(readiness.check_live).details == {"bus": "redis"}


class TestDisk:
    def test_the_free_space_under_the_data_directory_is_reported(self) -> None:
        result = readiness.run(readiness.check_disk)
        assert result.ok
        assert result.details["min_free_mb"] == 200
        assert isinstance(result.details["free_mb"], int)

    def test_below_the_threshold_the_process_is_not_ready_and_says_why(self, settings: Any) -> None:
        settings.READY_MIN_FREE_MB = 10**12  # a petabyte: more than this disk has
        result = readiness.run(readiness.check_disk)
        assert not result.ok
        assert result.details["min_free_mb"] == 10**12
        assert result.error == (
            f"{result.details['free_mb']} MB free under ESSAIM_DATA_DIR, less than ESSAIM_READY_MIN_FREE_MB "
            f"({10**12} MB)"
        )


# Redis stopped: nothing listens on its port. The process answers /healthz without it.
REDIS_DOWN = """
import json
from django.test import Client
client = Client()
print(json.dumps([client.get("/healthz").status_code, client.get("/readyz").status_code, client.get("/readyz").json()]))
"""


def test_with_redis_stopped_the_cache_and_the_live_bus_are_down_while_the_process_stays_alive(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=serve_environment(tmp_path),
        check=True,
    )
    stopped = {"ESSAIM_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "ESSAIM_ALLOWED_HOSTS": "testserver"}
    healthz, readyz, body = json.loads(manage_py(tmp_path, REDIS_DOWN, stopped))
    assert (healthz, readyz, body["status"]) == (200, 503, "not ready")
    down = {name: check.get("error", "") for name, check in body["checks"].items() if not check["ok"]}
    assert list(down) == ["cache", "live"]
    assert down["cache"].startswith("default: ConnectionError: Error 111 connecting to 127.0.0.1")
    assert down["live"].startswith("ConnectionError: Error 111 connecting to 127.0.0.1")

    def test_a_worker_not_seen_for_longer_than_the_limit_makes_the_process_unready(self, settings: Any) -> None:
        _scheduled_run(started=timezone.now() - timedelta(seconds=200))
        assert readiness.run(readiness.check_tasks).ok, "by default a stopped worker leaves the pages working"
        settings.READY_MAX_TASK_AGE_S = 60
        result = readiness.run(readiness.check_tasks)
        assert not result.ok
        assert result.details["worker_seen_s"] == pytest.approx(200, abs=2)
        assert result.error == "no task worker has been seen for 200 s (ESSAIM_READY_MAX_TASK_AGE: 60 s)"
        _scheduled_run(started=timezone.now() - timedelta(seconds=10))
        assert readiness.run(readiness.check_tasks).ok


def _scheduled_run(*, started: datetime) -> None:
    ScheduledRun.objects.create(
        job="emails.notifications",
        period_start=started,
        claimed_by="worker-1",
        lease_until=started + timedelta(minutes=5),
        started_at=started,
    )
