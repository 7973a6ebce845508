"""paintlr.outputs.webp: animated WebP, written chunk by chunk, the changed part of each frame."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from conftest import read_frames
from frames_and_files import (
    changing,
    check_looping_animation,
    riff_chunks,
    write_streamed,
)
from PIL import Image


def test_webp_animation(tmp_path):
    check_looping_animation(tmp_path, "a.webp")


@pytest.mark.parametrize("scale", [1, 3])
def test_streamed_webp_reads_back(tmp_path, scale):
    frames = changing()
    path = tmp_path / "a.webp"
    chunks = riff_chunks(write_streamed(path, frames, fps=20, scale=scale))
    assert [k for k, _ in chunks] == [b"VP8X", b"ANIM"] + [b"ANMF"] * len(frames)
    vp8x = chunks[0][1]
    assert vp8x[0] & 0x02  # animation
    assert int.from_bytes(vp8x[4:7], "little") + 1 == 26 * scale
    assert int.from_bytes(vp8x[7:10], "little") + 1 == 20 * scale
    assert struct.unpack("<IH", chunks[1][1])[1] == 0  # loop forever
    with Image.open(path) as im:
        assert im.format == "WEBP" and im.is_animated and im.n_frames == len(frames)
        assert im.info.get("loop") == 0
        times = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()
            times.append(im.info["duration"])
    assert times == [50] * (len(frames) - 1) + [1500]
    previous = None
    for g, f in zip(read_frames(path), frames, strict=True):
        f = np.repeat(np.repeat(f, scale, 0), scale, 1)
        error = np.abs(g.astype(int) - f)
        assert error.mean() <= 10  # lossy
        if previous is not None and (previous != f).any():  # and the part that changed is in place
            rows, cols = np.nonzero((previous != f).any(axis=2))
            assert error[rows.min():rows.max() + 1, cols.min():cols.max() + 1].mean() <= 12
        previous = f
