"""paintlr.outputs.sequence: every frame a file of its own, named by the pattern's number, written in
the format's still form to a temporary file beside its name as the frame comes."""

from __future__ import annotations

import os

import numpy as np
from conftest import colour_array, listing
from PIL import Image

from paintlr.outputs.sequence import SequenceWriter
from paintlr.outputs.still import JpegWriter, PngWriter
from paintlr.outputs.writer import Settings


def test_each_frame_is_a_complete_file_as_soon_as_it_comes(tmp_path):
    frames = [colour_array(6, 8, seed=k) for k in range(3)]
    umask = os.umask(0o022)
    os.umask(umask)
    writer = SequenceWriter(str(tmp_path / "f_%03d.png"), PngWriter, Settings(scale=2))
    for k, frame in enumerate(frames):
        writer.frame(frame, 50)
        assert len(writer.temps) == k + 1
        temp = writer.temps[k]
        assert temp.name == str(tmp_path / f"f_{k:03d}.png")
        assert os.path.dirname(temp.tmp) == str(tmp_path) and temp.tmp.endswith(".part")
        assert os.stat(temp.tmp).st_mode & 0o777 == 0o666 & ~umask  # finished: normal permissions, not 0600
        with Image.open(temp.tmp) as im:  # readable now, before the next frame or finish()
            assert im.format == "PNG" and im.size == (16, 12)
            np.testing.assert_array_equal(np.asarray(im.convert("RGB")), frame.repeat(2, 0).repeat(2, 1))
    writer.finish()
    assert not any(name.startswith("f_") for name in listing(tmp_path))  # Outputs renames them into place
    for temp in writer.temps:
        os.unlink(temp.tmp)


def test_frames_are_saved_in_the_formats_still_form_at_the_quality_given(tmp_path):
    frame = colour_array(32, 32)
    sizes = {}
    for quality in (5, 95):
        writer = SequenceWriter(str(tmp_path / f"q{quality}_%d.jpg"), JpegWriter, Settings(quality=quality))
        writer.frame(frame, 50)
        with Image.open(writer.temps[0].tmp) as im:
            assert im.format == "JPEG" and im.size == (32, 32)
        sizes[quality] = os.path.getsize(writer.temps[0].tmp)
        assert writer.temps[0].name == str(tmp_path / f"q{quality}_0.jpg")
    assert sizes[5] < sizes[95]
