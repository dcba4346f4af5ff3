from datetime import UTC, datetime

from essaim.core.ids import id_floor, id_time, time_ordered_id


def test_ids_increase_within_a_process():
    ids = [time_ordered_id() for _ in range(1000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_id_time_round_trips_to_the_millisecond():
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert id_time(time_ordered_id(at=at)) == at


def test_id_floor_bounds_ids_made_at_that_time():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert id_floor(at) <= time_ordered_id(at=at)
