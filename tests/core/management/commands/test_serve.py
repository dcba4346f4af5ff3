"""``manage.py serve``: web workers, the task worker's polling interval, a quiet console, and the supervisor
that restarts a crashed child, gives up on one that keeps crashing and stops everything on a signal."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from essaim.core.logs import SkipWorkerCountWarning
from essaim.core.management.commands.serve import (
    Child,
    Command,
    Supervisor,
    announcement,
    dev_command,
    metrics_directory,
    web_command,
    worker_command,
)

ROOT = Path(__file__).resolve().parents[4]
WORKER_COUNT_WARNING = (
    "Configured number of workers appears to be higher than the amount of CPU cores available. "
    "Mind that such value might actually decrease the overall throughput of the server."
)


def _options(*argv: str) -> dict[str, object]:
    return vars(Command().create_parser("manage.py", "serve").parse_args(list(argv)))


def test_the_worker_polls_every_tenth_of_a_second_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESSAIM_WORKER_INTERVAL", raising=False)
    assert _options()["worker_interval"] == pytest.approx(0.1)


def test_the_interval_comes_from_the_environment_or_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAIM_WORKER_INTERVAL", "0.25")
    assert _options()["worker_interval"] == pytest.approx(0.25)
    assert _options("--worker-interval", "1")["worker_interval"] == pytest.approx(1.0)


def test_web_workers_are_single_threaded_processes_one_per_core_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESSAIM_WEB_WORKERS", raising=False)
    monkeypatch.delenv("ESSAIM_WEB_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert (_options()["workers"], _options()["threads"]) == (3, 1)
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert _options()["workers"] == 2


def test_workers_and_threads_come_from_the_environment_or_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAIM_WEB_WORKERS", "3")
    monkeypatch.setenv("ESSAIM_WEB_THREADS", "2")
    assert (_options()["workers"], _options()["threads"]) == (3, 2)
    assert _options("--workers", "5", "--threads", "1")["workers"] == 5


def test_the_web_server_is_granian_serving_pages_and_the_live_stream_on_one_port_over_asgi() -> None:
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    assert argv[1:6] == ["-m", "granian", "--interface", "asgi", "essaim.asgi:application"]
    options = dict(itertools.pairwise(argv))
    assert (options["--host"], options["--port"]) == ("127.0.0.1", "8000")
    assert options["--workers"] == "3"


def test_granian_keeps_thousands_of_open_live_pages_shared_out_among_its_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = dict(itertools.pairwise(web_command("127.0.0.1:8000", {"workers": 4, "threads": 1})))
    assert options["--backpressure"] == "2500"  # 10,000 open connections in all, by default
    monkeypatch.setenv("ESSAIM_WEB_CONNECTIONS", "30000")
    options = dict(itertools.pairwise(web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})))
    assert options["--backpressure"] == "10000"


def test_wsgi_alone_serves_pages_without_the_live_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAIM_WEB_INTERFACE", "wsgi")
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    assert argv[1:6] == ["-m", "granian", "--interface", "wsgi", "essaim.wsgi:application"]
    assert dict(itertools.pairwise(argv))["--blocking-threads"] == "1"


def test_an_ipv6_address_is_bound_without_its_brackets() -> None:
    argv = web_command("[::1]:8080", {"workers": 2, "threads": 1})
    assert argv[argv.index("--host") + 1] == "::1"
    assert argv[argv.index("--port") + 1] == "8080"


def test_granian_does_not_warn_about_the_worker_count_it_was_given_on_purpose() -> None:
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    config = json.loads(Path(argv[argv.index("--log-config") + 1]).read_text())
    assert "worker_count" in config["loggers"]["_granian"]["filters"]
    record = logging.LogRecord("_granian", logging.WARNING, "", 0, WORKER_COUNT_WARNING, None, None)
    assert not SkipWorkerCountWarning().filter(record)
    other = logging.LogRecord("_granian", logging.WARNING, "", 0, "Unexpected exit from worker-1", None, None)
    assert SkipWorkerCountWarning().filter(other)


def test_the_web_server_logs_no_line_per_request() -> None:
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    assert "--access-log" not in argv
    assert argv[argv.index("--log-level") + 1] == "warning"


def test_with_json_logs_granian_and_serve_write_json_lines(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.LOG_FORMAT = "json"
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    config = json.loads(Path(argv[argv.index("--log-config") + 1]).read_text())
    assert config["formatters"]["json"] == {"()": "essaim.core.logs.JsonFormatter"}
    assert {handler["formatter"] for handler in config["handlers"].values()} == {"json"}
    assert "worker_count" in config["loggers"]["_granian"]["filters"]
    Command().say("Stopping Essaim…")
    entry = json.loads(capsys.readouterr().out)
    assert (entry["logger"], entry["message"]) == ("essaim.serve", "Stopping Essaim…")


def test_the_web_workers_write_their_metrics_to_one_directory_emptied_at_start(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    assert metrics_directory({}) == tmp_path / "run" / "metrics"
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / "counter_4242.db").write_bytes(b"a previous run's counts")
    (chosen / "notes.txt").write_text("the operator's")
    assert metrics_directory({"PROMETHEUS_MULTIPROC_DIR": str(chosen)}) == chosen
    assert sorted(path.name for path in chosen.iterdir()) == ["notes.txt"]


def test_the_task_worker_never_runs_under_the_autoreloader() -> None:
    assert "--no-reload" in worker_command(0.1)


def test_the_address_is_announced_as_people_open_it(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.delenv("ESSAIM_SITE_URL", raising=False)
    assert announcement("127.0.0.1:8123") == "Essaim is serving on http://127.0.0.1:8123/ — Ctrl-C to stop."
    settings.SITE_URL = "http://127.0.0.1:8123"
    hint, address = announcement("0.0.0.0:8123").splitlines()
    assert address.startswith(
        f"Essaim is serving on port 8123 of every interface, e.g. http://{socket.gethostname()}:8123/"
    )
    assert hint == "Links in e-mails say http://127.0.0.1:8123/: set ESSAIM_SITE_URL to the address people use."
    monkeypatch.setenv("ESSAIM_SITE_URL", "https://rse.example.com")
    settings.SITE_URL = "https://rse.example.com"
    assert announcement("127.0.0.1:8000").endswith(
        "http://127.0.0.1:8000/, public address https://rse.example.com/ — Ctrl-C to stop."
    )


def test_the_mail_gateway_starts_with_the_rest_once_the_network_has_a_mail_domain(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from essaim.core.management.commands.serve import mailgate_command

    settings.MAIL_IN_DOMAIN = ""
    assert mailgate_command() == []
    settings.MAIL_IN_DOMAIN = "reply.rse.example.com"
    monkeypatch.setenv("ESSAIM_MAILGATE_BIND", "127.0.0.1:2525")
    assert mailgate_command()[-3:] == ["mailgate", "--bind", "127.0.0.1:2525"]


def test_make_dev_serves_with_djangos_development_server_in_debug_mode() -> None:
    argv = dev_command("127.0.0.1:8123")
    assert argv[-2:] == ["runserver", "127.0.0.1:8123"]


# --- The supervisor, with small stand-in processes


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SLEEPER = python("import time; time.sleep(60)")


class Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wait_for(condition: Callable[[], object], supervisor: Supervisor | None = None, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor is not None:
            assert supervisor.check() == ""
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else ""
    return status != "Z"


class TestSupervisor:
    def test_a_child_that_dies_is_restarted_after_a_pause_and_the_console_says_why(self, tmp_path: Path) -> None:
        marker = tmp_path / "crashed-once"
        crash_once = python(
            f"import pathlib, sys, time\np = pathlib.Path({str(marker)!r})\n"
            "if not p.exists(): p.touch(); sys.exit(3)\ntime.sleep(60)"
        )
        say = Recorder()
        supervisor = Supervisor(
            [Child("task worker", crash_once), Child("web server", SLEEPER)], say=say, backoff=(0.2,)
        )
        supervisor.start()
        try:
            worker, web = supervisor.children
            first_worker, first_web = worker.pid, web.pid
            wait_for(lambda: worker.pid != first_worker and worker.running, supervisor)
            assert marker.exists()
            assert "The task worker stopped (exit code 3): restarting it in 0.2 s." in say.text
            assert web.pid == first_web, "the other child went on"
        finally:
            supervisor.stop()

    def test_a_killed_child_is_named_with_its_signal(self) -> None:
        say = Recorder()
        supervisor = Supervisor([Child("task worker", SLEEPER)], say=say, backoff=(0.1,))
        supervisor.start()
        try:
            worker = supervisor.children[0]
            first = worker.pid
            os.kill(first, signal.SIGKILL)
            wait_for(lambda: worker.running and worker.pid != first, supervisor)
            assert "The task worker stopped (killed by SIGKILL): restarting it in 0.1 s." in say.text
        finally:
            supervisor.stop()

    def test_a_child_that_keeps_failing_at_once_makes_essaim_give_up_with_a_clear_message(self) -> None:
        say = Recorder()
        supervisor = Supervisor(
            [Child("web server", python("import sys; sys.exit(1)")), Child("task worker", SLEEPER)],
            say=say,
            backoff=(0.05, 0.1, 0.2),
            give_up_after=3,
        )
        supervisor.start()
        began = time.monotonic()
        message = ""
        while not message and time.monotonic() - began < 10:
            message = supervisor.check()
            time.sleep(0.02)
        supervisor.stop()
        assert message.startswith("The web server stopped 3 times in a row right after starting (last: exit code 1)")
        assert "Essaim stops" in message
        assert time.monotonic() - began >= 0.05 + 0.1, "it waited longer each time"
        assert not alive(supervisor.children[1].pid), "the other child was stopped too"

    def test_a_child_that_ran_a_while_before_failing_starts_counting_again(self) -> None:
        say = Recorder()
        supervisor = Supervisor(
            [Child("task worker", python("import sys, time; time.sleep(0.4); sys.exit(1)"))],
            say=say,
            backoff=(0.05, 5.0),
            give_up_after=2,
            settle=0.3,
        )
        supervisor.start()
        try:  # each run lasts longer than `settle`: three stops, each the first, each after the first pause
            wait_for(lambda: say.text.count("restarting it in 0.05 s.") >= 3, supervisor, timeout=60)
            assert "restarting it in 5 s." not in say.text
        finally:
            supervisor.stop()

    def test_stopping_ends_every_child_and_their_own_children(self, tmp_path: Path) -> None:
        pid_file = tmp_path / "grandchild"
        spawner = python(
            "import pathlib, subprocess, sys, time\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            f"pathlib.Path({str(pid_file)!r}).write_text(str(child.pid))\ntime.sleep(60)"
        )
        stubborn = python("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)")
        supervisor = Supervisor(
            [Child("web server", spawner), Child("task worker", stubborn)], say=Recorder(), grace=1.0
        )
        supervisor.start()
        wait_for(lambda: pid_file.exists() and pid_file.read_text())
        time.sleep(0.3)  # the stubborn child has set its handler
        pids = [child.pid for child in supervisor.children] + [int(pid_file.read_text())]
        began = time.monotonic()
        supervisor.stop()
        assert time.monotonic() - began < 5
        assert not any(alive(pid) for pid in pids)


# --- `manage.py serve` for real: granian and the task worker on a free port, against a temporary data dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children_of(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def child_running(server: subprocess.Popen[bytes], needle: str) -> int | None:
    return next((pid for pid in children_of(server.pid) if needle in command_line(pid) and alive(pid)), None)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def serve_environment(data_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
    environment.update(ESSAIM_DATA_DIR=str(data_dir), ESSAIM_DEBUG="0", PYTHONUNBUFFERED="1")
    return environment


LIVE_READER = """
from django.test import Client
from tests.accounts.factories import UserFactory
reader = UserFactory(handle="lecteur.direct")
client = Client()
client.force_login(reader)
print(client.cookies["sessionid"].value)
"""
LIVE_WRITER = """
from essaim.accounts.models import User
from essaim.stream import services
print(services.post_create(actor=User.objects.get(handle="lecteur.direct"), body="En direct").pk)
"""


def manage_py(data_dir: Path, code: str, extra: dict[str, str] | None = None) -> str:
    """Run ``code`` in ``manage.py shell`` against ``data_dir``'s database; what it printed."""
    done = subprocess.run(  # noqa: S603 - this interpreter, Essaim's manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**serve_environment(data_dir), **(extra or {})},
        check=True,
        capture_output=True,
    )
    return done.stdout.decode().strip()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("serve")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=serve_environment(data_dir),
        check=True,
    )
    return data_dir


