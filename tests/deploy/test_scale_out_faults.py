"""Scale-out under faults: two app processes (``manage.py serve --no-worker``, each the pages, the API and the
live events' stream) and a task worker (``manage.py worker``) on one PostgreSQL database and Redis, as
``deploy/`` runs them. A bounded mixed load (home timeline reads, posts, comments, 👍) goes through both
processes as nginx would spread it (``tests/deploy/load.py``) while live pages read ``/live/events``; mid-run
one app process (its supervisor and granian) and the worker are killed with SIGKILL, and a worker is
started again a few seconds later. Afterwards:

- every write answered 2xx is in the database;
- the worker's work killed mid-way was done again, and its effect is there exactly once: one notification
  per comment for the post's author, one unread grouped reaction notification per post counting every
  reactor once (the outbox reruns a killed worker's rows after ``ESSAIM_OUTBOX_LEASE``);
- each live page, those of the killed process included, got every post accepted while it was reading:
  a page that lost its process reconnected to the other with ``Last-Event-ID`` and was sent what it missed;
- errors stay under ``MAX_ERROR_RATE`` of the requests.

The figures are printed (``pytest -s``) and recorded in bench/README.md. PostgreSQL and Redis only
(``ESSAIM_TEST_POSTGRES_URL``, ``ESSAIM_TEST_REDIS_URL``: ``.ci/run`` sets both)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests import processes
from tests.core.management.commands.test_serve import descendants, free_port
from tests.deploy.load import FAVOURITE, LiveReader, Load, Person, Upstreams

POSTGRES = os.environ.get("ESSAIM_TEST_POSTGRES_URL", "")
REDIS = os.environ.get("ESSAIM_TEST_REDIS_URL", "")
# Once per `make test`: in its PostgreSQL pass (the SQLite pass has the URLs too, and would run it again).
pytestmark = pytest.mark.skipif(
    not (POSTGRES and REDIS and os.environ.get("ESSAIM_DATABASE_URL", "").startswith("postgres")),
    reason="needs PostgreSQL and Redis (ESSAIM_TEST_POSTGRES_URL, ESSAIM_TEST_REDIS_URL), run in the PostgreSQL pass",
)

# Redis database 7: 8 to 15 are the test workers' (tests/pytest_env.py), emptied before each of their tests.
REDIS_DATABASE = 7
PEOPLE, LIVE_PAGES, LOAD_THREADS = 10, 4, 4
LOAD_S, KILL_AT_S, WORKER_BACK_AFTER_S = 24.0, 8.0, 4.0
MAX_ERROR_RATE = 0.02

SETUP = """
import json
from django.core.management import call_command
from django.test import Client
from essaim.api.services import personal_token_create
from essaim.people.services import follow_create
from tests.accounts.factories import UserFactory
call_command("migrate", verbosity=0)
people = [UserFactory() for _ in range({people})]
for person in people:
    for other in people:
        if other != person:
            follow_create(actor=person, user=other)
sessions = []
for person in people[:{pages}]:
    client = Client()
    client.force_login(person)
    sessions.append(client.cookies["sessionid"].value)
