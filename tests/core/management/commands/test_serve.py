"""``manage.py serve``: web workers, and the task worker's polling interval that bounds how soon a post is delivered."""

from __future__ import annotations

import itertools

import pytest

from essaim.core.management.commands.serve import Command, web_command


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


def test_the_web_server_is_granian_serving_essaim_over_wsgi_with_those_workers_and_threads() -> None:
    argv = web_command("127.0.0.1:8000", {"workers": 3, "threads": 1})
    assert argv[1:5] == ["-m", "granian", "--interface", "wsgi"]
    assert "essaim.wsgi:application" in argv
    options = dict(itertools.pairwise(argv))
    assert (options["--host"], options["--port"]) == ("127.0.0.1", "8000")
    assert (options["--workers"], options["--blocking-threads"]) == ("3", "1")


def test_an_ipv6_address_is_bound_without_its_brackets() -> None:
    argv = web_command("[::1]:8080", {"workers": 2, "threads": 1})
    assert argv[argv.index("--host") + 1] == "::1"
    assert argv[argv.index("--port") + 1] == "8080"
