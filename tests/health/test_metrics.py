"""What /metrics says: requests by route name (never by path), the backlog, the disk, the database; and every
web process's counts added up in multiprocess mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from essaim.health import backlog
from tests.core.management.commands.test_serve import ROOT, serve_environment

pytestmark = pytest.mark.django_db


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Prometheus' text as ``{(sample name, sorted labels): value}``."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client: Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    return parse(response.content.decode())


def counted(before: Samples, after: Samples, view: str, method: str = "GET", status: str = "2xx") -> float:
    """How many requests ``essaim_http_requests_total`` counted between two scrapes under these labels."""
    sample = ("essaim_http_requests_total", (("method", method), ("status", status), ("view", view)))
    return after.get(sample, 0.0) - before.get(sample, 0.0)


class TestRequests:
    def test_each_request_is_counted_under_its_route_name_method_and_status_class(
        self, client: Client, employee: Any
    ) -> None:
        before = scrape(client)
        client.force_login(employee)
        client.get("/")
        client.get("/")
        client.get(f"/@{employee.handle}")
        client.get("/@nobody.here")
        after = scrape(client)
        assert counted(before, after, "stream:home") == 2
        assert counted(before, after, "people:profile") == 1
        assert counted(before, after, "people:profile", status="4xx") == 1
        assert not [labels for name, labels in after if "/" in dict(labels).get("view", "")], "never a path"

    def test_addresses_outside_the_url_map_and_unknown_methods_share_a_few_labels(self, client: Client) -> None:
        before = scrape(client)
        client.get("/no/such/page/1")
        client.get("/no/such/page/2")
        client.get("/static/essaim/essaim.css")
        client.generic("BREW", "/healthz")
        after = scrape(client)
        assert counted(before, after, "unmatched", status="4xx") == 2
        assert counted(before, after, "static") == 1
        assert counted(before, after, "health:healthz", method="other", status="4xx") == 1

    def test_each_request_is_timed_by_route_name_and_method(self, client: Client) -> None:
        before = scrape(client)
        client.get("/healthz")
        after = scrape(client)
        count = ("essaim_http_request_duration_seconds_count", (("method", "GET"), ("view", "health:healthz")))
        assert after[count] - before.get(count, 0.0) == 1
        buckets = [labels for name, labels in after if name == "essaim_http_request_duration_seconds_bucket"]
        assert {dict(labels)["le"] for labels in buckets} >= {"0.005", "0.1", "1.0", "10.0", "+Inf"}


class TestState:
    def test_the_backlog_the_disk_and_the_database_are_read_when_scraped(
        self, client: Client, outbox_row: Any, queue_task: Any, settings: Any
    ) -> None:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        queue_task(waited=30)
        outbox_row(waited=10)
        outbox_row(failed=True)
        samples = scrape(client)
        assert samples[("essaim_database_up", ())] == 1
        assert samples[("essaim_tasks_queued", ())] == 1
        assert samples[("essaim_tasks_oldest_age_seconds", ())] == pytest.approx(30, abs=2)
        assert (samples[("essaim_outbox_due", ())], samples[("essaim_outbox_failed", ())]) == (1, 1)
        assert samples[("essaim_outbox_oldest_due_age_seconds", ())] == pytest.approx(10, abs=2)
        assert samples[("essaim_data_dir_free_bytes", ())] > 0
        assert samples[("essaim_live_streams", ())] == 0
        if connection.vendor == "postgresql":  # the server's connections, which run out before any pool of ours
            assert 1 <= samples[("essaim_database_connections", ())] <= samples[("essaim_database_max_connections", ())]
        else:
            assert ("essaim_database_connections", ()) not in samples

    def test_without_a_task_table_in_use_the_queue_is_not_reported(self, client: Client) -> None:
        assert ("essaim_tasks_queued", ()) not in scrape(client)  # the tests' immediate backend

    def test_a_database_that_does_not_answer_is_said_and_the_rest_still_served(
        self, client: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def down() -> None:
            raise OperationalError("the database is gone")

        monkeypatch.setattr(backlog, "backlog", down)
        samples = scrape(client)
        assert samples[("essaim_database_up", ())] == 0
        assert ("essaim_outbox_due", ()) not in samples
        assert samples[("essaim_data_dir_free_bytes", ())] > 0


# A web process of its own: two requests and two open live pages, then it exits.
FIRST_PROCESS = """
from django.test import Client
from essaim.realtime.hub import OPEN_STREAMS
client = Client()
client.get("/healthz")
client.get("/healthz")
OPEN_STREAMS.set(2)
"""
# Another, alive, with one request and one live page, scraped while the first has gone.
SECOND_PROCESS = """
import json
from django.test import Client
from essaim.realtime.hub import OPEN_STREAMS
client = Client()
client.get("/healthz")
OPEN_STREAMS.set(1)
print(json.dumps(client.get("/metrics").content.decode()))
"""


def test_in_multiprocess_mode_every_process_counts_and_a_gone_process_has_no_live_pages(tmp_path: Path) -> None:
    environment = {
        **serve_environment(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "ESSAIM_ALLOWED_HOSTS": "testserver",
    }
    (tmp_path / "metrics").mkdir()
    outputs = [
        subprocess.run(  # noqa: S603 - this interpreter, Essaim's manage.py
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for code in (FIRST_PROCESS, SECOND_PROCESS)
    ]
    samples = parse(json.loads(outputs[1].splitlines()[-1]))
    healthz = (("method", "GET"), ("status", "2xx"), ("view", "health:healthz"))
    assert samples[("essaim_http_requests_total", healthz)] == 3, "both processes' requests"
    assert samples[("essaim_live_streams", ())] == 1, "the pages of the process still running"
    assert samples[("essaim_database_up", ())] == 0, "no database migrated here: said, and the rest served"
