"""The template helpers that cached pages rely on: ``reltime_bucket`` and ``fixed_form_fields``.

``reltime_bucket`` stands in for ``reltime``'s label in the post cards' cache keys: it must
change exactly when the label does (a bucket that changes too late serves a stale "5 min ago",
one that changes too early only costs a render). ``fixed_form_fields`` caches the composer's
fields; it must never serve one person's input or errors to another.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import hypothesis
import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from hypothesis import strategies as st

from essaim.core import fragments
from essaim.core.templatetags import essaim as tags
from essaim.core.templatetags.essaim import fixed_form_fields, reltime, reltime_bucket
from essaim.stream.forms import PostForm

LANGUAGES = ["fr", "en"]
TIME_ZONES = ["UTC", "Europe/Paris", "Pacific/Kiritimati", "America/Los_Angeles"]
THIRTY_DAYS = timedelta(days=30)
# 2026-03-29: Europe's clocks go forward that night, the US's did three weeks before.
VALUES = [
    datetime(2026, 3, 28, 23, 30, 15, 250_000, tzinfo=UTC),
    datetime(2026, 10, 24, 22, 59, 59, 999_999, tzinfo=UTC),
    datetime(2024, 2, 28, 12, 0, tzinfo=UTC),
]


def _label(value: datetime, now: datetime) -> str:
    """``reltime``'s whole output at ``now`` (same value: the tooltip and ``datetime`` are fixed)."""
    with mock.patch.object(tags.timezone, "now", return_value=now):
        return str(reltime(value))


def _text(output: str) -> str:
    return re.sub(r"<[^>]+>", "", output)


