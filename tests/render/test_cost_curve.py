"""cost_curve: the limits and epoch ticks of the cost panel both figures show."""

from __future__ import annotations

import math

import pytest

from paintlr.render.cost_curve import cost_limits, epoch_tick


def test_epoch_ticks_are_short():
    assert [epoch_tick(v) for v in (0, 1, 10, 1000, 25000, 10**6, 10**9, 3 * 10**9)] == \
        ["0", "1", "10", "1k", "25k", "1M", "1e9", "3e+09"]


@pytest.mark.parametrize(("given", "expected"), [
    ((0.1, 10.0), (0.1 / 1.6, 16.0)),
    ((0.0, 10.0), (1e-5 / 1.6, 16.0)),  # no lowest cost: six decades under the highest
    ((math.nan, math.inf), (1e-6 / 1.6, 1.6)),
    ((2.0, 2.0), (0.2 / 1.6, 32.0)),  # one cost: a decade either side
])
def test_cost_limits_surround_the_expected_costs(given, expected):
    assert cost_limits(given) == pytest.approx(expected)
