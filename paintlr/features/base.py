"""What every feature map of pixel coordinates is: the FeatureMap interface, the points of a pixel
grid, and the options a map is made from.

A point is (x, y) in the unit square: the image's long side spans [0, 1] and the short
side is centred in it, so a model trained on one grid can be drawn on any other.
Every map factors over the two axes, phi_j(x, y) = sum_t P_t(x)_j * Q_t(y)_j, which
lets a pixel grid's design (`GridDesign`) skip storing its h w x d matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import OptionError
from ..settings import DEGREE, MAX_N_FEATURES, N_FEATURES, SIGMA
from .grid import Factors, GridDesign


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


@dataclass(frozen=True)
class MapOptions:
    """What a user may ask of a feature map; each map reads the options it has."""

    degree: int = DEGREE  # poly
    n_features: int = N_FEATURES  # fourier, cosine
    sigma: float = SIGMA  # fourier
    seed: int | None = None  # fourier; None: 0


class FeatureMap:
    """A fixed map from (x, y) points to d features; the model adds the bias itself.

    A map is made for an image by `for_image` and registered under its `name` in
    `features.maps`, where `feature_map(name, ...)` finds it.
    """

    name: str  # what --features calls it
    n_features: int

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[FeatureMap, str | None]:
        """The map for an h x w image with the user's options, and a note for the user if a count
        was lowered to what the image can use; an OptionError for options it cannot take."""
        raise NotImplementedError

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


def feature_count(n_features: int, h: int, w: int) -> tuple[int, str | None]:
    """A requested feature count checked against MAX_N_FEATURES and lowered, with a note, to what an
    h x w image can use: beyond one feature per pixel, more only slow the solve."""
    if not 2 <= n_features <= MAX_N_FEATURES:
        raise OptionError("n_features", f"n_features must be between 2 and {MAX_N_FEATURES}, "
                                        f"got {n_features}")
    most = max(2, (h * w - 1) // 2 * 2)  # even, for fourier; at least the two every map needs
    if n_features > most:
        return most, f"{n_features} features are more than the {pixel_count(h, w)}; using {most}"
    return n_features, None


def pixel_count(h: int, w: int) -> str:
    """How many pixels an h x w image has, in words for a note: "1 pixel", "4,096 pixels"."""
    return f"{h * w:,} pixel{'s' * (h * w > 1)}"
