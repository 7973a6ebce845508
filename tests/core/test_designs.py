"""Designs: the generic descent loop's costs, and least squares on rank-deficient samples.

The oracles are numpy written out (a literal GD loop on [1, X], numpy.linalg.pinv),
never paintlr's own numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from paintlr import LinearRegressionModel
from paintlr.core.designs import Dense
from paintlr.features.maps import PolynomialFeatures, pixel_points

RNG = np.random.default_rng(11)
H, W = 6, 7


def literal_gd_costs(x: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> np.ndarray:
    """Per-epoch, per-channel costs (epochs + 1, k) of batch GD from zero: J = |Phi theta - y|^2 / 2m."""
    m = x.shape[0]
    phi = np.c_[np.ones(m), x]
    theta = np.zeros((phi.shape[1], y.shape[1]))
    costs = []
    for _ in range(epochs + 1):
        r = phi @ theta - y
        costs.append((r * r).sum(axis=0) / (2 * m))
        theta = theta - lr / m * (phi.T @ r)
    return np.array(costs)


def dense_case():
    x = RNG.normal(size=(40, 3)) + np.array([0.5, -1.0, 0.0])
    y = x @ RNG.normal(size=(3, 2)) + 0.3 * RNG.normal(size=(40, 2))
    return Dense(x), x, y


def grid_case():
    fmap = PolynomialFeatures(3, aspect=H / W)
    p = pixel_points(H, W)
    y = np.c_[np.sin(3 * p[:, 0]) * p[:, 1], np.cos(2 * p[:, 1]), p[:, 0] ** 3]
    return fmap.design(H, W), fmap.transform(p), y


def largest_stable_rate(x: np.ndarray) -> float:
    phi = np.c_[np.ones(len(x)), x]
    return 2.0 / np.linalg.eigvalsh(phi.T @ phi / len(x))[-1]


@pytest.mark.parametrize("case", [dense_case, grid_case], ids=["dense", "grid"])
def test_iterated_descent_costs_are_half_the_mean_square_and_stop_where_the_closed_form_does(case):
    """designs.DescentRun.costs, the loop every dense optimizer runs, reports J = SSE / 2m:
    the iterate engine stops at the same epoch as the exact engine, at the same costs."""
    design, x, y = case()
    lr = 0.3 * largest_stable_rate(x)
    expected = literal_gd_costs(x, y, lr, 60)
    stop = 15
    max_cost = float(expected[stop].mean()) * (1 + 1e-7)  # epoch 15 is the first below it
    assert expected[stop - 1].mean() > 1.01 * max_cost and expected[stop].mean() < max_cost

    results, logged = {}, {}
    for engine in ("iterate", "exact"):
        seen = logged[engine] = []
        model = LinearRegressionModel()
        results[engine] = model.train(design, y, learning_rate=lr, epochs=1000, max_cost=max_cost,
                                      engine=engine, log_every=1, on_log=lambda e, c, s=seen: s.append(c))
        assert results[engine].epochs == stop, engine
        assert results[engine].converged
        np.testing.assert_allclose(results[engine].channel_costs, expected[stop], rtol=1e-9)
        np.testing.assert_allclose(logged[engine], expected[:stop + 1].mean(axis=1), rtol=1e-9)
        np.testing.assert_allclose(model.cost(design, y, per_channel=True), expected[stop], rtol=1e-9)

    trajectory = design.trajectory(np.zeros((y.shape[1], x.shape[1] + 1)), np.ascontiguousarray(y.T), lr)
    for k in (0, 1, 17, stop):
        np.testing.assert_allclose(trajectory.cost(k), expected[k], rtol=1e-9)
    np.testing.assert_allclose(results["iterate"].channel_costs, results["exact"].channel_costs, rtol=1e-9)
    np.testing.assert_allclose(logged["iterate"], logged["exact"], rtol=1e-9)


def rank_deficient(kind: str) -> np.ndarray:
    a, b = RNG.normal(size=(2, 30, 1))
    if kind == "duplicate columns":
        return np.hstack([a, b, a, 2 * b])
    if kind == "zero column":
        return np.hstack([a, np.zeros_like(a), b])
    if kind == "constant column":  # the same direction as the bias
        return np.hstack([a, np.full_like(a, 3.0), b])
    if kind == "more features than samples":
        return RNG.normal(size=(5, 8))
    raise AssertionError(kind)


KINDS = ["duplicate columns", "zero column", "constant column", "more features than samples"]


@pytest.mark.parametrize("kind", KINDS)
def test_solve_is_pinv_minimum_norm_least_squares_on_rank_deficient_samples(kind):
    x = rank_deficient(kind)
    m = len(x)
    phi = np.c_[np.ones(m), x]
    assert np.linalg.matrix_rank(phi) < phi.shape[1]  # the case really is rank-deficient
    y = RNG.normal(size=(m, 3))
    expected = np.linalg.pinv(phi) @ y  # (d + 1, k), bias row first: the minimum-norm optimum
    model = LinearRegressionModel().solve(x, y)
    np.testing.assert_allclose(model.get_params(), expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(model.predict(x), phi @ expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(Dense(x).least_squares(y.T).T, expected, rtol=0, atol=1e-9)
    vector = LinearRegressionModel().solve(x, y[:, 0])  # 1-D labels: coef_ (d,), intercept_ a float
    assert vector.coef_.shape == (x.shape[1],)
    np.testing.assert_allclose(vector.coef_, expected[1:, 0], rtol=0, atol=1e-9)
    assert vector.intercept_ == pytest.approx(expected[0, 0], abs=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_exact_gd_from_zero_heads_for_the_same_minimum_norm_answer(kind):
    """The closed form leaves null directions at zero, so long GD from zero ends where solve() does."""
    x = rank_deficient(kind)
    y = RNG.normal(size=(len(x), 2))
    expected = np.linalg.pinv(np.c_[np.ones(len(x)), x]) @ y
    model = LinearRegressionModel(learning_rate=0.9 * largest_stable_rate(x), epochs=10**9, max_cost=0,
                                  engine="exact").fit(x, y)
    np.testing.assert_allclose(model.get_params(), expected, rtol=0, atol=1e-7)
