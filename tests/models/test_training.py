"""training.descend and training.jump: a cost equal to max_cost is not converged.

The loop stops on `cost < max_cost` and a result is `converged` on the same test,
so that the model (result.cost < max_cost) and the loop never disagree at the boundary.
"""

from __future__ import annotations

import numpy as np
import pytest

from paintlr import LinearRegressionModel, LogisticRegressionModel, OneHot
from paintlr.core.designs import Dense

RNG = np.random.default_rng(23)
ABOVE = np.inf  # np.nextafter(c, ABOVE): the next float above c
LR = 0.1  # logistic: well within 8 / lambda_max of each case's Gram matrix (0.18 or more)

# dyadic labels: every cost below is computed exactly, so each way of computing it gives the same float
ONE_HOT_Y = np.array([[1.0, 0.5], [2.0, 1.0], [3.0, 0.5], [2.0, 1.0]])
DENSE_X = RNG.normal(size=(12, 3))
DENSE_Y = RNG.normal(size=(12, 2))


def linear_case(kind: str):
    if kind == "one-hot":
        return OneHot(len(ONE_HOT_Y)), ONE_HOT_Y, 0.5
    return Dense(DENSE_X), DENSE_Y, 0.1


def start_cost(design, y, engine: str, lr: float) -> float:
    """The epoch-0 cost the loop compares with max_cost: model.cost for the iterated loop (the
    same formula), the closed form's own cost(0) for the exact engine (checked against model.cost)."""
    probe = LinearRegressionModel()
    probe.set_params(np.zeros((design.n_features + 1, y.shape[1])))
    cost = probe.cost(design, y)
    if engine == "exact":
        theta = np.zeros((y.shape[1], design.n_features + 1))
        closed = float(np.mean(design.trajectory(theta, np.ascontiguousarray(y.T), lr).cost(0)))
        assert closed == pytest.approx(cost, rel=1e-12)
        cost = closed
    return cost


@pytest.mark.parametrize("engine", ["iterate", "exact"])
@pytest.mark.parametrize("kind", ["one-hot", "dense"])
def test_linear_cost_equal_to_max_cost_is_not_converged(kind, engine):
    design, y, lr = linear_case(kind)
    c0 = start_cost(design, y, engine, lr)
    if kind == "one-hot":  # dyadic labels: the closed form's cost(0) is the model's to the last bit
        assert c0 == start_cost(design, y, "iterate", lr)

    model = LinearRegressionModel(learning_rate=lr, engine=engine)
    result = model.train(design, y, epochs=5, max_cost=c0)
    assert result.epochs > 0  # epoch 0 has cost == max_cost: not below it, so the loop goes on
    assert result.converged == (result.cost < c0)
    assert result.converged and result.epochs == 1  # GD lowers the cost at once
    assert model.n_iter_ == result.epochs

    # stopped by the epoch count at a cost of exactly max_cost: not converged
    stuck = LinearRegressionModel(learning_rate=lr, engine=engine).train(design, y, epochs=0, max_cost=c0)
    assert stuck.epochs == 0 and stuck.cost == c0
    assert stuck.converged is False

    above = LinearRegressionModel(learning_rate=lr, engine=engine).train(design, y, epochs=5,
                                                                           max_cost=np.nextafter(c0, ABOVE))
    assert above.epochs == 0 and above.converged
    assert above.converged == (above.cost < np.nextafter(c0, ABOVE))


def logistic_case(kind: str):
    """Eight samples, four of each class: the cost at zero weights is exactly log 2 on every path."""
    labels = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    if kind == "one-hot":
        return OneHot(8), labels, {}
    x = np.random.default_rng(5).normal(size=(8, 2)) * [1.0, 5.0] + [0.0, 3.0]
    return x, labels, {"standardize": kind == "standardized"}


