"""Closed forms of batch gradient descent and momentum: the state after any epoch k in one pass.

All follow J = (1 / 2m) |X w + b - y|^2 with step alpha / m exactly as iterating would;
powers (1 - x)^k go through log1p, so k = 10^9 loses no precision. Momentum (heavy ball or
Nesterov, from velocity 0) moves each eigen-direction by a second-order recurrence whose
k-th step numerics.second_order_power gives in closed form; its cost is not monotone, so
each trajectory also has envelope(k), a non-increasing bound to plan frames and stops on.
"""

from __future__ import annotations

import numpy as np

from .numerics import one_minus_pow1m, pow1m, second_order_envelope, second_order_power, settling


class _LastStep:
    """What GD trajectories share: velocity(k) from theta(k), the step of epoch k (zero before the
    first), so that heavy ball at beta = 0, which runs on GD's trajectory, can hand its state on like
    momentum; and envelopes that are the costs themselves, since GD's never rise."""

    def envelope(self, k: int) -> np.ndarray:
        """A per-channel bound on the cost at every epoch from k on: GD's cost never rises, so itself."""
        return self.cost(k)

    def detail_envelope(self, k: int) -> np.ndarray:
        """A per-channel bound on the detail cost from k on: for GD, the detail cost itself."""
        return self.detail_cost(k)

    def velocity(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        step = self.theta(k, out=out)
        if k == 0:
            step[...] = 0.0
        else:
            step -= self.theta(k - 1)
        return step


class OneHotTrajectory(_LastStep):
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

    def _decay(self, k: int):
        """Factors by which the residual's zero-mean part and its mean have shrunk after k epochs."""
        # numpy floats: squaring a diverging factor gives inf (caught as divergence), not OverflowError
        return np.float64(pow1m(self.eta, k)), np.float64(pow1m(self.eta * (self.n + 1), k))

    def _mean_moved(self, k: int):
        """1 - the mean's factor, without cancellation: how far the bias has gone towards its limit."""
        return one_minus_pow1m(self.eta * (self.n + 1), k)

    def cost(self, k: int) -> np.ndarray:
        """Per-channel cost after k epochs, in O(channels)."""
        a, g = self._decay(k)
        with np.errstate(over="ignore", invalid="ignore"):
            return a * a * self.detail2 + g * g * self.mean2

    def distance(self, k: int) -> np.ndarray:
        """Per-channel distance |theta_k - theta*| to the optimum descent settles at (the minimum-norm
        one plus the start's null component, which never moves): the residual's zero-mean part is
        the weights' error, its mean r sits in the mean mode with norm |r| sqrt(n / (n + 1))."""
        a, g = self._decay(k)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(a * a * 2 * self.n * self.detail2 + g * g * self.rbar**2 * self.n / (self.n + 1))

    def distance_envelope(self, k: int) -> np.ndarray:
        """A per-channel bound on the distance at every epoch from k on: for GD, the distance itself."""
        return self.distance(k)

    def optimum_cost(self) -> np.ndarray:
        """Per-channel cost at the least-squares optimum: one weight per pixel fits exactly."""
        return np.zeros_like(self.rbar)

    def mean_error(self, k: int) -> np.ndarray:
        """Per-channel mean of the residual after k epochs: how much too bright (> 0) the picture is."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._decay(k)[1] * self.rbar

    def detail_cost(self, k: int) -> np.ndarray:
        """Per-channel cost of the residual's zero-mean part: the picture still missing."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._decay(k)[0] ** 2 * self.detail2

    def theta(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """Parameters (k, n + 1) after k epochs, bias column first, written into `out` if given."""
        a, g = self._decay(k)
        b = self.b0 - self.n * self.rbar * self._mean_moved(k) / (self.n + 1)
        if out is None:
            out = np.empty((self.y.shape[0], self.n + 1))
        out[:, 0] = b
        w = out[:, 1:]
        np.multiply(self.r0, a, out=w)
        w += ((g - a) * self.rbar - b)[:, None]
        w += self.y
        return out


class EigenTrajectory(_LastStep):
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

    def distance_envelope(self, k: int) -> np.ndarray:
        """A per-channel bound on the distance at every epoch from k on: for GD, the distance itself."""
        return self.distance(k)

    def _cost_at(self, z: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            j = 0.5 * np.sum(self.lam * z * z, axis=1) - np.sum(self.u * z, axis=1) + 0.5 * self.yy
        return np.maximum(j, 0.0)  # rounding can dip below zero at the optimum

    def mean_error(self, k: int) -> np.ndarray:
        """Per-channel mean of the residual after k epochs: how much too bright (> 0) the picture is."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._z(k) @ self.mean_row - self.ybar

    def detail_cost(self, k: int) -> np.ndarray:
        """Per-channel cost less the part due to the residual's mean (overall brightness)."""
        with np.errstate(over="ignore", invalid="ignore"):
            rbar = self._z(k) @ self.mean_row - self.ybar
            return np.maximum(self.cost(k) - 0.5 * rbar * rbar, 0.0)

    def theta(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """Parameters (k, d + 1) after k epochs, bias column first, written into `out` if given."""
        return np.matmul(self._z(k), self.v.T, out=out)


def momentum_step_limit(beta: float, nesterov: bool = False) -> float:
    """Supremum of the stable step alpha * lam for momentum beta in [0, 1) (stable iff 0 < step < it).

    Heavy ball: 2 (1 + beta); Nesterov: (2 + 2 beta) / (1 + 2 beta). Both are where a root of the
    recurrence reaches -1; beta = 0 gives GD's 2.
    """
    return (2.0 + 2.0 * beta) / (1.0 + 2.0 * beta) if nesterov else 2.0 * (1.0 + beta)


def momentum_damping(beta: float, step: np.ndarray, nesterov: bool = False) -> np.ndarray:
    """d in e_(k+1) = e_k - step e_k + d (e_k - e_(k-1)): beta for heavy ball, beta (1 - step) for
    Nesterov, whose gradient at theta + beta v shrinks the carried velocity too."""
    step = np.asarray(step, dtype=np.float64)
    return beta * (1.0 - step) if nesterov else np.full_like(step, beta)


class OneHotMomentumTrajectory(OneHotTrajectory):
    """Momentum (v = beta v - alpha grad, theta += v, from v = 0) on the one-hot design in closed form.

    The Gram matrix has three eigenvalues: 1 / n for the residual's zero-mean part, (n + 1) / n
    for its mean and 0 for a null direction that never moves, so each of the first two follows
    one scalar recurrence with step alpha / n and alpha (n + 1) / n: any epoch is still O(n).
    nesterov=True takes the gradient at theta + beta v instead.
    """

    def __init__(self, theta: np.ndarray, y: np.ndarray, learning_rate: float, beta: float,
                 nesterov: bool = False):
        super().__init__(theta, y, learning_rate)
        self.beta, self.nesterov = beta, nesterov
        self.step = np.array([self.eta, self.eta * (self.n + 1)])
        self.damping = momentum_damping(beta, self.step, nesterov)

    def _decay(self, k: int):
        a = second_order_power(self.damping, self.step, k)[0]
        return a[0], a[1]

    def _mean_moved(self, k: int):
        return self.step[1] * second_order_power(self.damping, self.step, k)[2][1]

    def envelope(self, k: int) -> np.ndarray:
        """Per-channel bound on the cost at every epoch from k on, non-increasing in k: each mode's
        |factor| replaced by numerics.second_order_envelope (exact where a mode does not oscillate)."""
        a, g = second_order_envelope(self.damping, self.step, k)
        with np.errstate(over="ignore", invalid="ignore"):
            return a * a * self.detail2 + g * g * self.mean2

    def detail_envelope(self, k: int) -> np.ndarray:
        """Per-channel bound on the detail cost from k on, non-increasing in k: the zero-mean mode's."""
        a = second_order_envelope(self.damping, self.step, k)[0]
        with np.errstate(over="ignore", invalid="ignore"):
            return a * a * self.detail2

    def distance_envelope(self, k: int) -> np.ndarray:
        """Per-channel bound on distance(j) for every j >= k, non-increasing in k."""
        a, g = second_order_envelope(self.damping, self.step, k)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(a * a * 2 * self.n * self.detail2 + g * g * self.rbar**2 * self.n / (self.n + 1))

    def velocity(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """The velocity theta_k - theta_(k-1) (k, n + 1) after k epochs, as optimizers.Momentum holds it."""
        _, w, _ = second_order_power(self.damping, self.step, k)
        detail, mean = -self.step * w  # each mode's velocity per unit of its starting error
        if out is None:
            out = np.empty((self.y.shape[0], self.n + 1))
        with np.errstate(over="ignore", invalid="ignore"):
            out[:, 0] = mean * self.n * self.rbar / (self.n + 1)
            np.multiply(self.r0, detail, out=out[:, 1:])
            out[:, 1:] += ((mean / (self.n + 1) - detail) * self.rbar)[:, None]
        return out


class EigenMomentumTrajectory(EigenTrajectory):
    """Momentum (v = beta v - alpha grad, theta += v, from v = 0) on a dense design in closed form.

    In the Gram matrix's eigenbasis each coordinate follows its own second-order recurrence with
    step alpha lam: z_k = z_0 - alpha f_k (lam z_0 - V^T c), f_k from numerics.second_order_power
    (alpha f_k is GD's f_k when beta = 0); lam = 0 directions coast exactly as iterating moves them.
    nesterov=True takes the gradient at theta + beta v instead.
    """

    def __init__(self, lam: np.ndarray, v: np.ndarray, theta: np.ndarray, c: np.ndarray, yy: np.ndarray,
                 learning_rate: float, beta: float, nesterov: bool = False):
        super().__init__(lam, v, theta, c, yy, learning_rate)
        self.beta, self.nesterov = beta, nesterov
        self.step = self.alpha * self.lam
        self.damping = momentum_damping(beta, self.step, nesterov)
        lam = np.where(self.moving, self.lam, 1.0)
        self.start = np.where(self.moving, self.z0 - self.u / lam, 0.0)  # error along settling directions

    def _z(self, k: int) -> np.ndarray:
        f = second_order_power(self.damping, self.step, k)[2]
        with np.errstate(over="ignore", invalid="ignore"):
            return self.z0 - self.alpha * f * self.e0

    def distance(self, k: int) -> np.ndarray:
        """Per-channel distance |theta_k - theta*| along the settling directions; not monotone."""
        a = second_order_power(self.damping, self.step, k)[0]
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(np.sum((a * self.start) ** 2, axis=1))

    def distance_envelope(self, k: int) -> np.ndarray:
        """Per-channel bound on distance(j) for every j >= k, non-increasing in k."""
        bound = second_order_envelope(self.damping, self.step, k)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(np.sum((bound * self.start) ** 2, axis=1))

    def envelope(self, k: int) -> np.ndarray:
        """Per-channel bound on the cost at every epoch from k on, non-increasing in k: the optimum's
        cost plus lam |e|^2 / 2 per settling direction with |e| bounded by numerics.second_order_envelope
        (exact where a direction does not oscillate; up to rounding of the cost near the optimum)."""
        bound = second_order_envelope(self.damping, self.step, k)
        with np.errstate(over="ignore", invalid="ignore"):
            return self.optimum_cost() + 0.5 * np.sum(self.lam * (bound * self.start) ** 2, axis=1)

    def detail_envelope(self, k: int) -> np.ndarray:
        """The whole envelope: a bound on the detail cost too (the mean is not split off here)."""
        return self.envelope(k)

    def velocity(self, k: int, out: np.ndarray | None = None) -> np.ndarray:
        """The velocity theta_k - theta_(k-1) (k, d + 1) after k epochs, as optimizers.Momentum holds it."""
        w = second_order_power(self.damping, self.step, k)[1]
        with np.errstate(over="ignore", invalid="ignore"):
            return np.matmul(-self.alpha * w * self.e0, self.v.T, out=out)
