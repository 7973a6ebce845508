"""Numerical building blocks with no knowledge of models: powers, searches, scans, losses.

Every other module of paintlr may import this one; it imports nothing of paintlr.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

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


def least_squares(phi: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Minimum-norm theta minimising |phi theta - y| (phi (m, p), y (m,)), and the smallest non-zero
    eigenvalue of phi^T phi / m, both accurate whatever the scales of phi's columns.

    The SVD is of phi with its columns scaled to unit norm (Gram-matrix eigenvalues and an unscaled
    SVD lose the small directions of x ~ 1e9 beside a bias column); the null directions that scaling
    leaves are projected out in phi's own units, so a rank-deficient phi gives GD's limit from zero.
    """
    phi, y = np.asarray(phi, dtype=np.float64), np.asarray(y, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->j", phi, phi))
    norms = np.where(norms > 0, norms, 1.0)
    u, s, vt = np.linalg.svd(phi / norms, full_matrices=False)
    rank = max(1, int(np.sum(s > s[0] * max(phi.shape) * np.finfo(np.float64).eps)))
    theta = vt[:rank].T @ (u[:, :rank].T @ y / s[:rank]) / norms
    if rank < phi.shape[1]:
        null = np.linalg.qr(vt[rank:].T / norms[:, None])[0]
        theta -= null @ (null.T @ theta)
    inverse_root = vt[:rank].T / s[:rank] / norms[:, None]  # B with B B^T = (phi^T phi)^+ at full rank
    return theta, float(1.0 / (phi.shape[0] * np.linalg.norm(inverse_root, 2) ** 2))


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


class _SecondOrder(NamedTuple):
    """What e_(k+1) = (1 + d - s) e_k - d e_(k-1) needs for any k, per (d, s): see second_order_power."""

    d: np.ndarray
    s: np.ndarray
    under: np.ndarray  # complex roots: rho^k times a rotation
    # under-damped: rho = sqrt(d), log(rho), phase phi as min(phi, pi - phi) (flip: the latter),
    # root = 2 rho sin(phi) = sqrt(4 d - trace^2)
    log_rho: np.ndarray
    phi: np.ndarray
    flip: np.ndarray
    root: np.ndarray
    # over-damped: the root r1 of largest modulus, u1 = 1 - r1, u2 = 1 - r2, x = r2 / r1, 1 - x
    r1: np.ndarray
    log_r1: np.ndarray  # log |r1|
    u1: np.ndarray
    u2: np.ndarray
    x: np.ndarray
    gap: np.ndarray


def _second_order_parts(d, s) -> _SecondOrder:
    """Roots of r^2 - (1 + d - s) r + d from (d, s) without cancellation (see second_order_power)."""
    d, s = np.broadcast_arrays(np.asarray(d, dtype=np.float64), np.asarray(s, dtype=np.float64))
    with np.errstate(all="ignore"):
        trace = (1.0 - s) + d
        g = (1.0 - d) / (1.0 + np.sqrt(np.maximum(d, 0.0)))  # 1 - sqrt(d), exact-ish when d is near 1
        # the polynomial at -1, 2 + 2d - s, as an unevaluated sum hi + lo (two error-free sums)
        one_d = 1.0 + d
        hi = 2.0 * one_d - s
        back = hi - 2.0 * one_d
        lo = (2.0 * one_d - (hi - back)) + (-s - back) + 2.0 * (d - (one_d - 1.0))
        at_minus_one = hi + lo
        # 2 sqrt(d) -+ trace, small near critical damping: s - (1 - sqrt d)^2, (1 + sqrt d)^2 - s
        m = s - g * g
        p = (hi - g * g) + lo
        disc = np.where(d >= 0, -m * p, trace * trace - 4.0 * d)
        under = disc < 0
        # over-damped: the dominant root sits near +1 (trace >= 0) or near -1; its distance from
        # there is the smaller root of a quadratic whose constant term is the polynomial at +-1
        sq = np.sqrt(np.maximum(disc, 0.0))
        b = (1.0 - d) + s  # u^2 - b u + s = 0 for u = 1 - r
        u_small = np.where(b > 0, 2.0 * s / (b + sq), 0.5 * (b - sq))
        c = 2.0 + trace  # v^2 - c v + at_minus_one = 0 for v = 1 + r
        v_small = np.where(c > 0, 2.0 * at_minus_one / (c + sq), 0.5 * (c - sq))
        neg = trace < 0
        direct = 0.5 * (np.abs(trace) + sq)  # |r1| without cancellation, accurate where |r1| is small
        near = np.where(neg, v_small, u_small)  # 1 - |r1|, accurate where |r1| is near 1
        size = np.where(direct < 0.5, direct, 1.0 - near)
        log_r1 = np.where(direct < 0.5, np.log(direct), np.log1p(-near))
        r1 = np.where(neg, -size, size)
        u1 = np.where(neg | (direct < 0.5), 1.0 - r1, u_small)
        u2 = np.where(neg, 1.0 - d / r1, 0.5 * (b + sq))
        x = np.where(r1 == 0, 0.0, d / (r1 * r1))  # r1 = 0: both roots are 0
        gap = np.where(x > 0.5, sq / size, 1.0 - x)
        log_rho = 0.5 * np.where(d > 0.5, np.log1p(d - 1.0), np.log(d))
        flip = p < m  # phi > pi / 2: keep pi - phi, small near the critical damping at -1
        phi = 2.0 * np.where(flip, np.arctan2(np.sqrt(p), np.sqrt(m)), np.arctan2(np.sqrt(m), np.sqrt(p)))
        root = np.sqrt(m * p)
    return _SecondOrder(d, s, under, log_rho, phi, flip, root, r1, log_r1, u1, u2, x, gap)


def _geometric(q: _SecondOrder, n: int) -> np.ndarray:
    """G_n = 1 + x + ... + x^(n - 1) for the ratio x = r2 / r1 of the over-damped roots."""
    if n == 0:
        return np.zeros_like(q.x)
    with np.errstate(all="ignore"):
        magnitude = np.exp(n * np.log(np.abs(q.x)))
        power = np.where(q.x < 0, -magnitude, magnitude) if n % 2 else magnitude
        direct = (1.0 - power) / (1.0 - q.x)  # no cancellation: x <= 1/2
        near = -np.expm1(n * np.log1p(-q.gap)) / q.gap  # x near 1: 1 - x^n through log1p
    return np.where(q.x > 0.5, np.where(q.gap == 0, float(n), near), direct)


def _signed_power(q: _SecondOrder, n: int) -> np.ndarray:
    """r1^n of the dominant over-damped root, from log|r1| (no error growing with n)."""
    with np.errstate(all="ignore"):
        magnitude = np.where(n == 0, 1.0, np.exp(n * q.log_r1))
    return np.where((q.r1 < 0) & bool(n % 2), -magnitude, magnitude)


def second_order_power(d: np.ndarray | float, s: np.ndarray | float,
                       k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epoch k of e_(k+1) = e_k - s e_k + d (e_k - e_(k-1)) from rest (e_0 = 1, e_(-1) = 1), in closed form.

    This is heavy-ball momentum (d = beta) or Nesterov (d = beta (1 - s)) along one eigen-direction,
    s = learning rate * eigenvalue: the k-th power of the 2 x 2 companion matrix, for any k at O(1)
    cost, vectorised over arrays d and s. Returns (a, w, f):
      a = e_k; w = W_k = (r1^k - r2^k) / (r1 - r2) (the velocity e_k - e_(k-1) is -s w, and a start
      velocity v_0 would add d w v_0 to e_k); f = (1 - a) / s = w_1 + ... + w_k, finite at s = 0.
    Taking (d, s) rather than the trace 1 + d - s keeps a slow mode's small s exact. Over-damped
    roots come from the polynomial at +-1 (no cancellation) and powers from log|r1| (k = 10^9
    costs no accuracy); complex roots as rho^k (cos k phi + c sin k phi / sin phi) with phi from
    products that vanish at critical damping; near it, both forms tend to k r^k without 0 / 0.
    Divergent settings give inf, never a warning.
    """
    k = int(k)
    q = _second_order_parts(d, s)
    if k == 0:
        return np.ones_like(q.d), np.zeros_like(q.d), np.zeros_like(q.d)
    with np.errstate(all="ignore"):
        # over-damped: a_k = r1^k (r1 + u1 G_(k+1)), W_k = r1^(k-1) G_k,
        # 1 - a_k = (1 - r1^k) - u1 r1^k x G_k, and s = u1 u2
        before, now = _signed_power(q, k - 1), _signed_power(q, k)
        g_k, g_next = _geometric(q, k), _geometric(q, k + 1)
        a_over = now * (q.r1 + q.u1 * g_next)
        w_over = before * g_k
        moved = np.where(q.r1 < 0, (1.0 - now) / q.u1,
                         np.where(q.u1 == 0, float(k), one_minus_pow1m(q.u1, k) / q.u1))
        f_over = (moved - now * q.x * g_k) / q.u2
        # under-damped: rho^k (cos k phi + (1 - d - s) sin k phi / root), root = 2 rho sin phi
        rho_k = np.exp(k * q.log_rho)
        turn = k * q.phi  # cos(k (pi - phi)) = (-1)^k cos(k phi), sin(...) = (-1)^(k + 1) sin(k phi)
        cosine = np.where(q.flip & bool(k % 2), -np.cos(turn), np.cos(turn))
        sine = np.where(q.flip & (k % 2 == 0), -np.sin(turn), np.sin(turn)) / q.root
        a_under = rho_k * (cosine + ((1.0 - q.d) - q.s) * sine)
        w_under = 2.0 * rho_k * sine
        # 1 - a_k = 2 rho^k sin^2(k phi / 2) + 2 sin^2(phi / 2) rho^k U
        #           + (1 - rho) (sum_(i<k) rho^i - rho^k U),   U = sin k phi / sin phi = 2 rho sine:
        # early on (a near 1) no term cancels the others
        g = (1.0 - q.d) / (1.0 + np.exp(q.log_rho))  # 1 - rho
        chebyshev = 2.0 * np.exp(q.log_rho) * sine
        sums = -np.expm1(k * q.log_rho) / g
        early = (2.0 * rho_k * np.sin(0.5 * turn) ** 2 + 2.0 * np.sin(0.5 * q.phi) ** 2 * rho_k * chebyshev
                 + g * (sums - rho_k * chebyshev))
        f_under = np.where(q.flip, 1.0 - a_under, early) / q.s
        a = np.where(q.under, a_under, a_over)
        w = np.where(q.under, w_under, w_over)
        f = np.where(q.under, f_under, f_over)
        broken = np.isnan(q.d) | np.isnan(q.s)
    return tuple(np.where(np.isnan(v) & ~broken, np.inf, v) for v in (a, w, f))


def second_order_envelope(d: np.ndarray | float, s: np.ndarray | float, k: int) -> np.ndarray:
    """An upper bound on |a_j| for every j >= k, non-increasing in k (a as in second_order_power).

    Momentum's error is not monotone, so frames and stopping rules plan on this instead. Where the
    roots are real and non-negative, a_k itself never rises and is returned. Otherwise the smaller
    of two bounds, each non-increasing: the oscillation's amplitude times |root|^k, and the running
    maximum of |root|^j (alpha + slope j), which bounds the linear growth of (nearly) critical
    damping and equals a_k at exact critical damping. Unstable settings give inf.
    """
    k = int(k)
    q = _second_order_parts(d, s)
    a = second_order_power(d, s, k)[0]
    with np.errstate(all="ignore"):
        # over-damped: a_j = r1^j (r1 + u1 G_(j+1)); G_n rises to 1 / (1 - x) if x >= 0, and
        # alternates about it by |x|^n / (1 - x) if x < 0
        limit = q.r1 + q.u1 / q.gap
        over_scale = np.where(q.x < 0, np.abs(limit) + np.abs(q.u1 * np.abs(q.x) ** (k + 1) / q.gap),
                              np.maximum(1.0, np.abs(limit)))
        scale = np.where(q.under, np.hypot(1.0, ((1.0 - q.d) - q.s) / q.root), over_scale)
        log_size = np.where(q.under, q.log_rho, q.log_r1)
        amplitude = scale * np.exp(k * log_size)
        # |a_j| <= size^j (alpha + slope j): under-damped |sin j phi / sin phi| <= j; over-damped G_j <= j
        alpha = np.where(q.under, 1.0, np.abs(q.r1) + np.abs(q.u1))
        slope = np.where(q.under, np.abs((1.0 - q.d) - q.s) / np.exp(q.log_rho) / 2.0, np.abs(q.u1))
        slope = np.where(~q.under & (q.x < 0), np.inf, slope)  # G_j <= 1 there: the amplitude suffices
        peak = -1.0 / log_size - alpha / slope  # where size^j (alpha + slope j) is largest
        j = np.maximum(float(k), np.nan_to_num(peak, nan=float(k), neginf=float(k)))
        growth = np.exp(j * log_size) * (alpha + slope * j)
        bound = np.fmin(amplitude, growth)
        monotone = ~q.under & (q.r1 >= 0) & (q.x >= 0)
        stable = (log_size < 0) | ((q.s == 0) & (np.abs(q.d) < 1))  # s = 0: never moves
        out = np.where(monotone, a, bound)
    return np.where(stable & ~np.isnan(out), out, np.inf)
