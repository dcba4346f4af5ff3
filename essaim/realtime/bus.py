"""Waking the processes that serve live pages when an event has been stored.

The bus carries no event, only "look again": the store (``models.LiveEvent``) is the truth, read by id,
so a wake-up that is lost delays an event by at most a hub's poll (``hub.POLL``) and loses nothing.

* **Embedded default** (no ``ESSAIM_REDIS_URL``): every process that serves live pages binds a Unix
  datagram socket in ``<data dir>/run/live/``; a publisher sends one byte to each (non-blocking;
  a socket whose process is gone is removed). Web workers, the task worker and ``manage.py`` commands
  on one machine reach each other with no server to run.
* **Scale-out** (``ESSAIM_REDIS_URL``): Redis pub/sub on one channel per database, so app processes
  on several machines are woken.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

_sender: socket.socket | None = None
_sender_lock = threading.Lock()
_redis_client: Any = None


def channel() -> str:
    """The Redis channel of this database (tests' databases do not wake each other)."""
    return f"essaim:live:{connection.settings_dict['NAME']}"


def socket_dir() -> Path:
    return Path(settings.DATA_DIR) / "run" / "live"


def wake(event_id: int) -> None:
    """Tell every listening process that events up to ``event_id`` are stored."""
    if settings.REDIS_URL:
        _wake_redis(event_id)
    else:
        _wake_local()


def _wake_redis(event_id: int) -> None:
    global _redis_client  # noqa: PLW0603 - one client (and its connection pool) per process
    import redis

    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    with contextlib.suppress(redis.RedisError):  # the hubs' poll still finds the event
        _redis_client.publish(channel(), str(event_id))


def _wake_local() -> None:
    global _sender  # noqa: PLW0603 - one unbound socket per process, for sending only
    try:
        entries = [entry.path for entry in os.scandir(socket_dir()) if entry.name.endswith(".sock")]
    except FileNotFoundError:
        return
    with _sender_lock:
        if _sender is None:
            _sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            _sender.setblocking(False)
        for path in entries:
            try:
                _sender.sendto(b"!", path)
            except BlockingIOError:
                pass  # its queue is full: it has been woken already
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(FileNotFoundError):
                    Path(path).unlink()  # its process is gone


class LocalListener:
    """A socket in ``socket_dir()`` that wake-ups reach; ``fileno()`` for a selector or an event loop."""

    def __init__(self) -> None:
        directory = socket_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{os.getpid()}-{secrets.token_hex(4)}.sock"
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(self.path))
        self.socket.setblocking(False)

    def fileno(self) -> int:
        return self.socket.fileno()

    def drain(self) -> bool:
        """Read every pending wake-up; whether there was one."""
        woken = False
        while True:
            try:
                self.socket.recv(64)
            except BlockingIOError:
                return woken
            woken = True

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for a wake-up (the synchronous stream)."""
        self.socket.settimeout(timeout)
        try:
            self.socket.recv(64)
        except TimeoutError:
            return False
        finally:
            self.socket.setblocking(False)
        self.drain()
        return True

    def close(self) -> None:
        self.socket.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class RedisListener:
    """A subscription to ``channel()`` (synchronous: the development server's stream)."""

    def __init__(self) -> None:
        import redis

        self.client = redis.Redis.from_url(settings.REDIS_URL)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(channel())

    def wait(self, timeout: float) -> bool:
        message = self.pubsub.get_message(timeout=timeout)
        return message is not None

    def close(self) -> None:
        self.pubsub.close()
        self.client.close()


def listener() -> LocalListener | RedisListener:
    return RedisListener() if settings.REDIS_URL else LocalListener()


async def listen_redis(on_wake: Callable[[], None], stopped: Callable[[], bool]) -> None:
    """Call ``on_wake`` for each message on ``channel()`` until ``stopped()``; reconnects after an error."""
    import asyncio

    import redis
    import redis.asyncio

    name = channel()
    pause = 0.5
    while not stopped():
        client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(name)
                pause = 0.5
                while not stopped():
                    if await pubsub.get_message(timeout=1.0) is not None:
                        on_wake()
        except (redis.RedisError, OSError):
            await asyncio.sleep(pause)  # the hub's poll carries on meanwhile
            pause = min(pause * 2, 10.0)
        finally:
            await client.aclose()
