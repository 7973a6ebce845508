"""Feature maps, pictures and training shared by the feature tests."""

from __future__ import annotations

import numpy as np

from paintlr import LinearRegressionModel
from paintlr.features.base import pixel_points
from paintlr.features.cosine import CosineFeatures
from paintlr.features.fourier import FourierFeatures
from paintlr.features.poly import PolynomialFeatures
from paintlr.features.xy import XYFeatures

H, W = 9, 13
SAMPLE_MAPS = {  # one small map of each kind
    "xy": XYFeatures(),
    "poly": PolynomialFeatures(4, aspect=H / W),
    "fourier": FourierFeatures(24, sigma=2.0, seed=3),
    "cosine": CosineFeatures(30, decay=1.0, aspect=H / W),
}


def picture(h=H, w=W, channels=3, seed=0):
    """A smooth blob plus noise: something with both coarse shape and detail."""
    rng = np.random.default_rng(seed)
    p = pixel_points(h, w)
    blob = np.exp(-8 * ((p[:, :1] - 0.4) ** 2 + (p[:, 1:] - 0.5) ** 2))
    return np.clip(blob * rng.random(channels) + 0.1 * rng.random((h * w, channels)), 0, 1)


def train(design, y, rate, epochs, engine, params=None):
    model = LinearRegressionModel()
    if params is not None:
        model.set_params(params)
    model.train(design, y, learning_rate=rate, epochs=epochs, max_cost=0, engine=engine)
    return model
