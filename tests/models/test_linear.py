import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seed_port import one_hot, seed_train

from paintlr import DivergenceError, LinearRegressionModel, OneHot
from paintlr.core.designs import as_design
from paintlr.models.optimizers import GradientDescent

RNG = np.random.default_rng(1)


def trained(samples, labels, params=None, **kw):
    model = LinearRegressionModel()
    if params is not None:
        model.set_params(params)
    result = model.train(samples, labels, **kw)
    return model, result


@pytest.mark.parametrize("engine", ["iterate", "exact"])
def test_matches_literal_port_of_seed_loop(engine):
    n, channels = 12, 3
    y = RNG.random((n, channels))
    start = RNG.normal(size=(n + 1, channels))
    model, result = trained(OneHot(n), y, start, learning_rate=0.3, epochs=40, max_cost=0,
                            engine=engine)
    assert result.epochs == 40
    for c in range(channels):
        expected, _ = seed_train(one_hot(n), [[v] for v in y[:, c]], list(start[:, c]),
                                 learning_rate=0.3, max_cost=0, epochs=40)
        np.testing.assert_allclose(model.get_params()[:, c], expected, rtol=0, atol=1e-12)


def test_dense_one_hot_matrix_is_the_same_model():
    n = 9
    y = RNG.random((n, 2))
    implicit, _ = trained(OneHot(n), y, learning_rate=0.7, epochs=25, max_cost=0, engine="iterate")
    dense, _ = trained(np.eye(n), y, learning_rate=0.7, epochs=25, max_cost=0, engine="iterate")
    np.testing.assert_allclose(implicit.get_params(), dense.get_params(), atol=1e-13)


def test_early_stop_at_first_epoch_below_max_cost():
    n = 10
    y = [[v] for v in RNG.random(n)]
    costs = []
    params = [0.0] * (n + 1)
    for _ in range(200):  # the port, one epoch at a time, logging every epoch's cost
        params, _ = seed_train(one_hot(n), y, params, learning_rate=1.0, max_cost=0,
                               epochs=1, log_cost=100, log_callback=lambda e, c: costs.append(c))
    first = next(k for k, c in enumerate(costs) if c < 0.01)
    for engine in ("iterate", "exact"):
        model, result = trained(OneHot(n), np.array(y), learning_rate=1.0, epochs=500,
                                max_cost=0.01, engine=engine)
        assert result.epochs == first and result.converged
        assert model.cost(OneHot(n), np.array(y)) < 0.01


def test_on_log_gets_epoch_and_cost_every_log_every_epochs():
    n = 8
    y = RNG.random(n)
    for engine in ("iterate", "exact"):
        calls: list[tuple[int, float]] = []
        trained(OneHot(n), y, learning_rate=0.5, epochs=25, max_cost=0, log_every=10,
                on_log=lambda e, c, calls=calls: calls.append((e, c)), engine=engine)
        assert [e for e, _ in calls] == [0, 10, 20]
        check = LinearRegressionModel()
        check.set_params(np.zeros(n + 1))
        check.train(OneHot(n), y, learning_rate=0.5, epochs=10, max_cost=0, engine="iterate")
        assert calls[1][1] == pytest.approx(check.cost(OneHot(n), y), rel=1e-12)


def test_gradient_step_matches_finite_differences():
    x = RNG.normal(size=(30, 4))
    y = RNG.normal(size=(30, 2))
    theta = RNG.normal(size=(5, 2))
    lr = 1e-3
    model, _ = trained(x, y, theta, learning_rate=lr, epochs=1, max_cost=0, engine="iterate")
    analytic = (theta - model.get_params()) / lr
    probe = LinearRegressionModel()
    numeric = np.zeros_like(theta)
    h = 1e-6
    for idx in np.ndindex(theta.shape):
        plus, minus = theta.copy(), theta.copy()
        plus[idx] += h
        minus[idx] -= h
        j = []
        for p in (plus, minus):
            probe.set_params(p)
            j.append(probe.cost(x, y, per_channel=True)[idx[1]])
        numeric[idx] = (j[0] - j[1]) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("engine", ["iterate", "exact"])
