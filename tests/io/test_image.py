"""paintlr.io.image: every still format Pillow reads, the size limits, memory, errors of one line."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import colour_array, png_bytes_claiming
from image_files import check_array, error_of, load_in_child, needs_vmhwm, zero_png
from PIL import Image

import paintlr.io.image as image_mod
from paintlr.errors import ImageError
from paintlr.io.image import load_image, parse_colour

# --- formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "options", "tolerance"), [
    ("p.png", {}, 0.0),
    ("p.bmp", {}, 0.0),
    ("p.tiff", {}, 0.0),
    ("p.webp", {"lossless": True}, 0.0),
    ("p.gif", {}, 0.0),  # 192 pixels: fewer than 256 colours, so the palette is exact
    ("p.jpg", {"quality": 95}, 0.03),  # mean absolute error of a lossy format
])
def test_reads_every_still_format(save, rgb, name, options, tolerance):
    a = load_image(save(rgb, name, **options))
    check_array(a, (12, 16, 3))
    assert np.abs(a - rgb / 255).mean() <= tolerance + 1e-12
    # lossy or not, it is the same picture: strongly correlated with the original
    assert np.corrcoef(a.ravel(), rgb.ravel())[0, 1] > 0.99


def test_lossy_webp_is_read(save, rgb):
    a = load_image(save(rgb, "p.webp", quality=95))
    check_array(a, (12, 16, 3))
    assert np.abs(a - rgb / 255).mean() < 0.05


def test_gif_uses_the_first_frame(save):
    frames = [Image.new("RGB", (8, 6), c) for c in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]]
    path = save(frames[0], "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    with Image.open(path) as im:
        assert im.n_frames == 3
    a = load_image(path)
    check_array(a, (6, 8, 3))
    assert np.array_equal(a, np.broadcast_to([1.0, 0.0, 0.0], a.shape))


# --- errors ----------------------------------------------------------------------------------

def test_missing_directory_empty_text_and_truncated_files_raise_image_error(tmp_path, save, rgb):
    png = save(rgb, "ok.png").read_bytes()
    jpg = save(colour_array(64, 64), "ok.jpg").read_bytes()
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "text.png").write_text("not an image\n")
    (tmp_path / "trunc.png").write_bytes(png[: len(png) // 2])
    (tmp_path / "trunc.jpg").write_bytes(jpg[: len(jpg) // 2])
    (tmp_path / "folder.png").mkdir()
    for name in ["missing.png", "folder.png", "empty.png", "text.png", "trunc.png", "trunc.jpg"]:
        with pytest.raises(ImageError) as info:
            load_image(tmp_path / name)
        assert name in str(info.value)
        assert "\n" not in str(info.value)


def test_decompression_bomb_header_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_bytes_claiming(100_000, 100_000))
    with pytest.raises(ImageError) as info:
        load_image(path)
    assert str(info.value) == (f"{path}: image too large: 100000 x 100000 = 10000 megapixels, "
                               "over paintlr's limit of 268 megapixels")


def test_the_limit_is_pixels_not_a_side(tmp_path):
    # 16384 x 16384 is exactly the limit; one more row is over it, and the message tells them apart
    path = tmp_path / "bomb.png"
    path.write_bytes(png_bytes_claiming(16384, 16385))
    with pytest.raises(ImageError, match=re.escape("16384 x 16385 = 268.5 megapixels, over paintlr's "
                                                   "limit of 268.4 megapixels")):
        load_image(path)


@pytest.mark.parametrize("pixels", [12 * 12, 30 * 30])  # above the limit, and above twice it
def test_max_pixels_limit(save, monkeypatch, pixels):
    side = int(pixels ** 0.5)
    path = save(colour_array(side, side), "big.png")
    saved = Image.MAX_IMAGE_PIXELS
    monkeypatch.setattr(image_mod, "MAX_PIXELS", 100)
    with pytest.raises(ImageError, match="too large"):
        load_image(path)
    assert Image.MAX_IMAGE_PIXELS == saved  # Pillow's global limit is restored
    monkeypatch.setattr(image_mod, "MAX_PIXELS", pixels)
    check_array(load_image(path), (side, side, 3))


def test_bad_background_colour():
    with pytest.raises(ValueError, match="unknown colour"):
        parse_colour("not-a-colour")
    assert parse_colour("white") == (255, 255, 255)
    assert parse_colour("#ff8800") == (255, 136, 0)
    assert parse_colour("#ff880080") == (255, 136, 0)


# --- memory -----------------------------------------------------------------------------------

@needs_vmhwm
def test_a_16384_square_rgba_png_needs_its_decoded_bytes_plus_300_mb(tmp_path):
    path = tmp_path / "zeros.png"
    zero_png(path, 16384, 16384)
    said, peak = load_in_child(path)
    assert said == "(256, 256, 3)"
    decoded = 16384 * 16384 * 4
    assert peak <= decoded + 300e6, f"peak RSS {peak / 1e6:.0f} MB"


@needs_vmhwm
@pytest.mark.parametrize(("width", "height", "shape"), [(1, 1 << 22, (256, 1, 3)), (1 << 22, 1, (1, 256, 3))])
def test_an_image_of_the_longest_side_needs_its_decoded_bytes_plus_300_mb(tmp_path, width, height, shape):
    path = tmp_path / "line.png"
    zero_png(path, width, height, colour=2, level=9)
    said, peak = load_in_child(path)
    assert said == str(shape)
    assert peak <= width * height * 4 + 300e6, f"peak RSS {peak / 1e6:.0f} MB"  # RGB decodes to 4 bytes


@pytest.mark.parametrize(("width", "height"), [(1, (1 << 22) + 1), ((1 << 22) + 1, 1), (1, 200_000_000)])
def test_a_side_over_the_limit_is_refused_from_the_header(tmp_path, width, height):
    # complete images, within MAX_PIXELS: Pillow alone would need 8 bytes per row (1.6 GB for 2e8 rows),
    # or its PNG decoder two more rows' worth besides the image (600 MB for a 2e8 x 1 grey image)
    path = tmp_path / "line.png"
    zero_png(path, width, height, colour=0, level=9)
    assert error_of(path) == (f"{path}: image too large: {width} x {height} pixels, a side over "
                              "paintlr's limit of 4194304 pixels")


# --- paths in messages -------------------------------------------------------------------------

@pytest.mark.parametrize("content", [None, b"not an image\n"])
def test_a_path_with_a_line_break_still_gives_one_line(tmp_path, content):
    path = tmp_path / "two\nlines.png"
    if content is not None:
        path.write_bytes(content)
    message = error_of(path)
    assert "\n" not in message and "two\\nlines.png" in message


def test_the_input_is_left_as_it_was(save, rgb):
    exif = Image.Exif()
    exif[0x0112] = 6
    paths = [save(rgb, "o.jpg", exif=exif), save(rgb, "p.tiff"),
             save(np.dstack([rgb, rgb[:, :, :1]]), "a.png")]
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths]
    for p in paths:
        load_image(p)
        load_image(p, size=4)
        load_image(p, size=None)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths] == before
