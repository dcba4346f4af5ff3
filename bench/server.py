"""The server under test: Essaim's production stack, started on a free loopback port.

``manage.py serve`` is what production runs (granian WSGI workers plus one ``worker``
task worker, supervised together), so the harness starts exactly that, with
``ESSAIM_DEBUG=0``. Resource use is read from ``/proc`` for the whole process tree:
CPU-seconds from ``utime + stime`` in ``/proc/<pid>/stat``, peak memory from ``VmHWM``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Target:
    """One dataset on one database: where its files and its database live."""

    size: str
    db: str

    @property
    def name(self) -> str:
        return f"{self.size}-{self.db}"

    @property
    def data_dir(self) -> Path:
        """``var/bench/<SIZE>-<db>/``: the SQLite file, collected static files, the dataset stamp."""
        return REPO / "var" / "bench" / self.name

    @property
    def database_url(self) -> str:
        if self.db == "postgres":
            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            return f"{base.rstrip('/')}/essaim_bench_{self.size.lower()}"
        return ""  # the embedded default: <data dir>/essaim.sqlite3, WAL, IMMEDIATE

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "essaim.sqlite3"

    def env(self) -> dict[str, str]:
        """The environment for the generator, the server and the task worker."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            ESSAIM_DATA_DIR=str(self.data_dir),
            ESSAIM_DATABASE_URL=self.database_url,
            ESSAIM_DEBUG="0",
            ESSAIM_SECRET_KEY="essaim-bench-secret-key-not-for-production-use-0123456789",  # noqa: S106
            ESSAIM_ALLOWED_HOSTS=f"{LOOPBACK},localhost",
            ESSAIM_FAST_PASSWORD_HASHER="1",  # noqa: S106 - cheap logins, benchmarks only
            ESSAIM_BENCH="1",
            ESSAIM_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            ESSAIM_LOG_LEVEL="ERROR",
            ESSAIM_BACKUP_KEEP="0",  # no daily archive of a gigabyte of data while the benchmark measures
            ESSAIM_RATE_LIMITS="off",  # a few hundred identities post thousands of times
            DJANGO_SETTINGS_MODULE="essaim.settings",
        )
        env.pop("ESSAIM_REDIS_URL", None)
        return env


def standalone_env(data_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a measurement on a data directory (and database) of its own, run in this process or a
    child: no Redis, errors only, no daily backup, cheap password hashing, no per-person rate limits (it acts
    thousands of times as the same people); ``extra`` on top."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "ESSAIM_REDIS_URL"}}
    env.update(
        ESSAIM_DATA_DIR=str(data_dir),
        ESSAIM_DATABASE_URL=database_url,
        ESSAIM_SECRET_KEY="essaim-bench-secret-key-not-for-production-use-0123456789",  # noqa: S106
        ESSAIM_FAST_PASSWORD_HASHER="1",  # noqa: S106 - benchmarks only
        ESSAIM_LOG_LEVEL="ERROR",
        ESSAIM_BACKUP_KEEP="0",
        ESSAIM_RATE_LIMITS="off",
        DJANGO_SETTINGS_MODULE="essaim.settings",
    )
    env.update(extra)
    return env


def reset_postgres(url: str) -> None:
    """Drop and create the database of ``url`` (its server's ``postgres`` database must be reachable)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(root: int) -> list[int]:
    tree = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def cpu_ticks(pid: int) -> int:
    """``utime + stime`` of one process, in clock ticks (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5), after pid and comm


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


@dataclass
class Server:
    target: Target
    threads: int = 1
    workers: int = 2
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    startup_s: float = 0.0
    log_path: Path = field(default_factory=lambda: REPO / "var" / "bench" / "server.log")

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, *, timeout: float = 300.0) -> None:
        self.port = free_port()
        began = time.monotonic()
        command = [
            sys.executable, "manage.py", "serve",
            "--bind", f"{LOOPBACK}:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=self.target.env(), stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped during start-up; see {self.log_path}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f} s; see {self.log_path}")
        # Wait for every granian worker and the task worker to be up before measuring.
        while time.monotonic() < deadline and len(self.pids()) < self.workers + 3:
            time.sleep(0.2)
        self.startup_s = time.monotonic() - began

    def pids(self) -> list[int]:
        return process_tree(self.process.pid) if self.process else []

    def cpu_snapshot(self) -> dict[int, int]:
        return {pid: cpu_ticks(pid) for pid in self.pids()}

    @staticmethod
    def cpu_seconds_since(before: dict[int, int], after: dict[int, int]) -> float:
        ticks = sum(after[pid] - before.get(pid, 0) for pid in after)
        return ticks / CLOCK_TICKS

    def peak_rss_mb(self) -> float:
        """The sum of every server process's high-water resident set (``VmHWM``)."""
        return sum(status_kb(pid, "VmHWM") for pid in self.pids()) / 1024

    def rss_mb(self) -> float:
        return sum(status_kb(pid, "VmRSS") for pid in self.pids()) / 1024

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in reversed(self.pids()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=5)
