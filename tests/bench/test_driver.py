"""The load driver's arithmetic and its loopback guard."""

from __future__ import annotations

import pytest

from bench.driver import check_loopback, percentile


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0


def test_percentile_of_nothing_is_zero():
    assert percentile([], 99) == 0.0


def test_the_driver_refuses_anything_but_loopback():
    check_loopback("http://127.0.0.1:8000")
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        check_loopback("http://example.com")