def test_dense_converges_to_lstsq(engine):
    x = RNG.normal(size=(60, 3)) + 0.5
    y = x @ RNG.normal(size=(3, 2)) + RNG.normal(size=(60, 2))
    phi = np.c_[np.ones(60), x]
    expected = np.linalg.lstsq(phi, y, rcond=None)[0]
    model = LinearRegressionModel()
    rate = 0.9 * model_max_rate(x)
    model.train(x, y, learning_rate=rate, epochs=20000, max_cost=0, engine=engine)
    np.testing.assert_allclose(model.get_params(), expected, atol=1e-9)


def model_max_rate(x):
    from paintlr.core.designs import Dense

    return GradientDescent().max_stable_learning_rate(Dense(x))


def test_seed_notebook_line_fit():
    x = np.arange(1.0, 6.0)[:, None]
    y = np.array([1.0, 3, 3, 3, 5])
    model, _ = trained(x, y, learning_rate=0.05, epochs=20000, max_cost=0, engine="iterate")
    intercept, slope = model.get_params()[:, 0]
    assert slope == pytest.approx(0.8, abs=1e-9)
    assert intercept == pytest.approx(0.6, abs=1e-9)
    assert model.score(np.array([[6.0]])) == pytest.approx([5.4])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    channels=st.integers(1, 3),
    rate_fraction=st.floats(0.001, 0.99),
    epochs=st.integers(0, 3000),
    seed=st.integers(0, 2**31),
)
def test_exact_agrees_with_iterate(n, channels, rate_fraction, epochs, seed):
    rng = np.random.default_rng(seed)
    y = rng.random((n, channels))
    start = rng.normal(size=(n + 1, channels))
    rate = rate_fraction * GradientDescent().max_stable_learning_rate(OneHot(n))
    it, r_it = trained(OneHot(n), y, start, learning_rate=rate, epochs=epochs, max_cost=0,
                       engine="iterate")
    ex, r_ex = trained(OneHot(n), y, start, learning_rate=rate, epochs=epochs, max_cost=0,
                       engine="exact")
    assert r_it.epochs == r_ex.epochs == epochs
    scale = np.abs(it.get_params()).max()
    np.testing.assert_allclose(ex.get_params(), it.get_params(), rtol=0, atol=1e-9 * scale)


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(3, 40),
    d=st.integers(1, 6),
    rate_fraction=st.floats(0.01, 0.99),
    epochs=st.integers(0, 2000),
    seed=st.integers(0, 2**31),
)
def test_dense_exact_agrees_with_iterate(m, d, rate_fraction, epochs, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, d))
    y = rng.normal(size=(m, 2))
    start = rng.normal(size=(d + 1, 2))
    rate = rate_fraction * model_max_rate(x)
    it, _ = trained(x, y, start, learning_rate=rate, epochs=epochs, max_cost=0, engine="iterate")
    ex, _ = trained(x, y, start, learning_rate=rate, epochs=epochs, max_cost=0, engine="exact")
    scale = np.abs(it.get_params()).max()
    np.testing.assert_allclose(ex.get_params(), it.get_params(), rtol=0, atol=1e-8 * scale)


def test_exact_engine_reaches_millions_of_epochs():
    n = 64 * 64
    y = RNG.random((n, 3))
    model, result = trained(OneHot(n), y, learning_rate=0.05, epochs=10**9, max_cost=1e-4,
                            engine="exact")
    assert result.converged and 100_000 < result.epochs < 10**9
    assert model.cost(OneHot(n), y) < 1e-4
    previous, _ = trained(OneHot(n), y, learning_rate=0.05, epochs=result.epochs - 1,
                          max_cost=0, engine="exact")
    assert previous.cost(OneHot(n), y) >= 1e-4


@pytest.mark.parametrize("engine", ["iterate", "exact"])
def test_divergence_names_the_largest_stable_rate(engine):
    n = 20
    y = RNG.random(n)
    limit = 2 * n / (n + 1)
    with pytest.raises(DivergenceError, match=f"{limit:.6g}") as info:
        trained(OneHot(n), y, learning_rate=1.2 * limit, epochs=100_000, max_cost=0, engine=engine)
    assert info.value.max_stable == pytest.approx(limit)


