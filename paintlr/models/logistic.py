"""LogisticRegressionModel: the seed's classifier, binary or one-vs-rest, trained by batch GD.

h = sigmoid(X w + b), cost = mean(-y log h - (1 - y) log(1 - h)), and the step
theta <- theta - (alpha / m) X^T (h - y). Costs come from the logits, never from
h, so they stay finite however large the logits grow.
"""

from __future__ import annotations

import numpy as np

from ..core.designs import Dense, Design, OneHot, as_design
from ..core.numerics import label_signs, log_loss, sigmoid, softplus
from .estimator import Estimator
from .optimizers import GradientDescent
from .standardise import Standardiser
from .training import LogCallback, TrainResult, descend


def max_stable_learning_rate(design: Design) -> float:
    """GD on the cross-entropy is stable for alpha < 4x the least-squares bound: sigmoid' <= 1/4
    bounds its Hessian by a quarter of the least-squares one (one-hot: 8n / (n + 1))."""
    return 4.0 * GradientDescent().max_stable_learning_rate(design)


class LogisticRegressionModel(Estimator):
    """Logistic regression with a bias; one-vs-rest when the labels hold more than two classes.

    Parameters (`get_params`) are (d + 1,) for two classes (the probability of
    classes_[1]) or (d + 1, K) with one column per class for K > 2; the bias row
    comes first. The hyperparameters default to the seed's: rate 0.001, 400 epochs.
    `standardize` runs GD on features scaled to zero mean and unit variance (dense
    samples only) and reports the parameters in the original units.
    """

    _hyperparameters = ("learning_rate", "epochs", "max_cost", "standardize")

    def __init__(self, *, learning_rate: float = 0.001, epochs: int = 400, max_cost: float = 0.0,
                 standardize: bool = False) -> None:
        super().__init__()
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.max_cost = max_cost
        self.standardize = standardize
        self.classes_: np.ndarray | None = None

    @property
    def binary(self) -> bool:
        """True for a two-class model (one column of parameters)."""
        return self._theta is not None and self._theta.shape[0] == 1

    def get_params(self) -> np.ndarray:
        """A copy of the parameters, shape (d + 1,) binary or (d + 1, K), bias row first.

        The seed's meaning: the learned weights, not scikit-learn's hyperparameters (those are
        attributes here, as `learning_rate`)."""
        theta = self._require_theta()
        return theta[0].copy() if self.binary else theta.T.copy()

    def set_params(self, params, classes=None) -> None:
        """Set parameters (d + 1,) binary or (d + 1, K) one-vs-rest: the learned weights (the
        seed's meaning), not scikit-learn's hyperparameters.

        `classes` lists the classes in increasing order, one per column (two for a
        binary model, whose column gives the probability of the second); default 0, 1, ...
        """
        p = np.array(params, dtype=np.float64)
        if p.ndim not in (1, 2) or p.shape[0] < 1 or (p.ndim == 2 and p.shape[1] < 1):
            raise ValueError(f"params must have shape (d + 1,) or (d + 1, K), got {p.shape}")
        theta = p[None, :] if p.ndim == 1 else p.T
        n_classes = 2 if theta.shape[0] == 1 else theta.shape[0]
        classes = np.arange(n_classes) if classes is None else np.asarray(classes)
        if classes.ndim != 1 or classes.size != n_classes:
            raise ValueError(f"params of shape {p.shape} need {n_classes} classes")
        if not np.array_equal(classes, np.unique(classes)):
            raise ValueError("classes must be distinct and in increasing order")
        self._theta = np.ascontiguousarray(theta)
        self.classes_ = classes.copy()

    def decision_function(self, samples) -> np.ndarray:
        """Logits X w + b: shape (m,) for a binary model, (m, K) for one-vs-rest."""
        design = as_design(samples)
        z = _logits(design, self._checked_theta(design))
        return z[0] if self.binary else z.T

    def score(self, samples, *, normalize: bool = False) -> np.ndarray:
        """Probabilities: P(classes_[1]) (m,) binary, or one column per class (m, K); the seed's
        meaning, not scikit-learn's accuracy (see `predict_proba` for its probabilities).

        One-vs-rest columns are each class's own binary probability; normalize=True
        divides each row by its sum so the columns add up to one.
        """
        p = sigmoid(self.decision_function(samples))
        if normalize and p.ndim == 2:
            p /= p.sum(axis=1, keepdims=True)
        return p

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (m, n_classes) whose rows sum to one, columns in classes_ order."""
        p = self.score(X, normalize=True)
        return np.column_stack([1.0 - p, p]) if p.ndim == 1 else p

    def predict(self, X) -> np.ndarray:
        """The most probable class for each sample, in the labels' own values."""
        z = self.decision_function(X)
        index = (z > 0).astype(np.intp) if z.ndim == 1 else np.argmax(z, axis=1)
        return self.classes_[index]

    def cost(self, samples, labels, *, per_class: bool = False) -> float | np.ndarray:
        """Mean cross-entropy over samples; one-vs-rest averages the K binary costs."""
        design = as_design(samples)
        theta = self._checked_theta(design)
        y = _targets(_codes(labels, self.classes_, design.n_samples), theta.shape[0])
        costs = log_loss(_logits(design, theta), y).mean(axis=1)
        return costs if per_class else float(costs.mean())

    def train(self, samples, labels, *, learning_rate: float | None = None, epochs: int | None = None,
              max_cost: float | None = None, log_every: int = 100, on_log: LogCallback | None = None,
              standardize: bool | None = None, classes=None) -> TrainResult:
        """Batch gradient descent as in the seed: theta -= (learning_rate / m) X^T (h - y).

        Runs up to `epochs` epochs from the current parameters (zeros if none or if
        the classes or feature count changed) and stops once the cost is below
        max_cost. `on_log(epoch, cost)` is called at epochs 0, log_every, ... and may
        return True to stop there. `classes` fixes the class list, so a class may be
        absent from the labels. Keywords left None take the model's hyperparameters.
        Raises DivergenceError if the cost becomes NaN or infinite.
        """
        s = self._settings(dict(learning_rate=learning_rate, epochs=epochs, max_cost=max_cost,
                                standardize=standardize))
        design = as_design(samples)
        if s["standardize"] and not isinstance(design, Dense):
            raise ValueError("standardize=True needs dense samples (a 2-D array), not a design")
        found = np.unique(np.asarray(labels)) if classes is None else np.unique(classes)
        if found.size < 2:
            raise ValueError(f"logistic regression needs at least two classes, got {found.size}")
        columns = 1 if found.size == 2 else found.size
        codes = _codes(labels, found, design.n_samples)
        if (
            self._theta is None
            or self._theta.shape != (columns, design.n_features + 1)
            or not np.array_equal(self.classes_, found)
        ):
            self._theta = np.zeros((columns, design.n_features + 1))
            self.classes_ = found
        loop = dict(epochs=s["epochs"], max_cost=s["max_cost"], learning_rate=s["learning_rate"],
                    log_every=log_every, on_log=on_log, max_stable=lambda: max_stable_learning_rate(design),
                    reached=self._reached)
        shared = _shared_weights(self._theta, codes, found.size) if design.one_weight_per_sample else None
        if s["standardize"]:
            result = _train_standardized(design, self._theta, codes, loop)
        elif shared is not None:
            result = _train_grouped(self._theta, shared, codes, loop)
        else:
            result = descend(_LogisticRun(design, self._theta, _targets(codes, columns),
                                          s["learning_rate"]), **loop)
        self.n_iter_ = result.epochs
        return result


