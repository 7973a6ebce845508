"""features.base: the points of a pixel grid."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr.features.base import pixel_axes, pixel_points


def test_pixel_points_are_centres_with_the_long_side_spanning_the_unit_interval():
    xs, ys = pixel_axes(2, 4)
    np.testing.assert_allclose(xs, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(ys, [0.375, 0.625])  # short side centred
    xs, ys = pixel_axes(4, 2)
    np.testing.assert_allclose(ys, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(xs, [0.375, 0.625])
    p = pixel_points(2, 4)
    assert p.shape == (8, 2)
    np.testing.assert_allclose(p[1], [0.375, 0.375])  # row-major: x varies fastest
    np.testing.assert_allclose(p[4], [0.125, 0.625])
    with pytest.raises(ValueError, match="grid size must be positive integers, got 0 x 3"):
        pixel_axes(0, 3)
