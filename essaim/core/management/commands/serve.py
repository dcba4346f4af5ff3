"""``manage.py serve``: the embedded topology in one command.

Starts granian (pages, API and live stream) and one worker (``manage.py worker``: tasks, the outbox,
periodic jobs), and the mail gateway when the network has a mail domain (``ESSAIM_MAIL_IN_DOMAIN``),
and supervises them: a child
that stops is started again after a pause that doubles each time it stops again right after
starting (``BACKOFF``), and the console says why (its exit code or signal); one that keeps stopping
at once (a port taken, a broken configuration) makes ``serve`` stop everything and say so, rather
than loop. Ctrl-C or SIGTERM stops every child (each in its own process group, so granian's workers
and the development server's reloaded child go too) and waits for them. ``--dev`` serves with
Django's development server instead (autoreload, debug pages: ``make dev``); the task worker never
runs under the autoreloader, which ran every task's log line twice and restarted it mid-task.

The console stays quiet: the address once the server answers, then only what needs attention.
No access log (the reverse proxy keeps one), granian at warning level without its warning that
the workers outnumber the cores (they do on purpose, see below: ``essaim.core.logs``), the task
worker one line per finished task at ``ESSAIM_LOG_LEVEL=INFO`` (``make dev``), failures always.

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
reaches its home timelines through that worker (the outbox's loop: ``events.outbox``), so the interval
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
(granian warns that the workers outnumber the cores: that is this choice, so that one warning is
filtered out); behind a buffering reverse proxy, one per core is enough.

Metrics: the web workers count their requests and live pages in files under ``PROMETHEUS_MULTIPROC_DIR``
(``<data dir>/run/metrics`` unless set; prometheus-client's multiprocess mode), which ``serve`` empties
before it starts them, so that ``/metrics`` adds up every worker's (``essaim.health.metrics``). With
``ESSAIM_LOG_FORMAT=json``, granian's messages and ``serve``'s own are JSON lines too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core import fragments
from essaim.core.logs import json_line

BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds before restarting a child that stopped 1, 2, 3… times in a row
SETTLE = 10.0  # a child that ran this long had started well: its next stop counts as the first
GIVE_UP_AFTER = 5  # stops in a row, each right after starting: the next would loop for nothing
GRACE = 10.0  # seconds every child has to stop after SIGTERM before SIGKILL
EVERY_INTERFACE = {"0.0.0.0", "::"}  # noqa: S104 - bind addresses recognised, not a bind
GRANIAN_LOGGING = Path(__file__).resolve().parents[2] / "granian_logging.json"
GRANIAN_JSON_LOGGING = GRANIAN_LOGGING.with_name("granian_logging_json.json")  # ESSAIM_LOG_FORMAT=json


def default_workers() -> int:
    """``ESSAIM_WEB_WORKERS``, else one per core plus one (at least 2)."""
    return int(os.environ.get("ESSAIM_WEB_WORKERS") or max(2, (os.cpu_count() or 1) + 1))


def default_threads() -> int:
    """``ESSAIM_WEB_THREADS``, else 1 (see the module's docstring)."""
    return int(os.environ.get("ESSAIM_WEB_THREADS") or 1)


class Command(BaseCommand):
    help = "Serve Essaim: web server and task worker, supervised together (--dev: Django's development server)."

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
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server: autoreload and debug pages (make dev)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"]
        ensure_free(bind)
        # The children's settings derive the site's address and host names from where they listen.
        environment = {**os.environ, "ESSAIM_BIND": bind, "ESSAIM_WEB_THREADS": str(options["threads"])}
        environment["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_directory(environment))
        if options["dev"]:
            environment["ESSAIM_DEBUG"] = "1"
            environment.setdefault("ESSAIM_LOG_LEVEL", "INFO")  # one line per task and per page served
        elif not settings.DEBUG:
            collect_static()
        fragments.forget_shared_file()  # drawn by the previous release or with the previous secret key
        raise_open_files_limit()
        web = dev_command(bind) if options["dev"] else web_command(bind, options)
        children = [Child("web server", web, environment)]
        if not options["no_worker"]:
            children.append(Child("task worker", worker_command(options["worker_interval"]), environment))
        if gateway := mailgate_command():
            children.append(Child("mail gateway", gateway, environment))
        supervisor = Supervisor(children, say=self.say, cwd=settings.BASE_DIR)
        if message := supervisor.run(ready=lambda: answers(bind), announce=announcement(bind)):
            raise CommandError(message)

    def say(self, line: str) -> None:
        self.stdout.write(json_line("essaim.serve", line) if settings.LOG_FORMAT == "json" else line)
        self.stdout.flush()


@dataclass
class Child:
    """A supervised process: its name in the console, its command line, its environment (None: ours)."""

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started_at: float = 0.0
    quick_stops: int = 0  # stops in a row, each right after starting
    restart_at: float | None = None  # when a stopped child starts again

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    """Starts the children, restarts one that stops (after a growing pause), stops them all on a signal."""

    children: list[Child]
    say: Callable[[str], None]
    cwd: Path | None = None
    backoff: tuple[float, ...] = BACKOFF
    settle: float = SETTLE
    give_up_after: int = GIVE_UP_AFTER
    grace: float = GRACE
    stopping: bool = False

    def run(self, *, ready: Callable[[], bool], announce: str, poll: float = 0.2) -> str:
        """Until SIGINT or SIGTERM (then ``""``) or a child that keeps stopping (then why Essaim gives up)."""

        def on_signal(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
        announced = False
        try:
            self.start()
            while not self.stopping:
                if message := self.check():
                    return message
                if not announced and (announced := ready()):
                    self.say(announce)
                time.sleep(poll)
            self.say("Stopping Essaim…")
            return ""
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        # Its own process group: Ctrl-C reaches the supervisor alone, which stops the children in order,
        # and a signal to the group reaches what the child started (granian's workers, runserver's child).
        child.process = subprocess.Popen(child.argv, cwd=self.cwd, env=child.env, process_group=0)  # noqa: S603
        child.started_at, child.restart_at = time.monotonic(), None

    def check(self) -> str:
        """Start again each child whose pause is over; note the ones that stopped; why to give up, or ``""``."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._spawn(child)
                continue
            code = child.process.poll() if child.process else None
            if code is None:
                continue
            signal_group(child, signal.SIGKILL)  # what it left behind (granian's workers hold the port)
            child.quick_stops = child.quick_stops + 1 if now - child.started_at < self.settle else 1
            if child.quick_stops >= self.give_up_after:
                return (
                    f"The {child.name} stopped {child.quick_stops} times in a row right after starting "
                    f"(last: {exit_reason(code)}): Essaim stops. Its own messages above say why."
                )
            pause = self.backoff[min(child.quick_stops, len(self.backoff)) - 1]
            self.say(f"The {child.name} stopped ({exit_reason(code)}): restarting it in {pause:g} s.")
            child.restart_at = now + pause
        return ""

    def stop(self) -> None:
        """SIGTERM to every child's group, up to ``grace`` seconds to finish, then SIGKILL to what is left."""
        for child in self.children:
            if child.running:
                signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children:
            if child.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        for child in self.children:
            signal_group(child, signal.SIGKILL)
            if child.process is not None:
                child.process.wait()


def signal_group(child: Child, signum: int) -> None:
    if child.process is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signum)


def exit_reason(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


def split_bind(bind: str) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` → (host without brackets, port)."""
    host, _, port = bind.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def ensure_free(bind: str) -> None:
    """Refuse to start on an address another program listens on, rather than let the web server fail in a loop."""
    host, port = split_bind(bind)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server does
        try:
            probe.bind((host, port))
        except OSError as error:
            what = "is already in use (another Essaim?)" if error.errno == errno.EADDRINUSE else error.strerror
            raise CommandError(
                f"{bind} {what}: stop what listens there, or choose another address with ESSAIM_BIND "
                f"(e.g. ESSAIM_BIND={bind.rpartition(':')[0]}:{port + 1} make run)."
            ) from error


def answers(bind: str) -> bool:
    """Whether Essaim answers an HTTP request on ``bind`` (on loopback for a bind on every interface).

    Any status will do (a host name outside ESSAIM_ALLOWED_HOSTS gets 400): the application is loaded.
    A connection alone is not enough: granian accepts them before its workers have loaded Django.
    """
    host, port = split_bind(bind)
    if host in EVERY_INTERFACE:
        host = "::1" if ":" in host else "127.0.0.1"
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def announcement(bind: str) -> str:
    """Where Essaim answers; on every interface, how e-mailed links name it (``ESSAIM_SITE_URL``)."""
    host, port = split_bind(bind)
    where, before = f"http://{bind}/", ""
    if host in EVERY_INTERFACE:
        where = f"port {port} of every interface, e.g. http://{socket.gethostname()}:{port}/"
        if not os.environ.get("ESSAIM_SITE_URL"):
            before = f"Links in e-mails say {settings.SITE_URL}/: set ESSAIM_SITE_URL to the address people use.\n"
    if os.environ.get("ESSAIM_SITE_URL"):
        where += f", public address {settings.SITE_URL}/"
    return f"{before}Essaim is serving on {where} — Ctrl-C to stop."


def metrics_directory(environment: dict[str, str]) -> Path:
    """Where the children write their metrics (``PROMETHEUS_MULTIPROC_DIR``, else ``<data dir>/run/metrics``),
    emptied of a previous run's files, which would otherwise be added to this run's. Only prometheus-client's
    own files (``*.db``) go: the directory may be one the operator chose for other things too."""
    directory = Path(environment.get("PROMETHEUS_MULTIPROC_DIR") or settings.DATA_DIR / "run" / "metrics")
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return directory


def manage() -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py")]


def worker_command(interval: float) -> list[str]:
    """The task worker and the outbox's loop (``manage.py worker``), never under the autoreloader
    (``db_worker``, which it runs, uses it when DEBUG is on)."""
    return [*manage(), "worker", "--interval", str(interval), "--no-reload"]


def collect_static() -> None:
    """``collectstatic``, one process at a time: two ``serve`` started together on one data directory (two
    app processes of one host) each wait for the other instead of one dying on a half-copied file."""
    lock_path = Path(settings.DATA_DIR) / "collectstatic.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def mailgate_command() -> list[str]:
    """The mail gateway (reply and post by e-mail) when the network has a mail domain, on
    ``ESSAIM_MAILGATE_BIND`` (LMTP, 127.0.0.1:8025 by default); else nothing to start."""
    if not getattr(settings, "MAIL_IN_DOMAIN", ""):
        return []
    return [*manage(), "mailgate", "--bind", os.environ.get("ESSAIM_MAILGATE_BIND", "127.0.0.1:8025")]


def dev_command(bind: str) -> list[str]:
    """Django's development server: reloads on code changes, serves static files, shows debug pages."""
    return [*manage(), "runserver", bind]


def connection_limits(workers: int) -> list[str]:
    """Open connections granian keeps, beyond the pages being served: each open live page is one, for as
    long as it stays open. Granian's default (its listen backlog, 1,024, shared by the workers) refused the
    1,024th open page (bench/README.md); ``ESSAIM_WEB_CONNECTIONS`` (10,000 by default) are shared out."""
    total = int(os.environ.get("ESSAIM_WEB_CONNECTIONS") or 10_000)
    return ["--backlog", "2048", "--backpressure", str(max(total // workers, 128))]


def raise_open_files_limit() -> None:
    """As many open files as the system allows this user (each open live page is a socket); the children inherit it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def web_command(bind: str, options: dict[str, Any]) -> list[str]:
    """granian serving ``essaim.asgi`` (pages and the live stream on one port) on ``bind`` (``host:port``)
    with the options' workers; ``ESSAIM_WEB_INTERFACE=wsgi`` serves ``essaim.wsgi`` alone (no live pages)."""
    host, port = split_bind(bind)
    if os.environ.get("ESSAIM_WEB_INTERFACE", "asgi") == "wsgi":
        interface = ["--interface", "wsgi", "essaim.wsgi:application", "--blocking-threads", str(options["threads"])]
    else:  # Django's threads: ``essaim.asgi`` reads ESSAIM_WEB_THREADS
        interface = ["--interface", "asgi", "essaim.asgi:application", *connection_limits(options["workers"])]
    return [
        sys.executable, "-m", "granian", *interface,
        "--host", host, "--port", str(port),
        "--workers", str(options["workers"]),
        "--no-ws", "--respawn-failed-workers",
        "--log-level", "warning",
        "--log-config", str(GRANIAN_JSON_LOGGING if settings.LOG_FORMAT == "json" else GRANIAN_LOGGING),
    ]  # fmt: skip
