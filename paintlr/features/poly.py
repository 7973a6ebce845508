"""Polynomials in (x, y) as features, products of Legendre polynomials along each axis."""

from __future__ import annotations

import numpy as np

from ..errors import OptionError
from ..settings import DEGREE, MAX_DEGREE
from .base import FeatureMap, MapOptions, extents, image_coordinates, pixel_count
from .grid import Factors


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

    name = "poly"

    def __init__(self, degree: int = DEGREE, aspect: float = 1.0):
        if int(degree) != degree or degree < 1:
            raise ValueError(f"degree must be a positive integer, got {degree!r}")
        extents(aspect)
        self.degree = int(degree)
        self.aspect = float(aspect)
        total = np.repeat(np.arange(1, self.degree + 1), np.arange(2, self.degree + 2))
        self.a = np.concatenate([np.arange(t, -1, -1) for t in range(1, self.degree + 1)])
        self.b = total - self.a
        self.n_features = self.a.size  # (degree + 1)(degree + 2) / 2 - 1

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[PolynomialFeatures, str | None]:
        """options.degree (1 to MAX_DEGREE), lowered to the highest whose features the image's pixels
        outnumber."""
        degree = options.degree
        if not 1 <= degree <= MAX_DEGREE:
            raise OptionError("degree", f"degree must be between 1 and {MAX_DEGREE}, got {degree}")
        most = max(1, int((np.sqrt(8 * h * w + 1) - 3) // 2))  # (d + 1)(d + 2) / 2 - 1 <= h w - 1
        if degree > most:
            note = f"degree {degree} has more features than the {pixel_count(h, w)}; using degree {most}"
            return cls(most, aspect=h / w), note
        return cls(degree, aspect=h / w), None

    def __repr__(self) -> str:
        return f"PolynomialFeatures(degree={self.degree}, aspect={self.aspect:g})"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        x, y = image_coordinates(xs, ys, self.aspect)
        px, qy = legendre(2.0 * x - 1.0, self.degree), legendre(2.0 * y - 1.0, self.degree)
        return [(px[:, self.a], qy[:, self.b])]
