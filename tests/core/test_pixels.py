"""paintlr.core.pixels: channels as images, floats as uint8."""

import numpy as np

from paintlr.core.pixels import as_image, to_uint8


def test_to_uint8_rounds_and_clips():
    a = np.array([-0.5, 0.0, 0.5 / 255, 0.49 / 255, 0.5, 1.0, 1.7])
    assert to_uint8(a).tolist() == [0, 0, 1, 0, 128, 255, 255]
    assert to_uint8(a).dtype == np.uint8


def test_to_uint8_converts_slab_by_slab_as_a_whole():
    """A block smaller than a row still converts every row, the same as in one piece."""
    image = np.random.default_rng(0).uniform(-0.2, 1.2, (7, 5, 3))
    expected = np.clip(np.round(image * 255), 0, 255).astype(np.uint8)
    assert np.array_equal(to_uint8(image, block=4), expected)
    assert np.array_equal(to_uint8(image), expected)


def test_as_image_is_a_view_of_channels_by_pixel():
    channels = np.arange(2 * 3 * 4, dtype=float).reshape(2, 12)  # 2 channels of 3 x 4 pixels
    image = as_image(channels, 3, 4)
    assert image.shape == (3, 4, 2)
    assert image[1, 2].tolist() == [channels[0, 6], channels[1, 6]]
    assert np.shares_memory(image, channels)
