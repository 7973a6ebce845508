"""paintlr.outputs.gif_palette: one palette for a whole GIF, from the reference and the first frame."""

from __future__ import annotations

import numpy as np
from conftest import colour_array
from frames_and_files import (
    fading_in,
)

from paintlr.outputs.gif_palette import gif_frames, gif_palette


def test_gif_frames_on_the_shared_palette_or_their_own():
    frames = fading_in(5)
    images = gif_frames(frames)
    assert all(im.mode == "P" for im in images)
    shared = gif_palette(frames[0], frames[-1]).getpalette()
    assert images[0].getpalette() == shared  # black is on it; the fade in between is not
    for im, f in zip(images, frames):
        assert np.abs(np.asarray(im.convert("RGB"), int) - f).mean() < 1


def test_gif_palette_from_reference_and_first_frame():
    first = np.zeros((8, 8, 3), np.uint8)
    reference = colour_array(8, 8)
    palette = np.array(gif_palette(first, reference).getpalette()).reshape(-1, 3)
    assert len(palette) == 256 and len({tuple(c) for c in palette}) == 256  # distinct colours
    assert (palette == 0).all(axis=1).any()  # the first frame's black
    for pixel in reference.reshape(-1, 3):  # 64 reference colours: each has a slot of its own
        assert (palette == pixel).all(axis=1).any()
    alone = np.array(gif_palette(reference).getpalette()).reshape(-1, 3)
    assert len({tuple(c) for c in alone}) == 256
