"""The live stream served asynchronously: thousands of open pages on one event loop per process.

``essaim.asgi`` routes ``streams.PATH`` here and every other request to Django's WSGI application in
a thread (a2wsgi), so pages and the stream share one port. Each process has one ``hub.Hub``, started
with the first stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from essaim.realtime import messages, streams
from essaim.realtime.hub import Hub, Stream

Scope = dict[str, Any]
logger = logging.getLogger(__name__)

_hub: Hub | None = None
_hub_lock: asyncio.Lock | None = None


async def hub() -> Hub:
    global _hub, _hub_lock  # noqa: PLW0603 - one hub per process, started with its first stream
    if _hub is None:
        _hub_lock = _hub_lock or asyncio.Lock()
        async with _hub_lock:
            if _hub is None:
                started = Hub()
                await started.start()
                _hub = started
    return _hub


async def _plain(send: Any, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if status == 405:
        headers.append((b"allow", b"GET, HEAD"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})


async def live_stream(scope: Scope, receive: Any, send: Any) -> None:
    """``GET /live/events``: the signed-in reader's events, as Server-Sent Events."""
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    if scope["method"] not in ("GET", "HEAD"):
        await _plain(send, 405, streams.wrong_method(headers.get("accept-language", "")))
        return
    the_hub = await hub()
    reader = await the_hub.db(streams.reader_from_cookies, headers.get("cookie", ""))
    if reader is None:
        await _plain(send, 401, streams.refusal(headers.get("accept-language", "")))
        return
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    last_event_id, since_ms = streams.resume_point(headers.get("last-event-id"), query)
    stream = Stream(reader)
    await send({"type": "http.response.start", "status": 200, "headers": streams.HEADERS})
    await send({"type": "http.response.body", "body": messages.RETRY, "more_body": True})
    await the_hub.join(stream, last_event_id=last_event_id, since_ms=since_ms)
    disconnected = asyncio.ensure_future(_disconnect(receive, stream))
    deadline = time.monotonic() + streams.LIFETIME
    del headers, query  # an open page keeps only what it needs
    try:
        while time.monotonic() < deadline:
            taken = await stream.take(streams.KEEPALIVE_EVERY) or [messages.KEEPALIVE]
            if body := b"".join(message for message in taken if message is not None):
                await send({"type": "http.response.body", "body": body, "more_body": True})
            if None in taken:
                break
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception:  # the page went away mid-write (the server's own error, or OSError)
        logger.debug("A live page went away mid-write", exc_info=True)
    finally:
        the_hub.leave(stream)
        disconnected.cancel()


async def _disconnect(receive: Any, stream: Stream) -> None:
    """Wait for the page to go away, then end its stream."""
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.offer(None)
