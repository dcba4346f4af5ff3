"""Cursor pagination by id: parsing refuses garbage with a message; pages never overlap."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from essaim.accounts.models import User
from essaim.core.pagination import Cursor, paginate, parse_cursor
from tests.accounts.factories import UserFactory


def test_parse_defaults_and_values():
    assert parse_cursor({}) == Cursor()
    assert parse_cursor({"max_id": "42", "limit": "5"}) == Cursor(max_id=42, limit=5)
    assert parse_cursor({"min_id": "7", "since_id": ""}) == Cursor(min_id=7)


def test_a_limit_over_the_most_is_the_most_as_mastodon_answers():
    assert parse_cursor({"limit": "1000"}).limit == 40
    assert parse_cursor({"limit": "99999999999999999999999"}, max_limit=200).limit == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"max_id": "abc"}, "max_id"),
        ({"max_id": "-1"}, "max_id"),
        ({"min_id": "1e5"}, "min_id"),
        ({"since_id": "99999999999999999999"}, "since_id"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1.5"}, "limit"),
    ],
)
def test_garbage_is_refused_with_a_message(params, message):
    with pytest.raises(ValidationError, match=message):
        parse_cursor(params)


@pytest.fixture
def people(db):
    return [UserFactory() for _ in range(5)]


def test_pages_walk_down_then_up_without_overlap(people):
    ids = sorted(u.pk for u in people)
    qs = User.objects.all()
    first = paginate(qs, Cursor(limit=2))
    assert [u.pk for u in first.items] == ids[:-3:-1]
    assert first.next_max_id == ids[-2]
    second = paginate(qs, Cursor(limit=2, max_id=first.next_max_id))
    assert [u.pk for u in second.items] == [ids[2], ids[1]]
    last = paginate(qs, Cursor(limit=2, max_id=second.next_max_id))
    assert [u.pk for u in last.items] == [ids[0]]
    assert not last.has_more
    up = paginate(qs, Cursor(limit=2, min_id=ids[0]))
    assert [u.pk for u in up.items] == [ids[2], ids[1]]
    assert up.prev_min_id == ids[2]
    newer = paginate(qs, Cursor(since_id=ids[2]))
    assert [u.pk for u in newer.items] == [ids[4], ids[3]]


def test_no_offset_in_sql(people, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        paginate(User.objects.all(), Cursor(limit=2, max_id=10**6))
    assert "OFFSET" not in captured.captured_queries[0]["sql"].upper()
