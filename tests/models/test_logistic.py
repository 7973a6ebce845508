import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

import paintlr
from paintlr import DivergenceError, OneHot
from paintlr.core.designs import Dense
from paintlr.core.numerics import log_loss, sigmoid
from paintlr.models.logistic import LogisticRegressionModel, max_stable_learning_rate

DATA = Path(paintlr.__file__).parent / "data" / "ex2data1.csv"  # exam1, exam2, admitted: 100 students
RNG = np.random.default_rng(6)


def admissions():
    table = np.loadtxt(DATA, delimiter=",", skiprows=1)
    return table[:, :2], table[:, 2].astype(int)


def unregularised():
    return LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000)


def seed_loop(x, y, theta, alpha, epochs):
    """The seed's loop written out per sample: theta -= alpha / m * ((h - y)' X)'."""
    theta = list(theta)
    rows = [[1.0, *row] for row in x]
    for _ in range(epochs):
        h = [1 / (1 + math.exp(-sum(t * v for t, v in zip(theta, row, strict=True)))) for row in rows]
        grad = [sum((h[i] - y[i]) * rows[i][j] for i in range(len(rows))) for j in range(len(theta))]
        theta = [t - alpha / len(rows) * g for t, g in zip(theta, grad, strict=True)]
    return np.array(theta)


def test_cost_at_zero_is_log_two():
    x, y = admissions()
    model = LogisticRegressionModel()
    model.set_params(np.zeros(3))
    assert model.cost(x, y) == pytest.approx(0.693147, abs=1e-6)


def test_reproduces_the_seed_reference_numbers():
    x, y = admissions()
    model = LogisticRegressionModel()
    result = model.train(x, y, learning_rate=4.0, epochs=1500, standardize=True)
    assert result.epochs == 1500
    assert result.cost == pytest.approx(0.2035, abs=5e-5)
    np.testing.assert_allclose(model.get_params(), [-25.161, 0.2062, 0.2015], atol=1e-3)
    assert model.score(np.array([[45.0, 85.0]]))[0] == pytest.approx(0.776, abs=1e-3)
    assert np.mean(model.predict(x) == y) == pytest.approx(0.89)


def test_standardized_optimum_matches_sklearn_on_admissions():
    x, y = admissions()
    model = LogisticRegressionModel()
    model.train(x, y, learning_rate=4.0, epochs=1500, standardize=True)
    sk = unregularised().fit(x, y)
    np.testing.assert_allclose(model.get_params(), [sk.intercept_[0], *sk.coef_[0]], rtol=1e-4)


def test_unscaled_step_is_the_seeds_formula():
    x, y = admissions()
    start = [-24.0, 0.2, 0.19]
    model = LogisticRegressionModel()
    model.set_params(start)
    before = model.cost(x, y)
    result = model.train(x, y, learning_rate=0.001, epochs=30)
    np.testing.assert_allclose(model.get_params(), seed_loop(x, y, start, 0.001, 30), rtol=1e-12)
    assert result.cost < before


def test_binary_matches_sklearn_on_random_data():
    x = RNG.normal(size=(300, 4)) * [1.0, 5.0, 0.2, 3.0] + [0.0, 2.0, -1.0, 10.0]
    logits = x @ [1.0, -0.3, 2.0, 0.1] - 1.0
    y = np.where(logits + RNG.logistic(size=300) > 0, "yes", "no")
    model = LogisticRegressionModel()
    model.train(x, y, learning_rate=2.0, epochs=4000, standardize=True)
    sk = unregularised().fit(x, y)
    assert list(model.classes_) == ["no", "yes"]
    np.testing.assert_allclose(model.get_params(), [sk.intercept_[0], *sk.coef_[0]], rtol=1e-5)
    np.testing.assert_allclose(model.score(x), sk.predict_proba(x)[:, 1], atol=1e-7)
    assert np.array_equal(model.predict(x), sk.predict(x))


def test_one_vs_rest_matches_sklearn_on_random_data():
    classes = np.array([3, 7, 11, 20])
    y = classes[RNG.integers(0, 4, 400)]
    centres = {3: [0, 0, 0], 7: [2, 0, 1], 11: [0, 2, -1], 20: [2, 2, 2]}
    x = np.array([centres[c] for c in y]) + RNG.normal(size=(400, 3))
    model = LogisticRegressionModel()
    result = model.train(x, y, learning_rate=2.0, epochs=3000, standardize=True)
    sk = OneVsRestClassifier(unregularised()).fit(x, y)
    expected = np.array([[e.intercept_[0], *e.coef_[0]] for e in sk.estimators_]).T
    assert model.get_params().shape == (4, 4)
    np.testing.assert_allclose(model.get_params(), expected, rtol=1e-5, atol=1e-7)
    assert model.score(x).shape == (400, 4)
    np.testing.assert_allclose(model.score(x, normalize=True), sk.predict_proba(x), atol=1e-7)
    assert np.array_equal(model.predict(x), sk.predict(x))
    binary_costs = [
        np.mean(log_loss(e.decision_function(x), y == c)) for e, c in zip(sk.estimators_, classes,
                                                                          strict=True)
    ]
    np.testing.assert_allclose(result.channel_costs, binary_costs, rtol=1e-6)
    assert model.cost(x, y) == pytest.approx(np.mean(binary_costs), rel=1e-6)