def _deltas() -> Iterator[timedelta]:
    """0 s to 30 days: every 13 s for two hours, every 7 min to eight days, hourly after; plus
    each boundary of the label and a microsecond either side of it."""
    second = timedelta(seconds=1)
    yield from (n * 13 * second for n in range(2 * 3600 // 13))
    yield from (n * timedelta(minutes=7) for n in range(8 * 24 * 60 // 7))
    yield from (n * timedelta(hours=1) for n in range(30 * 24 + 1))
    micro = timedelta(microseconds=1)
    for boundary in (60 * second, 3600 * second, timedelta(days=1), timedelta(days=2), timedelta(days=7)):
        for k in range(1, 4):
            yield from (boundary * k - micro, boundary * k, boundary * k + micro)


@contextmanager
def _reading(language: str, zone: str) -> Iterator[None]:
    with translation.override(language), timezone.override(zone):
        yield


class TestReltimeBucket:
    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("zone", TIME_ZONES)
    @pytest.mark.parametrize("value", VALUES, ids=lambda v: v.isoformat())
    def test_the_bucket_changes_exactly_when_the_label_does_on_a_dense_grid(
        self, language: str, zone: str, value: datetime
    ) -> None:
        labels_of: dict[tuple[str, int], set[str]] = defaultdict(set)
        buckets_of: dict[str, set[tuple[str, int]]] = defaultdict(set)
        with _reading(language, zone):
            for delta in _deltas():
                if delta > THIRTY_DAYS:
                    continue
                now = value + delta
                bucket, label = reltime_bucket(value, now), _label(value, now)
                labels_of[bucket].add(label)
                buckets_of[label].add(bucket)
        assert {b: ls for b, ls in labels_of.items() if len(ls) > 1} == {}, "one bucket, several labels"
        assert {lb: bs for lb, bs in buckets_of.items() if len(bs) > 1} == {}, "one label, several buckets"
        # The grid meets every label: just now, 1-59 minutes, 1-23 hours, 1-6 days, the date.
        assert len(labels_of) == 1 + 59 + 23 + 6 + 1

    @hypothesis.settings(max_examples=600, deadline=None)
    @hypothesis.given(
        value=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)),
        first=st.timedeltas(min_value=timedelta(seconds=-5), max_value=THIRTY_DAYS),
        second=st.timedeltas(min_value=timedelta(seconds=-5), max_value=THIRTY_DAYS),
        language=st.sampled_from(LANGUAGES),
        zone=st.sampled_from(TIME_ZONES),
    )
    def test_the_same_bucket_means_the_same_label_and_only_then(
        self, value: datetime, first: timedelta, second: timedelta, language: str, zone: str
    ) -> None:
        with _reading(language, zone):
            same_bucket = reltime_bucket(value, value + first) == reltime_bucket(value, value + second)
            same_label = _label(value, value + first) == _label(value, value + second)
        assert same_bucket == same_label

    def test_without_now_it_reads_the_clock(self) -> None:
        value = VALUES[0]
        with mock.patch.object(tags.timezone, "now", return_value=value + timedelta(minutes=5)):
            assert reltime_bucket(value) == reltime_bucket(value, value + timedelta(minutes=5))

    @pytest.mark.parametrize(
        ("after", "english"),
        [
            (timedelta(seconds=59), "just now"),
            (timedelta(minutes=5, seconds=59), "5\xa0minutes ago"),
            (timedelta(hours=23, minutes=59), "23\xa0hours ago"),
            (timedelta(days=6, hours=23), "6\xa0days ago"),
        ],
    )
    def test_the_labels_it_stands_for(self, after: timedelta, english: str) -> None:
        value = VALUES[2]
        assert _text(_label(value, value + after)) == english

    def test_a_week_old_post_shows_its_date_in_the_readers_time_zone(self) -> None:
        value = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
        now = value + timedelta(days=8)
        with timezone.override("UTC"):
            assert reltime_bucket(value, now) == ("date", value.date().toordinal())
        with timezone.override("Pacific/Kiritimati"):  # UTC+14: already the 29th
            assert reltime_bucket(value, now) == ("date", value.date().toordinal() + 1)
            assert "March 29, 2026" in _label(value, now)


@contextmanager
def _counting_renders() -> Iterator[mock.MagicMock]:
    # Bound forms are rendered by the tag itself, unbound ones through ``core.fragments``.
    spy = mock.MagicMock(wraps=render_to_string)
    with (
        mock.patch.object(tags, "render_to_string", new=spy),
        mock.patch.object(fragments, "render_to_string", new=spy),
    ):
        yield spy


class TestFixedFormFields:
    def test_an_unbound_form_is_rendered_once_per_language(self) -> None:
        with _counting_renders() as renders:
            english = fixed_form_fields(PostForm())
            assert fixed_form_fields(PostForm()) == english
            assert renders.call_count == 1
            with translation.override("fr"):
                french = fixed_form_fields(PostForm())
                assert fixed_form_fields(PostForm()) == french
            assert renders.call_count == 2
        assert "Your message" in english
        assert "Votre message" in french

    def test_an_unbound_form_is_rendered_once_per_initial_value(self) -> None:
        with _counting_renders() as renders:
            plain = fixed_form_fields(PostForm())
            tagged = fixed_form_fields(PostForm(initial={"body": "#velo "}))
            assert fixed_form_fields(PostForm(initial={"body": "#velo "})) == tagged
            assert renders.call_count == 2
        assert "#velo" in tagged
        assert "#velo" not in plain

    def test_the_cached_fields_are_those_of_a_fresh_render(self) -> None:
        fixed_form_fields(PostForm())
        fresh = render_to_string(tags.FORM_FIELDS_TEMPLATE, {"form": PostForm()})
        assert fixed_form_fields(PostForm()) == fragments.narrow(fresh)

    def test_a_bound_form_with_errors_is_always_rendered_and_shows_them(self) -> None:
        form = PostForm({"body": "", "visibility": "nobody"})
        assert not form.is_valid()
        with _counting_renders() as renders:
            first = fixed_form_fields(form)
            second = fixed_form_fields(form)
            assert renders.call_count == 2
        assert first == second
        assert "This field is required." in first
        assert "Select a valid choice" in first

    def test_a_bound_form_keeps_what_was_typed_and_leaves_the_cache_alone(self) -> None:
        blank = fixed_form_fields(PostForm())
        typed = fixed_form_fields(PostForm({"body": "Mon brouillon", "visibility": "company"}))
        assert "Mon brouillon" in typed
        with _counting_renders() as renders:
            assert fixed_form_fields(PostForm()) == blank
            assert renders.call_count == 0
        assert "Mon brouillon" not in blank
        assert "errorlist" not in blank

    def test_each_spaces_composer_carries_its_own_space(self) -> None:
        first = fixed_form_fields(PostForm(space=SimpleNamespace(pk=101)))
        second = fixed_form_fields(PostForm(space=SimpleNamespace(pk=202)))
        assert 'name="space" value="101"' in first
        assert 'name="space" value="202"' in second
