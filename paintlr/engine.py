"""Gradient descent two ways: iterate every epoch, or jump to any epoch in closed form.

Both engines follow the same trajectory of batch gradient descent on the cost
J = (1 / 2m) * |X w + b - y|^2 with step alpha / m; the exact engine gets
there in O(n) (one-hot) or O(d^2) (dense, after one eigendecomposition)
however many epochs it skips. See DESIGN.md sections 2 and 3.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .errors import DivergenceError


def pow1m(x: np.ndarray | float, k: int) -> np.ndarray | float:
    """(1 - x)^k for integer k >= 0, accurate for x near 0 and valid for 1 - x <= 0."""
    if isinstance(x, float):
        return _pow1m_scalar(x, k)
    x = np.asarray(x, dtype=np.float64)
    base = 1.0 - x
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        positive = np.exp(k * np.log1p(-np.minimum(x, 1.0)))
        magnitude = np.exp(k * np.log(np.abs(base)))
    signed = -magnitude if k % 2 else magnitude
    out = np.where(base > 0, positive, signed)
    return np.where(k == 0, 1.0, out)


def _pow1m_scalar(x: float, k: int) -> float:
    """pow1m for one float with the math module: the bisections call it thousands of times."""
    if k == 0:
        return 1.0
    if x < 1.0:
        return math.exp(k * math.log1p(-x))
    if x == 1.0:
        return 0.0
    log = k * math.log(x - 1.0)
    magnitude = math.inf if log > 709.0 else math.exp(log)
    return -magnitude if k % 2 else magnitude


def one_minus_pow1m(x: np.ndarray | float, k: int) -> np.ndarray:
    """1 - (1 - x)^k without cancellation when x * k is small."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        small = -np.expm1(k * np.log1p(-np.minimum(x, 1.0)))
    return np.where(x < 1.0, small, 1.0 - pow1m(x, k))


