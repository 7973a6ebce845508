"""Design matrices: the samples a linear model sees, with the bias column implied.

A design forms residuals X w + b - y and gradients X^T r without the caller caring
whether X is stored (Dense) or implicit (OneHot, the seed's one-hot pixel samples,
which would need n x (n + 1) numbers if built). Each design also owns what depends
on its structure: its closed-form GD trajectory, its least-squares solution, the
largest eigenvalues that bound stable learning rates, and its fastest GD and SGD epochs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np

from ..settings import SEED_LEARNING_RATE
from .numerics import linear_recurrence, settling
from .trajectories import EigenMomentumTrajectory, EigenTrajectory, OneHotMomentumTrajectory, OneHotTrajectory
from .tuning import one_hot_extremes, settling_extremes

Update = Callable[["Design", np.ndarray, np.ndarray, np.ndarray, float], None]


class Design:
    """What every design provides; OneHot and Dense are the two kinds."""

    n_samples: int
    n_features: int
    one_weight_per_sample = False  # X = I: sample i moves weight i alone
    feature_map = None  # the map of (x, y) a grid design was made from

    def residual_into(self, w: np.ndarray, b: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
        """out = X w + b - y for weights w (k, d), bias b (k,), targets y (k, m)."""
        raise NotImplementedError

    def dot(self, w: np.ndarray) -> np.ndarray:
        """X w for weights (k, d), giving (k, m)."""
        raise NotImplementedError

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r for residuals (k, m), giving (k, d)."""
        raise NotImplementedError

    @property
    def lambda_max(self) -> float:
        """Largest eigenvalue of the Gram matrix [1, X]^T [1, X] / m: GD is stable iff alpha < 2 / it."""
        raise NotImplementedError

    def batch_lambda_max(self, batch_size: int) -> float:
        """A bound on the largest eigenvalue of any SGD batch's own Gram matrix."""
        raise NotImplementedError

    def trajectory(self, theta: np.ndarray, y: np.ndarray, learning_rate: float, beta: float = 0.0,
                   nesterov: bool = False):
        """Batch GD (beta = 0) or momentum from theta (k, d + 1) at rest towards targets y (k, m),
        in closed form."""
        raise NotImplementedError

    def extremes(self) -> tuple[float, float]:
        """(lam_min, lam_max): the smallest settling and the largest eigenvalue of the Gram matrix,
        which set the best rates and how slow the slowest direction is."""
        raise NotImplementedError

    def least_squares(self, y: np.ndarray) -> np.ndarray:
        """Minimum-norm least-squares parameters (k, d + 1) for targets y (k, m): GD's limit from zero."""
        raise NotImplementedError

    def random_weights(self, rng: np.random.Generator, k: int) -> np.ndarray:
        """Random starting weights (k, d) for `--init random`."""
        raise NotImplementedError

    def default_learning_rate(self, max_stable: float) -> float:
        """The learning rate used when none is given, for an optimizer stable below `max_stable`."""
        return 0.5 * max_stable  # for batch GD 1 / lambda_max: no mode oscillates

    def descent(self, theta: np.ndarray, y: np.ndarray, learning_rate: float) -> DescentRun:
        """Batch gradient descent on theta in place, as a run for `training.descend`."""
        return DescentRun(self, theta, y, learning_rate, gradient_step)

    def sgd_epoch(self, theta: np.ndarray, y: np.ndarray, r: np.ndarray, order: np.ndarray,
                  learning_rate: float, batch_size: int) -> None:
        """One shuffled SGD pass in place: batches of `batch_size` samples in `order`, each
        stepping by learning_rate / |batch| times its summed gradient; r is the residual before it."""
        raise NotImplementedError


class DescentRun:
    """An optimizer running on a design: the residual of theta each epoch, then `update`.

    The protocol of `training.descend`: costs() gives the per-channel costs of the
    current state, step() moves one epoch on from it, finish() leaves theta final.
    """

    def __init__(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float,
                 update: Update):
        self.design, self.theta, self.y = design, theta, y
        self.learning_rate = learning_rate
        self.update = update
        self.r = np.empty_like(y)

    def costs(self) -> np.ndarray:
        self.design.residual_into(self.theta[:, 1:], self.theta[:, 0], self.y, self.r)
        return np.einsum("ij,ij->i", self.r, self.r) / (2 * self.y.shape[1])

    def step(self) -> None:
        self.update(self.design, self.theta, self.y, self.r, self.learning_rate)

    def finish(self) -> None:
        """theta is updated in place every epoch: nothing is left to do."""


