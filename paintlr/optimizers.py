"""Optimizers: one epoch of batch GD, heavy-ball momentum, or (mini-batch) SGD.

Each takes the residual r = X w + b - y of the state before the epoch (the
engine computes it anyway, for the cost) and updates theta (k, d + 1) in place.
"""

from __future__ import annotations

import numpy as np

from .designs import OneHot

OPTIMIZERS = ("gd", "sgd", "momentum")


class GradientDescent:
    """The seed's batch gradient descent: theta -= (alpha / m) X^T r."""

    name = "gd"
    has_closed_form = True

    def step(self, design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
        eta = lr / y.shape[1]
        theta[:, 0] -= eta * r.sum(axis=1)
        g = design.transpose_dot(r)
        g *= eta
        theta[:, 1:] -= g

    def max_stable_learning_rate(self, design) -> float:
        return design.max_stable_learning_rate()


class Momentum:
    """Heavy-ball GD: v = beta v - alpha grad J; theta += v. The velocity lasts across calls."""

    name = "momentum"
    has_closed_form = False

    def __init__(self, beta: float = 0.9):
        if not 0 <= beta < 1:
            raise ValueError(f"momentum must be in [0, 1), got {beta!r}")
        self.beta = beta
        self.velocity: np.ndarray | None = None

    def step(self, design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
        if self.velocity is None or self.velocity.shape != theta.shape:
            self.velocity = np.zeros_like(theta)
        v, eta = self.velocity, lr / y.shape[1]
        v *= self.beta
        v[:, 0] -= eta * r.sum(axis=1)
        g = design.transpose_dot(r)
        g *= eta
        v[:, 1:] -= g
        theta += v

    def max_stable_learning_rate(self, design) -> float:
        """Heavy ball on a quadratic is stable iff alpha lambda_max < 2 (1 + beta)."""
        return (1 + self.beta) * design.max_stable_learning_rate()


class StochasticGD:
    """SGD over a fresh shuffle each epoch; batch_size > 1 averages the gradient of a batch.

    The step for a batch B is (alpha / |B|) * sum of its per-sample gradients, so a
    batch of every sample is batch gradient descent.
    """

    name = "sgd"
    has_closed_form = False

    def __init__(self, batch_size: int = 1, rng: np.random.Generator | None = None):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.rng = rng if rng is not None else np.random.default_rng()

    def step(self, design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
        order = self.rng.permutation(y.shape[1])
        if isinstance(design, OneHot):
            self._one_hot_epoch(theta, r, order, lr)
        else:
            self._dense_epoch(design, theta, y, order, lr)

    def _one_hot_epoch(self, theta: np.ndarray, r: np.ndarray, order: np.ndarray, lr: float) -> None:
        """O(n), no loop per pixel: each weight is touched once per epoch, so only the
        shared bias carries state, b_j = (1 - alpha) b_(j-1) - (alpha / B) S_j, with S_j
        the sum over batch j of w_i - y_i (DESIGN.md section 5): a linear recurrence."""
        b0 = theta[:, 0].copy()
        d = np.take(r, order, axis=1)
        d -= b0[:, None]  # w_i - y_i in visiting order, before the epoch
        n, size = d.shape[1], self.batch_size
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

    def _dense_epoch(self, design, theta, y, order, lr) -> None:
        for start in range(0, order.size, self.batch_size):
            rows = order[start:start + self.batch_size]
            xb = design.rows(rows)
            rb = xb @ theta[:, 1:].T + theta[:, 0] - y[:, rows].T  # (B, k)
            eta = lr / rows.size
            theta[:, 0] -= eta * rb.sum(axis=0)
            theta[:, 1:] -= eta * (rb.T @ xb)

    def max_stable_learning_rate(self, design) -> float:
        """Each step must contract on its own batch: alpha < 2 / lambda_max of the batch's Gram.

        One-hot: a batch of b pixels and the bias have lambda_max = (b + 1) / b, so the
        limit is 2b / (b + 1) for the smallest batch (per-sample SGD: 1; a batch of all n
        pixels: batch GD's 2n / (n + 1)). Dense: a safe bound, 2 / max(1 + |x_i|^2).
        """
        if isinstance(design, OneHot):
            n, size = design.n, min(self.batch_size, design.n)
            smallest = min(size, n % size or size)
            return 2.0 * smallest / (smallest + 1)
        block = max(1, (1 << 20) // max(design.n_features, 1))
        largest = max(float(np.einsum("ij,ij->i", x, x).max())
                      for x in (design.rows(np.arange(i, min(i + block, design.n_samples)))
                                for i in range(0, design.n_samples, block)))
        return 2.0 / (1.0 + largest)


def linear_recurrence(u: np.ndarray, c: float, start: np.ndarray, block: int = 64) -> np.ndarray:
    """x_t = c x_(t-1) + u_t along the last axis, x_(-1) = start: in O(n), no Python loop per step.

    The sequence is cut into blocks of `block` steps, laid out so that step i of
    every block is one contiguous row; the blocks are solved together by doubling
    (log2(block) vector passes), then the carries between blocks, a recurrence
    n / block long, are solved the same way and added back.
    """
    k, t = u.shape
    if t == 0:
        return u.copy()
    nb = -(-t // block)
    flat = np.zeros((k, nb * block))
    flat[:, :t] = u
    flat[:, 0] += c * start
    x = np.ascontiguousarray(flat.reshape(k, nb, block).transpose(0, 2, 1))  # (k, block, nb)
    _doubling_scan(x, c, axis=1)
    if nb > 1:
        carries = x[:, -1, :].copy()  # (k, nb): each block's end, from a zero start
        _doubling_scan(carries, c**block, axis=1)
        powers = c ** np.arange(1, block + 1, dtype=np.float64)
        x[:, :, 1:] += powers[None, :, None] * carries[:, None, :-1]
    return x.transpose(0, 2, 1).reshape(k, nb * block)[:, :t]


def _doubling_scan(x: np.ndarray, c: float, axis: int) -> None:
    """In place along `axis`: x_t <- sum_s c^s x_(t-s) (Hillis-Steele doubling)."""
    y = np.moveaxis(x, axis, 0)
    shift, p = 1, c
    while shift < y.shape[0] and abs(p) > 1e-300:  # smaller powers only add denormals
        y[shift:] += p * y[:-shift]
        shift, p = 2 * shift, p * p


def make_optimizer(name: str, *, batch_size: int = 1, momentum: float = 0.9,
                   rng: np.random.Generator | None = None):
    """The optimizer called `name`: 'gd', 'sgd' or 'momentum'."""
    if name == "gd":
        return GradientDescent()
    if name == "momentum":
        return Momentum(momentum)
    if name == "sgd":
        return StochasticGD(batch_size, rng)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")