def _logits(design: Design, theta: np.ndarray) -> np.ndarray:
    """X w + b (columns, m) as a new array (a one-hot design's X w is w itself)."""
    return design.dot(theta[:, 1:]) + theta[:, :1]


def _codes(labels, classes: np.ndarray, m: int) -> np.ndarray:
    """Each label's index into the sorted classes, as an int array (m,)."""
    y = np.asarray(labels)
    if y.ndim != 1 or y.shape[0] != m:
        raise ValueError(f"labels must have shape ({m},), got {y.shape}")
    codes = np.minimum(np.searchsorted(classes, y), classes.size - 1)
    if not np.array_equal(classes[codes], y):
        raise ValueError(f"labels hold values outside the classes {classes.tolist()}")
    return codes


def _targets(codes: np.ndarray, columns: int) -> np.ndarray:
    """0/1 targets (columns, m): is sample i of class 1 (binary) or of class k (one-vs-rest)."""
    if columns == 1:
        return (codes == 1)[None, :]
    return codes[None, :] == np.arange(columns)[:, None]


class _LogisticRun:
    """Batch GD on the cross-entropy, as a run for `training.descend`.

    With `counts`, column j of the design stands for counts[j] samples that share
    one weight (the grouped one-hot path): the bias gradient and the cost weigh
    each by its count while the weight gradient does not; `n_samples` is then the
    number of samples they stand for.
    """

    def __init__(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float,
                 counts: np.ndarray | None = None, n_samples: int | None = None):
        self.design, self.theta, self.y, self.counts = design, theta, y, counts
        self.m = design.n_samples if n_samples is None else n_samples
        self.eta = learning_rate / self.m
        self.sign = label_signs(y)

    def costs(self) -> np.ndarray:
        self.z = _logits(self.design, self.theta)
        self.e = np.exp(-np.abs(self.z))  # exp_minus_abs without its errstate: descend has set one
        loss = softplus(self.z * self.sign, self.e)
        return (loss.sum(axis=1) if self.counts is None else loss @ self.counts) / self.m

    def step(self) -> None:
        r = sigmoid(self.z, self.e)
        r -= self.y
        self.theta[:, 0] -= self.eta * (r.sum(axis=1) if self.counts is None else r @ self.counts)
        g = self.design.transpose_dot(r)
        g *= self.eta
        self.theta[:, 1:] -= g

    def finish(self) -> None:
        """theta is updated in place every epoch: nothing is left to do."""


