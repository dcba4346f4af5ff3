"""The live stream as production serves it: ``essaim.asgi`` on an event loop, one hub per process.

Driven through the ASGI interface itself (scope, receive, send), against the real hub, bus and store.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from prometheus_client import REGISTRY

from essaim.accounts.models import User
from essaim.realtime import asgi as live_asgi
from essaim.realtime.models import LiveEvent
from essaim.spaces.models import Space
from essaim.stream import services as stream_services
from tests.realtime.conftest import run_async
from tests.spaces.factories import MembershipFactory, SpaceFactory

Live = Callable[[], list[LiveEvent]]


@pytest.fixture(autouse=True)
def fresh_hub(live: Live) -> Iterator[None]:
    """Each test runs its own event loop: a hub of its own."""
    live_asgi._hub = None
    live_asgi._hub_lock = None
    yield
    live_asgi._hub = None
    live_asgi._hub_lock = None


def _cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


class Page:
    """One open stream: what the server sent, read event by event."""

    def __init__(self, cookie: bytes | None, method: str = "GET", **headers: str) -> None:
        from essaim.asgi import application

        raw = [(b"cookie", cookie)] if cookie else []
        raw += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
        scope = {"type": "http", "method": method, "path": "/live/events", "query_string": b"", "headers": raw}
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.ensure_future(application(scope, self.incoming.get, self.sent.put))
        self.buffer = ""

    async def status(self) -> int:
        return int((await asyncio.wait_for(self.sent.get(), 5))["status"])

    async def event(self, timeout: float = 5) -> tuple[str, dict[str, Any]]:
        while "\n\n" not in self.buffer or not self._has_event():
            message = await asyncio.wait_for(self.sent.get(), timeout)
            self.buffer += message.get("body", b"").decode()
        block, self.buffer = self._split()
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        return fields["event"], json.loads(fields["data"])

    def _has_event(self) -> bool:
        return any("event: " in block for block in self.buffer.split("\n\n")[:-1])

    def _split(self) -> tuple[str, str]:
        blocks = self.buffer.split("\n\n")
        for index, block in enumerate(blocks[:-1]):
            if "event: " in block:
                return block, "\n\n".join(blocks[index + 1 :])
        raise AssertionError

    async def close(self) -> None:
        await self.incoming.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 5)


async def _in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(function, *args, **kwargs)


async def _stop_hub() -> None:
    if live_asgi._hub is not None:
        await live_asgi._hub.stop()


def test_a_signed_out_page_is_refused_in_its_language(live: Live) -> None:
    async def scenario() -> tuple[int, bytes]:
        page = Page(None, accept_language="fr-FR,fr;q=0.9")
        status = await page.status()
        body = (await asyncio.wait_for(page.sent.get(), 5))["body"]
        await asyncio.wait_for(page.task, 5)
        await _stop_hub()
        return status, body

    assert run_async(scenario()) == (401, "Connectez-vous pour recevoir les mises à jour en direct.".encode())


def test_another_method_than_get_is_refused_in_its_language(live: Live) -> None:
    async def scenario() -> tuple[int, list[Any], bytes]:
        page = Page(None, method="POST", accept_language="fr-FR,fr;q=0.9")
        start = await asyncio.wait_for(page.sent.get(), 5)
        body = (await asyncio.wait_for(page.sent.get(), 5))["body"]
        await asyncio.wait_for(page.task, 5)
        await _stop_hub()
        return start["status"], start["headers"], body

    status, headers, body = run_async(scenario())
    assert status == 405
    assert (b"allow", b"GET, HEAD") in headers
    assert body == "Les mises à jour en direct se lisent avec GET seulement.".encode()


def test_two_readers_are_each_told_what_they_may_see(employee: User, colleague: User, live: Live) -> None:
    space = SpaceFactory(visibility=Space.Visibility.SECRET)
    MembershipFactory(space=space, user=employee)
    cookies = _cookie(employee), _cookie(colleague)

    async def scenario() -> None:
        insider, outsider = Page(cookies[0]), Page(cookies[1])
        assert [await insider.status(), await outsider.status()] == [200, 200]
        await asyncio.sleep(0.2)  # both joined
        secret = await _in_thread(stream_services.post_create, actor=employee, body="Entre nous", space=space)
        public = await _in_thread(stream_services.post_create, actor=employee, body="Pour tous")
        assert await insider.event(timeout=5) == ("post", {**_post(secret), "home": True})
        assert await insider.event(timeout=5) == ("post", {**_post(public), "home": True})
        assert await outsider.event(timeout=5) == ("post", {**_post(public), "home": False})
        comment = await _in_thread(stream_services.comment_create, actor=colleague, post=public, body="Vu")
        assert await outsider.event(timeout=5) == ("comment", {"post": str(public.pk), "comment": str(comment.pk)})
        await insider.close()
        await outsider.close()
        assert live_asgi._hub is not None
        assert live_asgi._hub.streams == set()  # gone pages leave the hub
        assert live_asgi._hub.by_key == {}
        await _stop_hub()

    run_async(scenario())


def test_the_open_pages_are_counted_for_the_metrics(employee: User, colleague: User, live: Live) -> None:
    cookies = _cookie(employee), _cookie(colleague)

    def counted() -> float | None:
        return REGISTRY.get_sample_value("essaim_live_streams")

    async def scenario() -> list[float | None]:
        first, second = Page(cookies[0]), Page(cookies[1])
        assert [await first.status(), await second.status()] == [200, 200]
        await asyncio.sleep(0.2)  # both joined
        seen = [counted()]
        await first.close()
        seen.append(counted())
        await second.close()
        seen.append(counted())
        await _stop_hub()
        return seen

    assert run_async(scenario()) == [2, 1, 0]


def test_a_reconnecting_page_is_sent_what_it_missed(employee: User, colleague: User, live: Live) -> None:
    first = stream_services.post_create(actor=employee, body="Un")
    second = stream_services.post_create(actor=employee, body="Deux")
    first_id = next(e.pk for e in live() if e.data.get("post") == str(first.pk))
    cookie = _cookie(colleague)

    async def scenario() -> tuple[str, dict[str, Any]]:
        page = Page(cookie, last_event_id=str(first_id))
        await page.status()
        event = await page.event()
        await page.close()
        await _stop_hub()
        return event

    assert run_async(scenario()) == ("post", {**_post(second), "home": False})


def _post(post: Any) -> dict[str, Any]:
    space = str(post.space_id) if post.space_id is not None else None
    return {"post": str(post.pk), "space": space, "tags": [], "company": post.space_id is None}


def test_a_followers_only_post_reaches_followers_through_the_streams_not_indexed_by_them(
    employee: User, colleague: User, live: Live
) -> None:
    from essaim.people import services as people_services
    from tests.accounts.factories import UserFactory

    people_services.follow_create(actor=colleague, user=employee)
    stranger = UserFactory()
    cookies = _cookie(colleague), _cookie(stranger)

    async def scenario() -> None:
        follower, other = Page(cookies[0]), Page(cookies[1])
        await follower.status()
        await other.status()
        await asyncio.sleep(0.2)
        post = await _in_thread(
            stream_services.post_create, actor=employee, body="Pour mes abonnés", visibility="followers"
        )
        public = await _in_thread(stream_services.post_create, actor=employee, body="Pour tous")
        assert (await follower.event(timeout=5))[1]["post"] == str(post.pk)
        assert (await other.event(timeout=5))[1]["post"] == str(public.pk)  # never the followers' one
        await follower.close()
        await other.close()
        await _stop_hub()

    run_async(scenario())


def test_a_page_that_does_not_read_is_let_go(employee: User, colleague: User, live: Live) -> None:
    from essaim.realtime import hub as hub_module
    from essaim.realtime.hub import Stream
    from essaim.realtime.messages import load_reader

    reader = load_reader(colleague)
    assert reader is not None
    stream = Stream(reader)
    for _ in range(hub_module.MAX_QUEUED):
        stream.offer(b"x")
    stream.offer(b"one too many")
    items = run_async(stream.take(0.1))
    assert len(items) == hub_module.MAX_QUEUED + 1
    assert items[-1] is None  # the end of its stream: the page reconnects and is sent what it missed
