"""paintlr.io.shrink: orientation, modes, alpha, floats, shrinking tile by tile, through load_image."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import colour_array
from image_files import STEP16, check_array
from PIL import Image, ImageOps

import paintlr.io.shrink as shrink_mod
from paintlr.io.image import load_image

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
    monkeypatch.setattr(shrink_mod, "TILE_PIXELS", tile)
    with Image.open(path) as im:
        want = im if size is None else im.resize((50, 38), Image.Resampling.LANCZOS, reducing_gap=3.0)
        want = np.asarray(want) / 255
    np.testing.assert_array_equal(load_image(path, size=size), want)
