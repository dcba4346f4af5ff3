"""The outbox's loop (``essaim.events.outbox``): claims, leases, retries with a growing pause, giving up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.events import consumer, emit, outbox, pipeline
from essaim.events.models import OutboxItem
from essaim.events.types import PostCreated

pytestmark = pytest.mark.django_db


class Flaky:
    """A durable consumer that fails its first ``failures`` calls."""

    def __init__(self) -> None:
        self.failures = 0
        self.done: list[int] = []

    def __call__(self, event: PostCreated) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the mail server did not answer")
        self.done.append(event.post_id)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flaky]:
    """The only consumer while the test runs (the apps' own, search indexing on every post, would add rows)."""
    monkeypatch.setattr(pipeline, "_consumers", {})
    handler = Flaky()
    consumer("test.flaky", on=[PostCreated], durable=True)(handler)
    yield handler
    pipeline._consumers.pop("test.flaky")


def _post(post_id: int) -> None:
    emit(PostCreated(actor_id=1, post_id=post_id, space_id=None, delivered=True))


def _later(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    moment = timezone.now() + delta
    monkeypatch.setattr(timezone, "now", lambda: moment)


class TestDrain:
    def test_runs_what_is_due_in_order_and_forgets_it(self, flaky: Flaky) -> None:
        for post_id in (1, 2, 3):
            _post(post_id)
        assert outbox.drain() == 3
        assert flaky.done == [1, 2, 3]
        assert not OutboxItem.objects.exists()

    def test_a_failure_comes_back_after_a_growing_pause_with_its_error(
        self, flaky: Flaky, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        flaky.failures = 2
        _post(7)
        assert outbox.drain() == 0
        item = OutboxItem.objects.get()
        assert (item.attempts, item.last_error) == (1, "ConnectionError: the mail server did not answer")
        assert outbox.drain() == 0, "not due again yet"
        _later(monkeypatch, outbox.backoff(1) + timedelta(seconds=1))
        assert outbox.drain() == 0
        assert OutboxItem.objects.get().attempts == 2
        _later(monkeypatch, outbox.backoff(1) + outbox.backoff(2) + timedelta(seconds=2))
        assert outbox.drain() == 1
        assert flaky.done == [7]

    def test_the_pause_doubles_up_to_an_hour(self) -> None:
        assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
        assert outbox.backoff(40) == timedelta(hours=1)

    def test_gives_up_after_max_attempts_and_keeps_the_row(self, flaky: Flaky, monkeypatch: pytest.MonkeyPatch) -> None:
        flaky.failures = outbox.MAX_ATTEMPTS
        _post(9)
        OutboxItem.objects.update(attempts=outbox.MAX_ATTEMPTS - 1)
        assert outbox.drain() == 0
        item = OutboxItem.objects.get()
        assert item.failed_at is not None
        _later(monkeypatch, timedelta(days=30))
        assert outbox.drain() == 0  # never taken again
        assert flaky.done == []


class TestLeases:
    def test_a_claimed_row_is_nobody_elses_until_its_lease_ends(
        self, flaky: Flaky, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _post(5)
        (taken,) = outbox.claim()  # a worker took it, then died without running it
        assert outbox.claim() == []
        _later(monkeypatch, outbox.lease() + timedelta(seconds=1))
        (again,) = outbox.claim()
        assert again.pk == taken.pk
        assert again.claimed_by != taken.claimed_by
        assert again.attempts == 2
        assert outbox.run(taken) is True  # the first worker woke up after all: its work is done…
        assert OutboxItem.objects.filter(pk=taken.pk).exists()  # …but the row is the second one's
        assert outbox.run(again) is True
        assert not OutboxItem.objects.exists()
        assert flaky.done == [5, 5]  # consumers are idempotent: twice is harmless

    def test_the_lease_follows_the_setting(self, settings) -> None:
        settings.OUTBOX_LEASE_S = 3
        assert outbox.lease() == timedelta(seconds=3)

    def test_an_unknown_consumer_fails_the_row_instead_of_the_loop(self, monkeypatch: pytest.MonkeyPatch) -> None:
        OutboxItem.objects.create(
            consumer="gone.away", kind="PostCreated", payload={"actor_id": 1, "post_id": 1, "space_id": None}
        )
        assert outbox.drain() == 0
        assert "KeyError" in OutboxItem.objects.get().last_error
