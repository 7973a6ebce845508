"""features.grid: a map's design on a pixel grid equals its dense matrix, and trains and renders as one."""

from __future__ import annotations

import numpy as np
import pytest
from feature_samples import SAMPLE_MAPS, H, W, picture, train

from paintlr.core.designs import Dense
from paintlr.features.base import pixel_points
from paintlr.features.fourier import FourierFeatures
from paintlr.features.grid import GridDesign
from paintlr.models.optimizers import GradientDescent

RNG = np.random.default_rng(5)


@pytest.mark.parametrize("name", SAMPLE_MAPS)
def test_grid_design_is_the_transform_of_the_pixel_grid(name):
    fmap = SAMPLE_MAPS[name]
    grid = fmap.design(H, W)
    assert isinstance(grid, GridDesign) and isinstance(grid, Dense)
    assert grid.n_samples == H * W
    assert grid.n_features == fmap.n_features
    dense = Dense(fmap.transform(pixel_points(H, W)))
    np.testing.assert_allclose(grid.x, dense.x, atol=1e-13)
    w = RNG.normal(size=(3, fmap.n_features))
    r = RNG.normal(size=(3, H * W))
    np.testing.assert_allclose(grid.dot(w), dense.dot(w), atol=1e-12)
    np.testing.assert_allclose(grid.transpose_dot(r), dense.transpose_dot(r), atol=1e-11)
    np.testing.assert_allclose(grid.gram, dense.gram, atol=1e-13)
    index = np.array([0, 5, W, H * W - 1, 17])
    np.testing.assert_allclose(grid.rows(index), dense.rows(index), atol=1e-13)


@pytest.mark.parametrize("name", SAMPLE_MAPS)
def test_exact_engine_reaches_the_lstsq_optimum(name):
    fmap = SAMPLE_MAPS[name]
    design = fmap.design(H, W)
    y = picture()
    phi = np.c_[np.ones(H * W), design.x]
    expected = np.linalg.lstsq(phi, y, rcond=None)[0]
    rate = 0.9 * GradientDescent().max_stable_learning_rate(design)
    model = train(design, y, rate, 10**12, "exact")
    np.testing.assert_allclose(model.score(design), phi @ expected, atol=1e-8)
    np.testing.assert_allclose(model.get_params(), expected, atol=1e-6)
    np.testing.assert_allclose(design.least_squares(y.T).T, expected, atol=1e-6)


@pytest.mark.parametrize("name", SAMPLE_MAPS)
@pytest.mark.parametrize("fraction", [0.3, 0.99])
def test_exact_agrees_with_iterate(name, fraction):
    design = SAMPLE_MAPS[name].design(H, W)
    y = picture(seed=1)
    start = RNG.normal(size=(design.n_features + 1, 3))
    rate = fraction * GradientDescent().max_stable_learning_rate(design)
    for epochs in (0, 1, 7, 150, 1500):
        it = train(design, y, rate, epochs, "iterate", start).get_params()
        ex = train(design, y, rate, epochs, "exact", start).get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())


@pytest.mark.parametrize("name", SAMPLE_MAPS)
def test_a_trained_model_renders_at_any_size(name):
    fmap = SAMPLE_MAPS[name]
    design = fmap.design(H, W)
    model = train(design, picture(), 0.5 * GradientDescent().max_stable_learning_rate(design),
                  50, "exact")
    big = fmap.design(3 * H, 3 * W)  # every third pixel's centre is a training pixel's centre
    image = model.score(big).reshape(3 * H, 3 * W, 3)
    np.testing.assert_allclose(image[1::3, 1::3].reshape(-1, 3), model.score(fmap.design(H, W)),
                               atol=1e-12)
    some = RNG.random((20, 2))
    np.testing.assert_allclose(model.score(fmap.transform(some)),
                               model.score(Dense(fmap.transform(some))), atol=1e-12)


def test_float32_dense_accumulates_in_float64():
    x = FourierFeatures(40, sigma=3.0, seed=1).transform(pixel_points(12, 12)).astype(np.float32)
    x64 = x.astype(np.float64)
    design = Dense(x)
    design.BLOCK_BYTES = 8 * 40 * 7  # several row blocks, the last one short
    assert design.x.dtype == np.float32
    phi = np.c_[np.ones(len(x)), x64]
    np.testing.assert_allclose(design.gram, phi.T @ phi / len(x), rtol=0, atol=1e-14)
    w, r = RNG.normal(size=(2, 40)), RNG.normal(size=(2, len(x)))
    np.testing.assert_allclose(design.dot(w), w @ x64.T, rtol=0, atol=1e-13)
    np.testing.assert_allclose(design.transpose_dot(r), r @ x64, rtol=0, atol=1e-12)
    lam_max = np.linalg.eigvalsh(phi.T @ phi / len(x))[-1]
    assert GradientDescent().max_stable_learning_rate(design) == pytest.approx(2 / lam_max, rel=1e-12)
    y = picture(12, 12, seed=2)
    rate = 0.95 * GradientDescent().max_stable_learning_rate(design)
    for epochs in (1, 30, 1000):
        it = train(design, y, rate, epochs, "iterate").get_params()
        ex = train(design, y, rate, epochs, "exact").get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())
