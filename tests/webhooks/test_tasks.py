"""The webhooks' tasks on both real task backends: django-tasks-db's database worker and RQ on Redis
(``ESSAIM_TASKS=rq``), each run by its worker in this process until its queue is empty."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import redis
from django.tasks import task_backends
from django.utils import timezone

from essaim.core import rq_worker
from essaim.spaces.models import Space
from essaim.stream import services as stream
from essaim.webhooks import jobs, services
from essaim.webhooks.models import Delivery
from tests.core.loopback import LoopbackServer
from tests.spaces.factories import member
from tests.webhooks.receiver import Receiver, start

REDIS_URL = os.environ.get("ESSAIM_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["db", "rq"])
def run_worker(
    request: pytest.FixtureRequest, settings: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], None]]:
    """Switch the task backend to the real one named by the parameter; the fixture's value runs its worker.

    Both workers close Django's connections around each job as a worker should; here the test's own connection,
    inside the test's transaction (on PostgreSQL that closing would end it), is kept."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(rq_worker, "close_old_connections", lambda: None)
    if request.param == "db":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]

        def work() -> None:
            from django_tasks_db.management.commands.db_worker import Worker

            Worker(
                queue_names=["default"], interval=0, batch=True, backend_name="default",
                startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
            ).run()  # fmt: skip

        yield work
        return
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    import django_rq.settings

    monkeypatch.setattr(django_rq.settings, "QUEUES", {"default": {"URL": REDIS_URL}})
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}  # type: ignore[attr-defined]
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    assert rq_worker.backend_is_rq()
    yield lambda: rq_worker.run(queue_names=["default"], burst=True, verbosity=0) and None
    connection.flushdb()


@pytest.fixture
def receiver(settings: object) -> Iterator[Receiver]:
    settings.FETCH_ALLOW = ["127.0.0.1"]  # type: ignore[attr-defined]
    with LoopbackServer() as server:
        yield start(server)


def test_deliveries_are_sent_by_the_worker(
    run_worker: Callable[[], None],
    receiver: Receiver,
    space: Space,
    space_admin: object,
    drain_outbox: Callable[[], int],
) -> None:
    endpoint = services.endpoint_create(actor=space_admin, space=space, url=receiver.url(), events=["post.created"])
    receiver.secret = endpoint.secret
    author = member(space).user
    for n in range(3):
        stream.post_create(actor=author, body=f"n°{n}", space=space)
    drain_outbox()  # the fan-out enqueues on the real backend: nothing is sent yet
    assert receiver.verified == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {"pending"}
    run_worker()
    assert sorted(body["data"]["post"]["text"] for body in receiver.verified) == ["n°0", "n°1", "n°2"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_the_retry_job_enqueues_on_the_backend(
    run_worker: Callable[[], None],
    receiver: Receiver,
    space: Space,
    space_admin: object,
    drain_outbox: Callable[[], int],
) -> None:
    endpoint = services.endpoint_create(actor=space_admin, space=space, url=receiver.url(), events=["post.created"])
    receiver.secret = endpoint.secret
    stream.post_create(actor=member(space).user, body="x", space=space)
    drain_outbox()
    run_worker()
    receiver.verified.clear()
    Delivery.objects.update(state="pending", next_attempt_at=timezone.now())
    assert jobs.retry_due() == 1
    run_worker()
    assert len(receiver.verified) == 1
    assert type(task_backends["default"]).__name__ in {"DatabaseBackend", "RQBackend"}
