"""The live pages' hub: one per process serving them, holding every open stream of that process.

One asyncio task reads the new events once for all streams (``messages.rows_after``, in the hub's
own database thread) when the bus wakes it (``bus``) or every ``POLL`` seconds, and puts each
stream's messages in its queue: a stream is offered an event only when its reader may see it
(``access.audience``), looked up through an index of streams by key, so an event of a secret space
costs nothing for the streams of people outside it (``INDEXED``). A stream whose reader does not read (a queue of
``MAX_QUEUED`` messages) is closed; its page reconnects and is sent what it missed.

The hub says how many streams it holds in ``OPEN_STREAMS`` (``essaim_live_streams`` on ``/metrics``, added up
over the web processes: ``essaim.health.metrics``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connections
from prometheus_client import Gauge

from essaim.realtime import bus, messages
from essaim.realtime.messages import Reader, Row

logger = logging.getLogger(__name__)

POLL = 1.0  # seconds: the longest an event waits when its wake-up was lost
MAX_QUEUED = 1000
# The kinds of key the streams are indexed by: a person, their spaces and moderated spaces, and the three
# network-wide roles. Not the people they follow and tags (a hundred each on average, mostly one reader
# each: a set per key cost 20 KB a stream); a clause without an indexed key is tried on every stream.
INDEXED = frozenset("usmECA")
T = TypeVar("T")
OPEN_STREAMS = Gauge(
    "essaim_live_streams",
    "Live pages (Server-Sent Events streams) open on the web processes.",
    multiprocess_mode="livesum",
)


class Stream:
    """One open page: its reader, the id of the last event it was offered, the messages waiting to be sent
    (``None``: the end of the stream). A list and one future rather than an ``asyncio.Queue``: a few
    hundred bytes a page, not two kilobytes."""

    __slots__ = ("after", "pending", "reader", "waiter")

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.after = 0
        self.pending: list[Any] = []
        self.waiter: asyncio.Future[None] | None = None

    def deliver(self, row: Row, shared: bytes | None) -> None:
        """Offer the message about ``row``, which the reader may be told of (``shared``: the same for every page,
        when it is). The Mastodon streaming API's streams take the row itself (``essaim.api.streaming``)."""
        self.offer(shared or messages.message_for(self.reader, row))

    def offer(self, message: Any) -> None:
        if len(self.pending) >= MAX_QUEUED:
            message = None  # a page that does not read is let go; it reconnects and is sent what it missed
        self.pending.append(message)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def take(self, timeout: float) -> list[Any]:
        """What waits to be sent, at once or within ``timeout`` seconds (``[]`` when nothing came)."""
        if not self.pending:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(self.waiter, timeout)
            except TimeoutError:
                return []
            finally:
                self.waiter = None
        taken, self.pending = self.pending, []
        return taken


class Hub:
    def __init__(self) -> None:
        self.streams: set[Stream] = set()
        self.by_key: dict[str, set[Stream]] = defaultdict(set)
        self.last_id = 0
        self.woken = asyncio.Event()
        self.lock = asyncio.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db")
        self.task: asyncio.Task[None] | None = None
        self.redis_task: asyncio.Task[None] | None = None
        self.listener: bus.LocalListener | None = None
        self.stopping = False

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` in the hub's database thread (one connection, reused)."""

        def call() -> T:
            close_old_connections()
            return function(*args)

        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    async def start(self) -> None:
        from essaim.realtime.publish import latest_id

        self.last_id = await self.db(latest_id)
        loop = asyncio.get_running_loop()
        if settings.REDIS_URL:
            self.redis_task = loop.create_task(bus.listen_redis(self.woken.set, lambda: self.stopping))
        else:
            self.listener = bus.LocalListener()
            listener = self.listener

            def on_readable() -> None:
                if listener.drain():
                    self.woken.set()

            loop.add_reader(listener.fileno(), on_readable)
        self.task = loop.create_task(self._run())

    async def stop(self) -> None:
        self.stopping = True
        if self.listener is not None:
            asyncio.get_running_loop().remove_reader(self.listener.fileno())
            self.listener.close()
        for task in (self.task, self.redis_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for stream in list(self.streams):
            stream.offer(None)
        await self.db(connections.close_all)
        self.executor.shutdown(wait=False)

    async def _run(self) -> None:
        while not self.stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.woken.wait(), POLL)
            self.woken.clear()
            try:
                await self.dispatch_new()
            except Exception:
                logger.exception("The live hub could not read new events")
                await asyncio.sleep(POLL)

    async def dispatch_new(self) -> None:
        """Read the events stored since the last read and offer each to the streams it is for."""
        while True:
            rows = await self.db(messages.rows_after, self.last_id)
            if not rows:
                return
            async with self.lock:
                for row in rows:
                    await self._dispatch(row)
                self.last_id = rows[-1].id
            if len(rows) < messages.BATCH:
                return

    def _candidates(self, row: Row) -> set[Stream]:
        """The streams one of whose readers' keys opens a clause: through the index for the clauses with
        an indexed key, all streams for a clause without one (a followers-only post's)."""
        streams: set[Stream] = set()
        for clause in row.audience:
            key = next((k for k in clause if k[0] in INDEXED), None)
            if key is None:
                return set(self.streams)
            streams.update(self.by_key.get(key, ()))
        return streams

    async def _dispatch(self, row: Row) -> None:
        streams = self._candidates(row)
        if not streams:
            return
        if row.kind == messages.KEYS:
            for stream in streams:
                if messages.admits(stream.reader, row):
                    self._unindex(stream)
                    await self.db(messages.reload_keys, stream.reader)
                    self._index(stream)
            return
        shared = None if row.kind == "post" else messages.encode(row.id, row.kind, row.data)
        for stream in streams:
            if row.id > stream.after and messages.admits(stream.reader, row):
                stream.deliver(row, shared)
                stream.after = row.id

    async def join(self, stream: Stream, *, last_event_id: int | None, since_ms: int | None) -> None:
        """Register ``stream``, first offering it what it missed: after ``last_event_id`` (a reconnection)
        or since its page was rendered (``since_ms``), or a ``reset`` when that is no longer kept."""
        async with self.lock:
            if last_event_id is not None:
                if await self.db(messages.missed, last_event_id):
                    stream.offer(messages.encode(None, messages.RESET, {}))
                    stream.offer(None)
                    return
                rows = await self.db(messages.rows_after, last_event_id)
            elif since_ms is not None:
                rows = await self.db(messages.rows_since_time, since_ms)
            else:
                rows = []
            if len(rows) >= messages.BATCH:  # more than a page should replay: it reloads instead
                stream.offer(messages.encode(None, messages.RESET, {}))
                stream.offer(None)
                return
            for row in rows:
                if row.id <= self.last_id and row.kind != messages.KEYS and messages.admits(stream.reader, row):
                    stream.deliver(row, None)
            stream.after = max(last_event_id or 0, self.last_id)
            self.streams.add(stream)
            self._index(stream)
            OPEN_STREAMS.set(len(self.streams))

    def leave(self, stream: Stream) -> None:
        self.streams.discard(stream)
        self._unindex(stream)
        OPEN_STREAMS.set(len(self.streams))

    def _index(self, stream: Stream) -> None:
        for key in stream.reader.keys:
            if key[0] in INDEXED:
                self.by_key[key].add(stream)

    def _unindex(self, stream: Stream) -> None:
        for key in stream.reader.keys:
            if key[0] not in INDEXED:
                continue
            streams = self.by_key.get(key)
            if streams is not None:
                streams.discard(stream)
                if not streams:
                    del self.by_key[key]