class OneHotTrajectory:
    """GD on the one-hot design in closed form (DESIGN.md section 2).

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
        centred = self.r0 - self.rbar[:, None]
        self.detail2 = np.einsum("ij,ij->i", centred, centred) / (2 * n)  # cost of the detail
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

    def theta(self, k: int) -> np.ndarray:
        """Parameters (k, n + 1) after k epochs, bias column first."""
        a = pow1m(self.eta, k)
        g = pow1m(self.eta * (self.n + 1), k)
        b = self.b0 - self.n * self.rbar * one_minus_pow1m(self.eta * (self.n + 1), k) / (self.n + 1)
        out = np.empty((self.y.shape[0], self.n + 1))
        out[:, 0] = b
        w = out[:, 1:]
        np.multiply(self.r0, a, out=w)
        w += ((g - a) * self.rbar - b)[:, None]
        w += self.y
        return out


def settling(lam: np.ndarray) -> np.ndarray:
    """Which eigenvalues are distinguishable from zero: the directions GD settles along."""
    return lam > lam[-1] * lam.size * np.finfo(np.float64).eps


class EigenTrajectory:
    """GD on any dense design in the Gram matrix's eigenbasis (DESIGN.md section 3).

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

    def _cost_at(self, z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            j = 0.5 * np.sum(self.lam * z * z, axis=1) - np.sum(self.u * z, axis=1) + 0.5 * self.yy
        return np.maximum(j, 0.0)  # rounding can dip below zero at the optimum

    def detail_cost(self, k: int) -> np.ndarray:
        """Per-channel cost less the part due to the residual's mean (overall brightness)."""
        with np.errstate(over="ignore", invalid="ignore"):
            rbar = self._z(k) @ self.mean_row - self.ybar
            return np.maximum(self.cost(k) - 0.5 * rbar * rbar, 0.0)

    def theta(self, k: int) -> np.ndarray:
        """Parameters (k, d + 1) after k epochs, bias column first."""
        return self._z(k) @ self.v.T


def first_epoch_below(cost: Callable[[int], float], threshold: float, hi: int) -> int | None:
    """Smallest k in [0, hi] with cost(k) < threshold, for a cost non-increasing in k."""
    if cost(0) < threshold:
        return 0
    if not cost(hi) < threshold:
        return None
    lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cost(mid) < threshold:
            hi = mid
        else:
            lo = mid
    return hi


def iterate(
    design,
    theta: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    epochs: int,
    max_cost: float,
    log_every: int = 0,
    on_log: Callable[[int, float], bool | None] | None = None,
    optimizer=None,
) -> int:
    """Run up to `epochs` epochs of `optimizer` (batch GD by default) in place on theta.

    theta is (k, d + 1), bias column first. The cost of each state comes free with
    the residual the step needs; training stops as soon as it is below max_cost,
    or when on_log returns True. Returns the number of epochs run.
    """
    from .designs import OneHot
    from .optimizers import GradientDescent

    if optimizer is None:
        optimizer = GradientDescent()
    if isinstance(design, OneHot) and isinstance(optimizer, GradientDescent):
        return _one_hot_gd(theta, y, learning_rate, epochs, max_cost, log_every, on_log)
    m = y.shape[1]
    r = np.empty_like(y)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            design.residual_into(theta[:, 1:], theta[:, 0], y, r)
            cost = float(np.einsum("ij,ij->", r, r)) / (2 * m * y.shape[0])
            if not np.isfinite(cost):
                raise DivergenceError(learning_rate, optimizer.max_stable_learning_rate(design), epoch)
            stop = on_log is not None and log_every and epoch % log_every == 0 and on_log(epoch, cost)
            if stop or cost < max_cost or epoch == epochs:
                return epoch
            optimizer.step(design, theta, y, r, learning_rate)
    raise AssertionError("unreachable")


def _one_hot_gd(theta, y, learning_rate, epochs, max_cost, log_every, on_log) -> int:
    """`iterate` for batch GD on the one-hot design, with the residual as the state.

    Since X X^T = I, one epoch maps r to (1 - eta) r - eta * sum(r): three passes
    over r per epoch instead of rebuilding it from the weights; the weights are
    recovered once at the end (also when interrupted), w = r + y - b.
    """
    k, n = y.shape
    eta = learning_rate / n
    b = theta[:, 0]
    r = theta[:, 1:] + b[:, None]
    r -= y
    square = np.empty_like(r)
    epoch = 0
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            while True:
                np.multiply(r, r, out=square)
                cost = float(np.einsum("ij->", square)) / (2 * n * k)
                if not np.isfinite(cost):
                    raise DivergenceError(learning_rate, 2.0 * n / (n + 1), epoch)
                stop = on_log is not None and log_every and epoch % log_every == 0 and on_log(epoch, cost)
                if stop or cost < max_cost or epoch == epochs:
                    return epoch
                step = eta * np.einsum("ij->i", r)
                b -= step
                r *= 1.0 - eta
                r -= step[:, None]
                epoch += 1
    finally:
        np.add(r, y, out=theta[:, 1:])
        theta[:, 1:] -= b[:, None]


def jump(
    design,
    theta: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    epochs: int,
    max_cost: float,
    log_every: int = 0,
    on_log: Callable[[int, float], bool | None] | None = None,
) -> int:
    """Move theta in place to where `iterate` (batch GD) would stop, in closed form."""
    traj = design.trajectory(theta, y, learning_rate)

    def mean_cost(k: int) -> float:
        return float(np.mean(traj.cost(k)))

    stop = first_epoch_below(mean_cost, max_cost, epochs)
    stop = epochs if stop is None else stop
    if not np.isfinite(mean_cost(stop)):
        raise DivergenceError(learning_rate, design.max_stable_learning_rate())
    if on_log is not None and log_every:
        for k in range(0, stop + 1, log_every):
            if on_log(k, mean_cost(k)):
                stop = k
                break
    theta[...] = traj.theta(stop)
    return stop
