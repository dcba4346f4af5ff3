"""What a reader is sent, decided alike by both streams: the compact reader answers as its keys would."""

from __future__ import annotations

import asyncio

from essaim.access import audience
from essaim.accounts.models import User
from essaim.realtime.hub import Stream
from essaim.realtime.messages import Reader, encode, load_reader
from tests.access import test_readers
from tests.access.test_visible_among import World
from tests.realtime.conftest import run_async

world, tag, nobody, people = test_readers.world, test_readers.tag, test_readers.nobody, test_readers.people


def test_a_compact_reader_holds_exactly_its_keys(world: World, people: list[User]) -> None:
    everyone = {key for person in people for key in audience.reader_keys(person)}
    probes = everyone | {"f0", "f999999999", "s0", "t0", "u0"}
    assert any(key[0] == "f" for key in everyone)
    for person in people:
        keys = audience.reader_keys(person)
        reader = Reader(person.pk, keys)
        assert {key for key in probes if reader.holds(key)} == keys, person.handle


def test_a_compact_reader_admits_as_the_audience_does(world: World, people: list[User]) -> None:
    posts = test_readers._posts()
    for person in people:
        reader = load_reader(person)
        keys = audience.reader_keys(person)
        for post in posts:
            clauses = audience.post_audience(post)
            assert (reader is not None and reader.admitted(clauses)) == audience.admits(clauses, keys)


def test_an_event_is_one_server_sent_event_with_its_id() -> None:
    assert encode(7, "post", {"post": "1"}) == b'id: 7\nevent: post\ndata: {"post":"1"}\n\n'
    assert encode(None, "reset", {}) == b"event: reset\ndata: {}\n\n"


def test_a_stream_hands_over_what_waits_or_nothing_after_its_timeout() -> None:
    async def scenario() -> tuple[list[bytes | None], list[bytes | None], list[bytes | None]]:
        stream = Stream(Reader(1, frozenset({"u1"})))
        nothing = await stream.take(0.01)
        asyncio.get_running_loop().call_later(0.01, stream.offer, b"a")
        woken = await stream.take(5)
        stream.offer(b"b")
        stream.offer(None)
        return nothing, woken, await stream.take(5)

    assert run_async(scenario()) == ([], [b"a"], [b"b", None])
