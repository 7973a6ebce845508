"""Feature maps of pixel coordinates: linear regression that paints from (x, y) alone.

A point is (x, y) in the unit square: the image's long side spans [0, 1] and the short
side is centred in it, so a model trained on one grid can be drawn on any other.
Every map here factors over the two axes, phi_j(x, y) = sum_t P_t(x)_j * Q_t(y)_j, which
lets a pixel grid's design (`GridDesign`) skip storing its h w x d matrix.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..core.designs import Dense
from ..core.pixels import as_image
from ..errors import OptionError
from ..settings import DEGREE, FEATURES, MAX_DEGREE, MAX_N_FEATURES, N_FEATURES, SIGMA

Factors = list[tuple[np.ndarray, np.ndarray]]



def pixel_axes(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre x (w,) and y (h,) coordinates: long side spans [0, 1], short side centred."""
    if int(h) != h or int(w) != w or h < 1 or w < 1:
        raise ValueError(f"grid size must be positive integers, got {h} x {w}")
    s = max(h, w)
    xs = (np.arange(w) + 0.5 + (s - w) / 2) / s
    ys = (np.arange(h) + 0.5 + (s - h) / 2) / s
    return xs, ys


def pixel_points(h: int, w: int) -> np.ndarray:
    """Pixel-centre (x, y) points, shape (h * w, 2), in the row-major order of image.reshape."""
    xs, ys = pixel_axes(h, w)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def extents(aspect: float) -> tuple[float, float]:
    """Width and height of an image of height / width `aspect` inside the unit square."""
    if not aspect > 0 or not np.isfinite(aspect):
        raise ValueError(f"aspect (height / width) must be positive, got {aspect!r}")
    return (1.0, float(aspect)) if aspect <= 1 else (1.0 / aspect, 1.0)


