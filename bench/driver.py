"""The loopback load driver: asyncio, keep-alive HTTP/1.1, bounded in time and in count.

Each operation is a ``RequestFactory``: ``factory(i)`` gives the ``i``-th request, so a run
can spread itself over many users and posts. A run warms up (results discarded), then
measures ``concurrency`` closed-loop clients until its duration or its request budget is
spent. Only ``127.0.0.1`` is ever targeted.

The measured loop speaks HTTP/1.1 itself over asyncio streams (``Connection``) instead of
going through httpx: on this 2-core machine the client shares the CPU with the server, and
httpx spent 4–5 CPU-ms per request — more than the server's bare view — so at concurrency 16
the driver, not Essaim, set the ceiling. The hand-written exchange costs ≈ 0.1 CPU-ms. httpx
stays for the one-off requests (probes, the visibility poller), where its cost does not matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

LOOPBACK = "127.0.0.1"
MAX_REQUESTS = 20_000  # a hard cap per measured run, whatever the duration


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None


RequestFactory = Callable[[int], Request]


@dataclass
class LoadResult:
    latencies_ms: list[float]
    non_2xx: int
    errors: int
    elapsed_s: float
    client_cpu_s: float
    statuses: dict[int, int]

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def rps(self) -> float:
        return self.count / self.elapsed_s if self.elapsed_s else 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0–100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def check_loopback(base_url: str) -> None:
    if urlsplit(base_url).hostname != "127.0.0.1":
        raise ValueError("the load driver only targets 127.0.0.1")


def _headers_and_body(request: Request) -> tuple[dict[str, str], bytes]:
    """The request's own headers plus its body's type, and the body (JSON or a form) as bytes."""
    headers = dict(request.headers)
    if request.json is not None:
        headers["Content-Type"] = "application/json"
        return headers, json.dumps(request.json).encode()
    if request.form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers, urlencode(request.form).encode()
    return headers, b""


async def send(client: httpx.AsyncClient, request: Request) -> httpx.Response:
    """One request through httpx (probes and visibility polls, where the client's cost does not matter)."""
    client.cookies.clear()  # each request carries its own identity, never one the jar kept
    headers, body = _headers_and_body(request)
    return await client.request(request.method, request.path, headers=headers, content=body or None)


def encode(request: Request, host: str) -> bytes:
    """The request as HTTP/1.1 bytes, keep-alive, with its own identity and no cookie jar."""
    headers, body = _headers_and_body(request)
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or request.method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_chunked(reader: asyncio.StreamReader) -> None:
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    line = await reader.readuntil(b"\r\n")
    while line != b"\r\n":  # trailers, then the empty line
        line = await reader.readuntil(b"\r\n")


class Connection:
    """One keep-alive HTTP/1.1 connection that reads whole responses (length-delimited or chunked)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, payload: bytes) -> int:
        """Send one request and read its whole response; returns the status code."""
        reader, writer = self.reader, self.writer
        if reader is None or writer is None:
            reader, writer = self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        fields = head.lower()
        if b"\r\ntransfer-encoding: chunked" in fields:
            await _read_chunked(reader)
        elif (start := fields.find(b"\r\ncontent-length:")) >= 0:
            end = fields.index(b"\r\n", start + 2)
            await reader.readexactly(int(fields[start + 17 : end]))
        elif not (status in {204, 304} or 100 <= status < 200 or payload.startswith(b"HEAD ")):
            await reader.read()  # delimited by the end of the connection
            await self.close()
            return status
        if b"\r\nconnection: close" in fields:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _load(
    base_url: str, factory: RequestFactory, *, concurrency: int, duration_s: float, max_requests: int, start: int
) -> tuple[LoadResult, int]:
    check_loopback(base_url)
    address = urlsplit(base_url)
    host, port = address.hostname or LOOPBACK, address.port or 80
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    counter = start
    budget = min(max_requests, MAX_REQUESTS)
    issued = 0
    deadline = time.perf_counter() + duration_s

    async def client_loop() -> None:
        nonlocal counter, issued, errors
        connection = Connection(host, port)
        try:
            while issued < budget and time.perf_counter() < deadline:
                payload = encode(factory(counter), f"{host}:{port}")
                counter += 1
                issued += 1
                began = time.perf_counter()
                try:
                    status = await connection.exchange(payload)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                    errors += 1
                    await connection.close()
                    continue
                latencies.append((time.perf_counter() - began) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            await connection.close()

    cpu_before = _client_cpu()
    began = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    non_2xx = sum(n for status, n in statuses.items() if not 200 <= status < 300) + errors
    result = LoadResult(latencies, non_2xx, errors, elapsed, _client_cpu() - cpu_before, statuses)
    return result, counter


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_load(
    base_url: str,
    factory: RequestFactory,
    *,
    concurrency: int,
    duration_s: float,
    warmup_s: float,
    max_requests: int,
    on_measure_start: Callable[[], None] | None = None,
) -> LoadResult:
    """Warm up for ``warmup_s``, call ``on_measure_start``, then measure for ``duration_s``."""
    counter = 0
    if warmup_s > 0:
        _, counter = asyncio.run(
            _load(base_url, factory, concurrency=concurrency, duration_s=warmup_s, max_requests=max_requests, start=0)
        )
    if on_measure_start is not None:
        on_measure_start()
    result, _ = asyncio.run(
        _load(
            base_url, factory, concurrency=concurrency, duration_s=duration_s, max_requests=max_requests, start=counter
        )
    )
    return result
