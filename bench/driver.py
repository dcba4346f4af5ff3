"""The loopback load driver: an asyncio httpx client, bounded in time and in count.

Each operation is a ``RequestFactory``: ``factory(i)`` gives the ``i``-th request, so a run
can spread itself over many users and posts. A run warms up (results discarded), then
measures ``concurrency`` closed-loop clients until its duration or its request budget is
spent. Only ``127.0.0.1`` is ever targeted.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

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


def make_client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    check_loopback(base_url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0, follow_redirects=False)


async def send(client: httpx.AsyncClient, request: Request) -> httpx.Response:
    client.cookies.clear()  # each request carries its own identity, never one the jar kept
    headers = dict(request.headers)
    content = None
    if request.json is not None:
        content = json.dumps(request.json).encode()
        headers["Content-Type"] = "application/json"
    elif request.form is not None:
        content = urlencode(request.form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return await client.request(request.method, request.path, headers=headers, content=content)


async def _load(
    base_url: str, factory: RequestFactory, *, concurrency: int, duration_s: float, max_requests: int, start: int
) -> tuple[LoadResult, int]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    counter = start
    budget = min(max_requests, MAX_REQUESTS)
    issued = 0
    deadline = time.perf_counter() + duration_s

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal counter, issued, errors
        while issued < budget and time.perf_counter() < deadline:
            request = factory(counter)
            counter += 1
            issued += 1
            began = time.perf_counter()
            try:
                response = await send(client, request)
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - began) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    cpu_before = _client_cpu()
    began = time.perf_counter()
    async with make_client(base_url, concurrency) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
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