def test_labels_shapes_and_params_layout():
    n = 5
    y = RNG.random(n)
    model, _ = trained(OneHot(n), y, learning_rate=0.5, epochs=3, max_cost=0)
    assert model.get_params().shape == (n + 1, 1)
    assert model.score(OneHot(n)).shape == (n,)
    multi, _ = trained(OneHot(n), np.c_[y, y], learning_rate=0.5, epochs=3, max_cost=0)
    assert multi.get_params().shape == (n + 1, 2)
    assert multi.score(OneHot(n)).shape == (n, 2)
    np.testing.assert_allclose(multi.get_params()[:, 0], model.get_params()[:, 0])
    np.testing.assert_allclose(multi.get_params()[:, 1], model.get_params()[:, 0])
    params = multi.get_params()
    params[0] = 123.0
    assert multi.get_params()[0, 0] != 123.0  # get_params returns a copy
    multi.set_params(params)
    np.testing.assert_allclose(multi.score(OneHot(n))[:, 0], params[0, 0] + params[1:, 0])


def test_bad_arguments_raise_value_errors():
    model = LinearRegressionModel()
    with pytest.raises(ValueError, match="labels"):
        model.train(OneHot(4), np.zeros(5))
    with pytest.raises(ValueError, match="learning_rate"):
        model.train(OneHot(4), np.zeros(4), learning_rate=0)
    with pytest.raises(ValueError, match="engine"):
        model.train(OneHot(4), np.zeros(4), engine="warp")
    with pytest.raises(ValueError, match="no parameters"):
        LinearRegressionModel().score(OneHot(4))


@settings(max_examples=40, deadline=None)
@given(
    optimizer=st.sampled_from(["momentum", "nesterov"]),
    beta=st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999]),
    rate_fraction=st.floats(0.01, 0.99),
    splits=st.lists(st.integers(0, 700), min_size=1, max_size=3),
    dense=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_exact_momentum_agrees_with_iterate_across_calls(optimizer, beta, rate_fraction, splits, dense, seed):
    """Several exact train() calls in a row carry the velocity on (the model keeps the trajectory it
    jumped along) and land where iterating every epoch does, to 1e-9 of the parameters' scale."""
    from paintlr.models.optimizers import Momentum

    rng = np.random.default_rng(seed)
    n = 40
    samples = rng.normal(size=(n, 3)) if dense else OneHot(n)
    y = rng.random((n, 2))
    start = rng.normal(size=((3 if dense else n) + 1, 2))
    opt = Momentum(beta, nesterov=optimizer == "nesterov")
    rate = rate_fraction * opt.max_stable_learning_rate(as_design(samples))
    models = {}
    for engine in ("iterate", "exact"):
        model = LinearRegressionModel(optimizer=optimizer, momentum=beta, learning_rate=rate, max_cost=0,
                                      engine=engine)
        model.set_params(start)
        for epochs in splits:
            assert model.train(samples, y, epochs=epochs).epochs == epochs
        models[engine] = model
    it, ex = models["iterate"].get_params(), models["exact"].get_params()
    np.testing.assert_allclose(ex, it, rtol=0, atol=1e-9 * max(1.0, np.abs(it).max()))


def test_exact_momentum_then_iterate_carries_the_velocity():
    rng = np.random.default_rng(5)
    y = rng.random((30, 3))
    whole = LinearRegressionModel(optimizer="momentum", learning_rate=0.5, max_cost=0, engine="iterate")
    whole.train(OneHot(30), y, epochs=300)
    halves = LinearRegressionModel(optimizer="momentum", learning_rate=0.5, max_cost=0)
    halves.train(OneHot(30), y, epochs=150, engine="exact")
    halves.train(OneHot(30), y, epochs=150, engine="iterate")
    np.testing.assert_allclose(halves.get_params(), whole.get_params(), rtol=0, atol=1e-10)
