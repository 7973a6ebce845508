"""paintlr.io.decoder_messages: warnings and C libraries' messages are held back."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import pytest
from conftest import assert_one_line_error, colour_array, run_paintlr
from PIL import Image

from paintlr.errors import ImageError
from paintlr.io.image import load_image


def corrupt_lzw_tiff(path: Path) -> Path:
    """A photo saved as LZW TIFF, then every 7th byte of its strips inverted: libtiff complains."""
    Image.fromarray(colour_array(120, 160)).save(path, compression="tiff_lzw")
    with Image.open(path) as im:
        strips = list(zip(im.tag_v2[273], im.tag_v2[279]))
    data = bytearray(path.read_bytes())
    for offset, count in strips:
        for i in range(offset + 2, offset + count, 7):
            data[i] ^= 0xFF
    path.write_bytes(data)
    return path


def test_a_corrupt_tiff_is_one_line_on_stderr(tmp_path):
    corrupt_lzw_tiff(tmp_path / "bad.tiff")
    proc = run_paintlr("info", "bad.tiff", cwd=tmp_path)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, 1,
                          names=("paintlr: error: bad.tiff: cannot decode image (",))


def test_libtiff_and_pillow_messages_do_not_leak_in_process(tmp_path, capfd):
    with pytest.raises(ImageError) as info:
        load_image(corrupt_lzw_tiff(tmp_path / "bad.tiff"))
    assert "\n" not in str(info.value)
    assert capfd.readouterr().err == ""


def test_pillow_warnings_on_a_readable_image_are_dropped(save, capfd):
    # EXIF whose description (tag 270) points past its end: Pillow warns, skips the tag, and reads
    # the orientation after it
    ifd = (struct.pack("<2sHIH", b"II", 42, 8, 2) + struct.pack("<HHII", 0x010E, 2, 100, 4000)
           + struct.pack("<HHIHHI", 0x0112, 3, 1, 6, 0, 0))
    path = save(Image.new("RGB", (16, 8), "red"), "exif.jpg", exif=b"Exif\0\0" + ifd)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = load_image(path)
    assert a.shape == (16, 8, 3)  # orientation 6 applied
    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr().err == ""
