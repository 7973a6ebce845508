"""LogisticRegressionModel: the seed's classifier, binary or one-vs-rest, trained by batch GD.

h = sigmoid(X w + b), cost = mean(-y log h - (1 - y) log(1 - h)), and the step
theta <- theta - (alpha / m) X^T (h - y). Costs come from the logits, never from
h, so they stay finite however large the logits grow (DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .designs import Dense, OneHot, as_design
from .errors import DivergenceError
from .model import TrainResult

LogCallback = Callable[[int, float], "bool | None"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow: exp only ever sees -|z|."""
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return _sigmoid_from(z, e)


def log_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample cross-entropy of logits z against 0/1 labels y: softplus(z) or softplus(-z)."""
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return _loss_from(z, e, _signs(y))


def _sigmoid_from(z: np.ndarray, e: np.ndarray) -> np.ndarray:
    """sigmoid(z) given e = exp(-|z|): 1 / (1 + e) for z >= 0, e / (1 + e) below."""
    return np.where(z < 0, e, 1.0) / (1.0 + e)


def _signs(y) -> np.ndarray:
    """-1 where the label is 1 and +1 where it is 0: the loss is softplus(sign * z)."""
    return np.where(np.asarray(y, dtype=bool), -1.0, 1.0)


def _loss_from(z: np.ndarray, e: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """softplus(sign * z) = max(sign * z, 0) + log1p(e), given e = exp(-|z|)."""
    return np.maximum(z * sign, 0.0) + np.log1p(e)


class LogisticRegressionModel:
    """Logistic regression with a bias; one-vs-rest when the labels hold more than two classes.

    Parameters are (d + 1,) for two classes (the probability of classes_[1]) or
    (d + 1, K) with one column per class for K > 2; the bias row comes first.
    """

    def __init__(self) -> None:
        self._theta: np.ndarray | None = None  # (columns, d + 1), column-major for speed
        self.classes_: np.ndarray | None = None

    @property
    def binary(self) -> bool:
        """True for a two-class model (one column of parameters)."""
        return self._theta is not None and self._theta.shape[0] == 1

    def get_params(self) -> np.ndarray:
        """A copy of the parameters, shape (d + 1,) binary or (d + 1, K), bias row first."""
        theta = self._require_theta()
        return theta[0].copy() if self.binary else theta.T.copy()

    def set_params(self, params, classes=None) -> None:
        """Set parameters (d + 1,) binary or (d + 1, K) one-vs-rest.

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
        z = self._logits(design, self._checked_theta(design))
        return z[0] if self.binary else z.T

    def score(self, samples, *, normalize: bool = False) -> np.ndarray:
        """Probabilities: P(classes_[1]) (m,) binary, or one column per class (m, K).

        One-vs-rest columns are each class's own binary probability; normalize=True
        divides each row by its sum so the columns add up to one.
        """
        p = sigmoid(self.decision_function(samples))
        if normalize and p.ndim == 2:
            p /= p.sum(axis=1, keepdims=True)
        return p

    def predict(self, samples) -> np.ndarray:
        """The most probable class for each sample, in the labels' own values."""
        z = self.decision_function(samples)
        index = (z > 0).astype(np.intp) if z.ndim == 1 else np.argmax(z, axis=1)
        return self.classes_[index]

    def cost(self, samples, labels, *, per_class: bool = False) -> float | np.ndarray:
        """Mean cross-entropy over samples; one-vs-rest averages the K binary costs."""
        design = as_design(samples)
        theta = self._checked_theta(design)
        y = _targets(self._codes(labels, design), theta.shape[0])
        z = self._logits(design, theta)
        with np.errstate(under="ignore"):
            costs = _loss_from(z, np.exp(-np.abs(z)), _signs(y)).mean(axis=1)
        return costs if per_class else float(costs.mean())

    def train(
        self,
        samples,
        labels,
        *,
        learning_rate: float = 0.001,
        epochs: int = 400,
        max_cost: float = 0.0,
        log_every: int = 100,
        on_log: LogCallback | None = None,
        standardize: bool = False,
        classes=None,
    ) -> TrainResult:
        """Batch gradient descent as in the seed: theta -= (learning_rate / m) X^T (h - y).

        Runs up to `epochs` epochs from the current parameters (zeros if none or if
        the classes or feature count changed) and stops once the cost is below
        max_cost. `on_log(epoch, cost)` is called at epochs 0, log_every, ... and may
        return True to stop there. `standardize` runs GD on features scaled to zero
        mean and unit variance (dense samples only) and reports the parameters in
        the original units. `classes` fixes the class list, so a class may be absent
        from the labels. The defaults are the seed's (alpha 0.001, 400 epochs).
        Raises DivergenceError if the cost becomes NaN or infinite.
        """
        if not learning_rate > 0 or not np.isfinite(learning_rate):
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        if int(epochs) != epochs or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        design = as_design(samples)
        if standardize and not isinstance(design, Dense):
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
        run = _Run(learning_rate, int(epochs), max_cost, log_every, on_log, design)
        shared = _shared_weights(self._theta, codes, found.size) if isinstance(design, OneHot) else None
        if standardize:
            done, costs = _train_standardized(design, self._theta, codes, run)
        elif shared is not None:
            done, costs = _train_grouped(self._theta, shared, codes, run)
        else:
            done, costs = run.descend(design, self._theta, _targets(codes, columns))
        return TrainResult(done, float(costs.mean()), costs, bool(costs.mean() < max_cost))

    def _require_theta(self) -> np.ndarray:
        if self._theta is None:
            raise ValueError("the model has no parameters yet: train it or set_params")
        return self._theta

    def _checked_theta(self, design) -> np.ndarray:
        theta = self._require_theta()
        if theta.shape[1] != design.n_features + 1:
            raise ValueError(
                f"the model has {theta.shape[1] - 1} weights but the samples "
                f"have {design.n_features} features"
            )
        return theta

    @staticmethod
    def _logits(design, theta: np.ndarray) -> np.ndarray:
        """X w + b (columns, m) as a new array (a one-hot design's X w is w itself)."""
        return design.dot(theta[:, 1:]) + theta[:, :1]

    def _codes(self, labels, design) -> np.ndarray:
        return _codes(labels, self.classes_, design.n_samples)


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


