"""Logging filters that keep the server's console quiet (settings.LOGGING, ``granian_logging.json``), and the
JSON lines a log shipper reads (``ESSAIM_LOG_FORMAT=json``).

- the task worker says one line per finished task, and only when ``ESSAIM_LOG_LEVEL`` is INFO or
  lower (``make dev``); a failed task is always logged with its traceback;
- Django's development server (``make dev``) says nothing about static files and media it served;
- granian does not warn at every start that the web workers outnumber the cores: that is Essaim's
  measured choice (``manage.py serve``'s docstring).

With ``ESSAIM_LOG_FORMAT=json`` the same records, filtered the same way, are written one JSON object a line
(:class:`JsonFormatter`): Django's, the task worker's, granian's and ``manage.py serve``'s own.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings


class OneLinePerTask(logging.Filter):
    """For ``django.tasks`` and ``django_tasks_db``, whose levels ``db_worker`` sets to INFO itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        if record.name.startswith("django.tasks") and "RUNNING" in map(str, record.args or ()):
            return False  # the same task's "SUCCESSFUL" or "FAILED" follows
        return logging.getLogger().isEnabledFor(record.levelno)


class SkipStaticRequests(logging.Filter):
    """For ``django.server``: no line for a static file or a media file served without error."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None) or 500
        request_line = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        path = request_line.split(" ")[1] if request_line.count(" ") >= 1 else ""
        return status >= 400 or not path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class SkipWorkerCountWarning(logging.Filter):
    """For granian's logger: the workers outnumber the cores on purpose (one more than cores)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Configured number of workers appears to be higher")


# What every record carries; anything else on a record came from ``extra=`` (Django's ``status_code``…).
_STANDARD = {*logging.makeLogRecord({}).__dict__, "message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``timestamp`` (UTC, ISO 8601, milliseconds), ``level``, ``logger``, ``message``,
    ``exception`` (its traceback, when there is one), and the record's extras that are plain values (a
    request's method and path rather than the request)."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        entry: dict[str, object] = {
            "timestamp": created.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name in _STANDARD or name in entry:
                continue
            if value is None or isinstance(value, str | int | float | bool):
                entry[name] = value
            elif name == "request" and hasattr(value, "path"):  # django.request's HttpRequest
                entry["method"], entry["path"] = getattr(value, "method", None), value.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_line(logger: str, message: str, level: int = logging.INFO) -> str:
    """``message`` as :class:`JsonFormatter` writes a record of ``logger`` (for what is printed, not logged)."""
    record = logging.makeLogRecord({"name": logger, "msg": message, "levelno": level})
    record.levelname = logging.getLevelName(level)
    return JsonFormatter().format(record)
