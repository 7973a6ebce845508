
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paintlr.core.palette import choose_palette, luminance, nearest, quantize


def test_two_colours_of_a_black_and_white_image_are_black_and_white():
    image = np.zeros((6, 5, 3))
    image[:, 3:] = 1.0
    palette, labels = quantize(image, 2)
    np.testing.assert_array_equal(palette, [[0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(labels, np.where(np.arange(5) >= 3, 1, 0)[None].repeat(6, 0))


def test_two_colours_of_a_photo_are_a_dark_and_a_light_one(cat):
    palette, labels = quantize(cat, 2)
    dark, light = luminance(palette)
    assert dark < luminance(cat.reshape(-1, 3)).mean() < light
    assert 0.2 < labels.mean() < 0.8  # both colours cover a real share of the cat


def test_palette_is_deterministic_ordered_and_summarises_the_image(cat):
    first, again = choose_palette(cat, 8, seed=3), choose_palette(cat, 8, seed=3)
    np.testing.assert_array_equal(first, again)
    assert first.shape == (8, 3) and np.all((first >= 0) & (first <= 1))
    assert np.all(np.diff(luminance(first)) >= 0)
    labels = nearest(cat, first)
    assert np.bincount(labels.ravel(), minlength=8).min() > 0
    error = np.mean((first[labels] - cat) ** 2)
    coarse = choose_palette(cat, 2)
    assert error < 0.5 * np.mean((coarse[nearest(cat, coarse)] - cat) ** 2)
    assert error < 0.004  # about 16 levels of 255 RMS for a cat in 8 colours


def test_each_colour_is_the_mean_of_its_pixels(cat):
    palette, labels = quantize(cat, 5, seed=1)
    for j in range(5):
        np.testing.assert_allclose(palette[j], cat[labels == j].mean(axis=0), atol=0.01)


def test_fewer_distinct_colours_than_asked_gives_just_those():
    image = np.array([[[0.2], [0.7]], [[0.7], [0.2]]])
    palette, labels = quantize(image, 6)
    np.testing.assert_array_equal(palette, [[0.2], [0.7]])
    np.testing.assert_array_equal(labels, [[0, 1], [1, 0]])


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.float64, (5, 4, 3), elements=st.floats(0, 1)),
    arrays(np.float64, (3, 3), elements=st.floats(0, 1)),
)
def test_nearest_picks_the_closest_palette_colour(image, palette):
    labels = nearest(image, palette)
    d = ((image[:, :, None, :] - palette[None, None]) ** 2).sum(-1)
    np.testing.assert_allclose(np.take_along_axis(d, labels[..., None], 2)[..., 0], d.min(-1))


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="positive"):
        choose_palette(np.zeros((2, 2, 3)), 0)
    with pytest.raises(ValueError, match=r"\(h, w, c\)"):
        choose_palette(np.zeros((2, 2)), 2)
    with pytest.raises(ValueError, match="NaN"):
        nearest(np.full((1, 1, 3), np.nan), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="palette"):
        nearest(np.zeros((1, 1, 3)), np.zeros((2, 1)))
