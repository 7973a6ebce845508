"""The scikit-learn face of both models (estimator.Estimator), checked against scikit-learn itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paintlr import LinearRegressionModel, LogisticRegressionModel
from paintlr.models.estimator import Estimator

sklearn_linear = pytest.importorskip("sklearn.linear_model")
sklearn_multiclass = pytest.importorskip("sklearn.multiclass")

ADMISSIONS = Path(__file__).resolve().parents[2] / "paintlr" / "data" / "ex2data1.csv"
DATA = np.loadtxt(ADMISSIONS, delimiter=",", skiprows=1)  # exam1, exam2, admitted
RNG = np.random.default_rng(31)


def regression_data(m=50, d=4, k=None, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, d)) * np.linspace(0.5, 2.0, d) + np.linspace(-1.0, 1.0, d)
    shape = (d,) if k is None else (d, k)
    y = x @ rng.normal(size=shape) + 0.7 + 0.1 * rng.normal(size=(m,) if k is None else (m, k))
    return x, y


def stable_rate(x: np.ndarray) -> float:
    phi = np.c_[np.ones(len(x)), x]
    return 2.0 / np.linalg.eigvalsh(phi.T @ phi / len(x))[-1]


def converged_linear(x, **kw) -> LinearRegressionModel:
    return LinearRegressionModel(learning_rate=0.9 * stable_rate(x), epochs=10**9, max_cost=0,
                                 engine="exact", **kw)


@pytest.mark.parametrize("k", [None, 3], ids=["1-D y", "2-D y"])
def test_linear_fit_matches_scikit_learn(k):
    x, y = regression_data(k=k)
    model = converged_linear(x)
    assert model.fit(x, y) is model
    reference = sklearn_linear.LinearRegression().fit(x, y)
    assert model.coef_.shape == reference.coef_.shape == ((4,) if k is None else (3, 4))
    assert np.shape(model.intercept_) == np.shape(reference.intercept_) == (() if k is None else (3,))
    if k is None:
        assert isinstance(model.intercept_, float)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=0, atol=1e-8)
    new = RNG.normal(size=(7, 4))
    assert model.predict(new).shape == reference.predict(new).shape
    np.testing.assert_allclose(model.predict(new), reference.predict(new), rtol=0, atol=1e-8)
    assert model.n_iter_ == 10**9


def test_n_iter_is_the_epochs_run():
    x, y = regression_data()
    model = LinearRegressionModel(learning_rate=0.5 * stable_rate(x), epochs=37, max_cost=0, engine="iterate")
    assert model.fit(x, y).n_iter_ == 37
    threshold = LinearRegressionModel(learning_rate=0.5 * stable_rate(x), epochs=10**6, max_cost=1.0)
    early = threshold.fit(x, y).n_iter_
    assert 0 < early < 10**6 and threshold.cost(x, y) < 1.0


def test_one_dimensional_x_is_one_feature():
    """The seed notebook's five points: the least-squares line is 0.6 + 0.8 x."""
    x = np.arange(1.0, 6.0)
    y = np.array([1.0, 3, 3, 3, 5])
    model = converged_linear(x[:, None]).fit(x, y)
    assert model.coef_.shape == (1,)
    assert model.coef_[0] == pytest.approx(0.8, abs=1e-9)
    assert model.intercept_ == pytest.approx(0.6, abs=1e-9)
    np.testing.assert_allclose(model.predict(x), 0.6 + 0.8 * x, atol=1e-9)
    np.testing.assert_allclose(model.predict(np.array([6.0])), [5.4], atol=1e-9)


def literal_gd(x, y, theta, lr, epochs):
    phi = np.c_[np.ones(len(x)), x]
    for _ in range(epochs):
        theta = theta - lr / len(x) * phi.T @ (phi @ theta - y)
    return theta


def test_train_keywords_override_the_hyperparameters_for_that_call_only():
    x, y = regression_data(k=2)
    model = LinearRegressionModel(learning_rate=0.05, epochs=3, max_cost=0, engine="iterate")
    result = model.train(x, y, learning_rate=0.2, epochs=7, log_every=0)
    assert result.epochs == 7 and model.n_iter_ == 7
    expected = literal_gd(x, y, np.zeros((5, 2)), 0.2, 7)
    np.testing.assert_allclose(model.get_params(), expected, atol=1e-12)
    assert (model.learning_rate, model.epochs, model.max_cost, model.engine) == (0.05, 3, 0, "iterate")
    again = model.train(x, y, log_every=0)  # the constructor's settings again, from where it was
    assert again.epochs == 3
    np.testing.assert_allclose(model.get_params(), literal_gd(x, y, expected, 0.05, 3), atol=1e-12)
    stopped = model.train(x, y, max_cost=10.0, log_every=0)  # a threshold already met: no epoch runs
    assert stopped.epochs == 0 and stopped.converged and model.max_cost == 0


