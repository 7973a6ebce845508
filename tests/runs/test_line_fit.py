import numpy as np
import pytest

from paintlr.errors import OptionError
from paintlr.runs.line_fit import FitAnimation, LineFit

X = np.arange(1.0, 6.0)[:, None]  # the seed notebook's five points
Y = np.array([1.0, 3, 3, 3, 5])
RNG = np.random.default_rng(11)


def lstsq(features: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(np.c_[np.ones(len(y)), features], y, rcond=None)[0]


def seed_loop(x: np.ndarray, y: np.ndarray, rate: float, epochs: int) -> np.ndarray:
    """GD on J = (1/2m) sum (b + m x - y)^2 written out, as the notebook's loop with the 1/2."""
    b = m = 0.0
    for _ in range(epochs):
        err = b + m * x - y
        b, m = b - rate * err.mean(), m - rate * (err * x).mean()
    return np.array([b, m])


def test_five_points_converge_to_intercept_0_6_slope_0_8():
    fit = LineFit(X, Y, x_names=["x"])
    np.testing.assert_allclose(fit.best, [0.6, 0.8], atol=1e-12)
    np.testing.assert_allclose(fit.theta(fit.stop_epoch), [0.6, 0.8], atol=1e-6)
    assert fit.optimal_cost == pytest.approx(0.16)  # (1/10) sum of squares of 0.4, 0.8, 0, 0.8, 0.4
    assert fit.learning_rate == pytest.approx(0.5 * fit.max_stable_learning_rate)


@pytest.mark.parametrize("epochs", [0, 1, 10, 100, 1000])
def test_closed_form_is_the_iterated_loop(epochs):
    fit = LineFit(X, Y, x_names=["x"], learning_rate=0.05)
    np.testing.assert_allclose(fit.theta(epochs), seed_loop(X[:, 0], Y, 0.05, epochs), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_polynomial_fit_reaches_least_squares_in_original_units(degree):
    x = RNG.uniform(-2, 3, (40, 1))
    y = 1 + x[:, 0] - 0.5 * x[:, 0] ** 2 + RNG.normal(0, 0.1, 40)
    for standardize in (False, True):
        fit = LineFit(x, y, x_names=["x"], degree=degree, standardize=standardize)
        expected = np.polyfit(x[:, 0], y, degree)[::-1]
        np.testing.assert_allclose(fit.best, expected, rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(fit.theta(fit.stop_epoch), expected, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(fit.predict(fit.best, x), np.polyval(expected[::-1], x[:, 0]), atol=1e-9)


def test_several_columns_match_lstsq():
    x = RNG.normal(size=(60, 3))
    y = x @ [1.0, -2.0, 0.5] + 3 + RNG.normal(0, 0.01, 60)
    fit = LineFit(x, y, x_names=["a", "b", "c"], standardize=True)
    np.testing.assert_allclose(fit.theta(fit.stop_epoch), lstsq(x, y), atol=1e-7)


def test_max_cost_at_or_below_the_optimum_is_refused():
    with pytest.raises(OptionError, match="out of reach"):
        LineFit(X, Y, x_names=["x"], max_cost=0.16)


def test_three_rates_on_one_clock_one_diverging():
    limit = LineFit(X, Y, x_names=["x"]).max_stable_learning_rate
    animation = FitAnimation(X, Y, x_names=["x"], learning_rates=[0.01, 0.1, 1.2 * limit], frames=30)
    ticks = list(animation)
    assert all(len(row) == 3 for row in ticks) and len(ticks) <= 31
    last = {t.label: t for t in ticks[-1]}
    slow, good, boom = (last[f"lr {r:.4g}"] for r in (0.01, 0.1, 1.2 * limit))
    assert slow.status == good.status == "converged" and boom.status == "diverged"
    np.testing.assert_allclose(slow.theta, [0.6, 0.8], atol=1e-6)
    assert good.epoch < slow.epoch
    run = animation.runs[2]
    assert run.cost(boom.epoch) >= 1e3 * run.cost(0) > run.cost(boom.epoch - 1)  # marked when it blew up
    clock = [max(t.epoch for t in row) for row in ticks]
    assert clock == sorted(clock)


def test_a_rate_exactly_at_the_stable_limit_is_unstable():
    """At alpha = 2 / lambda_max the steepest direction flips sign every epoch and never shrinks: no
    stop epoch, never converged. One ulp below the limit is (barely) stable."""
    limit = LineFit(X, Y, x_names=["x"]).max_stable_learning_rate
    at = LineFit(X, Y, x_names=["x"], learning_rate=limit)
    assert at.unstable and at.stop_epoch is None
    assert at.cost(10**6) > 0.5 * at.cost(0)  # nowhere near least squares' 0.16 from 5.3
    below = LineFit(X, Y, x_names=["x"], learning_rate=np.nextafter(limit, 0.0))
    assert not below.unstable and below.stop_epoch is not None
    statuses = [row[0].status for row in FitAnimation(X, Y, x_names=["x"], learning_rates=[limit], frames=8)]
    assert "converged" not in statuses
    assert FitAnimation(X, Y, x_names=["x"], learning_rates=[limit]).unstable == [True]


def test_path_is_gd_epoch_by_epoch_and_ends_at_least_squares():
    animation = FitAnimation(X, Y, x_names=["x"], learning_rates=[0.05])
    ticks = list(animation)
    path = ticks[-1][0].path
    np.testing.assert_allclose(path[:101], [seed_loop(X[:, 0], Y, 0.05, k) for k in range(101)], atol=1e-9)
    np.testing.assert_allclose(path[-1], [0.6, 0.8], atol=1e-6)
    b0, b1, m0, m1 = animation.path_box()
    assert b0 < min(path[:, 0]) and max(path[:, 0]) < b1 and m0 < min(path[:, 1]) and max(path[:, 1]) < m1


def test_log_rows_hold_epoch_cost_and_every_parameter():
    animation = FitAnimation(X, Y, x_names=["x"], degree=2)
    assert animation.log_columns() == ["cost", "intercept", "x", "x^2", "status"]
    row = animation.log_row(list(animation)[-1])
    assert len(row) == 6 and row[1] == pytest.approx(animation.runs[0].cost(row[0]))
    assert row[-1] == "converged"


def test_a_run_cut_by_max_epochs_is_stopped_not_converged():
    """The seed's points at rate 0.001: 10 epochs leave the cost near 4.2, far from least squares' 0.16."""
    animation = FitAnimation(X, Y, x_names=["x"], learning_rates=[0.001], max_epochs=10)
    last = list(animation)[-1][0]
    assert last.epoch == 10 and last.status == "stopped"
    optimum = np.mean((Y - np.polyval(np.polyfit(X[:, 0], Y, 1), X[:, 0])) ** 2) / 2  # independent
    assert animation.optimal_cost == pytest.approx(optimum)
    assert animation.outcome(last) == (f"stopped at the epoch limit (10 epochs), cost {last.cost:.6g}, "
                                       f"{last.cost - optimum:.4g} above the optimum {optimum:.6g}")
    assert animation.log_row([last])[-1] == "stopped"
    # with max_cost too: stopped short of it, converged once it is reached
    cut = FitAnimation(X, Y, x_names=["x"], learning_rates=[0.05], max_cost=0.2, max_epochs=2)
    assert list(cut)[-1][0].status == "stopped"
    reached = FitAnimation(X, Y, x_names=["x"], learning_rates=[0.05], max_cost=0.2)
    end = list(reached)[-1][0]
    assert end.status == "converged" and end.cost < 0.2
