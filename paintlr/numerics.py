"""Numerical building blocks with no knowledge of models: powers, searches, scans, losses.

Every other module of paintlr may import this one; it imports nothing of paintlr.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


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


def settling(lam: np.ndarray) -> np.ndarray:
    """Which eigenvalues (ascending) are distinguishable from zero: the directions GD settles along."""
    return lam > lam[-1] * lam.size * np.finfo(np.float64).eps


def linear_recurrence(u: np.ndarray, c: float, start: np.ndarray, block: int = 64) -> np.ndarray:
    """x_t = c x_(t-1) + u_t along the last axis, x_(-1) = start: in O(n), no Python loop per step.

    The sequence is cut into blocks of `block` steps, laid out so that step i of
    every block is one contiguous row; the blocks are solved together by doubling
    (log2(block) vector passes), then the carries between blocks, a recurrence
    n / block long, are solved the same way and added back.
    """
    if u.shape[1] == 0:
        return u.copy()
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging c overflows: caught as divergence
        return _blocked_recurrence(u, c, start, block)


def _blocked_recurrence(u: np.ndarray, c: float, start: np.ndarray, block: int) -> np.ndarray:
    k, t = u.shape
    nb = -(-t // block)
    flat = np.zeros((k, nb * block))
    flat[:, :t] = u
    flat[:, 0] += c * start
    x = np.ascontiguousarray(flat.reshape(k, nb, block).transpose(0, 2, 1))  # (k, block, nb)
    _doubling_scan(x, c, axis=1)
    if nb > 1:
        carries = x[:, -1, :].copy()  # (k, nb): each block's end, from a zero start
        _doubling_scan(carries, np.float64(c) ** block, axis=1)
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


def exp_minus_abs(z: np.ndarray) -> np.ndarray:
    """exp(-|z|), the one exponential both the sigmoid and the log-loss need; never overflows."""
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        return np.exp(-np.abs(z))


def sigmoid(z: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow; pass e = exp_minus_abs(z) if already at hand."""
    z = np.asarray(z, dtype=np.float64)
    e = exp_minus_abs(z) if e is None else e
    return np.where(z < 0, e, 1.0) / (1.0 + e)


def softplus(t: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    """log(1 + exp(t)) = max(t, 0) + log1p(exp(-|t|)), finite for any t; e = exp_minus_abs(t) if at hand."""
    t = np.asarray(t, dtype=np.float64)
    e = exp_minus_abs(t) if e is None else e
    return np.maximum(t, 0.0) + np.log1p(e)


def label_signs(y: np.ndarray) -> np.ndarray:
    """-1 where a 0/1 label is 1, +1 where it is 0: the cross-entropy of logit z is softplus(sign z)."""
    return np.where(np.asarray(y, dtype=bool), -1.0, 1.0)


def log_loss(z: np.ndarray, y: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    """Per-sample cross-entropy of logits z against 0/1 labels y, computed from the logits."""
    return softplus(np.asarray(z, dtype=np.float64) * label_signs(y), e)


def psnr(cost: float) -> float:
    """PSNR in dB of a least-squares cost J = MSE / 2 for values in [0, 1]."""
    return float("inf") if cost <= 0 else float(10.0 * np.log10(1.0 / (2.0 * cost)))
