"""paintlr.io.png_checks: a PNG holding far less than its header claims is refused before decoding."""

from __future__ import annotations

import struct
import zlib

import pytest
from conftest import png_bytes_claiming
from image_files import error_of, load_in_child, needs_vmhwm, zero_png
from PIL import Image

import paintlr.io.image as image_mod
from paintlr.io.image import load_image
from paintlr.io.png_checks import png_bytes_claimed


@needs_vmhwm
def test_a_png_claiming_far_more_than_it_holds_is_refused_before_decoding(tmp_path):
    # 69 bytes claiming 1 x 2**28 RGB pixels, the zlib stream ending after 16 whole rows: Pillow took
    # that for the end of the image, allocating 8 bytes of row pointers per row (2.1 GB), and paintlr
    # shrank 268 million black pixels in 3 s
    path = tmp_path / "claim.png"
    path.write_bytes(png_bytes_claiming(1, image_mod.MAX_PIXELS))
    said, peak = load_in_child(path)
    assert said == (f"ImageError: {path}: truncated: the file holds far less image data than its header "
                    "claims (12 compressed bytes for 1 x 268435456 pixels)")
    assert peak <= 300e6, f"peak RSS {peak / 1e6:.0f} MB, with nothing decoded"


@pytest.mark.parametrize(("width", "height"), [(21, 1000), (5, 100_000), (1, 16 * 1033)])
def test_a_zlib_stream_ending_rows_early_is_refused_as_truncated(tmp_path, width, height):
    # 64 bytes of zeros make whole rows at these widths (4, 16, 64 bytes a row): Pillow's decoder stops
    # there without complaint, leaving the rest black
    path = tmp_path / "claim.png"
    path.write_bytes(png_bytes_claiming(width, height))
    with Image.open(path) as im:
        im.load()  # Pillow's quirk, which the check makes up for
    assert error_of(path) == (f"{path}: truncated: the file holds far less image data than its header "
                              f"claims (12 compressed bytes for {width} x {height} pixels)")


def test_a_complete_png_is_never_refused_as_truncated(tmp_path):
    # the most compressible PNGs, near DEFLATE's 1032:1 (zlib reaches 1028:1 on zeros), interlaced too
    for interlace in (0, 1):
        for width, height, colour in [(1024, 1024, 6), (1021, 1023, 0), (1, 16 * 1033, 2), (3, 5, 2)]:
            path = tmp_path / f"z{interlace}-{width}x{height}.png"
            zero_png(path, width, height, colour=colour, level=9, interlace=interlace)
            a = load_image(path, size=None, background="black")  # RGBA: transparent
            assert a.shape[:2] == (height, width) and not a.any()


def inflated_idat(data: bytes) -> int:
    """The bytes a PNG's IDAT chunks inflate to."""
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        idat += data[pos + 8:pos + 8 + length] if kind == b"IDAT" else b""
        pos += 12 + length
    return len(zlib.decompress(idat))


@pytest.mark.parametrize(("width", "height"), [(1, 1), (7, 3), (33, 9)])
def test_the_bytes_claimed_are_what_pillows_pngs_inflate_to(tmp_path, width, height):
    # 1, 2, 4, 8 and 16 bits: grey, palettes of 4 and 16 colours, alpha, colour
    images = [Image.new(mode, (width, height)) for mode in ("1", "L", "LA", "RGB", "RGBA", "I;16")]
    for colours in (4, 16):
        images.append(Image.new("P", (width, height)))
        images[-1].putpalette(range(3 * colours))
    depths = set()
    for im in images:
        path = tmp_path / "m.png"
        im.save(path)
        data = path.read_bytes()
        depths.add(data[24])
        assert png_bytes_claimed(data[16:29], width, height) == inflated_idat(data), im.mode
    assert depths == {1, 2, 4, 8, 16}


@pytest.mark.parametrize(("pix_fmt", "width", "height"), [
    ("rgb24", 1, 1), ("rgb24", 7, 3), ("gray", 33, 9), ("rgba", 1021, 5), ("gray", 5, 1021),
    ("rgb48be", 9, 10), ("monob", 13, 11),
])
def test_the_bytes_claimed_are_what_interlaced_pngs_inflate_to(pix_fmt, width, height):
    av = pytest.importorskip("av")  # FFmpeg's PNG encoder writes Adam7 (Pillow's does not)
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, pix_fmt
    codec.flags |= av.codec.context.Flags.interlaced_dct
    codec.open()
    data = b"".join(bytes(packet) for packet in codec.encode(av.VideoFrame(width, height, pix_fmt)))
    assert data[28] == 1  # interlaced
    assert png_bytes_claimed(data[16:29], width, height) == inflated_idat(data)