class _Run:
    """The settings of one `train` call and the GD loop they drive."""

    def __init__(self, learning_rate, epochs, max_cost, log_every, on_log, design):
        self.design = design  # the caller's design, for the stable bound in errors
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.max_cost = max_cost
        self.log_every = log_every
        self.on_log = on_log

    def descend(self, design, theta, y, counts=None, n_samples=None):
        """GD in place on theta (columns, d + 1); returns (epochs run, final per-column costs).

        With `counts`, column j of the design stands for counts[j] samples that share
        one weight (the grouped one-hot path): the bias gradient and the cost weigh
        each by its count while the weight gradient does not.
        """
        m = design.n_samples if n_samples is None else n_samples
        eta = self.learning_rate / m
        b, w, bias = theta[:, 0], theta[:, 1:], theta[:, :1]
        sign = _signs(y)
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            for epoch in range(self.epochs + 1):
                z = design.dot(w) + bias
                e = np.abs(z)
                np.negative(e, out=e)
                np.exp(e, out=e)
                loss = _loss_from(z, e, sign)
                costs = (loss.sum(axis=1) if counts is None else loss @ counts) / m
                cost = float(costs.sum()) / costs.size
                if not np.isfinite(cost):
                    raise DivergenceError(self.learning_rate, max_stable_learning_rate(self.design), epoch)
                stop = cost < self.max_cost or epoch == self.epochs
                if self.on_log is not None and self.log_every and epoch % self.log_every == 0:
                    stop = bool(self.on_log(epoch, cost)) or stop
                if stop:
                    return epoch, costs
                r = _sigmoid_from(z, e)
                r -= y
                b -= eta * (r.sum(axis=1) if counts is None else r @ counts)
                g = design.transpose_dot(r)
                g *= eta
                w -= g
        raise AssertionError("unreachable")


def max_stable_learning_rate(design) -> float:
    """GD on the cross-entropy is stable for alpha < 4x the least-squares bound (sigmoid' <= 1/4)."""
    bound = getattr(design, "max_stable_learning_rate", None)
    return 4.0 * bound() if bound is not None else float("nan")


def _shared_weights(theta: np.ndarray, codes: np.ndarray, n_classes: int) -> np.ndarray | None:
    """Weights (columns, n_classes) shared by all pixels of each class, or None if they differ."""
    some = np.zeros(n_classes, dtype=np.intp)
    some[codes] = np.arange(codes.size)  # any one pixel of each class: the check below decides
    shared = theta[:, 1:][:, some]
    return shared if np.array_equal(shared[:, codes], theta[:, 1:]) else None


def _train_grouped(theta: np.ndarray, shared: np.ndarray, codes: np.ndarray, run: _Run):
    """One-hot GD where every pixel of a class moves alike: O(K^2) per epoch, not O(nK).

    A pixel's step depends only on its own weight, the shared bias and its label,
    so pixels that start equal and share a label stay equal (DESIGN.md section 6).
    """
    columns, groups = shared.shape
    counts = np.bincount(codes, minlength=groups).astype(np.float64)
    small = np.empty((columns, groups + 1))
    small[:, 0] = theta[:, 0]
    small[:, 1:] = shared
    y = _targets(np.arange(groups), columns)
    done, costs = run.descend(OneHot(groups), small, y, counts=counts, n_samples=codes.size)
    theta[:, 0] = small[:, 0]
    theta[:, 1:] = small[:, 1:][:, codes]
    return done, costs


def _train_standardized(design: Dense, theta: np.ndarray, codes: np.ndarray, run: _Run):
    """GD on (x - mean) / std, with theta converted in and out of the scaled units."""
    x = design.x.astype(np.float64)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    scaled = np.empty_like(theta)
    scaled[:, 1:] = theta[:, 1:] * std
    scaled[:, 0] = theta[:, 0] + theta[:, 1:] @ mean
    done, costs = run.descend(Dense((x - mean) / std), scaled, _targets(codes, theta.shape[0]))
    theta[:, 1:] = scaled[:, 1:] / std
    theta[:, 0] = scaled[:, 0] - theta[:, 1:] @ mean
    return done, costs
