"""``/metrics``: Prometheus' text format (``prometheus-client``).

Counted as things happen, in the process they happen in:

- ``essaim_http_requests_total{view, method, status}`` and ``essaim_http_request_duration_seconds{view,
  method}`` (``middleware.RequestMetricsMiddleware``): ``view`` is the route's name (``stream:home``,
  ``api-json:statuses-create``), ``static``, ``media`` or ``unmatched``, never the path, and ``status`` a
  class (``2xx``…), so the number of series is bounded by the URL map;
- ``essaim_live_streams`` (``realtime.hub``): the live pages open on the event loop of the web processes.

Read from the database and the disk when scraped (:class:`StateCollector`), the same for every process:
the tasks waiting and the age of the oldest, the outbox's due and failed rows, the free space under
``ESSAIM_DATA_DIR``, whether the database answered (``essaim_database_up``) and, on PostgreSQL, its
connections against ``max_connections``. Essaim has no connection pool of its own (Django keeps one
connection per thread, ``CONN_MAX_AGE``): the server's count is the one that runs out.

Several web processes (granian's workers): a scrape is answered by one of them, so each process's own
counters would be read in turn. With ``PROMETHEUS_MULTIPROC_DIR`` set, every process writes its values to
files there and the scrape adds them up (prometheus-client's multiprocess mode); ``manage.py serve`` sets
it (``<data dir>/run/metrics``, emptied at start) unless it is set already. The live pages of a process
that has gone are forgotten at the next scrape (:func:`forget_dead_processes`); its requests stay counted,
as a counter must. Without the variable (another server, the tests), the process's own registry is served
with its process and Python collectors.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from essaim.health import backlog, database
from essaim.realtime import hub  # noqa: F401 - defines essaim_live_streams, served at 0 where no page is open

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
disable_created_metrics()  # no ``_created`` twin of every series: as many series again, for a start time
# From a page served from memory to one that hits the limit of a proxy's patience.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)

REQUESTS = Counter(
    "essaim_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "essaim_http_request_duration_seconds",
    "Time from a request's arrival to its response (a streamed body's sending aside), by route name and method.",
    ["view", "method"],
    buckets=BUCKETS,
)


def multiprocess_directory() -> Path | None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(directory) if directory else None


def exposition() -> bytes:
    """What ``/metrics`` answers: every process's values (multiprocess mode) or this one's, and the state."""
    registry = CollectorRegistry(auto_describe=False)
    if (directory := multiprocess_directory()) is not None:
        forget_dead_processes(directory)
        multiprocess.MultiProcessCollector(registry, path=str(directory))
    else:
        registry.register(REGISTRY)
    registry.register(StateCollector())
    return generate_latest(registry)


def forget_dead_processes(directory: Path) -> None:
    """Drop the "live" gauges (open live pages) of the processes that are gone: granian restarts a worker that
    dies without telling anyone, so the scrape looks (a process id reused meanwhile only delays this)."""
    for path in directory.glob("gauge_live*_*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), str(directory))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class StateCollector:
    """What the database and the disk say at the moment of the scrape."""

    def collect(self) -> Iterator[Metric]:
        free = shutil.disk_usage(settings.DATA_DIR).free
        yield _gauge("essaim_data_dir_free_bytes", "Free space under ESSAIM_DATA_DIR.", free)
        try:
            with database.time_limit(settings.READY_TIMEOUT_S):
                found = backlog.backlog()
                connections = database.connections_in_use()
        except DatabaseError:
            yield _gauge("essaim_database_up", "1 when the database answered this scrape's queries.", 0)
            return
        yield _gauge("essaim_database_up", "1 when the database answered this scrape's queries.", 1)
        if found.queued is not None:  # the tasks are in the database (ESSAIM_TASKS_BACKEND)
            yield _gauge("essaim_tasks_queued", "Tasks ready to run, waiting for a task worker.", found.queued)
            yield _gauge(
                "essaim_tasks_oldest_age_seconds",
                "How long the oldest task ready to run has waited (0: none waits).",
                found.oldest_s or 0.0,
            )
        yield _gauge("essaim_outbox_due", "Outbox rows (durable event consumers) due to run now.", found.outbox_due)
        yield _gauge(
            "essaim_outbox_failed",
            "Outbox rows given up on after their attempts, kept for reading.",
            found.outbox_failed,
        )
        yield _gauge(
            "essaim_outbox_oldest_due_age_seconds",
            "How long the oldest due outbox row has waited (0: none waits).",
            found.outbox_oldest_s or 0.0,
        )
        if found.worker_seen_s is not None:
            yield _gauge(
                "essaim_task_worker_seen_age_seconds",
                "Since a task worker last started a periodic job (its scheduler starts one every 30 s).",
                found.worker_seen_s,
            )
        if connections is not None:
            used, limit = connections
            yield _gauge("essaim_database_connections", "PostgreSQL: connections open to Essaim's database.", used)
            yield _gauge("essaim_database_max_connections", "PostgreSQL: the server's max_connections.", limit)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
