import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paintlr import LinearRegressionModel, OneHot

RNG = np.random.default_rng(7)


def reference_sgd(theta, x, y, lr, epochs, batch_size, seed):
    """Mini-batch SGD written plainly: one Python step per batch of a shuffled order."""
    rng = np.random.default_rng(seed)
    theta = theta.copy()
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            residual = theta[0] + x[rows] @ theta[1:] - y[rows]
            theta[0] -= lr / len(rows) * residual.sum(axis=0)
            theta[1:] -= lr / len(rows) * x[rows].T @ residual
    return theta


def reference_momentum(theta, x, y, lr, epochs, beta):
    """Heavy-ball gradient descent written plainly."""
    phi = np.c_[np.ones(len(y)), x]
    velocity = np.zeros_like(theta)
    for _ in range(epochs):
        grad = phi.T @ (phi @ theta - y) / len(y)
        velocity = beta * velocity - lr * grad
        theta = theta + velocity
    return theta


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 90), batch=st.integers(1, 100), lr=st.floats(0.01, 1.9),
       epochs=st.integers(1, 4), seed=st.integers(0, 1000))
def test_one_hot_sgd_matches_plain_loop(n, batch, lr, epochs, seed):
    y = RNG.random((n, 2))
    start = RNG.normal(size=(n + 1, 2))
    model = LinearRegressionModel(seed=seed)
    model.set_params(start)
    model.train(OneHot(n), y, learning_rate=lr, epochs=epochs, max_cost=0, optimizer="sgd",
                batch_size=batch)
    expected = reference_sgd(start, np.eye(n), y, lr, epochs, batch, seed)
    np.testing.assert_allclose(model.get_params(), expected, atol=1e-10 * max(1, np.abs(expected).max()))


@pytest.mark.parametrize("batch", [1, 5, 64])
def test_dense_sgd_matches_plain_loop(batch):
    x = RNG.normal(size=(40, 3))
    y = RNG.normal(size=(40, 2))
    start = RNG.normal(size=(4, 2))
    model = LinearRegressionModel(seed=11)
    model.set_params(start)
    model.train(x, y, learning_rate=0.05, epochs=3, max_cost=0, optimizer="sgd", batch_size=batch)
    np.testing.assert_allclose(model.get_params(), reference_sgd(start, x, y, 0.05, 3, batch, 11),
                               atol=1e-12)


@pytest.mark.parametrize("samples", ["one-hot", "dense"])
def test_momentum_matches_plain_loop_across_calls(samples):
    n = 30
    x = np.eye(n) if samples == "one-hot" else RNG.normal(size=(n, 4))
    design = OneHot(n) if samples == "one-hot" else x
    y = RNG.random((n, 3))
    start = RNG.normal(size=(x.shape[1] + 1, 3))
    model = LinearRegressionModel()
    model.set_params(start)
    for _ in range(3):  # velocity carries over between bursts
        model.train(design, y, learning_rate=0.1, epochs=7, max_cost=0, optimizer="momentum",
                    momentum=0.8)
    np.testing.assert_allclose(model.get_params(), reference_momentum(start, x, y, 0.1, 21, 0.8),
                               atol=1e-12)


@pytest.mark.parametrize("optimizer,kw", [("sgd", {"batch_size": 1}), ("sgd", {"batch_size": 8}),
                                          ("momentum", {"momentum": 0.9}), ("gd", {})])