@pytest.fixture(scope="module")
def served(migrated: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port, log = free_port(), migrated / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - this interpreter, Essaim's manage.py
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=serve_environment(migrated),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: f"http://127.0.0.1:{port}/" in log.read_text(), timeout=120)
        yield server, port, log
    finally:
        if server.poll() is None:
            for pid in [*reversed(descendants(server.pid)), server.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            server.wait()


class TestServe:
    """In this order: the console, the task worker killed, the web server killed, then a SIGTERM."""

    def test_the_console_says_where_essaim_answers_and_little_else(self, served: tuple) -> None:
        _server, port, log = served
        assert answers(port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/essaim/essaim.css") as response:
            assert response.status == 200
        time.sleep(0.5)
        lines = log.read_text().splitlines()
        assert lines[-1] == f"Essaim is serving on http://127.0.0.1:{port}/ — Ctrl-C to stop.", lines
        assert len(lines) <= 3, lines

    def test_a_post_written_by_another_process_reaches_a_live_page_on_the_same_port(
        self, served: tuple, migrated: Path
    ) -> None:
        _server, port, _log = served
        session = manage_py(migrated, LIVE_READER)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/live/events", headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (200, "text/event-stream; charset=utf-8")
        assert response.readline() == b"retry: 2000\n"
        time.sleep(0.5)  # the stream has joined its process's hub
        post_id = manage_py(migrated, LIVE_WRITER)
        block = [response.readline() for _ in range(4)]  # the blank line after the retry advice, then the event
        assert block[1:3] == [b"id: 1\n", b"event: post\n"], block
        assert json.loads(block[3].removeprefix(b"data: ")) == {
            "post": post_id,
            "space": None,
            "tags": [],
            "company": True,
            "home": True,
        }
        connection.close()

    def test_the_metrics_add_up_the_web_workers_and_count_the_open_live_pages(
        self, served: tuple, migrated: Path
    ) -> None:
        _server, port, _log = served
        reader = 'handle="lectrice.metriques", email="lectrice.metriques@example.com"'
        session = manage_py(migrated, LIVE_READER.replace('handle="lecteur.direct"', reader))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/live/events", headers={"Cookie": f"sessionid={session}"})
        assert connection.getresponse().status == 200

        def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                text = response.read().decode()
            return {
                (sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
            }

        wait_for(lambda: scrape()[("essaim_live_streams", ())] == 1)
        healthz = (("method", "GET"), ("status", "2xx"), ("view", "health:healthz"))
        assert scrape()[("essaim_http_requests_total", healthz)] >= 1, "the probes that saw it start"
        assert list((migrated / "run" / "metrics").glob("*.db")), "multiprocess mode"
        connection.close()
        wait_for(lambda: scrape()[("essaim_live_streams", ())] == 0)

    def test_the_children_listen_where_bind_says_so_their_links_and_host_names_follow_it(self, served: tuple) -> None:
        server, port, _log = served
        for needle in ("granian", "manage.py worker"):
            child = child_running(server, needle)
            assert child is not None
            environment = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            assert f"ESSAIM_BIND=127.0.0.1:{port}".encode() in environment, needle

    def test_killing_the_task_worker_restarts_it_and_the_site_keeps_answering(self, served: tuple) -> None:
        server, port, log = served
        worker = child_running(server, "manage.py worker")
        assert worker is not None
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while (child_running(server, "manage.py worker") in {None, worker}) and time.monotonic() < deadline:
            assert answers(port), "the site stays up while the worker restarts"
            time.sleep(0.1)
        assert child_running(server, "manage.py worker") not in {None, worker}
        assert answers(port)
        assert "The task worker stopped (killed by SIGKILL): restarting it in" in log.read_text()

    def test_killing_the_web_server_restarts_it(self, served: tuple) -> None:
        server, port, log = served
        web = child_running(server, "granian")
        assert web is not None
        os.kill(web, signal.SIGKILL)
        wait_for(lambda: child_running(server, "granian") not in {None, web} and answers(port), timeout=60)
        assert "The web server stopped (killed by SIGKILL): restarting it in" in log.read_text()

    def test_sigterm_stops_every_process_and_exits_cleanly(self, served: tuple) -> None:
        server, _port, log = served
        processes = descendants(server.pid)
        assert len(processes) >= 3, "granian, its worker and the task worker"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        wait_for(lambda: not any(alive(pid) for pid in processes), timeout=10)
        assert "Traceback" not in log.read_text()


def test_a_port_already_in_use_stops_serve_at_once_with_a_clear_message(migrated: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603 - this interpreter, Essaim's manage.py
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=serve_environment(migrated),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "ESSAIM_BIND" in result.stderr


def test_two_servers_starting_together_on_one_data_directory_collect_static_files_in_turn() -> None:
    from tests import processes

    env = processes.environment(ESSAIM_DEBUG="0")
    script = "from essaim.core.management.commands.serve import collect_static; collect_static(); print('collected')"
    both = [
        subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=processes.REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _server in range(2)
    ]
    results = [process.communicate(timeout=180) for process in both]
    assert [process.returncode for process in both] == [0, 0], [err[-800:] for _out, err in results]
    assert all("collected" in out for out, _err in results)
