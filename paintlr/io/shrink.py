"""A decoded image brought to a float array in [0, 1]: upright, flattened onto a background and
shrunk, one tile at a time.

The image is shrunk in its own integer mode (a box reduce by integer factors, then Lanczos)
before anything becomes float, and converted TILE_PIXELS at a time: at a working size such
as the default 256 px, converting needs under 300 MB besides the decoded image. Grey images
stay one channel; everything else becomes RGB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
from PIL import ExifTags, Image, ImageOps

GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
WIDE_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
ALPHA_MODES = {"RGBA", "LA", "La", "PA", "RGBa"}
REDUCING_GAP = 3.0  # box-reduce by an integer factor down to 3x the size, then Lanczos (as Pillow does)
TILE_PIXELS = 1 << 20  # pixels converted at a time: a few MB, whatever the image's size
TRANSPOSE = {  # EXIF orientation -> the transposition that shows the picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class _Layout:
    """How tiles of a decoded image become working planes, and planes become float channels.

    Planes are Pillow images in modes that reduce and resize well: L, RGB, or La and
    RGBa (alpha premultiplied, so a transparent pixel adds nothing to its neighbours
    when shrunk), or F for 16-bit and float grey, with a second F plane for alpha.
    """

    planes: Callable[[Image.Image], list[Image.Image]]
    scale: float  # plane values / scale are in [0, 1]
    alpha: bool  # the last channel is alpha; the others are premultiplied by it
    background: tuple[float, ...]  # in [0, 1]: one value for a grey picture over grey, else three

    @property
    def channels(self) -> int:
        return len(self.background)

    def flatten(self, values: np.ndarray) -> np.ndarray:
        """(h, w, k) plane values to (h, w, channels) in [0, 1], composited over the background."""
        values /= self.scale
        if not self.alpha:
            return np.clip(values, 0.0, 1.0, out=values)
        colour, alpha = values[..., :-1], values[..., -1:]
        return np.clip(colour + np.asarray(self.background) * (1.0 - alpha), 0.0, 1.0)


def to_array(im: Image.Image, size: int | None, bg: tuple[int, int, int]) -> np.ndarray:
    """A decoded image as float64 (h, w, c) in [0, 1]: upright (EXIF orientation), composited over
    `bg`, its long side shrunk to `size` (None keeps the size), one tile at a time."""
    layout = _layout(im, bg)
    method = TRANSPOSE.get(im.getexif().get(ExifTags.Base.Orientation, 1))
    target = _target_size(im.size, size)
    if target is None:
        if method is not None:
            ImageOps.exif_transpose(im, in_place=True)  # a second copy of the decoded image, briefly
        return _float(im.size, lambda box: layout.planes(im.crop(box)), layout)
    planes = _shrunk(im, layout, target)
    if method is not None:
        planes = [p.transpose(method) for p in planes]
    return _float(planes[0].size, lambda box: [p.crop(box) for p in planes], layout)


def _layout(im: Image.Image, bg: tuple[int, int, int]) -> _Layout:
    grey_bg = bg[0] == bg[1] == bg[2]
    if im.mode in WIDE_MODES:
        key = im.info.get("transparency")
        key = key if isinstance(key, (int, float)) and not isinstance(key, bool) else None
        full = 1.0 if im.mode == "F" else 65535.0
        alpha = key is not None or (im.mode == "F" and _has_nan(im))
        planes = partial(_wide_planes, full=full, key=key, alpha=alpha)
        return _Layout(planes, full, alpha, _background(bg, 1 if grey_bg or not alpha else 3))
    grey = im.mode in GREY_MODES or (im.mode == "P" and _palette_is_grey(im))
    alpha = im.mode in ALPHA_MODES or "transparency" in im.info
    mode = ("L" if grey else "RGB") if not alpha else ("La" if grey else "RGBa")
    channels = 1 if grey and (grey_bg or not alpha) else 3
    return _Layout(partial(_convert, mode=mode), 255.0, alpha, _background(bg, channels))


def _background(bg: tuple[int, int, int], channels: int) -> tuple[float, ...]:
    return tuple(v / 255.0 for v in bg[:channels])


def _palette_is_grey(im: Image.Image) -> bool:
    """Whether every palette entry the image uses is grey (an index past the palette is black)."""
    used = np.flatnonzero(np.asarray(im.histogram()[:256]))
    palette = np.zeros(768, dtype=np.uint8)
    entries = (im.getpalette() or [])[:768]
    palette[: len(entries)] = entries
    rgb = palette.reshape(256, 3)[used]
    return bool(np.all(rgb[:, 0] == rgb[:, 1]) and np.all(rgb[:, 1] == rgb[:, 2]))


def _has_nan(im: Image.Image) -> bool:
    return any(np.isnan(np.asarray(im.crop(box))).any() for box in _boxes(*im.size))


def _convert(tile: Image.Image, mode: str) -> list[Image.Image]:
    """A tile in a working 8-bit mode; premultiplied modes via LA or RGBA, which apply a
    transparent colour key (a PNG tRNS chunk, a GIF's transparent index)."""
    if tile.mode == mode:
        return [tile]
    straight = {"La": "LA", "RGBa": "RGBA"}.get(mode)
    if straight and tile.mode != straight:
        tile = tile.convert(straight)
    return [tile.convert(mode)]


def _wide_planes(tile: Image.Image, full: float, key: float | None, alpha: bool) -> list[Image.Image]:
    """A 16-bit or float grey tile as F planes: values clipped to [0, full] (so +-inf too) and,
    with alpha, zero where transparent (the colour key, or NaN) and an alpha plane of 0 or full.

    Pillow's conversions from these modes to L or RGBA clip at 255 instead of scaling,
    hence planes of our own.
    """
    raw = np.asarray(tile)
    values = np.clip(raw, 0, full).astype(np.float32)  # exact for 16-bit values; NaN stays NaN
    if not alpha:
        return [Image.fromarray(values)]
    opaque = ~np.isnan(values)
    if key is not None:
        opaque &= raw != key
    values[~opaque] = 0.0
    return [Image.fromarray(values), Image.fromarray(opaque.astype(np.float32) * np.float32(full))]


def _target_size(size_now: tuple[int, int], size: int | None) -> tuple[int, int] | None:
    """(width, height) with the long side `size`, or None when no shrinking is needed."""
    width, height = size_now
    if size is None or max(width, height) <= size:
        return None
    scale = size / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrunk(im: Image.Image, layout: _Layout, target: tuple[int, int]) -> list[Image.Image]:
    """The working planes at `target`: a box reduce by integer factors, converted and reduced
    tile by tile into small planes, then Lanczos. Pillow's resize(reducing_gap=3) takes the
    same two steps, but would first convert the whole image to the working mode.

    With alpha, the small planes are split into float channels before Lanczos, so
    that compositing them equals shrinking the composited picture (no clipping between).
    """
    width, height = im.size
    fx = int(width / target[0] / REDUCING_GAP) or 1
    fy = int(height / target[1] / REDUCING_GAP) or 1
    reduced: list[Image.Image] = []
    for box in _boxes(width, height, fx, fy):
        planes = layout.planes(im.crop(box))
        if fx > 1 or fy > 1:
            planes = [p.reduce((fx, fy)) for p in planes]
        if not reduced:
            reduced = [Image.new(p.mode, (-(-width // fx), -(-height // fy))) for p in planes]
        for whole, part in zip(reduced, planes):
            whole.paste(part, (box[0] // fx, box[1] // fy))
    if layout.alpha:  # Lanczos rings: in 8 bits the clipped alpha would brighten dark edges
        reduced = [band if band.mode == "F" else band.convert("F") for p in reduced for band in p.split()]
    box = (0.0, 0.0, width / fx, height / fy)
    return [p.resize(target, Image.Resampling.LANCZOS, box=box) for p in reduced]


def _boxes(width: int, height: int, fx: int = 1, fy: int = 1) -> Iterator[tuple[int, int, int, int]]:
    """Tiles of about TILE_PIXELS covering the image, their sides multiples of fx and fy
    (except at the right and bottom edges), so a box reduce of each tile is the whole's."""
    step_x = width if width * fy <= TILE_PIXELS else max(fx, TILE_PIXELS // fy // fx * fx)
    step_y = max(fy, TILE_PIXELS // step_x // fy * fy)
    for y in range(0, height, step_y):
        for x in range(0, width, step_x):
            yield x, y, min(x + step_x, width), min(y + step_y, height)


def _float(size: tuple[int, int], planes_in: Callable[[tuple[int, int, int, int]], list[Image.Image]],
           layout: _Layout) -> np.ndarray:
    """The float64 result, filled tile by tile from the working planes of each tile.

    With size=None this array is the one allocation beyond the decoded image that
    grows with the picture: 8 bytes per pixel and channel.
    """
    width, height = size
    out = np.empty((height, width, layout.channels))
    for box in _boxes(width, height):
        arrays = [np.asarray(p, dtype=np.float64) for p in planes_in(box)]
        values = np.concatenate([a.reshape(*a.shape[:2], -1) for a in arrays], axis=2)
        out[box[1]:box[3], box[0]:box[2]] = layout.flatten(values)
    return out