def test_fit_starts_from_zero_parameters_every_time():
    x, y = regression_data()
    fresh = LinearRegressionModel(learning_rate=0.1, epochs=5, max_cost=0).fit(x, y).get_params()
    np.testing.assert_allclose(fresh[:, 0], literal_gd(x, y, np.zeros(5), 0.1, 5), atol=1e-12)
    model = LinearRegressionModel(learning_rate=0.1, epochs=5, max_cost=0)
    model.fit(x, y)
    model.train(x, y, epochs=40)
    np.testing.assert_allclose(model.fit(x, y).get_params(), fresh, atol=1e-14)
    other = regression_data(seed=1)
    model.fit(*other)
    np.testing.assert_allclose(model.fit(x, y).get_params(), fresh, atol=1e-14)
    logistic = LogisticRegressionModel(learning_rate=0.5, epochs=20)
    labels = (y > np.median(y)).astype(int)
    first = logistic.fit(x, labels).coef_
    logistic.train(x, labels, epochs=100)
    np.testing.assert_allclose(logistic.fit(x, labels).coef_, first, atol=1e-14)


def unpenalized():
    """scikit-learn's maximum-likelihood fit, to machine precision (Newton steps, no penalty)."""
    return sklearn_linear.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000)


def admissions():
    return DATA[:, :2], DATA[:, 2].astype(int)


def test_logistic_fit_on_the_admissions_data_gives_the_courses_numbers():
    x, y = admissions()
    model = LogisticRegressionModel(learning_rate=4.0, epochs=1500, standardize=True)
    assert model.fit(x, y) is model
    assert model.n_iter_ == 1500
    assert model.cost(x, y) == pytest.approx(0.2035, abs=5e-5)
    proba = model.predict_proba(np.array([[45.0, 85.0]]))
    assert proba.shape == (1, 2)
    assert proba[0, 1] == pytest.approx(0.776, abs=1e-3)
    assert np.mean(model.predict(x) == y) == pytest.approx(0.89)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    assert model.coef_.shape == (1, 2) and model.intercept_.shape == (1,)


def test_long_logistic_training_matches_scikit_learn_unpenalized():
    x, y = admissions()
    model = LogisticRegressionModel(learning_rate=4.0, epochs=5000, standardize=True).fit(x, y)
    reference = unpenalized().fit(x, y)
    assert model.coef_.shape == reference.coef_.shape and model.intercept_.shape == reference.intercept_.shape
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-6)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-6)
    np.testing.assert_allclose(model.predict_proba(x), reference.predict_proba(x), rtol=0, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x), reference.predict(x))


def three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [2.0, 1.0], [0.0, 2.5]])
    which = np.repeat(np.arange(3), 30)
    x = (centres[which] + 1.2 * rng.normal(size=(90, 2))) * [3.0, 0.5] + [10.0, -4.0]
    return x, np.array([3, 7, 9])[which]


def test_one_vs_rest_matches_scikit_learn_one_vs_rest():
    x, labels = three_classes()
    model = LogisticRegressionModel(learning_rate=4.0, epochs=3000, standardize=True).fit(x, labels)
    reference = sklearn_multiclass.OneVsRestClassifier(
        unpenalized()).fit(x, labels)
    np.testing.assert_array_equal(model.classes_, reference.classes_)
    assert model.coef_.shape == (3, 2) and model.intercept_.shape == (3,)  # as LogisticRegression's
    coef = np.vstack([e.coef_ for e in reference.estimators_])
    intercept = np.concatenate([e.intercept_ for e in reference.estimators_])
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-6)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-6)
    proba = model.predict_proba(x)
    assert proba.shape == (90, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(proba, reference.predict_proba(x), rtol=0, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x), reference.predict(x))
    # column j is classes_[j]: relabelling the classes in reverse order reverses the columns
    flipped = LogisticRegressionModel(learning_rate=4.0, epochs=3000, standardize=True).fit(x, 12 - labels)
    np.testing.assert_array_equal(flipped.classes_, [3, 5, 9])
    np.testing.assert_allclose(flipped.predict_proba(x), proba[:, ::-1], atol=1e-12)


def test_binary_predict_proba_columns_follow_classes():
    x, y = admissions()
    words = np.array(["no", "yes"])[y]
    model = LogisticRegressionModel(learning_rate=4.0, epochs=1500, standardize=True).fit(x, words)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    proba = model.predict_proba(x)
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-model.decision_function(x))), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(x), np.where(proba[:, 1] > 0.5, "yes", "no"))


def test_repr_shows_the_hyperparameters():
    linear = LinearRegressionModel(learning_rate=0.3, epochs=7, engine="exact", seed=4)
    assert repr(linear) == ("LinearRegressionModel(learning_rate=0.3, epochs=7, max_cost=0.05, "
                            "optimizer='gd', batch_size=1, momentum=0.9, engine='exact', seed=4)")
    logistic = LogisticRegressionModel(learning_rate=4.0, epochs=1500, standardize=True)
    assert repr(logistic) == ("LogisticRegressionModel(learning_rate=4.0, epochs=1500, max_cost=0.0, "
                              "standardize=True)")
    for model in (linear, logistic):  # the repr is the call that makes the same model
        copy = eval(repr(model), {type(model).__name__: type(model)})
        for name in type(model)._hyperparameters:
            assert getattr(copy, name) == getattr(model, name)
    assert issubclass(LinearRegressionModel, Estimator) and issubclass(LogisticRegressionModel, Estimator)
