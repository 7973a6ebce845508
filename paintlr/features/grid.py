"""The design of a feature map on a pixel grid, kept as its axis factors instead of its h w x d matrix."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..core.designs import Dense

Factors = list[tuple[np.ndarray, np.ndarray]]  # [(P_t (w, d), Q_t (h, d))]: phi = sum_t P_t(x) * Q_t(y)


class GridDesign(Dense):
    """The design of a feature map on an h x w pixel grid, kept as its axis factors.

    Memory is O((h + w) d) instead of O(h w d); X w and X^T r are a matrix product per
    channel, and the Gram matrix is a sum of Hadamard products of the axis factors' Gram
    matrices, O((h + w) d^2) instead of O(h w d^2). All in float64. `x` builds X on demand.
    """

    def __init__(self, factors: Factors, h: int, w: int):
        self.h, self.w = int(h), int(w)
        self.p = np.hstack([p for p, _ in factors])  # (w, T d): the T terms side by side
        self.q = np.hstack([q for _, q in factors])  # (h, T d)
        self.terms = len(factors)
        if self.p.shape[0] != self.w or self.q.shape[0] != self.h:
            raise ValueError("factor rows must match the grid's width and height")

    n_samples = property(lambda self: self.h * self.w)
    n_features = property(lambda self: self.p.shape[1] // self.terms)

    def __repr__(self) -> str:
        return f"GridDesign({self.h} x {self.w} pixels, {self.n_features} features)"

    @cached_property
    def x(self) -> np.ndarray:
        """The explicit (h w, d) float64 matrix, built once on first use: h w d numbers."""
        full = self.q[:, None, :] * self.p[None, :, :]
        return full.reshape(self.n_samples, self.terms, self.n_features).sum(axis=1)

    def rows(self, index: np.ndarray) -> np.ndarray:
        """Samples X[index], shape (len(index), d), from the factors: no h w x d matrix."""
        i, j = np.divmod(np.asarray(index), self.w)
        full = self.q[i] * self.p[j]
        return full.reshape(-1, self.terms, self.n_features).sum(axis=1)

    def dot(self, w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """X w for weights (k, d), giving (k, h w): Q diag(w) P^T for each channel."""
        w = np.asarray(w, dtype=np.float64)
        k = w.shape[0]
        scaled = self.q[None, :, :] * np.tile(w, self.terms)[:, None, :]  # (k, h, T d)
        image = scaled.reshape(k * self.h, -1) @ self.p.T
        if out is None:
            return image.reshape(k, self.n_samples)
        out[...] = image.reshape(k, self.n_samples)
        return out

    def transpose_dot(self, r: np.ndarray) -> np.ndarray:
        """X^T r for residuals (k, h w), giving (k, d): the diagonal of Q^T R P per channel."""
        r = np.asarray(r, dtype=np.float64)
        k = r.shape[0]
        rp = (r.reshape(k * self.h, self.w) @ self.p).reshape(k, self.h, -1)
        full = np.einsum("khj,hj->kj", rp, self.q)
        return full.reshape(k, self.terms, self.n_features).sum(axis=1)

    @cached_property
    def gram(self) -> np.ndarray:
        """G = Phi^T Phi / m with Phi = [1, X], from the axis factors' own Gram matrices."""
        d, m = self.n_features, self.n_samples
        g = np.empty((d + 1, d + 1))
        block = g[1:, 1:]
        block[...] = 0.0
        for t in range(self.terms):
            pt, qt = self._term(t)
            for s in range(self.terms):
                ps, qs = self._term(s)
                block += (pt.T @ ps) * (qt.T @ qs)
        sums = sum(self._term(t)[0].sum(axis=0) * self._term(t)[1].sum(axis=0)
                   for t in range(self.terms))
        g[0, 1:] = g[1:, 0] = sums
        g[0, 0] = m
        return g / m

    @cached_property
    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """As Dense.eigen, but orthogonal features (G diagonal up to rounding) skip the O(d^3) eigh."""
        g = self.gram
        diag = g.diagonal().copy()
        if np.abs(g - np.diag(diag)).max() > 1e-12 * diag.max():
            return Dense.eigen.func(self)
        order = np.argsort(diag, kind="stable")
        v = np.zeros_like(g)
        v[order, np.arange(order.size)] = 1.0
        return np.clip(diag[order], 0.0, None), v

    def _term(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        cols = slice(t * self.n_features, (t + 1) * self.n_features)
        return self.p[:, cols], self.q[:, cols]
