import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paintlr.core.numerics import (
    first_epoch_below,
    least_squares,
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


def test_settling_counts_the_rank_of_a_design_with_more_features_than_pixels():
    """600 Fourier features on 12 x 16 pixels: 601 eigenvalues, 192 of them real and the rest rounding
    noise, some of it above lam_max * eps (here 17 of them). Only the real ones settle; the smallest
    of them is lam_min (which sets kappa and the best rates); least squares is the minimum-norm answer."""
    from paintlr.core.numerics import settling
    from paintlr.features.maps import FourierFeatures

    design = FourierFeatures(600, seed=0).design(12, 16)
    lam = design.eigen[0]
    phi = np.c_[np.ones(192), design.x] / np.sqrt(192)
    singular = np.linalg.svd(phi, compute_uv=False)
    rank = int(np.sum(singular > singular[0] * 1e-10))
    assert rank == 192
    assert settling(lam).sum() == rank
    lam_min, lam_max = design.extremes()
    assert lam_min == pytest.approx(singular[rank - 1] ** 2, rel=1e-9)
    assert lam_max == pytest.approx(singular[0] ** 2, rel=1e-12)
    y = RNG.random((3, 192))
    best = np.linalg.lstsq(phi * np.sqrt(192), y.T, rcond=None)[0].T
    np.testing.assert_allclose(design.least_squares(y), best, atol=1e-9)


def test_settling_sets_the_noise_floor_at_size_times_eps():
    """An eigenvalue within n * eps * lam_max of zero (n eigenvalues) is rounding noise, whatever the BLAS."""
    from paintlr.core.numerics import settling

    eps = np.finfo(np.float64).eps
    n = 300
    lam = np.sort(np.r_[np.zeros(n - 4), [10 * eps * 4.0, 0.5 * n * eps * 4.0, 2 * n * eps * 4.0, 4.0]])
    assert settling(lam).tolist() == [False] * (n - 2) + [True, True]


def test_least_squares_is_pinv_and_its_smallest_eigenvalue_the_gram_matrix_s():
    phi = np.c_[np.ones(30), RNG.normal(size=(30, 3))]
    y = RNG.normal(size=30)
    theta, lam_min = least_squares(phi, y)
    np.testing.assert_allclose(theta, np.linalg.pinv(phi) @ y, rtol=1e-12)
    assert lam_min == pytest.approx(np.linalg.eigvalsh(phi.T @ phi / 30)[0], rel=1e-12)
    twice = np.c_[phi, 1e6 * phi[:, 1]]  # rank-deficient, and one column a million times the others:
    found, _ = least_squares(twice, y)  # GD's limit from zero, the minimum norm in these units: the
    share = theta[1] * np.array([1, 1e6]) / (1 + 1e12)  # weight of column 1 split 1 : 1e6 (pinv is off)
    np.testing.assert_allclose(found, [theta[0], share[0], *theta[2:], share[1]], rtol=1e-9, atol=1e-15)


def test_least_squares_keeps_the_small_directions_of_large_columns():
    x = np.linspace(1.6e9, 1.7e9, 40)
    phi, y = np.c_[np.ones(40), x], 3 + 2e-8 * x + np.sin(np.arange(40))
    centred = np.linalg.lstsq(np.c_[np.ones(40), (x - x.mean()) / x.std()], y, rcond=None)[0]
    expected = [centred[0] - centred[1] * x.mean() / x.std(), centred[1] / x.std()]
    theta, lam_min = least_squares(phi, y)
    np.testing.assert_allclose(theta, expected, rtol=1e-9)
    assert lam_min == pytest.approx(x.var() / (1 + np.mean(x**2)), rel=1e-6)  # det / trace of the 2 x 2 Gram
