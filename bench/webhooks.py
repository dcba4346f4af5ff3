"""``python -m bench.webhooks``: incoming webhooks' latency and outgoing deliveries' drain rate on RQ.

* **incoming**: ``--requests`` Slack-style JSON messages POSTed to one hook through Django's whole stack
  (middleware, view, parsing, the post written with its timeline rows), in this process with Django's test
  client (no HTTP server: the figure is Essaim's own time); p50/p95/p99 in milliseconds. Target p99 ≤ 30 ms.
* **outgoing**: ``--deliveries`` pending deliveries of one endpoint (a space's post, as the fan-out writes them;
  about the incoming measure's posts in turn), drained by ``--workers`` ``manage.py worker`` processes on RQ
  (``ESSAIM_TASKS=rq``, Redis database 14 or ``BENCH_REDIS_URL``) to a loopback receiver in its own process that
  answers 200; every delivery built from what its owner may read, signed, and sent through the safe fetcher
  (loopback allowed with ``ESSAIM_FETCH_ALLOW``). Deliveries per second from the workers' start to the last one
  delivered (target ≥ 200/s), and the CPU milliseconds a delivery cost the workers (their whole lives) and the
  receiver: steadier than the rate on a shared machine.

It runs on a database of its own (``var/bench/webhooks-<db>/``, or PostgreSQL's ``essaim_bench_webhooks``, named
otherwise by ``BENCH_WEBHOOKS_DATABASE``; migrated fresh), not on a dataset: neither measure depends on the size of
the network. Results: ``bench/results/webhooks-<db>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.run import RESULTS, log
from bench.server import LOOPBACK, REPO, free_port, reset_postgres, standalone_env

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
server.serve_forever()
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup() -> dict[str, Any]:
    from essaim.spaces.models import Membership
    from essaim.webhooks import services
    from tests.accounts.factories import UserFactory
    from tests.spaces.factories import MembershipFactory, SpaceFactory

    space = SpaceFactory(name="Bench", slug="bench")
    admin = UserFactory(first_name="Bench", last_name="Admin")
    MembershipFactory(space=space, user=admin, role=Membership.Role.ADMIN)
    for _ in range(20):  # a few people to deliver timelines to
        MembershipFactory(space=space)
    _hook, token = services.incoming_webhook_create(actor=admin, space=space, name="CI")
    return {"space": space, "admin": admin, "token": token}


def _children_cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_incoming(token: str, requests: int) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    body = json.dumps(
        {
            "text": "Deploy *done* for <https://ci.example/run/1|run 1>",
            "attachments": [{"title": "v1.2.3", "text": "All _green_", "fields": [{"title": "Env", "value": "prod"}]}],
        }
    )
    for _ in range(30):  # warm-up
        client.post(f"/hooks/{token}", body, content_type="application/json")
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.post(f"/hooks/{token}", body, content_type="application/json")
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
    figures = {
        "requests": requests,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
    }
    log(f"  incoming: {figures}")
    return figures


def measure_outgoing(admin: Any, space: Any, *, deliveries: int, workers: int, env: dict[str, str]) -> dict[str, Any]:
    import uuid

    import redis

    from essaim.events.models import OutboxItem
    from essaim.stream.models import Post
    from essaim.webhooks import services, tasks
    from essaim.webhooks.models import Delivery

    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    time.sleep(0.5)
    endpoint = services.endpoint_create(
        actor=admin, space=space, url=f"http://{LOOPBACK}:{port}/hook", events=["post.created"]
    )
    posts = list(Post.objects.filter(space=space).values_list("pk", "author_id"))  # the incoming measure's
    assert posts

    def event(n: int) -> dict[str, Any]:  # each delivery about one of the posts in turn (a batch: distinct posts)
        post_id, author_id = posts[n % len(posts)]
        return {"actor_id": author_id, "post_id": post_id, "space_id": space.pk, "mentioned_ids": [], "delivered": True}

    Delivery.objects.bulk_create(
        (
            Delivery(endpoint=endpoint, msg_id=f"msg_{uuid.uuid4().hex}", event_type="post.created", event=event(n))
            for n in range(deliveries)
        ),
        batch_size=1000,
    )
    OutboxItem.objects.all().delete()  # the incoming measure's posts: their fan-out is not this measure's
    redis.Redis.from_url(REDIS_URL).flushdb()
    for _ in range(workers * 2):  # as the fan-out asks: several senders share one endpoint's rows
        tasks.send_deliveries.enqueue(endpoint_id=endpoint.pk)
    log(f"  outgoing: {deliveries:,} deliveries, {workers} RQ workers…")
    began = time.perf_counter()
    cpu_before = _children_cpu()
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--batch", "--no-reload", "-v", "0"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while Delivery.objects.filter(state=Delivery.State.PENDING).exists():
            if all(p.poll() is not None for p in procs):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
    finally:
        for p in procs:
            p.wait(timeout=120)
        workers_cpu = _children_cpu() - cpu_before  # the workers' whole lives: start, sending, end
        receiver.terminate()
        receiver.wait(timeout=10)
        receiver_cpu = _children_cpu() - cpu_before - workers_cpu
    delivered = Delivery.objects.filter(state=Delivery.State.DELIVERED).count()
    figures = {
        "deliveries": deliveries,
        "delivered": delivered,
        "workers": workers,
        "wall_s": round(elapsed, 2),
        "per_second": round(delivered / elapsed, 1),
        "workers_cpu_ms_per_delivery": round(workers_cpu * 1000 / max(delivered, 1), 2),
        "receiver_cpu_ms_per_delivery": round(receiver_cpu * 1000 / max(delivered, 1), 2),
        "load_average": os.getloadavg(),
    }
    log(f"  outgoing: {figures}")
    return figures


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    data_dir = REPO / "var" / "bench" / f"webhooks-{args.db}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    database_url = ""
    if args.db == "postgres":
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        database_url = f"{base.rstrip('/')}/{os.environ.get('BENCH_WEBHOOKS_DATABASE', 'essaim_bench_webhooks')}"
        reset_postgres(database_url)
    env = standalone_env(
        data_dir,
        database_url,
        ESSAIM_TASKS="rq",
        ESSAIM_TASKS_BACKEND="django_tasks_rq.RQBackend",
        ESSAIM_TASKS_REDIS_URL=REDIS_URL,
        ESSAIM_FETCH_ALLOW=LOOPBACK,
        ESSAIM_DEBUG="0",
        ESSAIM_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    os.environ.clear()
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    made = setup()
    report = {
        "database": args.db,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "incoming": measure_incoming(made["token"], args.requests),
        "outgoing": measure_outgoing(
            made["admin"], made["space"], deliveries=args.deliveries, workers=args.workers, env=env
        ),
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"webhooks-{args.db}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"Results: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
