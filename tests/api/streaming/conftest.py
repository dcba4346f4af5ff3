"""Streaming clients speaking to ``essaim.asgi.application`` through the ASGI interface itself (scope, receive,
send), against the real hub, bus and live events store; and OAuth tokens of chosen scopes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connections
from django.test import Client

from essaim.accounts.models import User
from essaim.api import services
from essaim.realtime import asgi as live_asgi
from tests.api.test_oauth import authorise, register, token_for

# Seconds an expected answer or event may take: long, since only a failure or a loaded machine waits that long.
WAIT = 30


@pytest.fixture
def fresh_hub(transactional_db: None) -> Iterator[None]:
    """Each test runs its own event loop, so a hub of its own. Writes commit for real (``transactional_db``):
    live events are published once a write has committed."""
    live_asgi._hub = None
    live_asgi._hub_lock = None
    yield
    from essaim.api.streaming.asgi import close_connections

    close_connections()  # the streaming threads' connections, which a refused stream opened too
    live_asgi._hub = None
    live_asgi._hub_lock = None


async def stop_hub() -> None:
    """Stop the hub, and close the connections of the threads that serialised the statuses."""
    from essaim.api.streaming.asgi import close_connections

    if live_asgi._hub is not None:
        await live_asgi._hub.stop()
    await asyncio.to_thread(close_connections)


def personal_token(user: User) -> str:
    return services.personal_token_create(actor=user, name="Streaming")[1]


def authorised_app(user: User, scope: str) -> tuple[str, dict[str, Any]]:
    """An app's OAuth token of ``user`` holding ``scope``, through the real OAuth flow, and the app's credentials."""
    app = register(Client(), scopes="read write follow")
    return str(token_for(app, authorise(user, app, scope=scope))["access_token"]), app


def app_token(user: User, scope: str) -> str:
    return authorised_app(user, scope)[0]


def _scope(kind: str, path: str, query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": kind,
        "method": "GET",
        "scheme": "http" if kind == "http" else "ws",
        "path": path,
        "query_string": urlencode(query).encode(),
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }


class SseStream:
    """One ``GET /api/v1/streaming/...``: its status, then its events one by one."""

    def __init__(self, path: str, token: str | None = None, method: str = "GET", **query: str) -> None:
        from essaim.asgi import application

        headers = {"Accept-Language": "fr-FR,fr;q=0.9", "Host": "testserver"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        scope = _scope("http", path, query, headers)
        scope["method"] = method
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.ensure_future(application(scope, self.incoming.get, self.sent.put))
        self.buffer = ""

    async def status(self) -> int:
        return int((await asyncio.wait_for(self.sent.get(), WAIT))["status"])

    async def body(self) -> Any:
        """A refusal's JSON body (after ``status``)."""
        raw = (await asyncio.wait_for(self.sent.get(), WAIT))["body"]
        await asyncio.wait_for(self.task, WAIT)
        return json.loads(raw) if raw.startswith(b"{") else raw.decode()

    async def event(self, timeout: float = WAIT) -> tuple[str, Any]:
        """The next event: its name and its data (JSON read)."""
        while not any("event: " in block for block in self.buffer.split("\n\n")[:-1]):
            message = await asyncio.wait_for(self.sent.get(), timeout)
            self.buffer += message.get("body", b"").decode()
        blocks = self.buffer.split("\n\n")
        index = next(i for i, block in enumerate(blocks[:-1]) if "event: " in block)
        self.buffer = "\n\n".join(blocks[index + 1 :])
        fields = dict(line.split(": ", 1) for line in blocks[index].splitlines() if ": " in line)
        return fields["event"], json.loads(fields["data"])

    async def nothing(self, within: float = 0.6) -> None:
        """No event comes within ``within`` seconds."""
        with pytest.raises(TimeoutError):
            await self.event(timeout=within)

    async def close(self) -> None:
        await self.incoming.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, WAIT)


class Socket:
    """One WebSocket on ``/api/v1/streaming``, as an app's WebSocket client drives it."""

    def __init__(self, token: str | None, path: str = "/api/v1/streaming", **query: str) -> None:
        from essaim.asgi import application

        headers = {"Accept-Language": "fr-FR,fr;q=0.9", "Host": "testserver"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.incoming.put_nowait({"type": "websocket.connect"})
        scope = _scope("websocket", path, query, headers)
        self.task = asyncio.ensure_future(application(scope, self.incoming.get, self.sent.put))

    async def opening(self) -> dict[str, Any]:
        """``websocket.accept``, or how it was refused."""
        return await asyncio.wait_for(self.sent.get(), WAIT)

    async def send(self, message: dict[str, Any]) -> None:
        await self.incoming.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def message(self, timeout: float = WAIT) -> dict[str, Any]:
        sent = await asyncio.wait_for(self.sent.get(), timeout)
        assert sent["type"] == "websocket.send", sent
        return dict(json.loads(sent["text"]))

    async def nothing(self, within: float = 0.6) -> None:
        with pytest.raises(TimeoutError):
            await self.message(timeout=within)

    async def close(self) -> None:
        await self.incoming.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, WAIT)


async def in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """A write (a service), as another process would make it: in a thread, its connection closed after."""

    def call() -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return await asyncio.to_thread(call)
