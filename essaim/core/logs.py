"""Logging filters that keep the server's console quiet (settings.LOGGING, ``granian_logging.json``).

- the task worker says one line per finished task, and only when ``ESSAIM_LOG_LEVEL`` is INFO or
  lower (``make dev``); a failed task is always logged with its traceback;
- Django's development server (``make dev``) says nothing about static files and media it served;
- granian does not warn at every start that the web workers outnumber the cores: that is Essaim's
  measured choice (``manage.py serve``'s docstring).
"""

from __future__ import annotations

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
