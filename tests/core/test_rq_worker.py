"""``manage.py worker`` with ``ESSAIM_TASKS=rq``: RQ's backend is accepted where db_worker takes only its own."""

from __future__ import annotations

from pathlib import Path

from essaim.core import rq_worker
from essaim.events.management.commands.worker import Command


def test_the_worker_takes_the_rq_backend(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}  # type: ignore[attr-defined]
    options = Command().create_parser("manage.py", "worker").parse_args(["--batch"])
    assert options.backend_name == "default"
    assert rq_worker.backend_is_rq()


def test_the_database_backend_stays_the_default(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    assert not rq_worker.backend_is_rq()
    assert Command().create_parser("manage.py", "worker").parse_args([]).backend_name == "default"


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import essaim.settings"],
        env={"ESSAIM_TASKS": "celery", "PATH": "/usr/bin:/bin", "ESSAIM_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "ESSAIM_TASKS is 'db' or 'rq'" in result.stderr
