"""What both models share: the seed's parameter arrays and a face scikit-learn users recognise.

Hyperparameters are constructor arguments kept as attributes of the same name; `fit`
trains from scratch with them and returns the model; `train` (the seed's name)
continues from the current parameters and takes any of them as a keyword to override
for that call. Learned state ends in an underscore: coef_, intercept_, n_iter_.

Three names keep the seed's meanings, not scikit-learn's: `get_params` and `set_params`
read and write the learned parameters (the bias row and the weights), not the
hyperparameters; `score` predicts (linear: the values, logistic: the probabilities), where
scikit-learn's gives R^2 or the accuracy. Each model says so where it defines them.
"""

from __future__ import annotations

import numpy as np

NO_PARAMS = "the model has no parameters yet: fit, train or set_params it"


class Estimator:
    """Base of LinearRegressionModel and LogisticRegressionModel: parameters theta (k, d + 1),
    one row per output column, bias first."""

    _hyperparameters: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._theta: np.ndarray | None = None
        self._vector = False  # 1-D targets: coef_ (d,) and a scalar intercept_, as scikit-learn
        self.n_iter_: int | None = None  # epochs the last train ran, an interrupted one's too

    def _reached(self, epochs: int) -> None:
        """Training's loop ended (returned, or was interrupted) after `epochs` epochs."""
        self.n_iter_ = epochs

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._hyperparameters)
        return f"{type(self).__name__}({args})"

    def _settings(self, given: dict) -> dict:
        """The hyperparameters for one call: the model's own, overridden by what is not None."""
        settings = {name: getattr(self, name) for name in self._hyperparameters}
        settings.update({k: v for k, v in given.items() if v is not None})
        lr, epochs = settings["learning_rate"], settings["epochs"]
        if not lr > 0 or not np.isfinite(lr):
            raise ValueError(f"learning_rate must be positive, got {lr!r}")
        if int(epochs) != epochs or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        settings["epochs"] = int(epochs)
        return settings

    def fit(self, X, y):
        """Train from zero parameters with the constructor's hyperparameters; returns the model."""
        self._theta = None
        self.train(X, y)
        return self

    @property
    def coef_(self) -> np.ndarray:
        """Learned weights: (k, d), or (d,) for a model fitted on 1-D targets."""
        theta = self._require_theta()
        return theta[0, 1:].copy() if self._vector else theta[:, 1:].copy()

    @property
    def intercept_(self) -> np.ndarray | float:
        """Learned biases: (k,), or a float for a model fitted on 1-D targets."""
        theta = self._require_theta()
        return float(theta[0, 0]) if self._vector else theta[:, 0].copy()

    def _require_theta(self) -> np.ndarray:
        if self._theta is None:
            raise ValueError(NO_PARAMS)
        return self._theta

    def _checked_theta(self, design) -> np.ndarray:
        theta = self._require_theta()
        if theta.shape[1] != design.n_features + 1:
            raise ValueError(
                f"the model has {theta.shape[1] - 1} weights but the samples "
                f"have {design.n_features} features"
            )
        return theta
