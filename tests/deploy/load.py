"""A small load driver for the fault test (``test_scale_out_faults``): people using the API through the app
processes as nginx would spread them (``deploy/nginx/essaim.conf``), and live pages reading ``/live/events``.

Proxy semantics, as nginx's defaults: a process that refuses a connection is skipped for a while and the
request goes to another (it was never sent); a read (``GET``) that fails once sent is sent again to another;
a write that fails once sent is not (its outcome is unknown: an error for the person, not a lost write).
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

FAVOURITE = "👍"  # what the API's favourite adds (stream.schemas.FAVOURITE)


class Upstreams:
    """The app processes' ports, round robin over those not marked down (nginx's ``max_fails=1
    fail_timeout``)."""

    def __init__(self, ports: list[int], down_for: float = 5.0) -> None:
        self.ports = ports
        self.down_for = down_for
        self.down_until: dict[int, float] = {}
        self.turn = 0
        self.lock = threading.Lock()

    def pick(self, avoid: int | None = None) -> int:
        with self.lock:
            now = time.monotonic()
            up = [p for p in self.ports if self.down_until.get(p, 0) <= now and p != avoid]
            choices = up or [p for p in self.ports if p != avoid] or self.ports
            self.turn += 1
            return choices[self.turn % len(choices)]

    def mark_down(self, port: int) -> None:
        with self.lock:
            self.down_until[port] = time.monotonic() + self.down_for


@dataclass(frozen=True)
class Person:
    id: int
    token: str


@dataclass(frozen=True)
class Outcome:
    """One request as the person saw it: ``status`` None when it failed without an answer."""

    kind: str
    port: int
    started: float
    seconds: float
    status: int | None
    retried: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Accepted:
    """The writes that were answered 2xx: what must be in the database afterwards."""

    posts: dict[int, tuple[int, float]] = field(default_factory=dict)  # post id → (author, accepted at)
    comments: dict[int, tuple[int, int]] = field(default_factory=dict)  # comment id → (post, author)
    reactions: set[tuple[int, int]] = field(default_factory=set)  # (person, post)


class Load:
    """``threads`` loops of people using the API: the home timeline, posts, comments and 👍 on recent posts,
    each loop at most one operation every ``pace_s`` seconds."""

    MIX = (("home", 4), ("post", 2), ("comment", 2), ("react", 2))

    def __init__(self, upstreams: Upstreams, people: list[Person], *, pace_s: float = 0.05, seed: int = 25) -> None:
        self.upstreams = upstreams
        self.pace_s = pace_s  # at most one operation a thread per pace: the load is bounded whatever the machine
        self.people = people
        self.seed = seed
        self.accepted = Accepted()
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self, threads: int) -> None:
        for number in range(threads):
            thread = threading.Thread(target=self._loop, args=(random.Random(self.seed + number),), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _loop(self, rng: random.Random) -> None:
        kinds = [kind for kind, _weight in self.MIX]
        weights = [weight for _kind, weight in self.MIX]
        with httpx.Client(timeout=httpx.Timeout(10.0, connect=2.0)) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                self.operate(client, rng.choices(kinds, weights)[0], rng)
                self.stop.wait(self.pace_s - (time.monotonic() - started))

    def operate(self, client: httpx.Client, kind: str, rng: random.Random) -> None:
        person = rng.choice(self.people)
        with self.lock:
            recent = list(self.accepted.posts)[-20:]
        if kind in {"comment", "react"} and not recent:
            kind = "post"
        if kind == "home":
            self.request(client, person, "GET", "/api/v1/timelines/home?limit=20", kind=kind)
        elif kind == "post":
            body = {"status": f"Charge {rng.randrange(10**9)}", "visibility": "public"}
            if answer := self.request(client, person, "POST", "/api/v1/statuses", kind=kind, body=body):
                with self.lock:
                    self.accepted.posts[int(answer["id"])] = (person.id, time.monotonic())
        elif kind == "comment":
            post = rng.choice(recent)
            body = {"status": "Bien vu", "in_reply_to_id": str(post)}
            if answer := self.request(client, person, "POST", "/api/v1/statuses", kind=kind, body=body):
                with self.lock:
                    self.accepted.comments[int(answer["id"])] = (post, person.id)
        else:
            post = rng.choice(recent)
            if self.request(client, person, "POST", f"/api/v1/statuses/{post}/favourite", kind=kind) is not None:
                with self.lock:
                    self.accepted.reactions.add((person.id, post))

    def request(
        self,
        client: httpx.Client,
        person: Person,
        method: str,
        path: str,
        *,
        kind: str,
        body: dict[str, str] | None = None,
    ) -> Any:
        """Send as the proxy would; the JSON answer when 2xx, else None (the outcome is recorded either way)."""
        started, retried, avoid = time.monotonic(), False, None
        for _attempt in range(len(self.upstreams.ports) + 1):
            port = self.upstreams.pick(avoid)
            try:
                answer = client.request(
                    method,
                    f"http://127.0.0.1:{port}{path}",
                    json=body,
                    headers={"Authorization": f"Bearer {person.token}"},
                )
            except httpx.ConnectError:  # never sent: another process takes it
                self.upstreams.mark_down(port)
                avoid, retried = port, True
                continue
            except httpx.TransportError:  # sent, and the process went away before answering
                self.upstreams.mark_down(port)
                if method == "GET":
                    avoid, retried = port, True
                    continue
                self._record(Outcome(kind, port, started, time.monotonic() - started, None, retried))
                return None
            self._record(Outcome(kind, port, started, time.monotonic() - started, answer.status_code, retried))
            return answer.json() if 200 <= answer.status_code < 300 else None
        self._record(Outcome(kind, avoid or 0, started, time.monotonic() - started, None, retried))
        return None

    def _record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


@dataclass(frozen=True)
class Reconnection:
    lost_at: float  # the stream broke
    back_at: float  # the first line of the new stream came
    port: int  # the new stream's process
    replayed: int  # events sent at once that were stored before the new stream was asked for


class LiveReader(threading.Thread):
    """A live page: reads ``/live/events`` with its session; when the stream breaks, waits the ``retry`` the
    stream asked for, as a browser's EventSource does, and reconnects to a process that answers, saying the
    last event id it got (``Last-Event-ID``)."""

    def __init__(self, upstreams: Upstreams, session: str, port: int, latest_event: Callable[[], int]) -> None:
        super().__init__(daemon=True)
        self.upstreams = upstreams
        self.session = session
        self.port = port
        self.latest_event = latest_event
        self.last_id: int | None = None
        self.retry_s = 2.0
        self.posts: dict[int, float] = {}  # post id → when its event arrived
        self.reconnections: list[Reconnection] = []
        self.connected = threading.Event()
        self.stop = threading.Event()
        self.client = httpx.Client(timeout=httpx.Timeout(5.0, read=45.0))

    def finish(self) -> None:
        """Stop reading: the thread ends when its stream next breaks or speaks (it is a daemon meanwhile)."""
        self.stop.set()
        self.client.close()

    def run(self) -> None:
        lost_at: float | None = None
        while not self.stop.is_set():
            stored_before = self.latest_event() if lost_at is not None else 0
            try:
                self._read(lost_at, stored_before)
            except httpx.ConnectError:
                self.upstreams.mark_down(self.port)
                self.port = self.upstreams.pick(avoid=self.port)
                self.stop.wait(0.1)
                continue
            except (httpx.TransportError, RuntimeError):  # the process went away mid-stream (or we closed)
                pass
            if self.stop.is_set():
                return
            lost_at = time.monotonic()
            self.stop.wait(self.retry_s)
            self.port = self.upstreams.pick(avoid=self.port)

    def _read(self, lost_at: float | None, stored_before: int) -> None:
        headers = {"Cookie": f"sessionid={self.session}"}
        if self.last_id is not None:
            headers["Last-Event-ID"] = str(self.last_id)
        url = f"http://127.0.0.1:{self.port}/live/events"
        with self.client.stream("GET", url, headers=headers) as stream:
            if stream.status_code != 200:
                raise httpx.ConnectError(f"{stream.status_code}")
            event: dict[str, str] = {}
            replayed, first = 0, True
            for line in stream.iter_lines():
                if first and lost_at is not None:
                    self.reconnections.append(Reconnection(lost_at, time.monotonic(), self.port, 0))
                first = False
                self.connected.set()
                if line.startswith("retry: "):
                    self.retry_s = int(line.removeprefix("retry: ")) / 1000
                elif line and not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    event[name] = value
                elif event:
                    replayed += self._dispatch(event, stored_before)
                    event = {}
                    if lost_at is not None and self.reconnections:
                        self.reconnections[-1] = dataclasses.replace(self.reconnections[-1], replayed=replayed)

    def _dispatch(self, event: dict[str, str], stored_before: int) -> int:
        """Note the event; 1 when it was replayed (stored before this stream was asked for)."""
        if "id" not in event:
            return 0
        event_id = int(event["id"])
        self.last_id = event_id
        if event.get("event") == "post":
            self.posts.setdefault(int(json.loads(event["data"])["post"]), time.monotonic())
        return int(event_id <= stored_before)