def test_train_continues_from_where_it_stopped():
    x, y = admissions()
    once, twice = LogisticRegressionModel(), LogisticRegressionModel()
    once.train(x, y, learning_rate=1.0, epochs=60, standardize=True)
    twice.train(x, y, learning_rate=1.0, epochs=25, standardize=True)
    twice.train(x, y, learning_rate=1.0, epochs=35, standardize=True)
    np.testing.assert_allclose(once.get_params(), twice.get_params(), rtol=1e-12)


def test_stops_below_max_cost_and_when_on_log_says_so():
    x, y = admissions()
    seen = []
    model = LogisticRegressionModel()
    result = model.train(x, y, learning_rate=1.0, epochs=10_000, max_cost=0.3, standardize=True,
                         log_every=1, on_log=lambda k, c: seen.append(c))
    assert result.converged and result.cost < 0.3 and seen[-1] < 0.3 <= seen[-2]
    assert len(seen) == result.epochs + 1
    model = LogisticRegressionModel()
    result = model.train(x, y, learning_rate=1.0, epochs=100, standardize=True, log_every=5,
                         on_log=lambda k, c: k == 10)
    assert result.epochs == 10 and not result.converged


@given(st.floats(allow_nan=False, allow_infinity=False))
@example(25.0)
@example(-40.0)
@example(700.0)
@example(-1e300)
def test_sigmoid_and_loss_are_finite_and_accurate_at_any_logit(z):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        p, q = sigmoid(z), sigmoid(-z)
        up, down = log_loss(z, True), log_loss(z, False)
    assert 0.0 <= p <= 1.0 and p + q == pytest.approx(1.0)
    assert np.isfinite(up) and np.isfinite(down) and up >= 0 and down >= 0
    if abs(z) < 30:
        assert p == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-14)
        assert up == pytest.approx(math.log1p(math.exp(-z)), rel=1e-12, abs=1e-300)
    else:
        assert min(up, down) == pytest.approx(math.exp(-abs(z)), rel=1e-12, abs=1e-300)
        assert max(up, down) == pytest.approx(abs(z), rel=1e-12)


def test_huge_logits_give_finite_probabilities_costs_and_steps():
    x = np.array([[1e10], [-1e10], [3.0], [-2.0]])
    y = np.array([0, 1, 1, 0])
    model = LogisticRegressionModel()
    model.set_params([1.0, 1e297])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        p = model.score(x)
        cost = model.cost(x, y)
        result = model.train(x, y, learning_rate=0.5, epochs=3)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert np.isfinite(cost) and cost > 1e306
    assert np.isfinite(result.cost) and np.all(np.isfinite(model.get_params()))


def test_overflowing_logits_raise_divergence():
    x = np.array([[1e200], [-1e200], [1e200]])
    with pytest.raises(DivergenceError):
        LogisticRegressionModel().train(x, np.array([1, 0, 0]), learning_rate=1e150, epochs=5)


