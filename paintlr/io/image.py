"""Load a still image as a float array in [0, 1]: oriented, flattened onto a background, shrunk.

Grey images stay one channel; everything else becomes RGB. Arrays in, arrays out:
the rest of paintlr never sees a Pillow object.

Limits. An image of more than MAX_PIXELS = 2**28 pixels (268 megapixels: 16384 x
16384 is the largest square) is refused from its header, before decoding, as a
likely decompression bomb; so is a side over MAX_SIDE = 2**22 pixels, as Pillow
keeps 8 bytes per row besides the pixels (2 GiB for a 1 x 2**28 image) and its
decoders hold a row or two (a 2**28 x 1 PNG needs three times its pixels). A PNG
whose compressed data could not hold what its header claims, even at DEFLATE's
highest ratio, is refused as truncated before decoding: Pillow takes a zlib
stream that ends early at the end of a row for the end of the image, and would
decode a 69-byte file claiming 268 megapixels into black. Input from a pipe or a
character device is read into memory, at most MAX_STREAM_BYTES (128 MiB).
Memory: at a working size such as the default 256 px, loading needs the decoded
image (width x height x its bytes per pixel: 1 GiB for a 16384 x 16384 RGBA PNG, a
JPEG far less as it decodes at 1/2 to 1/8 scale) plus under 300 MB, since the image
is shrunk in its own integer mode, tile by tile, before anything becomes float;
keeping the full size (size=None) needs the float64 result besides, 8 bytes per
pixel and channel.

Every problem with the input is an ImageError of one line: Pillow's warnings and
what C libraries such as libtiff print on stderr while decoding are held back.
"""

from __future__ import annotations

import io
import os
import select
import stat
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageColor, ImageOps, UnidentifiedImageError

from ..errors import ImageError, display_path
from ..settings import BACKGROUND, SIZE

