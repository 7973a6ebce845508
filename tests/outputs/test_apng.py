"""paintlr.outputs.apng: APNG animations, written chunk by chunk, lossless."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from conftest import read_frames
from frames_and_files import changing, check_looping_animation, png_chunks, write_streamed
from PIL import Image


def test_apng_animation(tmp_path):
    check_looping_animation(tmp_path, "a.apng")


@pytest.mark.parametrize("scale", [1, 3])
def test_streamed_apng_is_exact(tmp_path, scale):
    frames = changing()
    path = tmp_path / "a.apng"
    chunks = png_chunks(write_streamed(path, frames, fps=20, scale=scale))
    kinds = [k for k, _ in chunks]
    assert kinds[:3] == [b"IHDR", b"acTL", b"fcTL"] and kinds[-1] == b"IEND"
    assert struct.unpack(">II", chunks[1][1]) == (len(frames), 0)  # frame count, loop forever
    numbers = [struct.unpack_from(">I", body)[0] for k, body in chunks if k in (b"fcTL", b"fdAT")]
    assert numbers == list(range(len(numbers)))
    controls = [struct.unpack(">IIIIIHHBB", body) for k, body in chunks if k == b"fcTL"]
    assert [round(1000 * c[5] / c[6]) for c in controls] == [50] * (len(frames) - 1) + [1500]
    with Image.open(path) as im:
        assert im.format == "PNG" and im.is_animated and im.n_frames == len(frames)
        assert im.info.get("loop") == 0
    got = read_frames(path)
    for g, f in zip(got, frames, strict=True):
        assert np.array_equal(g, np.repeat(np.repeat(f, scale, 0), scale, 1))
