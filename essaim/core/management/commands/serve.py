"""``manage.py serve``: the embedded topology in one command.

Starts granian (WSGI pages and API) and one ``django-tasks-db`` worker, supervises both, and
stops both on Ctrl-C or SIGTERM.

Web server: granian. Measured against gunicorn back to back on the benchmark's M dataset (SQLite,
2 cores, three single-threaded workers each, bench/README.md): the bare view served 2,160–2,640
req/s at concurrency 16 against 1,150–1,630, at about half the CPU a request; on real pages the two
are on par (home page 162–229 req/s against 165–238, home JSON 255–357 against 298–362, post
creation 113–124 posts/s against 112–119), with a longer tail at concurrency 16 under granian (each
worker queues the connections it accepted, where gunicorn's sync workers take one request when
free). Granian is kept for what the benchmark does not show: it reads and writes HTTP in Rust and
keeps connections alive, so a slow phone uploading a photo or reading a page holds no Python
worker, where three slow clients could hold all of gunicorn's. Both were measured faster than
Django through ASGI on these cores.

The worker polls the task table every ``--worker-interval`` seconds (0.1 by default) when
the queue is empty. A post whose audience fits in one batch (``stream.timelines.BATCH``, most
posts) is delivered in its own transaction; a larger one (a big space, a much-followed author)
reaches its home timelines through that worker (``stream.tasks.deliver_post``), so the interval
bounds how soon such a post is visible. Measured idle cost of one polling worker (S dataset,
SQLite, a loaded 2-core machine): 0.5 s → 1.3 % of a core, 0.05 s → 9.3 % (so ≈ 5 % at 0.1 s);
0.1 s keeps the average wait at 50 ms for a small fixed cost. Delivery was first always the
worker's, to keep the fan-out out of ``POST /statuses``' latency; once delivery wrote plain rows
(3 µs a row on SQLite), queueing, claiming and recording the task cost more than writing a
hundred rows, so small audiences moved into the request (``stream.timelines.deliver_if_small``
has the figures, for both databases).

Web workers: one thread each, one process per core plus one (``--workers``/``--threads``,
``ESSAIM_WEB_WORKERS``/``ESSAIM_WEB_THREADS``). Measured on the benchmark's M dataset, SQLite,
2 cores, home feed at concurrency 16, req/s JSON / HTML: 2 workers × 4 threads 169 / 173 (the
machine only 67 % busy on JSON: threads of one process wait on each other for the GIL around
every database call); with one thread, 2 workers 436 / 223, 3 workers 403 / 221, 4 workers 379 / 169
(each process warms its own card cache, ``stream.cards``, unless Redis is configured). One
more process than cores keeps nearly all of that while a slow upload holds one worker of several
(granian warns that the workers outnumber the cores: that is this choice); behind a buffering
reverse proxy, one per core is enough.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """``ESSAIM_WEB_WORKERS``, else one per core plus one (at least 2)."""
    return int(os.environ.get("ESSAIM_WEB_WORKERS") or max(2, (os.cpu_count() or 1) + 1))


def default_threads() -> int:
    """``ESSAIM_WEB_THREADS``, else 1 (see the module's docstring)."""
    return int(os.environ.get("ESSAIM_WEB_THREADS") or 1)


class Command(BaseCommand):
    help = "Serve Essaim: web server and task worker, supervised together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ESSAIM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=default_threads())
        parser.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")
        parser.add_argument(
            "--worker-interval",
            type=float,
            default=float(os.environ.get("ESSAIM_WORKER_INTERVAL", "0.1")),
            help="Seconds between two polls of an empty task queue (bounds how soon a post is delivered).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = options["bind"]
        processes = [subprocess.Popen(web_command(bind, options))]  # noqa: S603 - fixed argv
        if not options["no_worker"]:
            worker = [sys.executable, "manage.py", "db_worker", "--interval", str(options["worker_interval"])]
            processes.append(subprocess.Popen(worker))  # noqa: S603 - fixed argv
        self.stdout.write(self.style.SUCCESS(f"Essaim is serving on http://{bind}/ — Ctrl-C to stop."))

        def stop(*_: object) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop both, quietly
                while all(process.poll() is None for process in processes):
                    time.sleep(0.5)
        finally:
            stop()
            for process in processes:
                process.wait(timeout=10)


def web_command(bind: str, options: dict[str, Any]) -> list[str]:
    """granian serving ``essaim.wsgi`` on ``bind`` (``host:port``) with the options' workers and threads."""
    host, _, port = bind.rpartition(":")
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "essaim.wsgi:application",
        "--host", host.strip("[]") or "127.0.0.1", "--port", port,
        "--workers", str(options["workers"]),
        "--blocking-threads", str(options["threads"]),
        "--no-ws", "--respawn-failed-workers",
        "--log-level", "info" if settings.DEBUG else "warning",
        *(["--access-log"] if settings.DEBUG else []),
    ]  # fmt: skip
