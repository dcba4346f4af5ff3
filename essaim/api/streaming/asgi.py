"""The streaming API's transports on the ASGI process: Server-Sent Events and WebSocket.

``essaim.asgi`` routes ``/api/v1/streaming`` and below here, before Django. Each connection is one stream of the
process's live hub (``realtime.asgi.hub``), which offers it the rows its channels take (``ApiStream``); the
rows become Mastodon's messages in the streaming threads (``readers``: database reads), never on the event loop.

* ``GET /api/v1/streaming/health``: ``OK``, as Mastodon answers.
* ``GET /api/v1/streaming/<stream>`` (``user``, ``user/notification``, ``public``, ``public/local``,
  ``hashtag?tag=``, ``list?list=``…; or ``/api/v1/streaming?stream=…``): Server-Sent Events, ``event: update``
  with the status's JSON as ``data``, ``:thump`` every ``KEEPALIVE_EVERY`` seconds.
* ``/api/v1/streaming`` as a WebSocket: ``{"type": "subscribe", "stream": "hashtag", "tag": "vélo"}`` and
  ``unsubscribe``, several streams on one socket (also ``?stream=`` on connecting); each message is
  ``{"stream": ["hashtag", "vélo"], "event": "update", "payload": "<the status as a JSON string>"}``, an error
  ``{"error": "…", "status": 403}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl

from django.db import close_old_connections, connections
from ninja.responses import NinjaJSONEncoder

from essaim.api.streaming import channels, readers
from essaim.api.streaming.channels import BadChannelError, Channel
from essaim.api.streaming.readers import Message, RefusedError, Session
from essaim.realtime.asgi import hub
from essaim.realtime.hub import Stream
from essaim.realtime.messages import Row

logger = logging.getLogger(__name__)
Scope = dict[str, Any]

THREADS = 2  # the threads serialising statuses for the open streams of one process
KEEPALIVE_EVERY = 20.0  # seconds: a heartbeat, and the token asked again
SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
]
_executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="streaming-db")


async def in_thread[T](function: Callable[..., T], *args: Any) -> T:
    """Run ``function`` (which reads the database) in a streaming thread."""

    def call() -> T:
        close_old_connections()
        return function(*args)

    return await asyncio.get_running_loop().run_in_executor(_executor, call)


def close_connections() -> None:
    """Close the streaming threads' database connections, each thread its own (a test's database is then free
    to drop)."""
    barrier = threading.Barrier(THREADS)

    def close() -> None:
        connections.close_all()
        barrier.wait(timeout=5)  # each thread takes one of these

    for future in [_executor.submit(close) for _ in range(THREADS)]:
        future.result()


class ApiStream(Stream):
    """One streaming connection in the hub: it is offered the rows one of its channels takes, as rows."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        super().__init__(session.reader)
        self.session = session

    def deliver(self, row: Row, shared: bytes | None) -> None:
        if any(channel.takes(row, self.reader) for channel in self.session.channels):
            self.offer(row)


async def application(scope: Scope, receive: Any, send: Any) -> None:
    """The streaming API's ASGI application (HTTP and WebSocket)."""
    if scope["type"] == "websocket":
        return await websocket(scope, receive, send)
    if scope["method"] not in ("GET", "HEAD"):
        return await _refuse(scope, send, 405, "method")
    if scope["path"] == channels.HEALTH:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"OK"})
        return None
    return await server_sent_events(scope, receive, send)


async def _refuse(scope: Scope, send: Any, status: int, reason: str) -> None:
    def words() -> dict[str, str]:
        from django.utils import translation

        from essaim.realtime.streams import language_for

        headers = dict(scope.get("headers") or [])
        with translation.override(language_for(headers.get(b"accept-language", b"").decode("latin-1"))):
            return readers.refusal(status, reason).body

    await _json(send, status, await in_thread(words))


