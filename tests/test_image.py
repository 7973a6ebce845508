"""paintlr.image: every still format Pillow reads, orientation, modes, alpha, shrinking."""

from __future__ import annotations

import os
import re
import socket
import struct
import subprocess
import sys
import threading
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, assert_one_line_error, colour_array, png_bytes_claiming, run_paintlr
from PIL import Image, ImageOps

import paintlr.image as image_mod
from paintlr.errors import ImageError, display_path
from paintlr.image import load_image, parse_colour, to_uint8

STEP16 = 1 / 65535


def check_array(a: np.ndarray, shape: tuple[int, ...]) -> None:
    assert a.dtype == np.float64
    assert a.shape == shape
    assert a.min() >= 0.0 and a.max() <= 1.0


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


# --- EXIF orientation ------------------------------------------------------------------------

def blocks(h: int = 16, w: int = 32) -> np.ndarray:
    """Solid 8 x 8 blocks of distinct colours: survives JPEG almost exactly."""
    rng = np.random.default_rng(3)
    colours = rng.integers(0, 256, (h // 8, w // 8, 3), dtype=np.uint8)
    return np.repeat(np.repeat(colours, 8, axis=0), 8, axis=1)


@pytest.mark.parametrize(("orientation", "expected"), [
    (1, lambda a: a),
    (3, lambda a: np.rot90(a, 2)),
    (6, lambda a: np.rot90(a, -1)),  # the camera was turned: rotate 90 degrees clockwise
    (8, lambda a: np.rot90(a, 1)),
    (2, lambda a: a[:, ::-1]),
])
def test_exif_orientation_is_applied(save, orientation, expected):
    a = blocks()
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = save(a, f"o{orientation}.jpg", exif=exif, quality=100, subsampling=0)
    with Image.open(path) as im:
        assert im.getexif()[0x0112] == orientation
    got = load_image(path)
    want = expected(a) / 255
    assert got.shape == want.shape
    assert np.abs(got - want).mean() < 0.02
    if orientation != 1:
        assert got.shape != a.shape or np.abs(got - a / 255).mean() > 0.1


def test_orientation_then_shrink_keeps_rotated_aspect(save):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = save(blocks(16, 32), "o.jpg", exif=exif, quality=100)
    check_array(load_image(path, size=8), (8, 4, 3))



def test_orientation_6_when_shrinking_turns_the_picture_clockwise(save):
    """A phone held upright: the stored picture's left edge is the top of the scene. Shrunk on
    loading (the planes are transposed after shrinking), its top-left corner ends top right."""
    a = np.full((64, 128, 3), 255, dtype=np.uint8)
    a[:16, :16] = [255, 0, 0]  # stored top left: red
    a[-16:, :16] = [0, 0, 255]  # stored bottom left: blue
    exif = Image.Exif()
    exif[0x0112] = 6
    got = load_image(save(a, "phone.jpg", exif=exif, quality=100, subsampling=0), size=32)
    check_array(got, (32, 16, 3))
    np.testing.assert_allclose(got[1, -2], [1, 0, 0], atol=0.05)  # red: top right
    np.testing.assert_allclose(got[1, 1], [0, 0, 1], atol=0.05)  # blue: top left
    np.testing.assert_allclose(got[-4:].reshape(-1, 3), 1.0, atol=0.05)  # the bottom: white


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_the_same_shrunk_or_not(save, orientation):
    """Shrinking transposes paintlr's own way (after shrinking); without shrinking Pillow's
    exif_transpose does it: both give the picture Pillow shows upright."""
    a = blocks(32, 64)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = save(a, f"o{orientation}.png", exif=exif)
    with Image.open(path) as im:
        upright = save(ImageOps.exif_transpose(im).convert("RGB"), f"upright{orientation}.png")
    got, want = load_image(path, size=16), load_image(upright, size=16)
    assert got.shape == want.shape and np.abs(got - want).max() < 0.02  # rounding of the two orders


# --- grey, 16-bit, palettes, CMYK ------------------------------------------------------------

def test_grey_stays_one_channel(save, rgb):
    grey = rgb[:, :, 0]
    a = load_image(save(grey, "g.png"))
    check_array(a, (12, 16, 1))
    assert np.array_equal(a[:, :, 0], grey / 255)


def test_one_bit_is_one_channel_of_zeros_and_ones(save):
    bits = np.zeros((4, 6), dtype=bool)
    bits[1, 2] = bits[3, 5] = True
    im = Image.fromarray(bits)
    assert im.mode == "1"
    a = load_image(save(im, "b.png"))
    check_array(a, (4, 6, 1))
    assert np.array_equal(a[:, :, 0], bits.astype(float))


WIDE = np.array([[0, 1, 2, 3, 257], [1000, 30000, 65534, 65535, 12345]], dtype=np.uint16)


@pytest.mark.parametrize("name", ["w.png", "w.tiff"])
def test_16_bit_grey_keeps_16_bit_precision(save, name):
    path = save(WIDE, name)
    with Image.open(path) as im:
        assert im.mode.startswith("I")
    a = load_image(path)
    check_array(a, (2, 5, 1))
    np.testing.assert_allclose(a[:, :, 0] * 65535, WIDE, atol=1e-6)
    # 8-bit quantisation would make 0, 1, 2 and 3 the same value
    assert len(np.unique(a[0, :4])) == 4


def test_16_bit_grey_shrinks_without_losing_precision(save):
    flat = np.full((40, 60), 1000, dtype=np.uint16)
    a = load_image(save(flat, "flat16.png"), size=12)
    check_array(a, (8, 12, 1))
    # 1000 / 65535 = 0.015259; the nearest 8-bit value 4 / 255 = 0.015686
    np.testing.assert_allclose(a, 1000 / 65535, atol=STEP16 / 10)


def test_16_bit_grey_with_transparent_key_is_composited_not_clipped(save):
    path = save(WIDE, "key16.png", transparency=1000)
    a = load_image(path)
    check_array(a, (2, 5, 1))
    expected = WIDE / 65535
    expected[WIDE == 1000] = 1.0  # the white background
    np.testing.assert_allclose(a[:, :, 0], expected, atol=1e-6)
    red = load_image(path, background="red")
    check_array(red, (2, 5, 3))
    assert np.allclose(red[1, 0], [1, 0, 0])
    np.testing.assert_allclose(red[1, 1], 30000 / 65535, atol=1e-6)


def test_colour_palette_image(save, rgb):
    p = Image.fromarray(rgb).quantize(16)
    path = save(p, "p.png")
    with Image.open(path) as im:
        assert im.mode == "P"
    a = load_image(path)
    check_array(a, (12, 16, 3))
    assert np.array_equal(a, np.asarray(p.convert("RGB")) / 255)


def test_grey_palette_image_is_one_channel(save, rgb):
    p = Image.fromarray(rgb[:, :, 1]).convert("P")
    path = save(p, "pg.png")
    with Image.open(path) as im:
        assert im.mode == "P"
    a = load_image(path)
    check_array(a, (12, 16, 1))
    assert np.array_equal(a[:, :, 0], rgb[:, :, 1] / 255)


@pytest.mark.parametrize("name", ["pt.png", "pt.gif"])
def test_palette_transparency_uses_the_background(save, name):
    p = Image.new("P", (4, 2), 0)
    p.putpalette([255, 0, 0, 0, 255, 0])
    p.putpixel((3, 1), 1)
    path = save(p, name, transparency=0)
    a = load_image(path)
    assert np.allclose(a[0, 0], [1, 1, 1]) and np.allclose(a[1, 3], [0, 1, 0])
    b = load_image(path, background="#0000ff")
    assert np.allclose(b[0, 0], [0, 0, 1]) and np.allclose(b[1, 3], [0, 1, 0])


CMYK_PIXELS = [  # (C, M, Y, K) -> RGB in [0, 1]
    ((0, 0, 0, 0), (1, 1, 1)),
    ((0, 0, 0, 255), (0, 0, 0)),
    ((0, 255, 255, 0), (1, 0, 0)),
    ((255, 0, 0, 0), (0, 1, 1)),
    ((0, 0, 255, 0), (1, 1, 0)),
    ((0, 0, 0, 102), (153 / 255,) * 3),
]


def cmyk_image(block: int) -> Image.Image:
    im = Image.new("CMYK", (block * len(CMYK_PIXELS), block))
    for i, (cmyk, _) in enumerate(CMYK_PIXELS):
        im.paste(cmyk, (i * block, 0, (i + 1) * block, block))
    return im


@pytest.mark.parametrize(("name", "block", "tolerance"), [("c.tiff", 1, 1e-9), ("c.jpg", 8, 0.04)])
def test_cmyk_becomes_the_right_rgb(save, name, block, tolerance):
    path = save(cmyk_image(block), name, **({"quality": 100} if name.endswith("jpg") else {}))
    with Image.open(path) as im:
        assert im.mode == "CMYK"
    a = load_image(path)
    check_array(a, (block, block * len(CMYK_PIXELS), 3))
    for i, (_, want) in enumerate(CMYK_PIXELS):
        centre = a[block // 2, i * block + block // 2]
        np.testing.assert_allclose(centre, want, atol=tolerance, err_msg=str(CMYK_PIXELS[i]))


# --- alpha over the background ---------------------------------------------------------------

def rgba_image() -> Image.Image:
    a = np.zeros((2, 3, 4), dtype=np.uint8)
    a[0, 0] = (255, 0, 0, 0)  # transparent red
    a[0, 1] = (255, 0, 0, 255)  # opaque red
    a[0, 2] = (255, 0, 0, 128)  # half red
    a[1, :] = (10, 200, 30, 255)
    return Image.fromarray(a)


def test_rgba_over_default_white(save):
    a = load_image(save(rgba_image(), "a.png"))
    check_array(a, (2, 3, 3))
    np.testing.assert_allclose(a[0, 0], [1, 1, 1])
    np.testing.assert_allclose(a[0, 1], [1, 0, 0])
    np.testing.assert_allclose(a[0, 2], [1, 127 / 255, 127 / 255], atol=1.5 / 255)
    np.testing.assert_allclose(a[1, 1], np.array([10, 200, 30]) / 255)


@pytest.mark.parametrize("background", ["#0000ff", "blue", "rgb(0,0,255)"])
def test_rgba_over_a_colour(save, background):
    a = load_image(save(rgba_image(), "a.png"), background=background)
    np.testing.assert_allclose(a[0, 0], [0, 0, 1])
    np.testing.assert_allclose(a[0, 1], [1, 0, 0])
    np.testing.assert_allclose(a[0, 2], [128 / 255, 0, 127 / 255], atol=1.5 / 255)


def test_rgba_over_black(save):
    a = load_image(save(rgba_image(), "a.png"), background="black")
    np.testing.assert_allclose(a[0, 0], [0, 0, 0])
    np.testing.assert_allclose(a[0, 2], [128 / 255, 0, 0], atol=1.5 / 255)


def test_la_stays_grey_over_a_grey_background_and_takes_colour_over_a_colour(save):
    la = np.array([[[0, 0], [0, 255], [200, 255], [0, 128]]], dtype=np.uint8)
    path = save(Image.frombytes("LA", (4, 1), la.tobytes()), "la.png")
    with Image.open(path) as im:
        assert im.mode == "LA"
    white = load_image(path)
    check_array(white, (1, 4, 1))
    np.testing.assert_allclose(white[0, :3, 0], [1, 0, 200 / 255])
    np.testing.assert_allclose(white[0, 3, 0], 127 / 255, atol=1.5 / 255)
    grey = load_image(path, background="#808080")
    check_array(grey, (1, 4, 1))
    np.testing.assert_allclose(grey[0, 0, 0], 128 / 255)
    red = load_image(path, background="red")
    check_array(red, (1, 4, 3))
    np.testing.assert_allclose(red[0, 0], [1, 0, 0])
    np.testing.assert_allclose(red[0, 2], [200 / 255] * 3)


def test_rgb_with_transparent_colour_key(save, rgb):
    key = tuple(int(v) for v in rgb[0, 0])
    a = load_image(save(rgb, "k.png", transparency=key), background="black")
    np.testing.assert_allclose(a[0, 0], [0, 0, 0])
    np.testing.assert_allclose(a[5, 5], rgb[5, 5] / 255)


# --- shrinking -------------------------------------------------------------------------------

@pytest.mark.parametrize(("h", "w", "size", "shape"), [
    (30, 90, 30, (10, 30)),
    (90, 30, 30, (30, 10)),
    (30, 90, 45, (15, 45)),
    (31, 97, 20, (6, 20)),
    (30, 90, 1, (1, 1)),
    (30, 90, 90, (30, 90)),  # already the size
    (30, 90, 256, (30, 90)),  # never enlarged
    (30, 90, None, (30, 90)),  # None keeps the size
])
def test_shrinks_the_long_side_keeping_the_aspect(save, h, w, size, shape):
    a = load_image(save(colour_array(h, w), "s.png"), size=size)
    check_array(a, (*shape, 3))


def test_default_size_is_256(save):
    check_array(load_image(save(colour_array(300, 150), "big.png")), (256, 128, 3))


def test_shrinking_averages_rather_than_samples(save):
    checker = (np.indices((64, 64)).sum(axis=0) % 2 * 255).astype(np.uint8)
    a = load_image(save(checker, "checker.png"), size=16)
    check_array(a, (16, 16, 1))
    np.testing.assert_allclose(a, 0.5, atol=0.02)


def test_jpeg_shrinks_to_the_exact_size(save):
    a = load_image(save(colour_array(200, 120), "big.jpg", quality=90), size=50)
    check_array(a, (50, 30, 3))


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


def test_to_uint8_rounds_and_clips():
    a = np.array([-0.5, 0.0, 0.5 / 255, 0.49 / 255, 0.5, 1.0, 1.7])
    assert to_uint8(a).tolist() == [0, 0, 1, 0, 128, 255, 255]
    assert to_uint8(a).dtype == np.uint8


# --- float images: NaN is transparent, infinities clip ---------------------------------------

FLOATS = np.array([[0.25, np.nan, np.inf], [-np.inf, 0.5, 2.0]], dtype=np.float32)


@pytest.mark.parametrize("name", ["f.tiff", "f.pfm"])
def test_float_nan_is_the_background_and_infinities_clip(save, name):
    path = save(FLOATS, name)
    with Image.open(path) as im:
        assert im.mode == "F" and np.isnan(np.asarray(im)).sum() == 1
    white = load_image(path)
    check_array(white, (2, 3, 1))
    np.testing.assert_array_equal(white[:, :, 0], [[0.25, 1.0, 1.0], [0.0, 0.5, 1.0]])
    red = load_image(path, background="red")
    check_array(red, (2, 3, 3))
    np.testing.assert_array_equal(red[0, 1], [1, 0, 0])
    np.testing.assert_array_equal(red[:, :, 1], [[0.25, 0.0, 1.0], [0.0, 0.5, 1.0]])


def test_float_nan_is_composited_after_shrinking(save):
    half = np.full((40, 120), 0.5, dtype=np.float32)
    half[:, 60:] = np.nan
    a = load_image(save(half, "half.tiff"), size=12, background="black")
    check_array(a, (4, 12, 1))
    # NaN does not spread into its neighbours: away from the edge exact, next to it Lanczos's ringing
    np.testing.assert_allclose(a[:, :3, 0], 0.5, atol=1e-6)
    np.testing.assert_allclose(a[:, 3:6, 0], 0.5, atol=0.04)
    np.testing.assert_allclose(a[:, 9:, 0], 0.0, atol=1e-6)


def test_a_float_image_without_nan_stays_grey_over_a_colour(save):
    path = save(np.array([[0.0, 0.5, 1.0]], dtype=np.float32), "g.tiff")
    check_array(load_image(path, background="red"), (1, 3, 1))


# --- shrinking with alpha, tile by tile --------------------------------------------------------

@pytest.mark.parametrize("hidden", [0, 255])  # transparent black, transparent white
@pytest.mark.parametrize(("side", "size"), [(60, 12), (240, 10)])  # Lanczos only; a box reduce first
def test_the_colour_of_transparent_pixels_does_not_spread_when_shrinking(save, side, size, hidden):
    a = np.full((side, side, 4), hidden, dtype=np.uint8)
    a[:, :, 3] = 0
    a[::2, ::2] = (102, 51, 0, 255)  # a quarter of the pixels opaque (0.4, 0.2, 0)
    out = load_image(save(a, "sparse.png"), size=size)
    check_array(out, (size, size, 3))
    # a quarter of (0.4, 0.2, 0) over white is (0.85, 0.8, 0.75), whatever colour the transparent
    # pixels hold. Lanczos at 5:1 ripples a little on a 2-pixel pattern; a reduce by 8 averages exactly
    np.testing.assert_allclose(out, np.broadcast_to([0.85, 0.8, 0.75], out.shape),
                               atol=0.05 if side == 60 else 1 / 255)


@pytest.mark.parametrize(("size", "tile"), [(50, 1000), (50, 1), (None, 1000)])
def test_tiles_give_what_pillow_gives_for_the_whole_image(save, monkeypatch, size, tile):
    # tiles of 1000 pixels (or the fewest the reduce allows) must not show: same numbers as Pillow's
    # own resize of the whole image, box reduce included (400 x 300 to 50: factor 2)
    path = save(colour_array(300, 400, seed=5), "photo.png")
    monkeypatch.setattr(image_mod, "TILE_PIXELS", tile)
    with Image.open(path) as im:
        want = im if size is None else im.resize((50, 38), Image.Resampling.LANCZOS, reducing_gap=3.0)
        want = np.asarray(want) / 255
    np.testing.assert_array_equal(load_image(path, size=size), want)


# --- memory ----------------------------------------------------------------------------------

def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zero_png(path: Path, width: int, height: int, colour: int = 6, level: int = 1,
             interlace: int = 0) -> None:
    """An all-zero 8-bit PNG (RGBA unless `colour` says otherwise) written through zlib a block at a
    time: a few MB, never the whole image in memory. Interlaced, the passes are counted with ranges."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    passes = adam7 if interlace else [(0, 0, 1, 1)]
    left = 0  # each row: filter byte 0, then the pixels
    for x0, y0, dx, dy in passes:
        cols, rows = len(range(x0, width, dx)), len(range(y0, height, dy))
        left += rows * (1 + cols * channels) if cols else 0
    block = b"\0" * (1 << 24)
    deflate = zlib.compressobj(level)
    parts = []
    while left:
        parts.append(deflate.compress(block[: min(left, len(block))]))
        left -= min(left, len(block))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, interlace)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                + png_chunk(b"IDAT", b"".join(parts) + deflate.flush()) + png_chunk(b"IEND", b""))


def load_in_child(path: Path) -> tuple[str, int]:
    """load_image(path) in a fresh Python: what it gave (the shape, or the ImageError) and its peak
    RSS in bytes: the child's own high-water mark (VmHWM), not ru_maxrss, which carries pytest's size
    over exec."""
    code = ("import sys; from paintlr.errors import ImageError\n"
            "from paintlr.image import load_image\n"
            "try: print(load_image(sys.argv[1]).shape)\n"
            "except ImageError as exc: print('ImageError:', exc)\n"
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    said, peak_kb = done.stdout.splitlines()[-2:]
    return said, int(peak_kb) * 1024


needs_vmhwm = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")


@needs_vmhwm
def test_a_16384_square_rgba_png_needs_its_decoded_bytes_plus_300_mb(tmp_path):
    path = tmp_path / "zeros.png"
    zero_png(path, 16384, 16384)
    said, peak = load_in_child(path)
    assert said == "(256, 256, 3)"
    decoded = 16384 * 16384 * 4
    assert peak <= decoded + 300e6, f"peak RSS {peak / 1e6:.0f} MB"


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
        assert image_mod._png_bytes_claimed(data[16:29], width, height) == inflated_idat(data), im.mode
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
    assert image_mod._png_bytes_claimed(data[16:29], width, height) == inflated_idat(data)


# --- warnings and C libraries' messages are held back ------------------------------------------

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


# --- what is not a regular file ----------------------------------------------------------------

def error_of(path) -> str:
    with pytest.raises(ImageError) as info:
        load_image(path)
    return str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.append(error_of(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open(): give it a writer so the thread can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_image blocked on a FIFO without a writer")
    assert said == [f"{fifo}: a pipe with nothing to read"]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd")
def test_a_pipe_holding_an_image_is_read(save, rgb):
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, save(rgb, "p.png").read_bytes())
        os.close(write_end)
        a = load_image(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
    np.testing.assert_array_equal(a, rgb / 255)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_a_socket_is_not_a_regular_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative name: socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("s.png")
        assert error_of(tmp_path / "s.png") == f"{tmp_path / 's.png'}: not a regular file"


def test_stream_input_is_capped(monkeypatch):
    monkeypatch.setattr(image_mod, "MAX_STREAM_BYTES", 1 << 20)
    assert error_of("/dev/zero") == ("/dev/zero: more than 1 MiB to read from a pipe or device; "
                                     "save the image to a file")


# --- paths in messages -------------------------------------------------------------------------

def test_display_path_quotes_what_would_not_print_on_one_line():
    assert display_path("photo.png") == "photo.png"
    assert display_path(Path("my photos/cat 1.png")) == "my photos/cat 1.png"
    assert display_path("two\nlines.png") == "'two\\nlines.png'"
    assert display_path("tab\there.png") == "'tab\\there.png'"
    assert display_path(os.fsdecode(b"caf\xe9.png")) == "'caf\\udce9.png'"  # undecodable byte


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
