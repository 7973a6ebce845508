"""paintlr.outputs.images: a frame as a Pillow image (grey as L), enlarged in whole pixel blocks, and
the box of the pixels that changed since the frame before."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import colour_array
from PIL import Image

from paintlr.outputs.images import changed_box, pil_image, scaled

# --- pil_image --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("channels", "mode"), [(None, "L"), (1, "L"), (3, "RGB"), (4, "RGBA")])
def test_pil_image_keeps_every_pixel_in_the_mode_of_its_channels(channels, mode):
    rgb = colour_array(5, 7)
    if channels is None:
        frame = rgb[:, :, 0]
    elif channels == 4:
        frame = np.dstack([rgb, rgb[:, :, :1]])
    else:
        frame = np.ascontiguousarray(rgb[:, :, :channels])
    im = pil_image(frame)
    assert im.mode == mode and im.size == (7, 5)
    np.testing.assert_array_equal(np.asarray(im), frame[:, :, 0] if channels == 1 else frame)


# --- scaled -------------------------------------------------------------------------------------------

def test_scaled_by_one_is_the_image_itself():
    im = Image.fromarray(colour_array(3, 4))
    assert scaled(im, 1) is im


@pytest.mark.parametrize("scale", [2, 3])
def test_scaled_makes_each_pixel_a_block(scale):
    frame = colour_array(3, 4)
    big = scaled(Image.fromarray(frame), scale)
    assert big.size == (4 * scale, 3 * scale)
    np.testing.assert_array_equal(np.asarray(big), frame.repeat(scale, axis=0).repeat(scale, axis=1))


# --- changed_box --------------------------------------------------------------------------------------

def test_the_first_frame_is_changed_everywhere():
    assert changed_box(None, colour_array(6, 9)) == (0, 0, 9, 6)


@pytest.mark.parametrize("grey", [False, True])
def test_an_unchanged_frame_gives_one_pixel(grey):
    frame = colour_array(6, 9)
    frame = frame[:, :, 0] if grey else frame
    assert changed_box(frame, frame.copy()) == (0, 0, 1, 1)


def test_one_changed_pixel_is_its_own_box():
    before = colour_array(6, 9)
    after = before.copy()
    after[2, 5, 1] ^= 1  # one channel of the pixel at row 2, column 5
    assert changed_box(before, after) == (5, 2, 6, 3)


def test_the_box_bounds_every_changed_pixel():
    before = colour_array(10, 12)
    after = before.copy()
    after[1, 8] = 0
    after[7, 3, 2] ^= 255
    assert changed_box(before, after) == (3, 1, 9, 8)


def test_the_box_of_a_grey_frame():
    before = colour_array(10, 12)[:, :, 0]
    after = before.copy()
    after[9, 0] ^= 1
    after[4, 11] ^= 1
    assert changed_box(before, after) == (0, 4, 12, 10)
