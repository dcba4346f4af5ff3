"""The console's filters: one line per finished task at INFO, no line per static file, no worker-count warning."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from essaim.core.logs import OneLinePerTask, SkipStaticRequests


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
