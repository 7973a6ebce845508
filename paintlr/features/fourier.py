"""Random Fourier features of (x, y): cosines and sines of random frequencies."""

from __future__ import annotations

import numpy as np

from ..errors import OptionError
from ..settings import N_FEATURES, SIGMA
from .base import FeatureMap, MapOptions, feature_count
from .grid import Factors


class FourierFeatures(FeatureMap):
    """Random Fourier features [cos(2 pi B v), sin(2 pi B v)], B ~ N(0, sigma^2) (Tancik et al. 2020).

    n_features counts columns (half cosines, half sines); sigma is in cycles per image
    width (the long side), so it sets how fine a detail the features can draw.
    """

    name = "fourier"

    def __init__(self, n_features: int = N_FEATURES, sigma: float = SIGMA, seed: int = 0):
        if int(n_features) != n_features or n_features < 2 or n_features % 2:
            raise ValueError(f"n_features must be a positive even integer, got {n_features!r}")
        if not sigma > 0 or not np.isfinite(sigma):
            raise ValueError(f"sigma must be positive, got {sigma!r}")
        self.n_features = int(n_features)
        self.sigma = float(sigma)
        self.seed = seed
        self.frequencies = np.random.default_rng(seed).normal(0.0, sigma, (self.n_features // 2, 2))

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[FourierFeatures, str | None]:
        """options.n_features (even) lowered to what the image can use; options.sigma; options.seed
        (None: 0)."""
        if options.n_features % 2:
            raise OptionError("n_features", f"fourier features need an even count (cosines and sines), "
                                            f"not {options.n_features}")
        n_features, note = feature_count(options.n_features, h, w)
        seed = 0 if options.seed is None else options.seed
        return cls(n_features, options.sigma, seed=seed), note

    def __repr__(self) -> str:
        return f"FourierFeatures(n_features={self.n_features}, sigma={self.sigma:g}, seed={self.seed})"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        a = 2 * np.pi * np.multiply.outer(np.asarray(xs, dtype=np.float64), self.frequencies[:, 0])
        b = 2 * np.pi * np.multiply.outer(np.asarray(ys, dtype=np.float64), self.frequencies[:, 1])
        ca, sa, cb, sb = np.cos(a), np.sin(a), np.cos(b), np.sin(b)
        # cos(a + b) = ca cb - sa sb and sin(a + b) = sa cb + ca sb
        return [(np.hstack([ca, sa]), np.hstack([cb, cb])), (np.hstack([-sa, ca]), np.hstack([sb, sb]))]
