"""The event pipeline (``essaim.events.pipeline``): durable consumers get an outbox row in the write's
transaction, immediate ones run after it commits, and nobody hears of a write that rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from essaim.events import consumer, emit, pipeline
from essaim.events.models import OutboxItem
from essaim.events.types import EVENT_TYPES, Followed, MembershipChanged, PostCreated, from_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[object]]:
    """A test's own consumers, one immediate and one durable, removed afterwards."""
    calls: list[object] = []
    consumer("test.immediate", on=[Followed], durable=False)(calls.append)
    consumer("test.durable", on=[PostCreated], durable=True, when=lambda e: not e.delivered)(calls.append)
    yield calls
    for name in ("test.immediate", "test.durable"):
        pipeline._consumers.pop(name)


def _followed() -> Followed:
    return Followed(actor_id=1, followed_id=2)


def _refused_write(event: object) -> None:
    """A write that emits ``event`` and then fails: its transaction rolls back."""
    with transaction.atomic():
        emit(event)  # type: ignore[arg-type]
        raise RuntimeError("refused")


class TestImmediateConsumers:
    def test_run_once_the_transaction_commits(self, heard, django_capture_on_commit_callbacks) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            emit(_followed())
            assert heard == []  # not before the commit
        assert heard == [_followed()]

    def test_never_run_when_the_write_rolls_back(self, heard, django_capture_on_commit_callbacks) -> None:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            _refused_write(_followed())
        assert callbacks == []
        assert heard == []

    def test_one_that_fails_does_not_stop_the_others(self, heard, django_capture_on_commit_callbacks, caplog) -> None:
        def fail(event: object) -> None:
            raise ValueError("broken consumer")

        consumer("test.failing", on=[Followed], durable=False)(fail)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                emit(_followed())
        finally:
            pipeline._consumers.pop("test.failing")
        assert heard == [_followed()]
        assert "test.failing failed" in caplog.text


class TestDurableConsumers:
    def test_get_an_outbox_row_in_the_writes_transaction(self, heard) -> None:
        event = PostCreated(actor_id=1, post_id=42, space_id=None, mentioned_ids=(3, 4))
        emit(event)
        item = OutboxItem.objects.get(consumer="test.durable")
        assert (item.kind, item.attempts, item.failed_at) == ("PostCreated", 0, None)
        assert from_payload(item.kind, item.payload) == event
        assert heard == []  # the worker runs it, not the request

    def test_a_rolled_back_write_leaves_no_row(self, heard) -> None:
        with pytest.raises(RuntimeError):
            _refused_write(PostCreated(actor_id=1, post_id=42, space_id=None))
        assert not OutboxItem.objects.filter(consumer="test.durable").exists()

    def test_when_chooses_the_events_a_consumer_takes(self, heard) -> None:
        emit(PostCreated(actor_id=1, post_id=42, space_id=None, delivered=True))
        assert not OutboxItem.objects.filter(consumer="test.durable").exists()

    def test_several_events_of_one_write_in_one_statement(self, heard, django_assert_num_queries) -> None:
        events = [PostCreated(actor_id=1, post_id=i, space_id=None) for i in range(50)]
        with django_assert_num_queries(1):
            emit(*events)
        assert OutboxItem.objects.filter(consumer="test.durable").count() == 50


class TestTheEvents:
    @pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
    def test_every_kind_is_named_after_its_class(self, kind: str) -> None:
        assert EVENT_TYPES[kind].kind == kind == EVENT_TYPES[kind].__name__

    def test_an_event_comes_back_from_its_payload_whole(self) -> None:
        event = MembershipChanged(actor_id=None, space_id=3, user_id=4, role="member", previous_role=None)
        assert from_payload(event.kind, event.payload()) == event

    def test_two_consumers_cannot_share_a_name(self) -> None:
        consumer("test.twice", on=[Followed], durable=False)(print)
        try:
            with pytest.raises(ValueError, match="Two consumers"):
                consumer("test.twice", on=[Followed], durable=False)(repr)
        finally:
            pipeline._consumers.pop("test.twice")

    def test_the_stream_consumers_are_registered_by_its_app(self) -> None:
        durable = {name for name, c in pipeline.consumers().items() if c.durable}
        assert {"stream.deliver", "stream.rebuild"} <= durable

    def test_capture_sees_what_was_emitted_committed_or_not(self, capture_events) -> None:
        with pytest.raises(RuntimeError):
            _refused_write(_followed())
        assert capture_events == [_followed()]
