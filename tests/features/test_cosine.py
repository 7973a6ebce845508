"""features.cosine: the cosine basis, orthogonal on the pixel grid."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr.features.base import pixel_points
from paintlr.features.cosine import CosineFeatures
from paintlr.features.maps import feature_map
from paintlr.models.optimizers import GradientDescent

RNG = np.random.default_rng(5)


def test_cosine_transform_matches_the_formula_at_arbitrary_points():
    p = RNG.random((50, 2))
    c = CosineFeatures(5, decay=1.0, aspect=0.5)  # x spans [0, 1], y spans [0.25, 0.75]
    y = (p[:, 1:] - 0.25) / 0.5
    norm = np.where(c.u > 0, np.sqrt(2), 1) * np.where(c.v > 0, np.sqrt(2), 1) * c.scale
    expected = np.cos(np.pi * c.u * p[:, :1]) * np.cos(np.pi * c.v * y) * norm
    np.testing.assert_allclose(c.transform(p), expected, atol=1e-12)


def test_cosine_features_are_orthogonal_on_the_grid_and_paint_coarse_to_fine():
    h, w = 12, 20
    c = CosineFeatures(60, decay=1.0, aspect=h / w)
    design = c.design(h, w)
    g = design.gram
    np.testing.assert_allclose(g - np.diag(np.diag(g)), 0, atol=1e-14)
    lam, v = design.eigen
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(g), atol=1e-14)
    np.testing.assert_allclose(v @ np.diag(lam) @ v.T, g, atol=1e-14)
    assert np.all(np.diff(c.frequency) >= 0) and np.all(np.diff(c.scale) <= 0)
    np.testing.assert_allclose(np.diag(g)[1:], c.scale**2, rtol=1e-13)  # eigenvalue = scale^2
    assert GradientDescent().max_stable_learning_rate(design) == pytest.approx(2.0)  # the bias: eigenvalue 1


ODD_GRIDS = [(6, 9), (7, 5), (1, 8), (8, 1), (3, 3)]


@pytest.mark.parametrize("h,w", ODD_GRIDS)
def test_cosine_grid_keeps_only_frequencies_the_grid_resolves(h, w):
    """With grid=(h, w), frequency u = w (or v = h) would be cos(pi (i + 1/2)) = 0 at every pixel
    centre: a zero feature. Every kept feature has a positive Gram diagonal, there are fewer of them
    than pixels, and [1, X] has full column rank (the grid tells every one apart)."""
    for asked in (3, h * w - 1, 10 * h * w):
        fmap = CosineFeatures(asked, aspect=h / w, grid=(h, w))
        x = fmap.transform(pixel_points(h, w))
        phi = np.c_[np.ones(h * w), x]
        diag = np.einsum("ij,ij->j", phi, phi) / (h * w)
        assert fmap.n_features <= min(asked, h * w - 1)
        assert diag.min() > 1e-6, (asked, fmap.u[diag[1:] <= 1e-6], fmap.v[diag[1:] <= 1e-6])
        assert np.linalg.matrix_rank(phi) == fmap.n_features + 1
        np.testing.assert_allclose(fmap.design(h, w).gram.diagonal(), diag, rtol=1e-12)
    assert fmap.n_features == h * w - 1  # asked for more than the grid holds: all it can resolve


@pytest.mark.parametrize("h,w", ODD_GRIDS)
def test_cosine_feature_map_of_an_odd_image_has_no_dead_feature(h, w):
    fmap, _ = feature_map("cosine", (h, w, 3), n_features=8192)
    design = fmap.design(h, w)
    assert fmap.n_features <= h * w
    assert np.diag(design.gram).min() > 1e-6
    phi = np.c_[np.ones(h * w), design.x]
    assert np.linalg.matrix_rank(phi) == fmap.n_features + 1
