import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paintlr.core.numerics import (
    first_epoch_below,
    linear_recurrence,
    one_minus_pow1m,
    pow1m,
    psnr,
)

RNG = np.random.default_rng(7)


@given(x=st.floats(1e-12, 1.999), k=st.integers(0, 10**6))
def test_pow1m_matches_integer_power(x, k):
    expected = (1.0 - x) ** k
    assert float(pow1m(x, k)) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_pow1m_keeps_precision_near_one_and_sign_below_zero():
    eta = 0.05 / 65536
    assert float(pow1m(eta, 10**7)) == pytest.approx(np.exp(10**7 * np.log1p(-eta)), rel=1e-14)
    assert float(pow1m(1.5, 3)) == pytest.approx(-0.125)
    assert float(pow1m(1.5, 4)) == pytest.approx(0.0625)
    assert float(pow1m(1.0, 0)) == 1.0 and float(pow1m(1.0, 5)) == 0.0


def test_one_minus_pow1m_has_no_cancellation():
    x = 1e-12
    assert float(one_minus_pow1m(x, 3)) == pytest.approx(3e-12, rel=1e-9)
    assert float(one_minus_pow1m(1.5, 3)) == pytest.approx(1.125)


@given(start=st.integers(0, 10**9), threshold_at=st.integers(0, 10**9))
def test_first_epoch_below_finds_the_boundary(start, threshold_at):
    def cost(k):
        return 1.0 if k < threshold_at else 0.0

    hi = max(start, 1)
    found = first_epoch_below(cost, 0.5, hi)
    assert found == (threshold_at if threshold_at <= hi else None)


@given(t=st.integers(0, 700), c=st.floats(-0.999, 0.999), block=st.sampled_from([1, 2, 7, 64]))
def test_linear_recurrence_matches_loop(t, c, block):
    u = RNG.normal(size=(2, t))
    start = RNG.normal(size=2)
    expected, prev = np.empty_like(u), start.copy()
    for i in range(t):
        prev = c * prev + u[:, i]
        expected[:, i] = prev
    np.testing.assert_allclose(linear_recurrence(u, c, start, block), expected, atol=1e-10)


def test_psnr_of_cost():
    assert psnr(1e-4) == pytest.approx(10 * np.log10(1 / 2e-4))
    assert psnr(0.0) == float("inf")


def test_linear_recurrence_overflows_to_inf_not_an_exception():
    """SGD at rate 1e300 makes c = 1 - 1e300: the carries overflow, and divergence is caught later."""
    x = linear_recurrence(np.ones((1, 500)), 1.0 - 1e300, np.zeros(1))
    assert not np.all(np.isfinite(x))