def test_grouped_one_hot_path_equals_the_plain_dense_path():
    n, k = 240, 5
    labels = RNG.integers(0, k, n)
    labels[:k] = np.arange(k)
    grouped, plain = LogisticRegressionModel(), LogisticRegressionModel()
    a = grouped.train(OneHot(n), labels, learning_rate=7.0, epochs=400)
    b = plain.train(np.eye(n), labels, learning_rate=7.0, epochs=400)
    np.testing.assert_allclose(grouped.get_params(), plain.get_params(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(a.channel_costs, b.channel_costs, rtol=1e-12)
    assert np.array_equal(grouped.predict(OneHot(n)), plain.predict(np.eye(n)))


def test_one_hot_from_an_uneven_start_equals_the_dense_path():
    n = 50
    labels = RNG.integers(0, 2, n)
    start = RNG.normal(size=n + 1)
    models = [LogisticRegressionModel(), LogisticRegressionModel()]
    for model, design in zip(models, [OneHot(n), np.eye(n)], strict=True):
        model.set_params(start)
        model.train(design, labels, learning_rate=3.0, epochs=200)
    np.testing.assert_allclose(models[0].get_params(), models[1].get_params(), atol=1e-13)


def test_one_hot_at_256_squared_with_8_classes_keeps_weights_shared_and_learns_every_label():
    # How long an epoch takes here is measured by `make bench` (benchmarks/bench_logistic.py).
    n = 256 * 256
    labels = RNG.integers(0, 8, n)
    model = LogisticRegressionModel()
    model.train(OneHot(n), labels, learning_rate=6.0, epochs=1000)  # every label is right from ~500
    w = model.get_params()[1:]
    assert np.array_equal(w, w[np.unique(labels, return_index=True)[1]][labels])
    assert np.array_equal(model.predict(OneHot(n)), labels)


def test_labels_and_parameters_are_validated():
    x, y = admissions()
    model = LogisticRegressionModel()
    with pytest.raises(ValueError, match="two classes"):
        model.train(x, np.zeros(len(y)))
    with pytest.raises(ValueError, match="outside the classes"):
        model.train(x, y, classes=[1, 2])
    with pytest.raises(ValueError, match="dense"):
        model.train(OneHot(4), [0, 1, 0, 1], standardize=True)
    with pytest.raises(ValueError, match="no parameters"):
        model.score(x)  # the failed calls left the model untouched
    with pytest.raises(ValueError, match="increasing"):
        model.set_params(np.zeros((3, 3)), classes=[2, 0, 1])
    with pytest.raises(ValueError, match="3 classes"):
        model.set_params(np.zeros((3, 3)), classes=[0, 1])
    model.set_params(np.zeros((3, 4)), classes=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="features"):
        model.score(np.zeros((2, 5)))
    assert set(model.predict(x)) <= {"a", "b", "c", "d"}


def test_fixed_classes_allow_an_absent_class():
    x = RNG.normal(size=(60, 2))
    y = (x[:, 0] > 0).astype(int)
    model = LogisticRegressionModel()
    model.train(x, y, classes=[0, 1, 2], learning_rate=1.0, epochs=300, standardize=True)
    assert model.get_params().shape == (3, 3)
    assert model.score(x)[:, 2].max() < 0.05
    assert set(model.predict(x)) <= {0, 1}


# --- the stable rate: 8 / lambda_max of [1, X]^T [1, X] / m, with numpy as the oracle -----------

def gram_lambda_max(x: np.ndarray) -> float:
    phi = np.c_[np.ones(len(x)), x]
    return float(np.linalg.eigvalsh(phi.T @ phi / len(x))[-1])


@pytest.mark.parametrize("n", [1, 2, 3, 10, 64, 257])
def test_one_hot_stable_rate_is_8n_over_n_plus_1(n):
    lam = gram_lambda_max(np.eye(n))
    assert lam == pytest.approx((n + 1) / n, rel=1e-12)
    assert max_stable_learning_rate(OneHot(n)) == pytest.approx(8 / lam, rel=1e-12)
    assert max_stable_learning_rate(OneHot(n)) == pytest.approx(8 * n / (n + 1), rel=1e-15)


def test_dense_stable_rate_is_8_over_lambda_max():
    x = np.random.default_rng(4).normal(size=(30, 3)) * [1.0, 3.0, 0.5] + [2.0, 0.0, -1.0]
    assert max_stable_learning_rate(Dense(x)) == pytest.approx(8 / gram_lambda_max(x), rel=1e-12)


def literal_logistic_costs(n: int, labels: np.ndarray, lr: float, epochs: int) -> np.ndarray:
    """Batch GD on the cross-entropy with the explicit one-hot samples [1, I], from zero weights."""
    phi = np.c_[np.ones(n), np.eye(n)]
    theta = np.zeros(n + 1)
    costs = []
    for _ in range(epochs + 1):
        z = phi @ theta
        costs.append(np.mean(np.logaddexp(0, z) - labels * z))
        theta = theta - lr / n * phi.T @ (1 / (1 + np.exp(-z)) - labels)
    return np.array(costs)


@pytest.mark.parametrize("ones", [10, 3, 14], ids=["balanced", "few ones", "many ones"])
def test_one_hot_training_just_below_the_bound_never_raises_the_cost(ones):
    """Below 8 / lambda_max every step lowers the cost (sigmoid' <= 1/4 bounds the Hessian by
    G / 4, and at zero weights it equals G / 4): at 0.99 of the bound the cost never rises."""
    n, epochs = 20, 300
    labels = np.zeros(n, dtype=int)
    labels[np.random.default_rng(ones).permutation(n)[:ones]] = 1
    lr = 0.99 * max_stable_learning_rate(OneHot(n))
    expected = literal_logistic_costs(n, labels, lr, epochs)
    assert np.all(np.diff(expected) <= 1e-15), "the oracle itself rises: the bound is wrong"
    costs = []
    model = LogisticRegressionModel(learning_rate=lr, epochs=epochs, max_cost=0)
    result = model.train(OneHot(n), labels, log_every=1, on_log=lambda e, c: costs.append(c))
    assert result.epochs == epochs and len(costs) == epochs + 1
    np.testing.assert_allclose(costs, expected, rtol=1e-9)
    rises = np.flatnonzero(np.diff(costs) > 1e-15)
    assert rises.size == 0, f"the cost rises after epochs {rises[:5].tolist()}"
    assert costs[-1] < 0.05 * costs[0]
