"""Load a still image as a float array in [0, 1]: oriented, flattened onto a background, shrunk.

Grey images stay one channel; everything else becomes RGB. Arrays in, arrays out:
the rest of paintlr never sees a Pillow object.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageColor, ImageOps, UnidentifiedImageError

from .errors import ImageError
from .settings import BACKGROUND, SIZE

MAX_PIXELS = 1 << 28  # 268 megapixels: beyond this an image is treated as a decompression bomb
GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
WIDE_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}


def parse_colour(spec: str) -> tuple[int, int, int]:
    """An RGB triple from a colour name or hex code such as 'white' or '#ff8800'."""
    try:
        rgb = ImageColor.getrgb(spec)
    except ValueError as exc:
        raise ValueError(f"unknown colour {spec!r}: use a name such as 'white' or '#rrggbb'") from exc
    return tuple(rgb[:3])  # type: ignore[return-value]


def load_image(path: str | Path, size: int | None = SIZE, background: str = BACKGROUND) -> np.ndarray:
    """Read an image as float64 (h, w, c), c = 1 (grey) or 3 (colour), values in [0, 1].

    Applies EXIF orientation, composites alpha over `background`, and shrinks the
    long side to `size` pixels (never enlarging; None keeps the size).
    """
    bg = parse_colour(background)
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_PIXELS
            try:
                with Image.open(path) as im:
                    if size is not None and im.format == "JPEG":
                        im.draft(im.mode, (size, size))
                    im.load()
                    return _to_array(ImageOps.exif_transpose(im), size, bg)
            finally:
                Image.MAX_IMAGE_PIXELS = saved
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{path}: image too large to load safely ({exc})") from exc
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError(f"{path}: is a directory, not an image") from exc
    except PermissionError as exc:
        raise ImageError(f"{path}: permission denied") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{path}: not an image Pillow can read") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"{path}: cannot decode image ({exc})") from exc


def _to_array(im: Image.Image, size: int | None, bg: tuple[int, int, int]) -> np.ndarray:
    if im.width < 1 or im.height < 1:
        raise ImageError("image has no pixels")
    if im.mode in WIDE_MODES:
        return _wide_to_array(im, size, bg)
    grey = im.mode in GREY_MODES or (im.mode == "P" and _palette_is_grey(im))
    has_alpha = im.mode in ("RGBA", "LA", "La", "PA", "RGBa") or "transparency" in im.info
    if has_alpha:
        rgba = im.convert("RGBA")
        flat = Image.new("RGBA", im.size, (*bg, 255))
        flat.alpha_composite(rgba)
        grey = grey and bg[0] == bg[1] == bg[2]
        im = flat.convert("L" if grey else "RGB")
    else:
        im = im.convert("L" if grey else "RGB")
    im = _shrink(im, size)
    a = np.asarray(im, dtype=np.float64)
    a /= 255.0  # in place: at 4096 px one float copy is 268 MB
    return a[:, :, None] if a.ndim == 2 else a


def _palette_is_grey(im: Image.Image) -> bool:
    rgb = np.asarray(im.convert("RGB"))
    return bool(np.all(rgb[..., 0] == rgb[..., 1]) and np.all(rgb[..., 1] == rgb[..., 2]))


def _shrink(im: Image.Image, size: int | None) -> Image.Image:
    if size is None or max(im.size) <= size:
        return im
    scale = size / max(im.size)
    new = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    return im.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _wide_to_array(im: Image.Image, size: int | None, bg: tuple[int, int, int]) -> np.ndarray:
    """16-bit and float grey images keep their precision: scaled to [0, 1] in float.

    Pillow's conversions from these modes to L or RGBA clip at 255 instead of
    scaling, so a transparent colour key (a PNG tRNS chunk) is composited here.
    """
    full = 1.0 if im.mode == "F" else 65535.0
    grey = np.clip(np.asarray(im.convert("F"), dtype=np.float64) / full, 0.0, 1.0)
    key = im.info.get("transparency")
    if isinstance(key, (int, float)):
        transparent = np.asarray(im) == key
        values = bg[:1] if bg[0] == bg[1] == bg[2] else bg
        channels = [np.where(transparent, v / 255.0, grey) for v in values]
    else:
        channels = [grey]
    return np.stack([_shrink_float(c, size) for c in channels], axis=2)


def _shrink_float(a: np.ndarray, size: int | None) -> np.ndarray:
    if size is None or max(a.shape) <= size:
        return a
    f = _shrink(Image.fromarray(a.astype(np.float32)), size)
    return np.clip(np.asarray(f, dtype=np.float64), 0.0, 1.0)


def to_uint8(image: np.ndarray, block: int = 1 << 20) -> np.ndarray:
    """Float image in [0, 1] (values outside are clipped) to uint8, rounding to nearest.

    Converted a slab of rows at a time (about `block` values), so a large frame
    needs no full-size float temporary.
    """
    image = np.asarray(image)
    out = np.empty(image.shape, dtype=np.uint8)
    rows = max(1, block // max(1, image[0].size)) if image.ndim else 1
    for i in range(0, max(len(out), 1) if image.ndim else 1, rows):
        part = (slice(i, i + rows),) if image.ndim else ()
        scaled = np.clip(image[part], 0.0, 1.0)
        scaled *= 255.0
        scaled += 0.5
        np.copyto(out[part], scaled, casting="unsafe")
    return out