def test_every_optimizer_converges_to_least_squares(optimizer, kw):
    x = RNG.normal(size=(64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 + 0.01 * RNG.normal(size=(64, 1))
    expected = LinearRegressionModel().solve(x, y).get_params()
    np.testing.assert_allclose(expected, np.linalg.lstsq(np.c_[np.ones(64), x], y, rcond=None)[0])
    model = LinearRegressionModel(seed=0)
    lr = 0.02 if optimizer == "sgd" else 0.3
    model.train(x, y, learning_rate=lr, epochs=3000 if optimizer != "sgd" else 300, max_cost=0,
                optimizer=optimizer, engine="iterate", **kw)
    tol = 0.02 if optimizer == "sgd" else 1e-8  # SGD at a fixed rate hovers near the optimum
    np.testing.assert_allclose(model.get_params(), expected, atol=tol)


def test_one_hot_sgd_reaches_the_picture():
    n = 400
    y = RNG.random((n, 3))
    model = LinearRegressionModel(seed=1)
    result = model.train(OneHot(n), y, learning_rate=0.05, epochs=20000, max_cost=1e-5,
                         optimizer="sgd")
    assert result.converged and model.cost(OneHot(n), y) < 1e-5


def test_solve_one_hot_is_the_minimum_norm_optimum_gd_converges_to():
    n = 50
    y = RNG.random((n, 3))
    solved = LinearRegressionModel().solve(OneHot(n), y)
    assert solved.cost(OneHot(n), y) < 1e-28
    dense = np.linalg.lstsq(np.c_[np.ones(n), np.eye(n)], y, rcond=None)[0]  # minimum norm
    np.testing.assert_allclose(solved.get_params(), dense, atol=1e-12)
    gd = LinearRegressionModel()
    gd.train(OneHot(n), y, learning_rate=1.0, epochs=10**6, max_cost=0, engine="exact")
    np.testing.assert_allclose(gd.get_params(), dense, atol=1e-12)


def test_seed_notebook_points_solve_to_the_gd_answer():
    x = np.arange(1.0, 6.0)[:, None]
    y = np.array([1.0, 3, 3, 3, 5])
    intercept, slope = LinearRegressionModel().solve(x, y).get_params()[:, 0]
    assert (slope, intercept) == (pytest.approx(0.8), pytest.approx(0.6))


def test_stable_rates_and_exact_needs_gd():
    model = LinearRegressionModel()
    assert model.max_stable_learning_rate(OneHot(9)) == pytest.approx(18 / 10)
    assert model.max_stable_learning_rate(OneHot(9), "momentum", momentum=0.5) == pytest.approx(2.7)
    assert model.max_stable_learning_rate(OneHot(9), "sgd") == 1.0
    assert model.max_stable_learning_rate(OneHot(9), "sgd", batch_size=3) == pytest.approx(1.5)
    assert model.max_stable_learning_rate(OneHot(9), "sgd", batch_size=4) == 1.0  # last batch: 1
    assert model.max_stable_learning_rate(OneHot(9), "sgd", batch_size=50) == pytest.approx(1.8)
    with pytest.raises(ValueError, match="exact"):
        model.train(OneHot(3), np.zeros(3), optimizer="sgd", engine="exact")
    with pytest.raises(ValueError, match="optimizer"):
        model.train(OneHot(3), np.zeros(3), optimizer="adam")


@pytest.mark.parametrize("rate_factor", [0.99, 1.05])
def test_momentum_stability_limit(rate_factor):
    n = 16
    y = RNG.random(n)
    model = LinearRegressionModel()
    limit = model.max_stable_learning_rate(OneHot(n), "momentum", momentum=0.5)
    run = lambda: model.train(OneHot(n), y, learning_rate=rate_factor * limit, epochs=20000,  # noqa: E731
                              max_cost=0, optimizer="momentum", momentum=0.5)
    if rate_factor < 1:
        run()
        assert model.cost(OneHot(n), y) < 1e-6
    else:
        with pytest.raises(ArithmeticError):
            run()


@pytest.mark.parametrize("batch", [1, 4])
def test_one_hot_sgd_stability_limit(batch):
    n = 64
    y = RNG.random(n)
    limit = LinearRegressionModel().max_stable_learning_rate(OneHot(n), "sgd", batch_size=batch)
    calm = LinearRegressionModel(seed=0)
    calm.train(OneHot(n), y, learning_rate=0.98 * limit, epochs=300, max_cost=0, optimizer="sgd",
               batch_size=batch)
    assert calm.cost(OneHot(n), y) < 1.0
    with pytest.raises(ArithmeticError):
        LinearRegressionModel(seed=0).train(OneHot(n), y, learning_rate=1.3 * limit, epochs=3000,
                                            max_cost=0, optimizer="sgd", batch_size=batch)


@pytest.mark.parametrize("beta", [1.0, 1.5, -0.1, float("nan")])
@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_outside_zero_to_one_is_refused_through_the_api(beta, optimizer):
    """beta = 1 never damps: refused up front by name, not left to fail later as a divergence."""
    from paintlr.models.optimizers import Momentum
    from paintlr.runs.painting import Painting

    message = r"momentum must be in \[0, 1\), got"
    with pytest.raises(ValueError, match=message):
        Momentum(beta, nesterov=optimizer == "nesterov")
    with pytest.raises(ValueError, match=message):
        LinearRegressionModel(optimizer=optimizer, momentum=beta, learning_rate=0.1).train(
            OneHot(4), RNG.random(4), epochs=10)
    with pytest.raises(ValueError, match=message):
        Painting(RNG.random((3, 4, 3)), optimizer=optimizer, momentum=beta)
    assert Momentum(np.nextafter(1.0, 0.0)).beta < 1  # just below 1 is a momentum