def image_coordinates(xs, ys, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of the unit square in the frame of an image of that aspect: [0, 1] along each side."""
    width, height = extents(aspect)
    x = (np.asarray(xs, dtype=np.float64) - 0.5) / width + 0.5
    y = (np.asarray(ys, dtype=np.float64) - 0.5) / height + 0.5
    return x, y


class FeatureMap:
    """A fixed map from (x, y) points to d features; the model adds the bias itself."""

    n_features: int

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        """Axis factors [(P_t (len(xs), d), Q_t (len(ys), d))] with phi = sum_t P_t * Q_t."""
        raise NotImplementedError

    def transform(self, points: np.ndarray) -> np.ndarray:
        """Features of any (x, y) points (m, 2), shape (m, d), float64."""
        p = np.asarray(points, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"points must have shape (m, 2), got {p.shape}")
        out = np.zeros((p.shape[0], self.n_features))
        step = max(1, (1 << 20) // self.n_features)  # bounds the temporaries to a few MB
        for i in range(0, p.shape[0], step):
            rows = slice(i, i + step)
            for px, qy in self.factors(p[rows, 0], p[rows, 1]):
                out[rows] += px * qy
        return out

    def design(self, h: int, w: int) -> GridDesign:
        """The design of an h x w pixel grid, samples in row-major pixel order."""
        design = GridDesign(self.factors(*pixel_axes(h, w)), h, w)
        design.feature_map = self
        return design


class XYFeatures(FeatureMap):
    """The raw coordinates (x, y): regression on them alone can only paint a colour plane."""

    n_features = 2

    def __repr__(self) -> str:
        return "XYFeatures()"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        ones_x, ones_y = np.ones_like(xs), np.ones_like(ys)
        return [(np.column_stack([xs, ones_x]), np.column_stack([ones_y, ys]))]


def legendre(u: np.ndarray, degree: int) -> np.ndarray:
    """Legendre polynomials P_0..P_degree at u, shape (len(u), degree + 1), by recurrence."""
    out = np.empty((u.size, degree + 1))
    out[:, 0] = 1.0
    if degree >= 1:
        out[:, 1] = u
    for n in range(1, degree):
        out[:, n + 1] = ((2 * n + 1) * u * out[:, n] - n * out[:, n - 1]) / (n + 1)
    return out


class PolynomialFeatures(FeatureMap):
    """Every polynomial in (x, y) of total degree 1..degree, as products of Legendre polynomials.

    P_a(x') P_b(y'), with x', y' spanning [-1, 1] across an image of the given aspect
    (height / width), spans the same space as the monomials x^a y^b but is far better
    conditioned; |P_a| <= 1 with mean square 1 / (2a + 1), so low degrees have the larger
    eigenvalues and gradient descent fits the smooth shape first.
    """

    def __init__(self, degree: int = 30, aspect: float = 1.0):
        if int(degree) != degree or degree < 1:
            raise ValueError(f"degree must be a positive integer, got {degree!r}")
        extents(aspect)
        self.degree = int(degree)
        self.aspect = float(aspect)
        total = np.repeat(np.arange(1, self.degree + 1), np.arange(2, self.degree + 2))
        self.a = np.concatenate([np.arange(t, -1, -1) for t in range(1, self.degree + 1)])
        self.b = total - self.a
        self.n_features = self.a.size  # (degree + 1)(degree + 2) / 2 - 1

    def __repr__(self) -> str:
        return f"PolynomialFeatures(degree={self.degree}, aspect={self.aspect:g})"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        x, y = image_coordinates(xs, ys, self.aspect)
        px, qy = legendre(2.0 * x - 1.0, self.degree), legendre(2.0 * y - 1.0, self.degree)
        return [(px[:, self.a], qy[:, self.b])]


class FourierFeatures(FeatureMap):
    """Random Fourier features [cos(2 pi B v), sin(2 pi B v)], B ~ N(0, sigma^2) (Tancik et al. 2020).

    n_features counts columns (half cosines, half sines); sigma is in cycles per image
    width (the long side), so it sets how fine a detail the features can draw.
    """

    def __init__(self, n_features: int = 3072, sigma: float = 16.0, seed: int = 0):
        if int(n_features) != n_features or n_features < 2 or n_features % 2:
            raise ValueError(f"n_features must be a positive even integer, got {n_features!r}")
        if not sigma > 0 or not np.isfinite(sigma):
            raise ValueError(f"sigma must be positive, got {sigma!r}")
        self.n_features = int(n_features)
        self.sigma = float(sigma)
        self.seed = seed
        self.frequencies = np.random.default_rng(seed).normal(0.0, sigma, (self.n_features // 2, 2))

    def __repr__(self) -> str:
        return f"FourierFeatures(n_features={self.n_features}, sigma={self.sigma:g}, seed={self.seed})"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        a = 2 * np.pi * np.multiply.outer(np.asarray(xs, dtype=np.float64), self.frequencies[:, 0])
        b = 2 * np.pi * np.multiply.outer(np.asarray(ys, dtype=np.float64), self.frequencies[:, 1])
        ca, sa, cb, sb = np.cos(a), np.sin(a), np.cos(b), np.sin(b)
        # cos(a + b) = ca cb - sa sb and sin(a + b) = sa cb + ca sb
        return [(np.hstack([ca, sa]), np.hstack([cb, cb])), (np.hstack([-sa, ca]), np.hstack([sb, sb]))]


class CosineFeatures(FeatureMap):
    """The 2-D DCT basis up to a frequency cutoff: deterministic and orthogonal on the pixel grid.

    Feature (u, v) is cos(pi u x') cos(pi v y') on the image's own extent (x', y' in [0, 1]),
    keeping the n_features lowest frequencies. On a grid of the given aspect (height /
    width) the Gram matrix is diagonal, the least-squares fit is a low-pass filter, and with
    each feature scaled to mean square (1 + f)^(-2 decay) (f in cycles per image width),
    its eigenvalue, gradient descent paints strictly coarse to fine. `grid=(h, w)` keeps
    only the frequencies that grid can tell apart (u < w, v < h), so that on small
    images too the Gram matrix stays diagonal (higher ones alias onto lower ones).
    """

    def __init__(self, n_features: int = 3072, decay: float = 1.0, aspect: float = 1.0,
                 grid: tuple[int, int] | None = None):
        if int(n_features) != n_features or n_features < 1:
            raise ValueError(f"n_features must be a positive integer, got {n_features!r}")
        if not decay >= 0 or not np.isfinite(decay):
            raise ValueError(f"decay must be non-negative, got {decay!r}")
        self.n_features = int(n_features)
        self.decay = float(decay)
        self.aspect = float(aspect)
        self.width, self.height = extents(aspect)
        radius = np.sqrt(4 * n_features / (np.pi * self.width * self.height)) + 2
        u, v = np.meshgrid(np.arange(int(radius * self.width) + 2),
                           np.arange(int(radius * self.height) + 2), indexing="ij")
        u, v = u.ravel()[1:], v.ravel()[1:]  # drop (0, 0): the model's bias
        if grid is not None:
            seen = (u < grid[1]) & (v < grid[0])
            u, v = u[seen], v[seen]
        f = np.hypot(u / (2 * self.width), v / (2 * self.height))
        keep = np.lexsort((v, u, f))[: self.n_features]
        self.u, self.v, self.frequency = u[keep], v[keep], f[keep]
        self.n_features = int(keep.size)
        self.scale = (1.0 + self.frequency) ** -self.decay

    def __repr__(self) -> str:
        return (f"CosineFeatures(n_features={self.n_features}, decay={self.decay:g}, "
                f"aspect={self.aspect:g})")

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        x, y = image_coordinates(xs, ys, self.aspect)
        norm_u = np.where(self.u > 0, np.sqrt(2.0), 1.0) * self.scale
        norm_v = np.where(self.v > 0, np.sqrt(2.0), 1.0)
        px = np.cos(np.pi * np.multiply.outer(x, self.u)) * norm_u
        qy = np.cos(np.pi * np.multiply.outer(y, self.v)) * norm_v
        return [(px, qy)]


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


def feature_map(name: str, shape: tuple[int, ...], *, degree: int = DEGREE, n_features: int = N_FEATURES,
                sigma: float = SIGMA, seed: int | None = None) -> tuple[FeatureMap | None, str | None]:
    """The feature map called `name` for an image of `shape` (None for one-hot), and a note
    for the user if a count was lowered: beyond one feature per pixel, more only slow the solve."""
    if name not in FEATURES:
        raise OptionError("features", f"features must be one of {', '.join(FEATURES)}, not {name!r}")
    h, w = shape[:2]
    if name == "onehot":
        return None, None
    if name == "xy":
        return XYFeatures(), None
    if name == "poly":
        if not 1 <= degree <= MAX_DEGREE:
            raise OptionError("degree", f"degree must be between 1 and {MAX_DEGREE}, got {degree}")
        most = max(1, int((np.sqrt(8 * h * w + 1) - 3) // 2))  # (d + 1)(d + 2) / 2 - 1 <= h w - 1
        if degree > most:
            pixels = f"{h * w:,} pixel{'s' * (h * w > 1)}"
            return PolynomialFeatures(most, aspect=h / w), (f"degree {degree} has more features than the "
                                                            f"{pixels}; using degree {most}")
        return PolynomialFeatures(degree, aspect=h / w), None
    if name == "fourier" and n_features % 2:
        raise OptionError("n_features", f"fourier features need an even count (cosines and sines), "
                                        f"not {n_features}")
    if not 2 <= n_features <= MAX_N_FEATURES:
        raise OptionError("n_features", f"n_features must be between 2 and {MAX_N_FEATURES}, "
                                        f"got {n_features}")
    note, requested = None, n_features
    most = max(2, (h * w - 1) // 2 * 2)  # even, for fourier; at least the two every map needs
    if n_features > most:
        note = f"{n_features} features are more than the {h * w:,} pixel{'s' * (h * w > 1)}; using {most}"
        n_features = most
    if name == "cosine":
        fmap = CosineFeatures(n_features, aspect=h / w, grid=(h, w))
        if fmap.n_features < 1:
            raise OptionError("features", f"a {w} x {h} image has no frequency for a cosine feature")
        if fmap.n_features < n_features:
            note = f"{requested} features are more than the {w} x {h} grid resolves; using {fmap.n_features}"
        return fmap, note
    return FourierFeatures(n_features, sigma, seed=0 if seed is None else seed), note


def renderer(fmap: FeatureMap | None, render_size: int, shape: tuple[int, ...]):
    """A painting's `render`: the feature model drawn at render_size pixels on the long side."""
    if fmap is None:
        raise OptionError("render_size", "needs a coordinate feature map (xy, poly, fourier or cosine): "
                                         "one-hot weights have no pixels in between")
    h, w = shape[:2]
    scale = render_size / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    grid = fmap.design(*size)
    return lambda model: as_image(model.predict(grid).T, *size)
