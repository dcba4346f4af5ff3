"""The console's filters: one line per finished task at INFO, no line per static file, no worker-count warning;
JSON lines with ``ESSAIM_LOG_FORMAT=json``."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import RequestFactory

from essaim.core.logs import JsonFormatter, OneLinePerTask, SkipStaticRequests, json_line

ROOT = Path(__file__).resolve().parents[2]


def task_record(status: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(
        "django.tasks", level, "", 0, "Task id=%s path=%s state=%s", ("1", "essaim.stream.tasks.x", status), None
    )


@pytest.fixture
def root_level() -> Iterator[None]:
    root = logging.getLogger()
    before = root.level
    yield
    root.setLevel(before)


@pytest.mark.usefixtures("root_level")
class TestOneLinePerTask:
    def test_a_task_says_one_line_when_it_finishes_at_info(self) -> None:
        logging.getLogger().setLevel(logging.INFO)
        assert not OneLinePerTask().filter(task_record("RUNNING"))
        assert OneLinePerTask().filter(task_record("SUCCESSFUL"))

    def test_nothing_by_default_but_failures(self) -> None:
        logging.getLogger().setLevel(logging.WARNING)
        assert not OneLinePerTask().filter(task_record("SUCCESSFUL"))
        assert OneLinePerTask().filter(task_record("FAILED", logging.ERROR))
        started = logging.LogRecord("django_tasks_db", logging.INFO, "", 0, "Starting worker", None, None)
        assert not OneLinePerTask().filter(started)


def request_record(line: str, status: int) -> logging.LogRecord:
    record = logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s %s', (line, str(status), "10"), None)
    record.status_code = status
    return record


def test_the_development_server_says_nothing_of_static_files_it_served() -> None:
    skip = SkipStaticRequests()
    assert not skip.filter(request_record("GET /static/essaim/essaim.css HTTP/1.1", 200))
    assert not skip.filter(request_record("GET /media/people/photos/1/a.jpg HTTP/1.1", 304))
    assert skip.filter(request_record("GET /static/essaim/missing.css HTTP/1.1", 404))
    assert skip.filter(request_record("GET / HTTP/1.1", 200))


class TestJsonLines:
    """``ESSAIM_LOG_FORMAT=json``: one JSON object a line, with its time, level, logger, message and exception."""

    def test_a_record_is_one_json_line_with_its_extras_as_plain_values(self) -> None:
        record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Not Found: %s", ("/nowhere",), None)
        record.status_code = 404
        record.request = RequestFactory().get("/nowhere")
        line = JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry.pop("timestamp").endswith("+00:00")
        assert entry == {
            "level": "WARNING",
            "logger": "django.request",
            "message": "Not Found: /nowhere",
            "status_code": 404,
            "method": "GET",
            "path": "/nowhere",
        }

    def test_an_exception_comes_with_its_traceback_in_the_same_line(self) -> None:
        try:
            raise ValueError("déjà vu")
        except ValueError:
            record = logging.LogRecord("essaim", logging.ERROR, "", 0, "failed", None, sys.exc_info())
        entry = json.loads(JsonFormatter().format(record))
        assert entry["exception"].startswith("Traceback (most recent call last):")
        assert entry["exception"].endswith("ValueError: déjà vu")

    def test_what_is_printed_rather_than_logged_can_be_a_json_line_too(self) -> None:
        entry = json.loads(json_line("essaim.serve", "Stopping Essaim…"))
        assert (entry["level"], entry["logger"], entry["message"]) == ("INFO", "essaim.serve", "Stopping Essaim…")


# Django's loggers, the task worker's (one line per finished task at INFO) and a failure, through settings.LOGGING.
LOGS = """
import logging
import django
django.setup()
logging.getLogger("essaim.test").warning("une publication de %s", "Léa")
logging.getLogger("django.tasks").info("Task id=%s path=%s state=%s", "1", "x", "RUNNING")
logging.getLogger("django.tasks").info("Task id=%s path=%s state=%s", "1", "x", "SUCCESSFUL")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("essaim.test").exception("it failed")
"""


def _logs(tmp_path: Path, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESSAIM_")}
    environment.update(ESSAIM_DATA_DIR=str(tmp_path), ESSAIM_LOG_LEVEL="INFO", **env)
    done = subprocess.run(  # noqa: S603 - this interpreter, the code above
        [sys.executable, "-c", LOGS], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return done.stderr.splitlines()


def test_with_the_json_format_every_line_of_the_console_parses_and_the_filters_still_apply(tmp_path: Path) -> None:
    entries = [json.loads(line) for line in _logs(tmp_path, ESSAIM_LOG_FORMAT="json")]
    assert [(entry["logger"], entry["message"]) for entry in entries] == [
        ("essaim.test", "une publication de Léa"),
        ("django.tasks", "Task id=1 path=x state=SUCCESSFUL"),  # not its RUNNING line
        ("essaim.test", "it failed"),
    ]
    assert "ZeroDivisionError" in entries[2]["exception"]


def test_by_default_the_console_stays_plain_text(tmp_path: Path) -> None:
    assert _logs(tmp_path)[0] == "une publication de Léa"
