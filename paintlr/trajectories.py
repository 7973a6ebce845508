"""Closed forms of batch gradient descent: the state after any epoch k in one pass, not k epochs.

Both follow GD on J = (1 / 2m) |X w + b - y|^2 with step alpha / m exactly as
iterating would; powers (1 - x)^k go through log1p, so k = 10^9 loses no precision.
"""

from __future__ import annotations

import numpy as np

from .numerics import one_minus_pow1m, pow1m, settling


class OneHotTrajectory:
    """Batch GD on the one-hot design in closed form.

    The residual's mean decays by q = 1 - eta (n + 1) per epoch and its zero-mean
    part by 1 - eta, eta = alpha / n, so any epoch is one O(n) pass away.
    """

    def __init__(self, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        n = y.shape[1]
        self.n = n
        self.eta = learning_rate / n
        self.b0 = theta[:, 0].copy()
        self.y = y
        self.r0 = theta[:, 1:] + self.b0[:, None] - y
        self.rbar = self.r0.mean(axis=1)
        self.detail2 = np.empty_like(self.rbar)  # cost of the detail, a channel at a time (less memory)
        for i, row in enumerate(self.r0):
            centred = row - self.rbar[i]
            self.detail2[i] = np.einsum("i,i->", centred, centred) / (2 * n)  # no BLAS threads to stall
        self.mean2 = self.rbar**2 / 2  # cost of the mean

    def cost(self, k: int) -> np.ndarray:
        """Per-channel cost after k epochs, in O(channels)."""
        a = pow1m(self.eta, k)
        g = pow1m(self.eta * (self.n + 1), k)
        with np.errstate(over="ignore", invalid="ignore"):
            return a * a * self.detail2 + g * g * self.mean2

    def optimum_cost(self) -> np.ndarray:
        """Per-channel cost at the least-squares optimum: one weight per pixel fits exactly."""
        return np.zeros_like(self.rbar)

    def detail_cost(self, k: int) -> np.ndarray:
        """Per-channel cost of the residual's zero-mean part: the picture still missing."""
        with np.errstate(over="ignore", invalid="ignore"):
            return pow1m(self.eta, k) ** 2 * self.detail2

    def theta(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """Parameters (k, n + 1) after k epochs, bias column first, written into `out` if given."""
        a = pow1m(self.eta, k)
        g = pow1m(self.eta * (self.n + 1), k)
        b = self.b0 - self.n * self.rbar * one_minus_pow1m(self.eta * (self.n + 1), k) / (self.n + 1)
        if out is None:
            out = np.empty((self.y.shape[0], self.n + 1))
        out[:, 0] = b
        w = out[:, 1:]
        np.multiply(self.r0, a, out=w)
        w += ((g - a) * self.rbar - b)[:, None]
        w += self.y
        return out


class EigenTrajectory:
    """Batch GD on any dense design in closed form, in the Gram matrix's eigenbasis.

    With G = V diag(lam) V^T, each coordinate z = V^T theta relaxes on its own:
    z_k = z_0 - f_k(lam) (lam z_0 - V^T c), f_k = (1 - (1 - alpha lam)^k) / lam.
    Directions with lam = 0 never move, so GD from zero ends at the minimum norm.
    """

    def __init__(self, lam, v, theta, c, yy, learning_rate: float):
        self.alpha = learning_rate
        self.v = v
        self.lam = np.clip(lam, 0.0, None)
        self.z0 = theta @ v
        self.u = c @ v
        self.e0 = self.lam * self.z0 - self.u
        self.yy = yy
        self.mean_row = v[0] * self.lam  # first row of G in the eigenbasis
        self.ybar = c[:, 0]
        # directions indistinguishable from the null space: they never settle (k -> infinity)
        self.moving = settling(self.lam)

    def _z(self, k: int) -> np.ndarray:
        """Coordinates after k epochs; every direction moves as iterated GD moves it,
        f_k = k alpha where lam = 0 (a tiny lam keeps its own, expm1-accurate f_k)."""
        positive = self.lam > 0
        lam = np.where(positive, self.lam, 1.0)
        f = np.where(positive, one_minus_pow1m(self.alpha * self.lam, k) / lam, k * self.alpha)
        return self.z0 - f * self.e0

    def cost(self, k: int) -> np.ndarray:
        """Per-channel cost after k epochs, in O(d)."""
        return self._cost_at(self._z(k))

    def optimum_cost(self) -> np.ndarray:
        """Per-channel cost of the least-squares optimum, where GD converges."""
        lam = np.where(self.moving, self.lam, 1.0)
        return self._cost_at(np.where(self.moving, self.u / lam, self.z0))

    def distance(self, k: int) -> np.ndarray:
        """Per-channel distance |theta_k - theta*| to the optimum GD settles at, along the
        directions it settles along: (1 - alpha lam)^k of the start's, exact and never
        rising for a stable rate (costs near the optimum lose digits; this does not)."""
        lam = np.where(self.moving, self.lam, 1.0)
        start = np.where(self.moving, self.z0 - self.u / lam, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(np.sum((pow1m(self.alpha * self.lam, k) * start) ** 2, axis=1))

    def _cost_at(self, z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            j = 0.5 * np.sum(self.lam * z * z, axis=1) - np.sum(self.u * z, axis=1) + 0.5 * self.yy
        return np.maximum(j, 0.0)  # rounding can dip below zero at the optimum

    def detail_cost(self, k: int) -> np.ndarray:
        """Per-channel cost less the part due to the residual's mean (overall brightness)."""
        with np.errstate(over="ignore", invalid="ignore"):
            rbar = self._z(k) @ self.mean_row - self.ybar
            return np.maximum(self.cost(k) - 0.5 * rbar * rbar, 0.0)

    def theta(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """Parameters (k, d + 1) after k epochs, bias column first, written into `out` if given."""
        return np.matmul(self._z(k), self.v.T, out=out)
