"""``manage.py mailgate`` as a sysadmin runs it: a real process on a real SQLite file takes a reply over LMTP, is
killed right after its "250", and the worker started afterwards still posts the reply: nothing accepted is lost."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import sqlite3
import time
from email.message import EmailMessage
from pathlib import Path

from tests import processes
from tests.emails.conftest import free_port

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from essaim.accounts.models import User
from essaim.mailgate.addresses import reply_address
from essaim.people.models import Profile
from essaim.stream.services import post_create
lea = User.objects.create(email="lea@example.com", handle="lea", first_name="Léa", last_name="Martin")
eloise = User.objects.create(email="eloise@example.com", handle="eloise", first_name="Éloïse", last_name="Dupré")
for person in (lea, eloise):
    Profile.objects.create(user=person)
post = post_create(actor=lea, body="Qui relit la note ?")
print(reply_address(user_id=eloise.pk, post_id=post.pk))
"""


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the gateway never listened")


def _comments(database: Path) -> list[str]:
    with sqlite3.connect(database, timeout=10) as db:
        return [body for (body,) in db.execute("SELECT body FROM stream_comment")]


def test_a_reply_accepted_by_a_gateway_killed_right_after_is_posted_by_the_worker() -> None:
    env = processes.environment(ESSAIM_MAIL_IN_DOMAIN="rse.example.com")
    reply_to = processes.shell(env, SETUP).strip().splitlines()[-1]
    port = free_port()
    gateway = processes.start(env, "mailgate", "--bind", f"127.0.0.1:{port}")
    try:
        _wait_for_port(port)
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "eloise@example.com", reply_to, "Re: la note"
        mail.set_content("Moi, demain.\n\nOn Mon, Dec 7, 2026, Essaim wrote:\n> Qui relit la note ?\n")
        with smtplib.LMTP("127.0.0.1", port) as client:
            assert client.send_message(mail) == {}
    finally:
        os.kill(gateway.pid, signal.SIGKILL)
        gateway.wait(timeout=10)
    database = processes.database(env)
    assert _comments(database) == []
    worker = processes.worker(env)
    try:
        processes.wait_until(lambda: _comments(database))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert _comments(database) == ["Moi, demain."]
