"""The streaming API on a live Essaim: the ASGI application under granian on loopback (as ``manage.py serve`` runs it),
read by a plain HTTP client, a WebSocket client and Mastodon.py, while a writer posts through the REST API."""

from __future__ import annotations

import contextlib
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import websocket

from tests.core.management.commands.test_serve import ROOT, free_port, manage_py, serve_environment, wait_for

GRANIAN = [sys.executable, "-m", "granian", "--interface", "asgi", "essaim.asgi:application"]
PEOPLE = """
from tests.accounts.factories import UserFactory
from essaim.api.services import personal_token_create
from essaim.people.services import follow_create
reader, writer = UserFactory(handle="lecteur.b"), UserFactory(handle="auteur.a")
follow_create(actor=reader, user=writer)
print(personal_token_create(actor=reader, name="app")[1], personal_token_create(actor=writer, name="app")[1])
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str, str]]:
    """Essaim under granian on a free port, with a reader following a writer: ``(port, reader's token, writer's)``."""
    data_dir = tmp_path_factory.mktemp("streaming")
    environment = {**serve_environment(data_dir), "ESSAIM_ALLOWED_HOSTS": "127.0.0.1"}
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(  # noqa: S603 - this interpreter, Essaim's manage.py
            [sys.executable, "manage.py", *command, "--no-input", "-v", "0"], cwd=ROOT, env=environment, check=True
        )
    reader, writer = manage_py(data_dir, PEOPLE).split()
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - this interpreter, Essaim's ASGI application
        [*GRANIAN, "--port", str(port), "--workers", "1", "--log-level", "warning"],
        cwd=ROOT,
        env=environment,
    )
    try:
        wait_for(lambda: _health(port) == 200, timeout=60)
        yield port, reader, writer
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def _health(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/api/v1/streaming/health")
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def _call(port: int, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    reply = connection.getresponse()
    data = reply.read()
    assert reply.status == 200, data
    connection.close()
    return dict(json.loads(data))


def _events(stream: http.client.HTTPResponse) -> Iterator[tuple[str, str]]:
    """The Server-Sent Events of ``stream``: ``(event, data)``."""
    fields: dict[str, str] = {}
    while line := stream.readline():
        text = line.decode().rstrip("\n")
        if not text:
            if "event" in fields:
                yield fields["event"], fields.get("data", "")
            fields = {}
        elif not text.startswith(":"):
            name, _sep, value = text.partition(": ")
            fields[name] = value


def test_server_sent_events_on_loopback(server: tuple[int, str, str]) -> None:
    port, reader, writer = server
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    page.request("GET", "/api/v1/streaming/user", headers={"Authorization": f"Bearer {reader}"})
    stream = page.getresponse()
    assert stream.status == 200
    assert stream.getheader("Content-Type", "").startswith("text/event-stream")
    time.sleep(0.5)  # joined the hub
    posted = _call(port, writer, "POST", "/api/v1/statuses", {"status": "En direct sur la boucle locale"})
    event, data = next(_events(stream))
    assert event == "update"
    assert json.loads(data)["id"] == posted["id"]
    page.close()


def test_a_refused_stream_answers_json(server: tuple[int, str, str]) -> None:
    port, _reader, _writer = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/v1/streaming/user", headers={"Accept-Language": "en"})
    reply = connection.getresponse()
    assert reply.status == 401
    assert reply.getheader("Content-Type", "").startswith("application/json")
    assert set(json.loads(reply.read())) == {"error", "error_description"}
    connection.close()


def test_websocket_on_loopback(server: tuple[int, str, str]) -> None:
    port, reader, writer = server
    socket = websocket.create_connection(
        f"ws://127.0.0.1:{port}/api/v1/streaming", header=[f"Authorization: Bearer {reader}"], timeout=10
    )
    try:
        socket.send(json.dumps({"type": "subscribe", "stream": "user"}))
        socket.send(json.dumps({"type": "subscribe", "stream": "public:local"}))
        time.sleep(0.5)
        posted = _call(port, writer, "POST", "/api/v1/statuses", {"status": "Par la socket"})
        messages = [json.loads(socket.recv()) for _ in range(2)]
        assert sorted(m["stream"][0] for m in messages) == ["public:local", "user"]
        assert {json.loads(m["payload"])["id"] for m in messages} == {posted["id"]}
        socket.send(json.dumps({"type": "unsubscribe", "stream": "public:local"}))
        time.sleep(0.3)
        _call(port, writer, "PUT", f"/api/v1/statuses/{posted['id']}", {"status": "Par la socket, modifié"})
        edited = json.loads(socket.recv())
        assert (edited["stream"], edited["event"]) == (["user"], "status.update")
        assert "modifié" in json.loads(edited["payload"])["content"]
        _call(port, writer, "DELETE", f"/api/v1/statuses/{posted['id']}")
        deleted = json.loads(socket.recv())
        assert (deleted["event"], deleted["payload"]) == ("delete", posted["id"])
    finally:
        socket.close()


def test_a_websocket_without_a_valid_token_is_not_opened(server: tuple[int, str, str]) -> None:
    port, _reader, _writer = server
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/v1/streaming", header=["Authorization: Bearer nope"], timeout=10
        )
    assert refused.value.status_code in (401, 403)


def test_mastodon_py_streams_the_home_timeline_over_sse_and_websocket(server: tuple[int, str, str]) -> None:
    from mastodon import CallbackStreamListener, Mastodon

    port, reader, writer = server
    base = f"http://127.0.0.1:{port}"
    app = Mastodon(access_token=reader, api_base_url=base, version_check_mode="created", ratelimit_method="throw")
    author = Mastodon(access_token=writer, api_base_url=base, version_check_mode="created", ratelimit_method="throw")
    assert app.stream_healthy()
    over_sse: list[Any] = []
    over_websocket: list[Any] = []
    arrived = threading.Event()

    def collect(into: list[Any]) -> Any:
        def on_update(status: Any) -> None:
            into.append(status)
            if over_sse and over_websocket:
                arrived.set()

        return CallbackStreamListener(update_handler=on_update)

    sse = app.stream_user(collect(over_sse), run_async=True)
    socket = app.stream_open_websocket()
    app.stream_user(collect(over_websocket), websocket_handle=socket)
    try:
        time.sleep(0.8)  # both joined
        status = author.status_post("Bonjour aux applis Mastodon")
        assert arrived.wait(10)
        assert over_sse[0]["id"] == status["id"]
        assert over_websocket[0]["id"] == status["id"]
        assert over_sse[0]["account"]["acct"] == status["account"]["acct"]
    finally:
        socket.close()
        # Mastodon.py's SSE handle closes once its read returns: at the next heartbeat (20 s); not waited for.
        threading.Thread(target=sse.close, daemon=True).start()


def test_the_instance_says_where_to_stream(server: tuple[int, str, str]) -> None:
    port, reader, _writer = server
    assert _call(port, reader, "GET", "/api/v1/instance")["urls"]["streaming_api"] == f"ws://127.0.0.1:{port}"
    v2 = _call(port, reader, "GET", "/api/v2/instance")
    assert v2["configuration"]["urls"]["streaming"] == f"ws://127.0.0.1:{port}"
