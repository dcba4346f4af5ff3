"""Storing live events: after the commit, in id order, kept for the replay window."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from essaim.realtime import publish
from essaim.realtime.models import LiveEvent

Live = Callable[[], list[LiveEvent]]


def test_nothing_is_stored_for_a_write_that_rolls_back(live: Live) -> None:
    class RefusedError(Exception):
        pass

    try:
        with transaction.atomic():
            publish.publish("post", audience=[("E",)], data={"post": "1"})
            raise RefusedError
    except RefusedError:
        pass
    publish.publish("post", audience=[("E",)], data={"post": "2"})
    assert [e.data for e in live()] == [{"post": "2"}]


def test_an_event_for_nobody_is_not_stored(live: Live) -> None:
    publish.publish("bell", audience=[], data={})
    assert live() == []


def test_events_older_than_the_replay_window_go_and_the_newest_always_stays(live: Live, settings: object) -> None:
    for n in range(3):
        publish.publish("post", audience=[("E",)], data={"post": str(n)})
    old = timezone.now() - datetime.timedelta(seconds=publish.replay_window().total_seconds() + 60)
    LiveEvent.objects.update(at=old)
    assert publish.prune() == 2
    assert [e.data for e in live()] == [{"post": "2"}]
    assert publish.latest_id() == live()[0].pk


def test_a_table_locked_for_a_moment_is_tried_again(live: Live, monkeypatch: object) -> None:
    from django.db import OperationalError

    real, failures = publish._store, []

    def locked_twice(*args: object) -> LiveEvent:
        if len(failures) < 2:
            failures.append(1)
            raise OperationalError("database table is locked: realtime_liveevent")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "_store", locked_twice)  # type: ignore[attr-defined]
    publish.publish("post", audience=[("E",)], data={"post": "9"})
    assert [e.data for e in live()] == [{"post": "9"}]