async def _json(send: Any, status: int, body: dict[str, str]) -> None:
    headers = [(b"content-type", b"application/json; charset=utf-8")]
    if status == 405:
        headers.append((b"allow", b"GET, HEAD"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def _params(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def _channel(name: str | None, params: dict[str, Any]) -> Channel:
    if not name:
        raise BadChannelError(404, "unknown")
    return channels.channel_for(name, params)


def _open(scope: Scope, channel: Channel) -> Session:
    session = readers.open_session(scope)
    readers.admit(session, channel)
    session.channels.append(channel)
    return session


async def server_sent_events(scope: Scope, receive: Any, send: Any) -> None:
    """``GET /api/v1/streaming/<stream>``: one stream as Server-Sent Events."""
    params = _params(scope)
    try:
        channel = _channel(channels.name_for_path(scope["path"]) or params.get("stream"), params)
        session = await in_thread(_open, scope, channel)
    except BadChannelError as bad:
        return await _refuse(scope, send, bad.status, bad.reason)
    except RefusedError as refused:
        return await _json(send, refused.status, refused.body)
    the_hub = await hub()
    stream = ApiStream(session)
    await the_hub.join(stream, last_event_id=None, since_ms=None)  # joined before it answers: it misses nothing after
    disconnected = asyncio.ensure_future(_http_disconnect(receive, stream))
    try:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        await send({"type": "http.response.body", "body": b":)\n\n", "more_body": True})
        while True:
            taken = await stream.take(KEEPALIVE_EVERY)
            rows = [row for row in taken if row is not None]
            if not taken and not await in_thread(readers.still_valid, session):
                break
            body = b":thump\n\n" if not taken else _sse(await in_thread(readers.messages_for, session, rows))
            if body:
                await send({"type": "http.response.body", "body": body, "more_body": True})
            if None in taken:
                break
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        logger.debug("A stream went away mid-write", exc_info=True)
    except Exception:  # the server's own error for a client gone mid-write, or a bug: the client reconnects
        logger.warning("A stream ended on an error", exc_info=True)
    finally:
        the_hub.leave(stream)
        disconnected.cancel()


def _payload(payload: Any) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload, cls=NinjaJSONEncoder)


def _sse(messages: list[Message]) -> bytes:
    return b"".join(f"event: {event}\ndata: {_payload(payload)}\n\n".encode() for _c, event, payload in messages)


async def _http_disconnect(receive: Any, stream: Stream) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.offer(None)


# --- WebSocket ------------------------------------------------------------------------------


async def websocket(scope: Scope, receive: Any, send: Any) -> None:
    """``/api/v1/streaming`` as a WebSocket: streams subscribed and unsubscribed by messages."""
    if (await receive())["type"] != "websocket.connect":
        return
    if scope["path"] != channels.PREFIX:
        await send({"type": "websocket.close", "code": 1008})
        return
    try:
        session = await in_thread(readers.open_session, scope)
    except RefusedError as refused:
        await _refuse_websocket(scope, send, refused)
        return
    accept: dict[str, Any] = {"type": "websocket.accept"}
    offered = dict(scope.get("headers") or []).get(b"sec-websocket-protocol", b"").decode("latin-1")
    if offered and offered.split(",")[0].strip() == session.raw_token:  # the token came as the subprotocol
        accept["subprotocol"] = session.raw_token
    the_hub = await hub()
    stream = ApiStream(session)
    await the_hub.join(stream, last_event_id=None, since_ms=None)
    lock = asyncio.Lock()  # one message at a time on the socket
    listening = asyncio.ensure_future(_listen(receive, send, stream, lock))
    try:
        await send(accept)
        params = _params(scope)
        if params.get("stream"):
            await _subscribe(send, stream, lock, {"type": "subscribe", **params})
        await _forward(send, stream, lock)
    finally:
        the_hub.leave(stream)
        listening.cancel()
    with contextlib.suppress(Exception):
        await send({"type": "websocket.close", "code": 1000})


async def _refuse_websocket(scope: Scope, send: Any, refused: RefusedError) -> None:
    """An HTTP answer to the upgrade when the server can send one (401 with the JSON error, as Mastodon does),
    else the socket closed unopened (the server answers 403)."""
    if "websocket.http.response" in (scope.get("extensions") or {}):
        await send(
            {
                "type": "websocket.http.response.start",
                "status": refused.status,
                "headers": [(b"content-type", b"application/json; charset=utf-8")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": json.dumps(refused.body).encode()})
        return
    await send({"type": "websocket.close", "code": 1008})


async def _forward(send: Any, stream: ApiStream, lock: asyncio.Lock) -> None:
    """Send the socket's messages until it closes or its token is revoked."""
    while True:
        taken = await stream.take(KEEPALIVE_EVERY)
        if not taken:
            if not await in_thread(readers.still_valid, stream.session):
                return
            continue
        rows = [row for row in taken if row is not None]
        messages = await in_thread(readers.messages_for, stream.session, rows) if rows else []
        async with lock:
            for channel, event, payload in messages:
                text = json.dumps({"stream": channel.wire, "event": event, "payload": _payload(payload)})
                await send({"type": "websocket.send", "text": text})
        if None in taken:
            return


async def _listen(receive: Any, send: Any, stream: ApiStream, lock: asyncio.Lock) -> None:
    """Read the client's messages: subscriptions, until it goes away."""
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            if message["type"] != "websocket.receive":
                continue
            try:
                request = json.loads(message.get("text") or message.get("bytes") or "")
            except ValueError:
                request = None
            await _subscribe(send, stream, lock, request)
    finally:
        stream.offer(None)


async def _subscribe(send: Any, stream: ApiStream, lock: asyncio.Lock, request: Any) -> None:
    """Apply one ``subscribe`` or ``unsubscribe`` message; a wrong one is answered with an error message."""
    session = stream.session
    kind = request.get("type") if isinstance(request, dict) else None
    try:
        if kind not in ("subscribe", "unsubscribe") or not isinstance(request.get("stream"), str):
            raise BadChannelError(400, "message")
        channel = channels.channel_for(request["stream"], request)
        if kind == "unsubscribe":
            session.channels[:] = [c for c in session.channels if c != channel]
            return
        if channel not in session.channels:
            await in_thread(readers.admit, session, channel)
            session.channels.append(channel)
    except BadChannelError as bad:
        body = await in_thread(_words, session, bad.status, bad.reason)
        await _send_error(send, lock, bad.status, body)
    except RefusedError as refused:
        await _send_error(send, lock, refused.status, refused.body)


def _words(session: Session, status: int, reason: str) -> dict[str, str]:
    from django.utils import translation

    with translation.override(session.language):
        return readers.refusal(status, reason).body


async def _send_error(send: Any, lock: asyncio.Lock, status: int, body: dict[str, str]) -> None:
    async with lock:
        await send({"type": "websocket.send", "text": json.dumps({**body, "status": status})})