# Three API tokens each: each token's rate limit (300 requests in 5 minutes) stays far off.
tokens = [[p.pk, personal_token_create(actor=p, name=f"charge {{n}}")[1]] for p in people for n in range(3)]
print(json.dumps({{"people": tokens, "sessions": sessions}}))
"""


@dataclass
class Site:
    env: dict[str, str]
    database: str
    ports: list[int]
    people: list[Person]
    sessions: list[str]
    running: dict[str, subprocess.Popen[bytes]]

    def sql(self, statement: str, *params: object) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database, autocommit=True) as connection:
            return connection.execute(statement, params).fetchall()

    def latest_event(self) -> int:
        return int(self.sql("SELECT coalesce(max(id), 0) FROM realtime_liveevent")[0][0])

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started (granian's workers), as a crash would leave it."""
        process = self.running.pop(name)
        for pid in [process.pid, *descendants(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def redis_database() -> str:
    import redis

    url = re.sub(r"(/\d+)?$", f"/{REDIS_DATABASE}", REDIS.rstrip("/"), count=1)
    redis.Redis.from_url(url).flushdb()  # rate-limit counters of a previous run would count against these tokens
    return url


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def site() -> Iterator[Site]:
    with processes.scratch_postgres("essaim_faults") as database:
        env = processes.environment(
            ESSAIM_DATABASE_URL=database,
            ESSAIM_REDIS_URL=redis_database(),
            ESSAIM_DEBUG="0",  # production: static files collected by `serve`, hashed, served by whitenoise
            ESSAIM_ALLOWED_HOSTS="127.0.0.1",
            ESSAIM_WEB_WORKERS="1",
            ESSAIM_OUTBOX_LEASE="3",  # a killed worker's rows are taken again after 3 s (60 by default)
            ESSAIM_BACKUP_KEEP="0",
        )
        created = json.loads(processes.shell(env, SETUP.format(people=PEOPLE, pages=LIVE_PAGES)).splitlines()[-1])
        ports = [free_port(), free_port()]
        running = {
            f"app {port}": processes.start(env, "serve", "--no-worker", "--bind", f"127.0.0.1:{port}") for port in ports
        }
        running["worker"] = processes.worker(env)
        people = [Person(pk, token) for pk, token in created["people"]]
        built = Site(env, database, ports, people, created["sessions"], running)
        try:
            assert processes.wait_until(lambda: all(_answers(port) for port in ports), timeout=120)
            yield built
        finally:
            for name in list(built.running):
                built.kill(name)


@dataclass
class Timeline:
    """When each fault came (``time.monotonic()``), and the outbox as the worker left it and found it."""

    began: float = 0.0
    killed_at: float = 0.0
    held_at_kill: int = 0  # outbox rows the killed worker had taken and not finished
    worker_back_at: float = 0.0
    backlog_at_return: int = 0
    ended: float = 0.0
    drained_at: float = 0.0


def test_killing_an_app_process_and_the_worker_mid_load_loses_no_write_and_no_live_event(site: Site) -> None:
    victim, survivor = site.ports
    upstreams = Upstreams(site.ports)
    pages = [
        LiveReader(upstreams, session, site.ports[number % 2], site.latest_event)
        for number, session in enumerate(site.sessions)
    ]
    for page in pages:
        page.start()
    assert all(page.connected.wait(30) for page in pages)
    load = Load(upstreams, site.people)
    # Every page has joined its process's hub once it is sent a post made after it connected.
    with httpx.Client(timeout=10) as client:
        warm_up = load.request(
            client, site.people[0], "POST", "/api/v1/statuses", kind="post", body={"status": "Prêts ?"}
        )
    assert processes.wait_until(lambda: all(int(warm_up["id"]) in page.posts for page in pages), timeout=30)

    when = run_with_faults(site, load)
    accepted = load.accepted
    assert processes.wait_until(lambda: outbox_left(site) == 0, timeout=45), "the worker did not catch up"
    when.drained_at = time.monotonic()
    assert processes.wait_until(lambda: all(set(accepted.posts) <= set(page.posts) for page in pages), timeout=30)
    for page in pages:
        page.finish()
    figures = measure(load, pages, when, victim=victim)
    print("\n" + "\n".join(f"{name}: {value}" for name, value in figures.items()))  # noqa: T201 - the report

    # Every write answered 2xx is in the database.
    assert accepted.posts, "the load wrote"
    assert accepted.comments, "the load wrote"
    assert accepted.reactions, "the load wrote"
    assert missing(site, "stream_post", accepted.posts) == set()
    assert missing(site, "stream_comment", accepted.comments) == set()
    reactions = set(site.sql("SELECT user_id, post_id FROM stream_reaction WHERE emoji = %s", FAVOURITE))
    assert accepted.reactions <= reactions
    # The worker's work, killed mid-way and done again, has its effect once.
    assert_one_notification_per_comment(site, accepted.comments)
    assert_one_grouped_reaction_notification_per_post(site)
    # Each live page got every post accepted while it read, replayed after a reconnection where it had one.
    assert all(set(accepted.posts) <= set(page.posts) for page in pages)
    on_the_victim = pages[::2]  # page n started on site.ports[n % 2]
    assert all(page.reconnections for page in on_the_victim), "the pages of the killed process reconnected"
    assert all(r.port == survivor for page in pages for r in page.reconnections)
    # Errors: only requests sent to the killed process around its death (writes, whose outcome is unknown).
    errors = [o for o in load.outcomes if not o.ok]
    assert len(errors) <= MAX_ERROR_RATE * len(load.outcomes), errors
    assert all(o.port == victim and abs(o.started - when.killed_at) < 15 for o in errors), errors


def run_with_faults(site: Site, load: Load) -> Timeline:
    """The load for ``LOAD_S`` seconds; at ``KILL_AT_S`` one app process and the worker killed, a worker
    started again ``WORKER_BACK_AFTER_S`` later. The sleeps set when the faults come; no result waits on them."""
    when = Timeline(began=time.monotonic())
    load.start(LOAD_THREADS)
    time.sleep(KILL_AT_S)
    when.killed_at = time.monotonic()
    site.kill(f"app {site.ports[0]}")
    site.kill("worker")
    when.held_at_kill = int(site.sql("SELECT count(*) FROM events_outboxitem WHERE claimed_by IS NOT NULL")[0][0])
    time.sleep(WORKER_BACK_AFTER_S)
    when.backlog_at_return = outbox_left(site)
    site.running["worker"] = processes.worker(site.env)
    when.worker_back_at = time.monotonic()
    time.sleep(max(0.0, LOAD_S - (time.monotonic() - when.began)))
    load.finish()
    when.ended = time.monotonic()
    return when


def outbox_left(site: Site) -> int:
    return int(site.sql("SELECT count(*) FROM events_outboxitem WHERE failed_at IS NULL")[0][0])


def missing(site: Site, table: str, ids: dict[int, Any]) -> set[int]:
    found = {row[0] for row in site.sql(f"SELECT id FROM {table} WHERE id = ANY(%s)", list(ids))}  # noqa: S608 - our table names
    return set(ids) - found


def assert_one_notification_per_comment(site: Site, comments: dict[int, tuple[int, int]]) -> None:
    """Each accepted comment by someone else than the post's author tells the author once (``comment:<id>``)."""
    authors = dict(site.sql("SELECT id, author_id FROM stream_post"))
    told = site.sql(
        "SELECT recipient_id, source, count(*) FROM notifications_notification WHERE kind = 'comment' GROUP BY 1, 2"
    )
    counts = {(recipient, source): count for recipient, source, count in told}
    for comment, (post, commenter) in comments.items():
        if authors[post] != commenter:
            assert counts.get((authors[post], f"comment:{comment}")) == 1, (comment, post)


def assert_one_grouped_reaction_notification_per_post(site: Site) -> None:
    """A post's author has one unread reaction notification for it, naming every other reactor once
    (``others``), however many times the worker ran its reactions' events."""
    reactors = site.sql(
        "SELECT r.post_id, p.author_id, count(DISTINCT r.user_id) FROM stream_reaction r "
        "JOIN stream_post p ON p.id = r.post_id WHERE r.user_id <> p.author_id GROUP BY 1, 2"
    )
    unread = site.sql(
        "SELECT post_id, recipient_id, count(*), max(others) FROM notifications_notification "
        "WHERE kind = 'reaction' AND read_at IS NULL GROUP BY 1, 2"
    )
    grouped = {(post, recipient): (rows, others) for post, recipient, rows, others in unread}
    assert grouped == {(post, author): (1, count - 1) for post, author, count in reactors}


def measure(load: Load, pages: list[LiveReader], when: Timeline, *, victim: int) -> dict[str, str]:
    """The figures bench/README.md reports."""
    outcomes, seconds = load.outcomes, when.ended - when.began
    ok = sorted(o.seconds * 1000 for o in outcomes if o.ok)
    errors = [o for o in outcomes if not o.ok]
    reconnections = [r for page in pages for r in page.reconnections]
    kinds = ", ".join(f"{kind} {sum(o.kind == kind for o in outcomes)}" for kind, _weight in Load.MIX)
    posts, comments, reactions = (len(load.accepted.posts), len(load.accepted.comments), len(load.accepted.reactions))
    return {
        "requests": f"{len(outcomes)} in {seconds:.1f} s ({len(outcomes) / seconds:.0f} req/s; {kinds})",
        "accepted writes": f"{posts} posts, {comments} comments, {reactions} reactions: all in the database",
        "errors": f"{len(errors)} ({len(errors) / len(outcomes):.2%}), "
        f"to the killed process {sum(o.port == victim for o in errors)}; "
        f"{sum(o.retried and o.ok for o in outcomes)} requests answered by the other process after a failed try",
        "latency": f"p50 {statistics.median(ok):.0f} ms, p99 {ok[int(len(ok) * 0.99) - 1]:.0f} ms, max {ok[-1]:.0f} ms",
        "live pages": f"{len(pages)}, {len(reconnections)} reconnections to the other process, "
        f"{sum(r.replayed for r in reconnections)} events replayed on them; every accepted post seen by every page",
        "live recovery": ", ".join(f"{r.back_at - r.lost_at:.1f} s" for r in reconnections)
        + " from the stream breaking to the new stream's first line (EventSource waits the stream's retry, 2 s)",
        "worker": f"killed at {when.killed_at - when.began:.1f} s holding {when.held_at_kill} outbox rows; "
        f"back {when.worker_back_at - when.killed_at:.1f} s later before {when.backlog_at_return} rows; "
        f"outbox empty {when.drained_at - when.ended:.1f} s after the load ended",
    }
