"""Design matrices: the samples a linear model sees, with the bias column implied.

A design knows how to form residuals X w + b - y and gradients X^T r without the
caller caring whether X is stored (Dense) or implicit (OneHot, the seed's one-hot
pixel samples, which would need n x (n + 1) numbers if built).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .engine import EigenTrajectory, OneHotTrajectory


class OneHot:
    """The implicit one-hot design of an n-pixel image: sample i is the unit vector e_i.

    X w is w itself and X^T r is r itself, so an epoch costs O(n) time and memory.
    """

    def __init__(self, n: int):
        if int(n) != n or n < 1:
            raise ValueError(f"OneHot needs a positive pixel count, got {n!r}")
        self.n = int(n)

    n_samples = property(lambda self: self.n)
    n_features = property(lambda self: self.n)

    def __repr__(self) -> str:
        return f"OneHot({self.n})"

    def residual_into(self, w: np.ndarray, b: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
        """out = X w + b - y for weights w (k, d), bias b (k,), targets y (k, m)."""
        np.add(w, b[:, None], out=out)
        out -= y

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r; for one-hot samples that is r itself (no copy)."""
        return r

    def dot(self, w: np.ndarray) -> np.ndarray:
        """X w for weights of shape (k, d), giving (k, m)."""
        return w

    def max_stable_learning_rate(self) -> float:
        """Gradient descent with eta = alpha / n is stable iff alpha < 2n / (n + 1)."""
        return 2.0 * self.n / (self.n + 1)

    def trajectory(self, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """Closed-form GD trajectory from theta (k, n + 1) towards targets y (k, n)."""
        return OneHotTrajectory(theta, y, learning_rate)


class Dense:
    """An explicit design: a 2-D array of m samples by d features (no bias column)."""

    def __init__(self, x: np.ndarray):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[0] < 1:
            raise ValueError(f"samples must be a non-empty 2-D array, got shape {x.shape}")
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("samples contain NaN or infinite values")
        self.x = np.ascontiguousarray(x)

    n_samples = property(lambda self: self.x.shape[0])
    n_features = property(lambda self: self.x.shape[1])

    def __repr__(self) -> str:
        return f"Dense({self.x.shape[0]} x {self.x.shape[1]}, {self.x.dtype})"

    def residual_into(self, w: np.ndarray, b: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
        """out = X w + b - y for weights w (k, d), bias b (k,), targets y (k, m)."""
        out[...] = self.dot(w)
        out += b[:, None]
        out -= y

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r for residuals r (k, m), giving (k, d) in float64."""
        return (r.astype(self.x.dtype, copy=False) @ self.x).astype(np.float64, copy=False)

    def dot(self, w: np.ndarray) -> np.ndarray:
        """X w for weights of shape (k, d), giving (k, m) in float64."""
        return (w.astype(self.x.dtype, copy=False) @ self.x.T).astype(np.float64, copy=False)

    @cached_property
    def gram(self) -> np.ndarray:
        """G = Phi^T Phi / m with Phi = [1, X], in float64: the curvature of the cost."""
        m, d = self.x.shape
        g = np.empty((d + 1, d + 1))
        g[0, 0] = 1.0
        g[0, 1:] = g[1:, 0] = self.x.mean(axis=0, dtype=np.float64)
        g[1:, 1:] = (self.x.T @ self.x).astype(np.float64) / m
        return g

    @cached_property
    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending, clipped at 0) and eigenvectors of the Gram matrix."""
        lam, v = np.linalg.eigh(self.gram)
        return np.clip(lam, 0.0, None), v

    def max_stable_learning_rate(self) -> float:
        """Gradient descent on the mean-squared cost is stable iff alpha < 2 / lambda_max."""
        return 2.0 / float(self.eigen[0][-1])

    def trajectory(self, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """Closed-form GD trajectory in the Gram matrix's eigenbasis."""
        c = np.empty_like(theta)
        c[:, 0] = y.mean(axis=1)
        c[:, 1:] = self.transpose_dot(y) / self.n_samples
        yy = np.einsum("ij,ij->i", y, y) / self.n_samples
        lam, v = self.eigen
        return EigenTrajectory(lam, v, theta, c, yy, learning_rate)


def as_design(samples) -> OneHot | Dense:
    """Accept a design object or any 2-D array-like of samples."""
    if isinstance(samples, (OneHot, Dense)):
        return samples
    if hasattr(samples, "residual_into") and hasattr(samples, "transpose_dot"):
        return samples
    return Dense(samples)
