"""Load a still image as a float array in [0, 1]: oriented, flattened onto a background, shrunk.

Grey images stay one channel; everything else becomes RGB. Arrays in, arrays out:
the rest of paintlr never sees a Pillow object.

Limits. An image of more than MAX_PIXELS = 2**28 pixels (268 megapixels: 16384 x
16384 is the largest square) is refused from its header, before decoding, as a
likely decompression bomb; so is a side over MAX_SIDE = 2**22 pixels, as Pillow
keeps 8 bytes per row besides the pixels (2 GiB for a 1 x 2**28 image) and its
decoders hold a row or two (a 2**28 x 1 PNG needs three times its pixels). A PNG
whose compressed data could not hold what its header claims is refused as
truncated before decoding (`png_checks`). Input from a pipe or a character device
is read into memory, at most 128 MiB (`streams`).
Memory: at a working size such as the default 256 px, loading needs the decoded
image (width x height x its bytes per pixel: 1 GiB for a 16384 x 16384 RGBA PNG, a
JPEG far less as it decodes at 1/2 to 1/8 scale) plus under 300 MB, since the image
is shrunk in its own integer mode, tile by tile, before anything becomes float
(`shrink`); keeping the full size (size=None) needs the float64 result besides, 8
bytes per pixel and channel.

Every problem with the input is an ImageError of one line: Pillow's warnings and
what C libraries such as libtiff print on stderr while decoding are held back
(`decoder_messages`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageColor, UnidentifiedImageError

from ..errors import ImageError, display_path
from ..settings import BACKGROUND, SIZE
from .decoder_messages import held_back, one_line
from .png_checks import check_png_data
from .shrink import to_array
from .streams import open_input

MAX_PIXELS = 1 << 28  # 268 megapixels: beyond this an image is treated as a decompression bomb
MAX_SIDE = 1 << 22  # 4194304 pixels: the longest side (Pillow's memory per row, its decoders' row buffers)


def parse_colour(spec: str) -> tuple[int, int, int]:
    """An RGB triple from a colour name or hex code such as 'white' or '#ff8800'."""
    try:
        rgb = ImageColor.getrgb(spec)
    except ValueError as exc:
        raise ValueError(f"unknown colour {spec!r}: use a name such as 'white' or '#rrggbb'") from exc
    return tuple(rgb[:3])  # type: ignore[return-value]


def load_image(path: str | Path, size: int | None = SIZE, background: str = BACKGROUND) -> np.ndarray:
    """Read an image as float64 (h, w, c), c = 1 (grey) or 3 (colour), values in [0, 1].

    Applies EXIF orientation, composites alpha (and NaN pixels of float images)
    over `background`, and shrinks the long side to `size` pixels (never
    enlarging; None keeps the size). Any problem is an ImageError of one line.
    """
    bg = parse_colour(background)
    name = display_path(path)
    with open_input(Path(path), name) as fp, held_back() as said:
        try:
            return _read(fp, size, bg)
        except ImageError as exc:
            raise ImageError(f"{name}: {exc}") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(f"{name}: image too large to load safely ({one_line(exc)})") from exc
        except UnidentifiedImageError as exc:
            raise ImageError(f"{name}: not an image Pillow can read") from exc
        except MemoryError as exc:
            raise ImageError(f"{name}: not enough memory to load the image") from exc
        except Exception as exc:  # hostile files raise all sorts from Pillow's plugins
            why = "; ".join(part for part in (one_line(exc), said()) if part)
            raise ImageError(f"{name}: cannot decode image ({why})") from exc


@contextmanager
def _pillow_limit(pixels: int | None) -> Iterator[None]:
    """Pillow's own decompression-bomb limit, set for a moment and restored."""
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _read(fp: BinaryIO, size: int | None, bg: tuple[int, int, int]) -> np.ndarray:
    """Open, check the size against MAX_PIXELS, decode (at reduced scale where the format can),
    then convert; Pillow's own check is kept at the same limit, for sizes found while decoding."""
    with _pillow_limit(None):  # our check, with its clearer message, judges the header's size
        im = Image.open(fp)
    with im:
        _check_pixels(*im.size)
        if im.format == "PNG":
            check_png_data(fp, *im.size)
        _check_sides(*im.size)
        if size is not None:
            im.draft(im.mode, (size, size))  # JPEG decodes at 1/2 to 1/8 scale; a no-op elsewhere
        with _pillow_limit(MAX_PIXELS):
            im.load()
        if im.width < 1 or im.height < 1:
            raise ImageError("image has no pixels")
        return to_array(im, size, bg)


def _check_pixels(width: int, height: int) -> None:
    pixels = width * height
    if pixels > MAX_PIXELS:
        got, limit = _megapixels(pixels, MAX_PIXELS)
        raise ImageError(f"image too large: {width} x {height} = {got} megapixels, over paintlr's "
                         f"limit of {limit} megapixels")


def _check_sides(width: int, height: int) -> None:
    if max(width, height) > MAX_SIDE:
        raise ImageError(f"image too large: {width} x {height} pixels, a side over paintlr's limit of "
                         f"{MAX_SIDE} pixels")


def _megapixels(pixels: int, limit: int) -> tuple[str, str]:
    """Both counts in megapixels, with just enough decimals to tell them apart."""
    digits = 0
    while round(pixels / 1e6, digits) == round(limit / 1e6, digits) and digits < 6:
        digits += 1
    return f"{pixels / 1e6:.{digits}f}", f"{limit / 1e6:.{digits}f}"
