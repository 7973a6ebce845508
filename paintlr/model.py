"""LinearRegressionModel: the seed demo's model, trained by batch gradient descent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import engine as _engine
from .designs import OneHot, as_design
from .optimizers import make_optimizer

ENGINES = ("auto", "exact", "iterate")


@dataclass(frozen=True)
class TrainResult:
    """What one call to `train` did: epochs run, final costs, and whether it met max_cost."""

    epochs: int
    cost: float
    channel_costs: np.ndarray
    converged: bool


class LinearRegressionModel:
    """Linear regression with a bias, one independent output per label column.

    Parameters are an array of shape (d + 1, k): the bias row first, then one row
    per feature; column j is the regression for label column j (a colour channel).
    """

    def __init__(self, seed: int | None = None) -> None:
        self._theta: np.ndarray | None = None  # (k, d + 1), channel-major for speed
        self._vector = False
        self._rng = np.random.default_rng(seed)  # SGD's shuffles, reproducible by seed
        self._optimizer = None  # kept between calls: momentum's velocity carries over

    def get_params(self) -> np.ndarray:
        """A copy of the parameters, shape (d + 1, k), bias row first."""
        if self._theta is None:
            raise ValueError("the model has no parameters yet: train it or set_params")
        return self._theta.T.copy()

    def set_params(self, params) -> None:
        """Set the parameters from an array of shape (d + 1, k) or (d + 1,)."""
        p = np.asarray(params, dtype=np.float64)
        if p.ndim not in (1, 2) or p.shape[0] < 1:
            raise ValueError(f"params must have shape (d + 1,) or (d + 1, k), got {p.shape}")
        self._vector = p.ndim == 1
        self._theta = np.array(p.T if p.ndim == 2 else p[None, :], order="C")
        self._optimizer = None

    def score(self, samples) -> np.ndarray:
        """Predictions X w + b, shape (m, k), or (m,) for a model of 1-D labels."""
        design = as_design(samples)
        theta = self._checked_theta(design)
        pred = design.dot(theta[:, 1:]) + theta[:, :1]
        return pred[0] if self._vector else pred.T

    def cost(self, samples, labels, *, per_channel: bool = False) -> float | np.ndarray:
        """J = (1 / 2m) * sum of squared errors, averaged over label columns."""
        design = as_design(samples)
        y = self._labels(labels, design)
        theta = self._checked_theta(design)
        r = np.empty_like(y)
        design.residual_into(theta[:, 1:], theta[:, 0], y, r)
        costs = np.einsum("ij,ij->i", r, r) / (2 * design.n_samples)
        return costs if per_channel else float(costs.mean())

    def train(
        self,
        samples,
        labels,
        *,
        learning_rate: float = 0.05,
        epochs: int = 10,
        max_cost: float = 0.05,
        log_every: int = 100,
        on_log: Callable[[int, float], bool | None] | None = None,
        engine: str = "auto",
        optimizer: str = "gd",
        batch_size: int = 1,
        momentum: float = 0.9,
    ) -> TrainResult:
        """Gradient descent as in the seed: step learning_rate / m, cost (1/2m) SSE.

        Runs up to `epochs` epochs from the current parameters (zeros if none) and
        stops as soon as the cost is below `max_cost`; the cost is checked every
        epoch (the seed checked only when logging). `on_log(epoch, cost)` is called
        for epochs 0, log_every, 2 * log_every, ... and may return True to stop there.
        `optimizer`: "gd" (the seed's batch GD), "sgd" (shuffled per-sample, or
        mini-batches of `batch_size`) or "momentum" (heavy ball with `momentum`).
        `engine="exact"` jumps to the end in closed form (batch GD only),
        `"iterate"` runs every epoch, `"auto"` prefers exact.
        Raises DivergenceError if the cost becomes NaN or infinite.
        """
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
        if not learning_rate > 0 or not np.isfinite(learning_rate):
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        if int(epochs) != epochs or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        design = as_design(samples)
        y = self._labels(labels, design)
        if self._theta is None or self._theta.shape != (y.shape[0], design.n_features + 1):
            self._theta = np.zeros((y.shape[0], design.n_features + 1))
            self._vector = np.ndim(labels) == 1
            self._optimizer = None
        opt = self._optimizer_for(optimizer, batch_size, momentum)
        if engine == "exact" and not opt.has_closed_form:
            raise ValueError(f"the exact engine needs optimizer 'gd', not {optimizer!r}")
        args = (design, self._theta, y, learning_rate, int(epochs), max_cost, log_every, on_log)
        if opt.has_closed_form and engine != "iterate" and hasattr(design, "trajectory"):
            done = _engine.jump(*args)
        else:
            done = _engine.iterate(*args, optimizer=opt)
        costs = self.cost(design, y.T, per_channel=True)
        return TrainResult(done, float(costs.mean()), costs, bool(costs.mean() < max_cost))

    def solve(self, samples, labels) -> LinearRegressionModel:
        """Set the parameters to the least-squares optimum, minimum-norm where not unique.

        That is the point gradient descent from zero converges to. One-hot in O(n):
        b = sum(y) / (n + 1), w = y - b. Dense: through the Gram matrix's eigenbasis.
        """
        design = as_design(samples)
        y = self._labels(labels, design)
        if isinstance(design, OneHot):
            theta = np.empty((y.shape[0], design.n + 1))
            theta[:, 0] = y.sum(axis=1) / (design.n + 1)
            theta[:, 1:] = y - theta[:, :1]
        else:
            theta = design.least_squares(y)
        self._theta = np.ascontiguousarray(theta)
        self._vector = np.ndim(labels) == 1
        self._optimizer = None
        return self

    def max_stable_learning_rate(self, samples, optimizer: str = "gd", batch_size: int = 1,
                                 momentum: float = 0.9) -> float:
        """The learning rate at and above which `optimizer` diverges on these samples."""
        opt = make_optimizer(optimizer, batch_size=batch_size, momentum=momentum)
        return opt.max_stable_learning_rate(as_design(samples))

    def _optimizer_for(self, name: str, batch_size: int, momentum: float):
        current = self._optimizer
        settings = (name, batch_size, momentum)
        if current is None or current[0] != settings:
            opt = make_optimizer(name, batch_size=batch_size, momentum=momentum, rng=self._rng)
            self._optimizer = (settings, opt)
        return self._optimizer[1]

    def _checked_theta(self, design) -> np.ndarray:
        if self._theta is None:
            raise ValueError("the model has no parameters yet: train it or set_params")
        if self._theta.shape[1] != design.n_features + 1:
            raise ValueError(
                f"the model has {self._theta.shape[1] - 1} weights but the samples "
                f"have {design.n_features} features"
            )
        return self._theta

    @staticmethod
    def _labels(labels, design) -> np.ndarray:
        """Labels as a C-contiguous float64 array (k, m); a transposed view costs no copy."""
        y = np.asarray(labels, dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[0] != design.n_samples:
            raise ValueError(
                f"labels must have shape ({design.n_samples},) or ({design.n_samples}, k), "
                f"got {np.shape(labels)}"
            )
        if not np.all(np.isfinite(y)):
            raise ValueError("labels contain NaN or infinite values")
        return np.ascontiguousarray(y.T)
