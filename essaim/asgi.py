"""Essaim served through ASGI on one port: the live stream asynchronously, everything else by Django.

``manage.py serve`` runs this with granian. Pages and the API are Django's WSGI application run in a
thread of each process (a2wsgi: one thread per process by default, ``ESSAIM_WEB_THREADS``, as the
WSGI workers had); ``/live/events`` is the live pages' stream (``essaim.realtime.asgi``), which holds
thousands of idle connections on each process's event loop without a thread each, and so is Mastodon's
streaming API (``/api/v1/streaming``, Server-Sent Events and WebSocket: ``essaim.api.streaming.asgi``).
bench/README.md has the measurements behind this choice.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")

from django.core.wsgi import get_wsgi_application

from essaim.core.wsgi_bridge import WsgiBridge

pages = WsgiBridge(get_wsgi_application(), threads=int(os.environ.get("ESSAIM_WEB_THREADS") or 1))

from essaim.api.streaming import asgi as streaming  # noqa: E402 - once Django is set up
from essaim.api.streaming.channels import handles as is_streaming  # noqa: E402
from essaim.realtime.asgi import live_stream  # noqa: E402
from essaim.realtime.streams import PATH  # noqa: E402


async def application(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "http" and scope["path"] == PATH:
        return await live_stream(scope, receive, send)
    if scope["type"] in ("http", "websocket") and is_streaming(scope["path"]):
        return await streaming.application(scope, receive, send)
    if scope["type"] == "websocket":  # no other WebSocket here
        await receive()
        await send({"type": "websocket.close", "code": 1008})
        return None
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return None
    return await pages(scope, receive, send)
