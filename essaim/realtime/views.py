"""The live stream for WSGI servers: Django's development server (``make dev``) and the tests' live server.

Production serves ``/live/events`` from the event loop (``realtime.asgi``) before Django sees it; a
WSGI server holds one thread per open stream, which is fine for one developer's browser tabs. Both
decide what a reader is sent with the same functions (``messages``). A stream reads the store only when
woken or every ``LOOK_EVERY`` seconds, one stream of the process at a time (``_reading``): the tests' live
server shares one SQLite connection between its threads, which two identical queries at once upset.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from essaim.realtime import bus, messages, streams
from essaim.realtime.messages import Reader
from essaim.realtime.publish import latest_id

LOOK_EVERY = 10.0
_reading = threading.Lock()


@require_GET
def events(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    reader = messages.load_reader(request.user)
    if reader is None:
        return HttpResponse(_("Sign in to receive live updates."), status=401, content_type="text/plain")
    last_event_id, since_ms = streams.resume_point(request.headers.get("Last-Event-ID"), request.GET)
    response = StreamingHttpResponse(_stream(reader, last_event_id, since_ms), content_type=streams.CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _stream(reader: Reader, last_event_id: int | None, since_ms: int | None) -> Iterator[bytes]:
    listener = bus.listener()  # before reading where to start: no wake-up falls in between
    try:
        with _reading:
            gone = last_event_id is not None and messages.missed(last_event_id)
            after = last_event_id if last_event_id is not None else latest_id()
            replay = messages.rows_since_time(since_ms) if last_event_id is None and since_ms is not None else []
            first = messages.select(reader, [row for row in replay if row.id <= after])
        if gone:
            yield messages.encode(None, messages.RESET, {})
            return
        yield messages.RETRY
        yield from first
        deadline = quiet_since = time.monotonic()
        deadline += streams.LIFETIME
        while time.monotonic() < deadline:
            listener.wait(LOOK_EVERY)  # woken, or a look anyway: a lost wake-up costs at most that
            try:
                with _reading:
                    rows = messages.rows_after(after)
                    sent = messages.select(reader, rows)
            except DatabaseError:  # the server is going away (the tests' live server between tests)
                return
            if rows:
                after = rows[-1].id
                yield from sent
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > streams.KEEPALIVE_EVERY:
                yield messages.KEEPALIVE
                quiet_since = time.monotonic()
    finally:
        listener.close()
