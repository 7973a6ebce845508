"""LinearRegressionModel: the seed demo's model, trained by gradient descent."""

from __future__ import annotations

import numpy as np

from ..core.designs import as_design
from ..settings import BATCH_SIZE, MOMENTUM, SEED_LEARNING_RATE
from .estimator import Estimator
from .optimizers import check_engine, make_optimizer
from .training import LogCallback, TrainResult, descend, jump


class LinearRegressionModel(Estimator):
    """Linear regression with a bias, one independent output per label column.

    Parameters (`get_params`) are an array of shape (d + 1, k): the bias row first,
    then one row per feature; column j is the regression for label column j (a colour
    channel). The hyperparameters are the seed's defaults: rate 0.05, 10 epochs,
    stop below cost 0.05. `optimizer`: "gd" (the seed's batch GD), "sgd" (shuffled
    per-sample, or mini-batches of `batch_size`), "momentum" (heavy ball with
    `momentum`) or "nesterov". `engine="exact"` jumps to the end in closed form (all but
    SGD), `"iterate"` runs every epoch, `"auto"` prefers exact. `seed` seeds SGD's shuffles.
    """

    _hyperparameters = ("learning_rate", "epochs", "max_cost", "optimizer", "batch_size",
                        "momentum", "engine", "seed")

    def __init__(self, *, learning_rate: float = SEED_LEARNING_RATE, epochs: int = 10, max_cost: float = 0.05,
                 optimizer: str = "gd", batch_size: int = BATCH_SIZE, momentum: float = MOMENTUM,
                 engine: str = "auto", seed: int | None = None) -> None:
        super().__init__()
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.max_cost = max_cost
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.momentum = momentum
        self.engine = engine
        self.seed = seed
        self._rng = np.random.default_rng(seed)  # SGD's shuffles, reproducible by seed
        self._optimizer = None  # kept between calls: momentum's velocity carries over

    def get_params(self) -> np.ndarray:
        """A copy of the parameters, shape (d + 1, k), bias row first (the seed's array).

        The seed's meaning: the learned weights, not scikit-learn's hyperparameters (those are
        attributes here, as `learning_rate`)."""
        return self._require_theta().T.copy()

    def set_params(self, params, *, copy: bool = True) -> None:
        """Set the parameters from an array of shape (d + 1, k) or (d + 1,): the learned weights
        (the seed's meaning), not scikit-learn's hyperparameters.

        copy=False shares a float64 array whose transpose is C-contiguous instead of
        copying it: a painting writes each frame's parameters into one buffer that way.
        """
        p = np.asarray(params, dtype=np.float64)
        if p.ndim not in (1, 2) or p.shape[0] < 1:
            raise ValueError(f"params must have shape (d + 1,) or (d + 1, k), got {p.shape}")
        self._vector = p.ndim == 1
        theta = p.T if p.ndim == 2 else p[None, :]
        self._theta = np.ascontiguousarray(theta) if not copy else np.array(theta, order="C")
        self._optimizer = None

    def predict(self, X) -> np.ndarray:
        """Predictions X w + b, shape (m, k), or (m,) for a model of 1-D labels."""
        design = as_design(X)
        theta = self._checked_theta(design)
        pred = design.dot(theta[:, 1:]) + theta[:, :1]
        return pred[0] if self._vector else pred.T

    def score(self, samples) -> np.ndarray:
        """The seed's name for `predict`: predictions (m, k), not scikit-learn's R^2."""
        return self.predict(samples)

    def cost(self, samples, labels, *, per_channel: bool = False) -> float | np.ndarray:
        """J = (1 / 2m) * sum of squared errors, averaged over label columns."""
        design = as_design(samples)
        y = self._labels(labels, design)
        theta = self._checked_theta(design)
        r = np.empty_like(y)
        design.residual_into(theta[:, 1:], theta[:, 0], y, r)
        costs = np.einsum("ij,ij->i", r, r) / (2 * design.n_samples)
        return costs if per_channel else float(costs.mean())

    def train(self, samples, labels, *, learning_rate: float | None = None, epochs: int | None = None,
              max_cost: float | None = None, log_every: int = 100, on_log: LogCallback | None = None,
              engine: str | None = None, optimizer: str | None = None, batch_size: int | None = None,
              momentum: float | None = None) -> TrainResult:
        """Gradient descent as in the seed: step learning_rate / m, cost (1/2m) SSE.

        Runs up to `epochs` epochs from the current parameters (zeros if none) and
        stops as soon as the cost is below `max_cost`; the cost is checked every
        epoch (the seed checked only when logging). `on_log(epoch, cost)` is called
        for epochs 0, log_every, 2 * log_every, ... and may return True to stop there.
        Keywords left None take the model's hyperparameters.
        Raises DivergenceError if the cost becomes NaN or infinite.
        """
        s = self._settings(dict(learning_rate=learning_rate, epochs=epochs, max_cost=max_cost,
                                engine=engine, optimizer=optimizer, batch_size=batch_size,
                                momentum=momentum))
        design = as_design(samples)
        y = self._labels(labels, design)
        if self._theta is None or self._theta.shape != (y.shape[0], design.n_features + 1):
            self._theta = np.zeros((y.shape[0], design.n_features + 1))
            self._vector = np.ndim(labels) == 1
            self._optimizer = None
        opt = self._optimizer_for(s["optimizer"], s["batch_size"], s["momentum"])
        check_engine(s["engine"], opt)
        lr = s["learning_rate"]
        loop = dict(epochs=s["epochs"], max_cost=s["max_cost"], learning_rate=lr, log_every=log_every,
                    on_log=on_log, max_stable=lambda: opt.max_stable_learning_rate(design),
                    reached=self._reached)
        path = opt.closed_form(design, self._theta, y, lr) if opt.has_closed_form else None
        if path is not None and s["engine"] != "iterate":
            trajectory, start = path
            result = jump(trajectory, self._theta, start=start, **loop)
            opt.jumped(start + result.epochs)
        else:
            result = descend(opt.start(design, self._theta, y, lr), **loop)
        self.n_iter_ = result.epochs
        return result

    def solve(self, samples, labels) -> LinearRegressionModel:
        """Set the parameters to the least-squares optimum, minimum-norm where not unique.

        That is the point gradient descent from zero converges to: one-hot in O(n),
        b = sum(y) / (n + 1), w = y - b; dense through the Gram matrix's eigenbasis.
        """
        design = as_design(samples)
        y = self._labels(labels, design)
        self._theta = np.ascontiguousarray(design.least_squares(y))
        self._vector = np.ndim(labels) == 1
        self._optimizer = None
        return self

    def max_stable_learning_rate(self, samples, optimizer: str | None = None,
                                 batch_size: int | None = None, momentum: float | None = None) -> float:
        """The learning rate at and above which `optimizer` diverges on these samples."""
        opt = make_optimizer(optimizer or self.optimizer, batch_size=batch_size or self.batch_size,
                             momentum=self.momentum if momentum is None else momentum)
        return opt.max_stable_learning_rate(as_design(samples))

    def _optimizer_for(self, name: str, batch_size: int, momentum: float):
        current = self._optimizer
        settings = (name, batch_size, momentum)
        if current is None or current[0] != settings:
            opt = make_optimizer(name, batch_size=batch_size, momentum=momentum, rng=self._rng)
            self._optimizer = (settings, opt)
        return self._optimizer[1]

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
