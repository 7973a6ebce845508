"""Design matrices: the samples a linear model sees, with the bias column implied.

A design knows how to form residuals X w + b - y and gradients X^T r without the
caller caring whether X is stored (Dense) or implicit (OneHot, the seed's one-hot
pixel samples, which would need n x (n + 1) numbers if built).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .engine import EigenTrajectory, OneHotTrajectory, settling


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
    """An explicit design: a 2-D array of m samples by d features (no bias column).

    X is kept in float32 if given so (half the memory of float64: 256^2 x 2048 features
    take 512 MB); every product with it is accumulated in float64, a block of rows at a
    time, so the exact engine's Gram matrix and the iterate engine's steps see the same X.
    """

    BLOCK_BYTES = 1 << 23  # float64 rows upcast at a time: 8 MiB stays in cache

    def __init__(self, x: np.ndarray):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[0] < 1:
            raise ValueError(f"samples must be a non-empty 2-D array, got shape {x.shape}")
        if x.dtype not in (np.float32, np.float64):
            x = x.astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("samples contain NaN or infinite values")
        self.x = np.ascontiguousarray(x)

    n_samples = property(lambda self: self.x.shape[0])
    n_features = property(lambda self: self.x.shape[1])

    def __repr__(self) -> str:
        return f"Dense({self.x.shape[0]} x {self.x.shape[1]}, {self.x.dtype})"

    def _blocks(self):
        """(row slice, rows as float64) pairs covering X: one view if X is float64 already."""
        m, d = self.x.shape
        if self.x.dtype == np.float64:
            yield slice(0, m), self.x
            return
        step = max(1, self.BLOCK_BYTES // (8 * d))
        for i in range(0, m, step):
            rows = slice(i, min(i + step, m))
            yield rows, self.x[rows].astype(np.float64)

    def residual_into(self, w: np.ndarray, b: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
        """out = X w + b - y for weights w (k, d), bias b (k,), targets y (k, m)."""
        self.dot(w, out=out)
        out += b[:, None]
        out -= y

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r for residuals r (k, m), giving (k, d), accumulated in float64."""
        r = np.asarray(r, dtype=np.float64)
        out = np.zeros((r.shape[0], self.n_features))
        for rows, block in self._blocks():
            out += r[:, rows] @ block
        return out

    def dot(self, w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """X w for weights of shape (k, d), giving (k, m), accumulated in float64."""
        w = np.asarray(w, dtype=np.float64)
        if out is None:
            out = np.empty((w.shape[0], self.n_samples))
        for rows, block in self._blocks():
            out[:, rows] = w @ block.T
        return out

    @cached_property
    def gram(self) -> np.ndarray:
        """G = Phi^T Phi / m with Phi = [1, X]: one pass of X^T X over X, accumulated in float64."""
        m, d = self.x.shape
        g = np.zeros((d + 1, d + 1))
        s = g[0, 1:]
        for _, block in self._blocks():
            g[1:, 1:] += block.T @ block  # numpy runs A^T A as one symmetric rank-k update
            s += block.sum(axis=0)
        g[1:, 0] = s
        g[0, 0] = m
        return g / m

    def rows(self, index: np.ndarray) -> np.ndarray:
        """Samples X[index] in float64, shape (len(index), d): a mini-batch without all of X."""
        return self.x[index].astype(np.float64)

    def _moments(self, y: np.ndarray) -> np.ndarray:
        """c = Phi^T y / m for targets y (k, m), shape (k, d + 1), bias entry first."""
        c = np.empty((y.shape[0], self.n_features + 1))
        c[:, 0] = y.mean(axis=1)
        c[:, 1:] = self.transpose_dot(y) / self.n_samples
        return c

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
        yy = np.einsum("ij,ij->i", y, y) / self.n_samples
        lam, v = self.eigen
        return EigenTrajectory(lam, v, theta, self._moments(y), yy, learning_rate)

    def least_squares(self, y: np.ndarray) -> np.ndarray:
        """Minimum-norm least-squares parameters (k, d + 1) for targets y (k, m): GD's end from zero."""
        c = self._moments(np.asarray(y, dtype=np.float64))
        lam, v = self.eigen
        moving = settling(lam)
        z = np.where(moving, c @ v, 0.0) / np.where(moving, lam, 1.0)
        return z @ v.T


def as_design(samples) -> OneHot | Dense:
    """Accept a design object or any 2-D array-like of samples."""
    if isinstance(samples, (OneHot, Dense)):
        return samples
    if hasattr(samples, "residual_into") and hasattr(samples, "transpose_dot"):
        return samples
    return Dense(samples)