MAX_PIXELS = 1 << 28  # 268 megapixels: beyond this an image is treated as a decompression bomb
MAX_SIDE = 1 << 22  # 4194304 pixels: the longest side (Pillow's memory per row, its decoders' row buffers)
DEFLATE_MAX_RATIO = 1032  # the most DEFLATE expands: 258 bytes from a length and distance of 1 bit each
MAX_STREAM_BYTES = 1 << 27  # 128 MiB: the most read from a pipe or device, which is held in memory
GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
WIDE_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
ALPHA_MODES = {"RGBA", "LA", "La", "PA", "RGBa"}
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by IHDR colour type: grey, RGB, palette, grey + alpha, RGBA
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
REDUCING_GAP = 3.0  # box-reduce by an integer factor down to 3x the size, then Lanczos (as Pillow does)
TILE_PIXELS = 1 << 20  # pixels converted at a time: a few MB, whatever the image's size
SAID_CHARS = 160  # of a captured warning quoted in an error
TRANSPOSE = {  # EXIF orientation -> the transposition that shows the picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
    with _input(Path(path), name) as fp, _held_back() as said:
        try:
            return _read(fp, size, bg)
        except ImageError as exc:
            raise ImageError(f"{name}: {exc}") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(f"{name}: image too large to load safely ({_one_line(exc)})") from exc
        except UnidentifiedImageError as exc:
            raise ImageError(f"{name}: not an image Pillow can read") from exc
        except MemoryError as exc:
            raise ImageError(f"{name}: not enough memory to load the image") from exc
        except Exception as exc:  # hostile files raise all sorts from Pillow's plugins
            why = "; ".join(part for part in (_one_line(exc), said()) if part)
            raise ImageError(f"{name}: cannot decode image ({why})") from exc


# --- the input file ----------------------------------------------------------------------------

@contextmanager
def _input(path: Path, name: str) -> Iterator[BinaryIO]:
    """The input opened for reading: a regular file, or the bytes waiting in a pipe or device.

    Opened non-blocking, so a FIFO without a writer cannot hang the open; a pipe is
    read only if it has data right now.
    """
    _refuse_non_files(_stat(path, name, os.stat), name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _os_error(name, exc) from exc
    with os.fdopen(fd, "rb") as f:
        mode = _stat(fd, name, os.fstat)  # again: the path may have changed since
        _refuse_non_files(mode, name)
        if not stat.S_ISREG(mode) and not _readable_now(fd):
            kind = "a pipe" if stat.S_ISFIFO(mode) else "a device"
            raise ImageError(f"{name}: {kind} with nothing to read")
        yield f if stat.S_ISREG(mode) else _read_stream(f, name)


def _stat(target: Path | int, name: str, how: Callable[[Path | int], os.stat_result]) -> int:
    """st_mode of a path (os.stat) or an open file (os.fstat); an OSError becomes an ImageError."""
    try:
        return how(target).st_mode
    except OSError as exc:
        raise _os_error(name, exc) from exc


def _os_error(name: str, exc: OSError) -> ImageError:
    if isinstance(exc, FileNotFoundError):
        return ImageError(f"{name}: no such file")
    if isinstance(exc, IsADirectoryError):
        return ImageError(f"{name}: is a directory, not an image")
    if isinstance(exc, PermissionError):
        return ImageError(f"{name}: permission denied")
    return ImageError(f"{name}: cannot read the file ({_one_line(exc.strerror or exc)})")


def _refuse_non_files(mode: int, name: str) -> None:
    """Directories, sockets and block devices are refused; pipes and character devices may do."""
    if stat.S_ISDIR(mode):
        raise ImageError(f"{name}: is a directory, not an image")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise ImageError(f"{name}: not a regular file")


def _readable_now(fd: int) -> bool:
    """Whether a read would not block (data waiting, or the writer gone), asked with a zero timeout."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])


def _read_stream(f: BinaryIO, name: str) -> BinaryIO:
    """A pipe's or device's bytes in memory, refused past MAX_STREAM_BYTES (/dev/zero never ends)."""
    os.set_blocking(f.fileno(), True)  # data is waiting: now wait for the rest, up to end of file
    buf = io.BytesIO()
    while chunk := f.read(1 << 20):
        buf.write(chunk)
        if buf.tell() > MAX_STREAM_BYTES:
            raise ImageError(f"{name}: more than {MAX_STREAM_BYTES >> 20} MiB to read from a pipe or "
                             "device; save the image to a file")
    buf.seek(0)
    return buf


# --- decoding, with Pillow's warnings and C libraries' stderr held back --------------------------

@contextmanager
def _held_back() -> Iterator[Callable[[], str]]:
    """Record Python warnings and send file descriptor 2 to a temporary file while decoding.

    Yields a function giving the first thing said, condensed to one line ('' if
    nothing): libtiff, for one, prints its complaints straight to stderr.
    """
    with warnings.catch_warnings(record=True) as caught, _stderr_to_file() as sink:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)

        def said() -> str:
            lines = []
            if sink is not None:
                sink.seek(0)
                lines += sink.read(4096).decode(errors="replace").splitlines()
            lines += [str(w.message) for w in caught]
            lines = [_one_line(line) for line in lines if line.strip()]
            return lines[0] if lines else ""

        yield said


@contextmanager
def _stderr_to_file() -> Iterator[BinaryIO | None]:
    """File descriptor 2 pointed at a temporary file, restored after; None (untouched) off the
    main thread, where another thread's messages would be swallowed too, or if it cannot be done."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    try:
        sink = tempfile.TemporaryFile()
    except OSError:  # nowhere to write: leave stderr be
        yield None
        return
    with sink:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr to redirect
            yield None
            return
        if sys.stderr is not None:
            sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _one_line(thing: object) -> str:
    """Text on one line, at most SAID_CHARS; an unusual exception's type is named first."""
    text = " ".join(str(thing).split())
    usual = (OSError, ValueError, SyntaxError, EOFError, Warning)
    if isinstance(thing, BaseException) and (not text or not isinstance(thing, usual)):
        text = f"{type(thing).__name__}: {text}".rstrip(": ")
    return text if len(text) <= SAID_CHARS else text[: SAID_CHARS - 3] + "..."


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
            _check_png_data(fp, *im.size)
        _check_sides(*im.size)
        if size is not None:
            im.draft(im.mode, (size, size))  # JPEG decodes at 1/2 to 1/8 scale; a no-op elsewhere
        with _pillow_limit(MAX_PIXELS):
            im.load()
        if im.width < 1 or im.height < 1:
            raise ImageError("image has no pixels")
        return _to_array(im, size, bg)


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


def _check_png_data(fp: BinaryIO, width: int, height: int) -> None:
    """Refuse a PNG whose IDAT chunks, at DEFLATE's highest ratio, hold less than its header claims.

    Pillow's decoder takes a zlib stream ending at the end of a row for the end of the
    image and leaves the rest black, so such a file is not refused while decoding, after
    Pillow has allocated (and paintlr shrunk) the whole claimed image. Reads the chunks'
    headers only, stopping once there is data enough; the file position is restored.
    """
    start = fp.tell()
    try:
        fp.seek(8)  # past the signature
        claimed = stored = 0
        while len(head := fp.read(8)) == 8:
            length, kind = int.from_bytes(head[:4], "big"), head[4:]
            if kind == b"IHDR":
                ihdr = fp.read(min(length, 13))
                claimed = _png_bytes_claimed(ihdr, width, height)
                fp.seek(length - len(ihdr) + 4, os.SEEK_CUR)
                continue
            if kind in (b"IDAT", b"fdAT"):
                stored += length
                if stored * DEFLATE_MAX_RATIO >= claimed:
                    return
            elif kind == b"IEND":
                break
            fp.seek(length + 4, os.SEEK_CUR)  # the data and its CRC
    finally:
        fp.seek(start)
    if stored * DEFLATE_MAX_RATIO < claimed:
        raise ImageError(f"truncated: the file holds far less image data than its header claims "
                         f"({stored} compressed bytes for {width} x {height} pixels)")


def _png_bytes_claimed(ihdr: bytes, width: int, height: int) -> int:
    """The bytes an IHDR's image inflates to (each row a filter byte and its pixels), or 0 if unknown."""
    if len(ihdr) < 13 or ihdr[9] not in PNG_CHANNELS:
        return 0
    bits = ihdr[8] * PNG_CHANNELS[ihdr[9]]
    passes = ADAM7 if ihdr[12] == 1 else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        cols, rows = max(0, -(-(width - x0) // dx)), max(0, -(-(height - y0) // dy))
        if cols and rows:
            total += rows * (1 + -(-cols * bits // 8))
    return total


def _megapixels(pixels: int, limit: int) -> tuple[str, str]:
    """Both counts in megapixels, with just enough decimals to tell them apart."""
    digits = 0
    while round(pixels / 1e6, digits) == round(limit / 1e6, digits) and digits < 6:
        digits += 1
    return f"{pixels / 1e6:.{digits}f}", f"{limit / 1e6:.{digits}f}"


# --- converting: working planes, shrunk in integer modes, then float ---------------------------

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


def _to_array(im: Image.Image, size: int | None, bg: tuple[int, int, int]) -> np.ndarray:
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
