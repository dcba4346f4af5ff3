"""The worker ``manage.py serve`` starts sends notification e-mails through the SMTP server of ``ESSAIM_EMAIL_*``:
a real worker process, a real SQLite file, a real SMTP server on loopback."""

from __future__ import annotations

import signal
import time

from aiosmtpd.controller import Controller

from tests import processes
from tests.emails.conftest import Inbox, free_port

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
    env = processes.environment(
        ESSAIM_EMAIL_HOST="127.0.0.1",
        ESSAIM_EMAIL_PORT=str(controller.port),
        ESSAIM_EMAIL_USE_TLS="0",
        ESSAIM_EMAIL_BATCH="0",
        ESSAIM_EMAIL_SEND_EVERY="1",
        ESSAIM_SCHEDULER_INTERVAL="0.2",
    )
    processes.shell(env, SETUP)
    worker = processes.worker(env)
    try:
        processes.wait_until(lambda: inbox.to("eloise@example.com"))
        time.sleep(1.5)  # a second period: nothing more goes out
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
        controller.stop()
    [received] = inbox.to("eloise@example.com")
    assert received["Subject"] == "Léa Martin vous a mentionné dans une publication"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert inbox.envelopes[0].rcpt_tos == ["eloise@example.com"]
