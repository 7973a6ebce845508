"""paintlr.outputs.still: PNG and JPEG stills, grey kept grey."""

from __future__ import annotations

import numpy as np
from conftest import colour_array, read_frames
from PIL import Image

from paintlr.outputs import write_still


def test_png_and_jpg_stills(tmp_path):
    frame = colour_array()
    write_still(tmp_path / "f.png", frame)
    write_still(tmp_path / "f.jpg", frame)
    assert np.array_equal(read_frames(tmp_path / "f.png")[0], frame)
    with Image.open(tmp_path / "f.jpg") as im:
        assert im.format == "JPEG"
    assert np.abs(read_frames(tmp_path / "f.jpg")[0].astype(int) - frame).mean() < 10


def test_grey_still_stays_grey(tmp_path):
    frame = colour_array()[:, :, :1]
    write_still(tmp_path / "g.png", frame, scale=2)
    with Image.open(tmp_path / "g.png") as im:
        assert im.mode == "L" and im.size == (32, 24)
        assert np.array_equal(np.asarray(im)[::2, ::2], frame[:, :, 0])