@pytest.mark.parametrize("kind", ["one-hot", "dense", "standardized"])
def test_logistic_cost_equal_to_max_cost_is_not_converged(kind):
    samples, labels, options = logistic_case(kind)
    probe = LogisticRegressionModel()
    probe.set_params(np.zeros(1 + (samples.n_features if isinstance(samples, OneHot) else samples.shape[1])))
    c0 = probe.cost(samples, labels)
    assert c0 == np.log(2.0)
    seen = []
    LogisticRegressionModel(learning_rate=LR, **options).train(
        samples, labels, epochs=0, max_cost=0, log_every=1, on_log=lambda e, c: seen.append(c))
    assert seen == [c0]  # the loop computes the same epoch-0 cost as the model

    model = LogisticRegressionModel(learning_rate=LR, max_cost=c0, **options)
    result = model.train(samples, labels, epochs=5)
    assert result.epochs > 0
    assert result.converged == (result.cost < c0)
    assert result.converged and result.epochs == 1
    assert model.n_iter_ == result.epochs

    stuck = LogisticRegressionModel(learning_rate=LR, max_cost=c0, **options).train(samples, labels, epochs=0)
    assert stuck.epochs == 0 and stuck.cost == c0 and stuck.converged is False

    just_above = np.nextafter(c0, ABOVE)
    above = LogisticRegressionModel(learning_rate=LR, max_cost=just_above, **options).train(samples, labels,
                                                                                             epochs=5)
    assert above.epochs == 0 and above.converged


def test_the_exact_jump_stops_momentum_only_once_its_cost_stays_below_max_cost():
    """Heavy-ball momentum's cost dips below max_cost and rises again: the exact engine jumps to an
    epoch from which every later cost is below it (on the envelope), not to the first dip."""
    y = np.random.default_rng(3).random((16, 3))
    settings = dict(optimizer="momentum", momentum=0.9, learning_rate=1.0)
    costs: list[float] = []
    LinearRegressionModel(max_cost=0, engine="iterate", **settings).train(
        OneHot(16), y, epochs=300, log_every=1, on_log=lambda _, cost: costs.append(cost))
    costs = np.array(costs)
    for max_cost in (0.05, 0.02, 0.01, 0.005):
        below = costs < max_cost
        first, stays = int(np.argmax(below)), int(costs.size - np.argmax(~below[::-1]))
        assert first < stays  # a dip below max_cost, then the cost rises above it again
        model = LinearRegressionModel(max_cost=max_cost, engine="exact", **settings)
        result = model.train(OneHot(16), y, epochs=10**6)
        assert result.converged and result.cost == pytest.approx(costs[result.epochs], rel=1e-9)
        assert stays <= result.epochs <= stays + 5 and np.all(costs[result.epochs:] < max_cost)


def interrupt_after(monkeypatch, run_class, steps: int) -> None:
    """Ctrl-C inside run_class.step once `steps` epochs have been stepped."""
    original, count = run_class.step, [0]

    def step(self):
        if count[0] == steps:
            raise KeyboardInterrupt
        count[0] += 1
        original(self)

    monkeypatch.setattr(run_class, "step", step)


def test_a_model_interrupted_in_training_knows_the_epochs_it_ran(monkeypatch):
    from paintlr.core.designs import OneHotDescentRun
    from paintlr.models.logistic import _LogisticRun

    interrupt_after(monkeypatch, OneHotDescentRun, 37)
    linear = LinearRegressionModel(learning_rate=0.01, max_cost=0.0, engine="iterate")
    with pytest.raises(KeyboardInterrupt):
        linear.train(OneHot(len(ONE_HOT_Y)), ONE_HOT_Y, epochs=1000)
    assert linear.n_iter_ == 37
    interrupt_after(monkeypatch, _LogisticRun, 12)
    logistic = LogisticRegressionModel(learning_rate=LR, max_cost=0.0)
    with pytest.raises(KeyboardInterrupt):
        logistic.train(DENSE_X, (DENSE_Y[:, 0] > 0).astype(int), epochs=1000)
    assert logistic.n_iter_ == 12
