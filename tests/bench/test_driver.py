"""The load driver's arithmetic and its loopback guard."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.driver import Connection, Request, check_loopback, encode, percentile


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0


def test_percentile_of_nothing_is_zero():
    assert percentile([], 99) == 0.0


def test_the_driver_refuses_anything_but_loopback():
    check_loopback("http://127.0.0.1:8000")
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        check_loopback("http://example.com")


async def _serve_once(responses: list[bytes]) -> tuple[asyncio.Server, int, list[bytes]]:
    """A loopback server answering each request on a connection with the next canned response."""
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for response in responses:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (int(line[15:]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
            )
            received.append(head + await reader.readexactly(length))
            writer.write(response)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], received


def test_the_connection_reads_length_delimited_and_chunked_answers_on_one_connection():
    responses = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
    ]

    async def scenario() -> tuple[list[int], list[bytes]]:
        server, port, received = await _serve_once(responses)
        connection = Connection("127.0.0.1", port)
        host = f"127.0.0.1:{port}"
        statuses = [
            await connection.exchange(encode(Request("GET", "/a", {"Authorization": "Bearer t"}), host)),
            await connection.exchange(encode(Request("POST", "/b", json={"x": 1}), host)),
            await connection.exchange(encode(Request("PUT", "/c"), host)),
        ]
        await connection.close()
        server.close()
        return statuses, received

    # In a thread of its own: Playwright's sync API keeps an event loop running in this worker's main
    # thread when a browser test ran before on the same xdist worker.
    with ThreadPoolExecutor(max_workers=1) as pool:
        statuses, received = pool.submit(asyncio.run, scenario()).result()
    assert statuses == [200, 201, 204]
    assert received[0].startswith(b"GET /a HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nAuthorization: Bearer t\r\n" in received[0]
    assert received[1].endswith(b'Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{"x": 1}')
    assert b"Content-Length: 0\r\n" in received[2]


def test_a_form_is_url_encoded():
    payload = encode(Request("POST", "/posts/new", form={"body": "é & co"}), "127.0.0.1:1")
    assert payload.endswith(
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 18\r\n\r\nbody=%C3%A9+%26+co"
    )
