"""features.xy: the raw coordinates."""

from __future__ import annotations

import numpy as np

from paintlr.features.xy import XYFeatures

RNG = np.random.default_rng(5)


def test_xy_features_are_the_coordinates():
    p = RNG.random((50, 2))
    np.testing.assert_allclose(XYFeatures().transform(p), p)