def gradient_step(design: Design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
    """The seed's batch GD epoch: theta -= (alpha / m) [1, X]^T r."""
    eta = lr / y.shape[1]
    theta[:, 0] -= eta * r.sum(axis=1)
    g = design.transpose_dot(r)
    g *= eta
    theta[:, 1:] -= g


class OneHot(Design):
    """The implicit one-hot design of an n-pixel image: sample i is the unit vector e_i.

    X w is w itself and X^T r is r itself, so an epoch costs O(n) time and memory.
    """

    one_weight_per_sample = True

    def __init__(self, n: int):
        if int(n) != n or n < 1:
            raise ValueError(f"OneHot needs a positive pixel count, got {n!r}")
        self.n = int(n)

    n_samples = property(lambda self: self.n)
    n_features = property(lambda self: self.n)

    def __repr__(self) -> str:
        return f"OneHot({self.n})"

    def residual_into(self, w, b, y, out) -> None:
        np.add(w, b[:, None], out=out)
        out -= y

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r; for one-hot samples that is r itself (no copy)."""
        return r

    def dot(self, w: np.ndarray) -> np.ndarray:
        return w

    @property
    def lambda_max(self) -> float:
        """(n + 1) / n: the residual's mean direction, which the shared bias and every weight move."""
        return (self.n + 1) / self.n

    def batch_lambda_max(self, batch_size: int) -> float:
        """A batch of b pixels and the bias have lambda_max = (b + 1) / b; the smallest batch bounds it."""
        size = min(batch_size, self.n)
        smallest = min(size, self.n % size or size)
        return (smallest + 1) / smallest

    def trajectory(self, theta, y, learning_rate, beta=0.0, nesterov=False) -> OneHotTrajectory:
        if beta == 0 and not nesterov:
            return OneHotTrajectory(theta, y, learning_rate)
        return OneHotMomentumTrajectory(theta, y, learning_rate, beta, nesterov)

    def extremes(self) -> tuple[float, float]:
        return one_hot_extremes(self.n)

    def least_squares(self, y: np.ndarray) -> np.ndarray:
        """b = sum(y) / (n + 1), w = y - b: an exact fit of minimum norm, in O(n)."""
        theta = np.empty((y.shape[0], self.n + 1))
        theta[:, 0] = y.sum(axis=1) / (self.n + 1)
        theta[:, 1:] = y - theta[:, :1]
        return theta

    def random_weights(self, rng, k) -> np.ndarray:
        """Uniform noise in [0, 1): the first frame is a picture of noise."""
        return rng.random((k, self.n))

    def default_learning_rate(self, max_stable: float) -> float:
        return SEED_LEARNING_RATE

    def descent(self, theta, y, learning_rate) -> OneHotDescentRun:
        return OneHotDescentRun(theta, y, learning_rate)

    def sgd_epoch(self, theta, y, r, order, learning_rate, batch_size) -> None:
        """O(n), no loop per pixel: each weight is touched once per epoch, so only the shared
        bias carries state, b_j = (1 - alpha) b_(j-1) - (alpha / B) S_j, with S_j the sum over
        batch j of w_i - y_i: a linear recurrence."""
        lr = learning_rate
        b0 = theta[:, 0].copy()
        d = np.take(r, order, axis=1)
        d -= b0[:, None]  # w_i - y_i in visiting order, before the epoch
        n, size = d.shape[1], min(batch_size, d.shape[1])
        full = n // size * size  # samples in whole batches; a smaller last batch may follow
        sums = d[:, :full].reshape(d.shape[0], -1, size).sum(axis=2)
        biases = linear_recurrence(-(lr / size) * sums, 1.0 - lr, b0)  # b after each batch
        before = np.concatenate([b0[:, None], biases], axis=1)  # b seen by each batch
        b_end = before[:, -1].copy()
        step = d  # becomes each sample's residual when visited, then its update
        step[:, :full] += np.repeat(before[:, :-1], size, axis=1)
        step[:, :full] *= lr / size
        if full < n:
            step[:, full:] += b_end[:, None]
            b_end -= lr / (n - full) * step[:, full:].sum(axis=1)
            step[:, full:] *= lr / (n - full)
        back = np.empty_like(order)
        back[order] = np.arange(n)
        theta[:, 1:] -= np.take(step, back, axis=1)
        theta[:, 0] = b_end


class OneHotDescentRun:
    """Batch GD on the one-hot design with the residual as the state.

    Since X X^T = I, one epoch maps r to (1 - eta) r - eta * sum(r): three passes
    over r per epoch instead of rebuilding it from the weights; finish() recovers
    the weights once, w = r + y - b (also after an interruption or a divergence).
    """

    def __init__(self, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        self.theta, self.y = theta, y
        self.eta = learning_rate / y.shape[1]
        self.b = theta[:, 0]
        self.r = theta[:, 1:] + self.b[:, None]
        self.r -= y

    def costs(self) -> np.ndarray:
        return np.einsum("ij,ij->i", self.r, self.r) / (2 * self.y.shape[1])

    def step(self) -> None:
        step = self.eta * np.einsum("ij->i", self.r)
        self.b -= step
        self.r *= 1.0 - self.eta
        self.r -= step[:, None]

    def finish(self) -> None:
        np.add(self.r, self.y, out=self.theta[:, 1:])
        self.theta[:, 1:] -= self.b[:, None]


class Dense(Design):
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

    def residual_into(self, w, b, y, out) -> None:
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

    def moments(self, y: np.ndarray) -> np.ndarray:
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

    @property
    def lambda_max(self) -> float:
        return float(self.eigen[0][-1])

    @cached_property
    def _largest_sample_norm2(self) -> float:
        block = max(1, (1 << 20) // max(self.n_features, 1))
        return max(float(np.einsum("ij,ij->i", x, x).max())
                   for x in (self.rows(np.arange(i, min(i + block, self.n_samples)))
                             for i in range(0, self.n_samples, block)))

    def batch_lambda_max(self, batch_size: int) -> float:
        """1 + max |x_i|^2, the largest single sample's: a safe bound for any batch size."""
        return 1.0 + self._largest_sample_norm2

    def trajectory(self, theta, y, learning_rate, beta=0.0, nesterov=False) -> EigenTrajectory:
        yy = np.einsum("ij,ij->i", y, y) / self.n_samples
        lam, v = self.eigen
        if beta == 0 and not nesterov:
            return EigenTrajectory(lam, v, theta, self.moments(y), yy, learning_rate)
        return EigenMomentumTrajectory(lam, v, theta, self.moments(y), yy, learning_rate, beta, nesterov)

    def extremes(self) -> tuple[float, float]:
        return settling_extremes(self.eigen[0])

    def least_squares(self, y: np.ndarray) -> np.ndarray:
        """Through the Gram matrix's eigenbasis; directions indistinguishable from zero stay at zero."""
        c = self.moments(np.asarray(y, dtype=np.float64))
        lam, v = self.eigen
        moving = settling(lam)
        z = np.where(moving, c @ v, 0.0) / np.where(moving, lam, 1.0)
        return z @ v.T

    def random_weights(self, rng, k) -> np.ndarray:
        """Uniform in +-0.5 / sqrt(d): small, so the first frame is not swamped by many features."""
        return (rng.random((k, self.n_features)) - 0.5) / np.sqrt(self.n_features)

    def sgd_epoch(self, theta, y, r, order, learning_rate, batch_size) -> None:
        for start in range(0, order.size, batch_size):
            rows = order[start:start + batch_size]
            xb = self.rows(rows)
            rb = xb @ theta[:, 1:].T + theta[:, 0] - y[:, rows].T  # (B, k)
            eta = learning_rate / rows.size
            theta[:, 0] -= eta * rb.sum(axis=0)
            theta[:, 1:] -= eta * (rb.T @ xb)


def as_design(samples) -> Design:
    """Accept a design, or any 2-D array-like of samples (as a Dense design); 1-D means one feature."""
    if isinstance(samples, Design):
        return samples
    x = np.asarray(samples)
    return Dense(x[:, None] if x.ndim == 1 else x)
