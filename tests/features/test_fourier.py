"""features.fourier: random Fourier features."""

from __future__ import annotations

import numpy as np
import pytest
from feature_samples import picture, train

from paintlr.features.fourier import FourierFeatures
from paintlr.features.maps import feature_map
from paintlr.models.optimizers import GradientDescent

RNG = np.random.default_rng(5)


def test_fourier_transform_matches_the_formula_at_arbitrary_points():
    p = RNG.random((50, 2))
    f = FourierFeatures(10, sigma=4.0, seed=7)
    phase = 2 * np.pi * p @ f.frequencies.T
    np.testing.assert_allclose(f.transform(p), np.c_[np.cos(phase), np.sin(phase)], atol=1e-12)


def test_fourier_features_are_deterministic_by_seed():
    p = RNG.random((10, 2))
    a, b = FourierFeatures(64, sigma=5.0, seed=1), FourierFeatures(64, sigma=5.0, seed=1)
    np.testing.assert_array_equal(a.transform(p), b.transform(p))
    assert not np.allclose(a.frequencies, FourierFeatures(64, sigma=5.0, seed=2).frequencies)
    wide = FourierFeatures(20000, sigma=5.0, seed=0)
    assert wide.frequencies.std() == pytest.approx(5.0, rel=0.02)
    with pytest.raises(ValueError, match="n_features must be a positive even integer, got 63"):
        FourierFeatures(63)


def test_exact_agrees_with_iterate_on_an_ill_conditioned_fourier_design():
    design = FourierFeatures(256, sigma=3.0, seed=0).design(24, 24)
    y = picture(24, 24, seed=3)
    rate = 0.5 * GradientDescent().max_stable_learning_rate(design)
    for epochs in (1, 100):
        it = train(design, y, rate, epochs, "iterate").get_params()
        ex = train(design, y, rate, epochs, "exact").get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())


def shrunk(image: np.ndarray, size: int) -> np.ndarray:
    """Long side to `size` pixels with Lanczos, as paintlr.io.image.load_image shrinks."""
    from PIL import Image

    im = Image.fromarray(image)
    scale = size / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)),
                   Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(im, dtype=np.float64) / 255.0


def test_fourier_defaults_reach_27_db_on_coffee_and_chelsea_at_128_px():
    """The quality bar, at the optimum the exact engine reaches (numpy's lstsq gets ~0.6 dB more)."""
    data = pytest.importorskip("skimage.data")
    images = [shrunk(data.coffee(), 128), shrunk(data.chelsea(), 128)]
    h, w, c = images[0].shape
    assert images[1].shape == (h, w, c)  # both 128 x 85: one design, one eigendecomposition
    design = FourierFeatures().design(h, w)
    y = np.concatenate([im.reshape(h * w, c) for im in images], axis=1).T
    theta = design.least_squares(y)
    residual = design.dot(theta[:, 1:]) + theta[:, :1] - y
    mse = (residual**2).reshape(2, c * h * w).mean(axis=1)
    assert np.all(10 * np.log10(1 / mse) >= 27.0), 10 * np.log10(1 / mse)


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 2, 3), (2, 1, 1)])
def test_the_feature_count_is_capped_on_images_of_one_or_two_pixels(shape):
    fmap, note = feature_map("fourier", shape)
    assert fmap.n_features == 2 and "using 2" in note
