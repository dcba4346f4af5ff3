"""Scale-out: two app processes on one database and Redis; a post written through one reaches a live
page connected to the other (Redis pub/sub carries the wake-up). Skipped without Redis
(``ESSAIM_TEST_REDIS_URL``, set by ``.ci/run``)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.management.commands.test_serve import ROOT, free_port, manage_py, serve_environment, wait_for

REDIS = os.environ.get("ESSAIM_TEST_REDIS_URL") or os.environ.get("ESSAIM_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS, reason="needs Redis: ESSAIM_TEST_REDIS_URL")

WRITER = """
from tests.accounts.factories import UserFactory
from essaim.api.services import personal_token_create
from django.test import Client
reader, writer = UserFactory(handle="lecteur.b"), UserFactory(handle="auteur.a")
client = Client()
client.force_login(reader)
print(client.cookies["sessionid"].value, personal_token_create(actor=writer, name="scale-out")[1])
"""


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, int]]:
    data_dir = tmp_path_factory.mktemp("scale-out")
    environment = {**serve_environment(data_dir), "ESSAIM_REDIS_URL": REDIS}
    for command in (["migrate"], ["collectstatic"]):  # as ``manage.py serve`` does before it serves
        subprocess.run(  # noqa: S603 - this interpreter, Essaim's manage.py
            [sys.executable, "manage.py", *command, "--no-input", "-v", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
    ports = free_port(), free_port()
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, Essaim's ASGI application
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "asgi",
                "essaim.asgi:application",
                "--port",
                str(port),
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**environment, "ESSAIM_ALLOWED_HOSTS": "127.0.0.1"},
        )
        for port in ports
    ]
    try:
        wait_for(lambda: all(_answers(port) for port in ports), timeout=60)
        yield data_dir, *ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


def test_a_post_written_through_one_process_reaches_a_page_connected_to_the_other(
    two_processes: tuple[Path, int, int],
) -> None:
    data_dir, port_a, port_b = two_processes
    session, token = manage_py(data_dir, WRITER, {"ESSAIM_REDIS_URL": REDIS}).split()
    page = http.client.HTTPConnection("127.0.0.1", port_b, timeout=10)
    page.request("GET", "/live/events", headers={"Cookie": f"sessionid={session}"})
    stream = page.getresponse()
    assert stream.status == 200
    assert stream.readline() == b"retry: 2000\n"
    time.sleep(0.5)  # the page has joined process B's hub
    writer = http.client.HTTPConnection("127.0.0.1", port_a, timeout=10)
    body = json.dumps({"status": "Écrit sur A, lu sur B", "visibility": "public"})
    writer.request(
        "POST", "/api/v1/statuses", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    reply = writer.getresponse()
    assert reply.status == 200, reply.read()
    post_id = json.loads(reply.read())["id"]
    block = [stream.readline() for _ in range(4)]
    assert block[2] == b"event: post\n", block
    assert json.loads(block[3].removeprefix(b"data: "))["post"] == post_id
    assert not list(data_dir.glob("run/live/*.sock"))  # Redis carried it, not the one machine's sockets
    page.close()
    writer.close()
