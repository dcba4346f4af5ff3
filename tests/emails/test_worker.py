"""The worker ``manage.py serve`` starts sends notification e-mails through the SMTP server of ``ESSAIM_EMAIL_*``:
a real worker process, a real SQLite file, a real SMTP server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.emails.conftest import Inbox, free_port

REPO = Path(__file__).resolve().parents[2]

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from essaim.accounts.models import User
from essaim.events import outbox
from essaim.people.models import Profile
from essaim.stream.services import post_create
lea = User.objects.create(email="lea@example.com", handle="lea", first_name="Léa", last_name="Martin")
eloise = User.objects.create(email="eloise@example.com", handle="eloise", first_name="Éloïse", last_name="Dupré")
for person in (lea, eloise):
    Profile.objects.create(user=person)
post_create(actor=lea, body="Peux-tu relire, @eloise ?")
outbox.drain()
"""


def test_the_worker_sends_a_due_notification_email_to_the_smtp_server() -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    data_dir = tempfile.mkdtemp(prefix="essaim-mail-")
    env = {k: v for k, v in os.environ.items() if k not in {"ESSAIM_DATABASE_URL", "ESSAIM_REDIS_URL"}}
    env.update(
        ESSAIM_DATA_DIR=data_dir,
        ESSAIM_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        ESSAIM_LOG_LEVEL="ERROR",
        ESSAIM_EMAIL_HOST="127.0.0.1",
        ESSAIM_EMAIL_PORT=str(controller.port),
        ESSAIM_EMAIL_USE_TLS="0",
        ESSAIM_EMAIL_BATCH="0",
        ESSAIM_EMAIL_SEND_EVERY="1",
        ESSAIM_SCHEDULER_INTERVAL="0.2",
        DJANGO_SETTINGS_MODULE="essaim.settings",
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=REPO, env=env, check=True)  # noqa: S603
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-reload", "--no-startup-delay"],
        cwd=REPO,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not inbox.to("eloise@example.com") and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # a second period: nothing more goes out
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
        controller.stop()
    [received] = inbox.to("eloise@example.com")
    assert received["Subject"] == "Léa Martin vous a mentionné dans une publication"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert inbox.envelopes[0].rcpt_tos == ["eloise@example.com"]