def _shared_weights(theta: np.ndarray, codes: np.ndarray, n_classes: int) -> np.ndarray | None:
    """Weights (columns, n_classes) shared by all pixels of each class, or None if they differ."""
    some = np.zeros(n_classes, dtype=np.intp)
    some[codes] = np.arange(codes.size)  # any one pixel of each class: the check below decides
    shared = theta[:, 1:][:, some]
    return shared if np.array_equal(shared[:, codes], theta[:, 1:]) else None


def _train_grouped(theta: np.ndarray, shared: np.ndarray, codes: np.ndarray, loop: dict) -> TrainResult:
    """One-hot GD where every pixel of a class moves alike: O(K^2) per epoch, not O(nK).

    A pixel's step depends only on its own weight, the shared bias and its label,
    so pixels that start equal and share a label stay equal.
    """
    columns, groups = shared.shape
    counts = np.bincount(codes, minlength=groups).astype(np.float64)
    small = np.empty((columns, groups + 1))
    small[:, 0] = theta[:, 0]
    small[:, 1:] = shared
    y = _targets(np.arange(groups), columns)
    run = _LogisticRun(OneHot(groups), small, y, loop["learning_rate"], counts, codes.size)
    try:
        return descend(run, **loop)
    finally:
        theta[:, 0] = small[:, 0]
        theta[:, 1:] = small[:, 1:][:, codes]


def _train_standardized(design: Dense, theta: np.ndarray, codes: np.ndarray, loop: dict) -> TrainResult:
    """GD on (x - mean) / std, with theta converted in and out of the scaled units."""
    x = design.x.astype(np.float64)
    scaling = Standardiser.fit(x)
    scaled = scaling.to_scaled(theta)
    run = _LogisticRun(Dense(scaling.scale(x)), scaled, _targets(codes, theta.shape[0]),
                       loop["learning_rate"])
    try:
        return descend(run, **loop)
    finally:
        theta[...] = scaling.to_original(scaled)
