"""``manage.py serve``: the task worker's polling interval bounds how soon a post is delivered."""

from __future__ import annotations

import pytest

from essaim.core.management.commands.serve import Command


def _options(*argv: str) -> dict[str, object]:
    return vars(Command().create_parser("manage.py", "serve").parse_args(list(argv)))


def test_the_worker_polls_every_tenth_of_a_second_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESSAIM_WORKER_INTERVAL", raising=False)
    assert _options()["worker_interval"] == pytest.approx(0.1)


def test_the_interval_comes_from_the_environment_or_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAIM_WORKER_INTERVAL", "0.25")
    assert _options()["worker_interval"] == pytest.approx(0.25)
    assert _options("--worker-interval", "1")["worker_interval"] == pytest.approx(1.0)
