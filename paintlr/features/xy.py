"""The raw coordinates (x, y) as features."""

from __future__ import annotations

import numpy as np

from .base import FeatureMap, MapOptions
from .grid import Factors


class XYFeatures(FeatureMap):
    """The raw coordinates (x, y): regression on them alone can only paint a colour plane."""

    name = "xy"
    n_features = 2

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[XYFeatures, None]:
        """The one xy map, whatever the image and options."""
        return cls(), None

    def __repr__(self) -> str:
        return "XYFeatures()"

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        ones_x, ones_y = np.ones_like(xs), np.ones_like(ys)
        return [(np.column_stack([xs, ones_x]), np.column_stack([ones_y, ys]))]
