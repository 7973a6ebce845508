"""Feature standardisation: each column to zero mean and unit variance, for gradient descent, with
parameters reported in the original units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import OptionError


@dataclass(frozen=True)
class Standardiser:
    """x -> (x - mean) / std per feature column, and parameters (..., d + 1), bias first, between
    those units and the original ones: the same model w.x + b either way.

    A constant column has no spread to scale: `fit` refuses it with `refuse_constant`, and
    otherwise only centres it (std 1), as scikit-learn's StandardScaler does.
    """

    mean: np.ndarray  # (d,)
    std: np.ndarray  # (d,), 1 for a constant column

    @classmethod
    def fit(cls, x: np.ndarray, *, refuse_constant: bool = False) -> Standardiser:
        """The mean and (population) standard deviation of each column of x (m, d)."""
        x = np.asarray(x, dtype=np.float64)
        std = x.std(axis=0)
        if refuse_constant and np.any(std == 0):
            raise OptionError("standardize", "a feature is constant: it cannot be scaled")
        return cls(x.mean(axis=0), np.where(std == 0, 1.0, std))

    @classmethod
    def identity(cls, n_features: int) -> Standardiser:
        """No scaling: the original units themselves."""
        return cls(np.zeros(n_features), np.ones(n_features))

    def scale(self, x: np.ndarray) -> np.ndarray:
        """Samples x (m, d) in the standardised units."""
        return (x - self.mean) / self.std

    def to_scaled(self, theta: np.ndarray) -> np.ndarray:
        """Parameters in the original units to the standardised ones: w std, b + w.mean."""
        scaled = np.empty_like(theta, dtype=np.float64)
        scaled[..., 1:] = theta[..., 1:] * self.std
        scaled[..., 0] = theta[..., 0] + theta[..., 1:] @ self.mean
        return scaled

    def to_original(self, theta: np.ndarray) -> np.ndarray:
        """Parameters in the standardised units to the original ones: w / std, b - (w / std).mean."""
        w = theta[..., 1:] / self.std
        return np.concatenate([(theta[..., 0] - w @ self.mean)[..., None], w], axis=-1)
