"""Frames to files: GIF, WebP and APNG animations, a player page (.html), video (.mp4, .webm),
still images, numbered frame files and a CSV log.

The output format follows the file name's extension. Frames flow to every output one
at a time (`Outputs`), so memory does not grow with the number of frames: each
animation is written frame by frame into a temporary file in its destination folder,
and every file is renamed into place only when the whole set is complete, so an
interrupted or failed run never leaves a half-written file or a partial set.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import math
import os
import re
import signal
import struct
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from ..errors import OutputError, Terminated
from ..settings import FPS, MAX_FPS, MAX_FRAME_PIXELS, MAX_FRAMES, MIN_FPS, QUALITY
from .page import PageWriter, webp_options
from .video import VIDEO, VideoEncoder, require_av

ANIMATIONS = {".gif": "GIF", ".webp": "WEBP", ".apng": "PNG", ".html": "HTML", **VIDEO}
STILLS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
PLACEHOLDER = re.compile(r"%(0?\d+)?d")
HOLD_MS = 1500
MAX_SIDE = {".gif": 65535, ".webp": 16383, **{ext: 8192 for ext in VIDEO}}  # pixels, by format
# Bytes per pixel per frame, measured on the demo (256 x 170, 59 frames, quality 90), rounded up:
# for the size warning.
BYTES_PER_PIXEL = {".gif": 0.34, ".webp": 0.13, ".apng": 1.15, ".html": 0.25, ".mp4": 0.012, ".webm": 0.008,
                   ".png": 1.75, ".jpg": 0.3, ".jpeg": 0.3}


def output_kind(path: str | os.PathLike) -> str:
    """'sequence' (a printf placeholder in the name), 'animation' or 'still', by extension.

    Raises ValueError for an extension paintlr cannot write.
    """
    name = os.fspath(path)
    ext = Path(name).suffix.lower()
    if PLACEHOLDER.search(name.replace("%%", "")):
        try:
            name % 0  # a stray % fails here, not after training
            valid = len(PLACEHOLDER.findall(name.replace("%%", ""))) == 1
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ValueError(f"{name}: use exactly one placeholder such as %04d, and %% for a %")
        if ext not in STILLS:
            raise ValueError(f"{name}: frame files must end in {', '.join(sorted(STILLS))}")
        return "sequence"
    if ext in ANIMATIONS:
        return "animation"
    if ext in (".png", ".jpg", ".jpeg"):
        return "still"
    known = sorted({*ANIMATIONS, ".png", ".jpg", ".jpeg"})
    raise ValueError(f"{name}: unknown output extension {ext or '(none)'!r}; use one of {', '.join(known)}")


def frame_files(pattern: str | os.PathLike) -> re.Pattern:
    """A regex matching the names a frame-file pattern such as frame_%04d.png can write."""
    text = Path(pattern).name.replace("%%", "\x00")  # a literal %, kept out of the split
    parts = [re.escape(part).replace("\x00", "%") for part in PLACEHOLDER.split(text)[::2]]
    return re.compile(r"\d+".join(parts))


def final_name(path: str | os.PathLike) -> str:
    """The file an output name writes: %% stands for % (a frame-file pattern keeps its own %)."""
    name = os.fspath(path)
    return name if output_kind(name) == "sequence" else name.replace("%%", "%")


def _names(path: str) -> list[str]:
    """Every file an output may write: one, or each frame file a run can make."""
    if output_kind(path) == "sequence":
        return [path % i for i in range(MAX_FRAMES + 1)]
    return [final_name(path)]


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(path: str | os.PathLike, source: str | os.PathLike | None = None, *,
                 literal: bool = False) -> None:
    """Raise ValueError if `path` cannot be written, before a run starts: an unknown extension,
    a missing or read-only folder, a folder in the way, a name too long for its temporary
    file, or (by the files themselves, whatever the path) the run's input `source`.
    `literal`: a file written under exactly this name (the CSV log), not an output kind."""
    path = os.fspath(path)
    names = [path] if literal else _names(path)
    folder = Path(names[0]).parent
    if not folder.is_dir():
        raise ValueError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{path}: folder {folder} is not writable")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = max(len(os.fsencode(Path(name).name)) for name in (names[0], names[-1]))
    if longest + len(".") + len(".XXXXXXXX.part") > limit:
        raise ValueError(f"{path}: name too long ({longest} bytes; at most {limit - 15} here)")
    if Path(names[0]).is_dir():
        raise ValueError(f"{path}: is a folder")
    if source is not None and os.path.lexists(source):
        for name in names:
            if os.path.lexists(name) and _same_file(name, os.fspath(source)):
                raise ValueError(f"{path}: refusing to overwrite the input")


def default_output(source: str | os.PathLike, suffix: str) -> str:
    """The output written when none is named: the source's stem + suffix in the working folder,
    read literally (a % in the stem is no frame pattern), and never the source itself."""
    stem = Path(source).stem.replace("%", "%%")
    name = stem + suffix
    if os.path.lexists(final_name(name)) and os.path.lexists(source) and _same_file(final_name(name),
                                                                                     os.fspath(source)):
        name = f"{stem}-paintlr{suffix}"
    return name


def written_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """The size of a frame written at `scale` times its own (any positive factor)."""
    return max(1, round(width * scale)), max(1, round(height * scale))


def check_frame_size(paths: Iterable[str | os.PathLike], width: int, height: int) -> None:
    """Raise ValueError if frames of width x height (as written) are more than paintlr writes
    (MAX_FRAME_PIXELS) or than one of the formats can store."""
    pixels = width * height
    if pixels > MAX_FRAME_PIXELS:
        raise ValueError(f"frames of {width:,} x {height:,} = {pixels / 1e6:,.0f} megapixels are over the "
                         f"limit of {MAX_FRAME_PIXELS / 1e6:.0f} megapixels a frame")
    for path in paths:
        ext = Path(path).suffix.lower()
        if max(width, height) > MAX_SIDE.get(ext, 1 << 31):
            raise ValueError(f"{os.fspath(path)}: frames of {width:,} x {height:,} are over the "
                             f"{MAX_SIDE[ext]:,} pixels a side that {ext} stores")


def estimated_bytes(paths: Iterable[str | os.PathLike], width: int, height: int, frames: int) -> int:
    """A rough size of the files these outputs write for `frames` frames of width x height."""
    total = 0.0
    for path in paths:
        ext = Path(path).suffix.lower()
        kind = output_kind(path)
        count = 1 if kind == "still" else frames
        total += BYTES_PER_PIXEL.get(ext, 1.0) * width * height * count
    return int(total)


def _cannot_write(path: str | os.PathLike, exc: OSError) -> OutputError:
    return OutputError(f"{os.fspath(path)}: cannot write ({exc.strerror or exc})")


def _normal_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask  # mkstemp makes 0600; give the file normal permissions


def atomic_save(path: str | os.PathLike, save: Callable[[str], None]) -> None:
    """Call save(tmp) on a temporary file beside `path`, then rename it into place.

    On any failure the temporary file is removed and `path` is left as it was; an
    operating-system error (full disk, missing folder, a directory in the way) is
    raised as OutputError, whose message fits on one line.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, _normal_mode())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise


def _scaled(im: Image.Image, scale: int) -> Image.Image:
    if scale == 1:
        return im
    return im.resize((im.width * scale, im.height * scale), Image.Resampling.NEAREST)


def _image(frame: np.ndarray) -> Image.Image:
    return Image.fromarray(frame[:, :, 0] if frame.ndim == 3 and frame.shape[2] == 1 else frame)


def durations(count: int, fps: float) -> list[int]:
    """Milliseconds per frame; the last frame holds for about 1.5 s."""
    step = max(1, round(1000 / fps))
    return [step] * (count - 1) + [max(step, HOLD_MS)]


# --- the GIF palette -------------------------------------------------------------------------

GREY_PALETTE = [v for i in range(256) for v in (i, i, i)]
_SPREAD = [(r, g, b) for r in range(0, 256, 51) for g in range(0, 256, 51) for b in range(0, 256, 51)] \
    + [(v, v, v) for v in range(0, 256, 6)]


def _rgb(image: np.ndarray) -> np.ndarray:
    """Any image (uint8, or float in [0, 1]; grey or colour) as uint8 RGB, (h, w, 3)."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if a.ndim == 2:
        a = a[:, :, None]
    a = a[:, :, :3]
    return np.repeat(a, 3, axis=2) if a.shape[2] == 1 else a


PALETTE_SAMPLE = 512 * 512  # pixels per image a palette is chosen from; larger ones are sampled


def _sample(image: np.ndarray) -> np.ndarray:
    """Every s-th pixel of each s-th row, s chosen to leave at most PALETTE_SAMPLE pixels:
    a palette needs the colours, not every pixel (at 4096 px, all of them cost 700 MB)."""
    step = max(1, int(np.ceil(np.sqrt(image.shape[0] * image.shape[1] / PALETTE_SAMPLE))))
    return image[::step, ::step]


def _octree(images: list[np.ndarray], colours: int) -> list[tuple[int, int, int]]:
    """The distinct colours the fast octree quantiser picks for these images' pixels together."""
    montage = np.concatenate([im.reshape(-1, 1, 3) for im in images], axis=0)
    quantised = Image.fromarray(montage).quantize(colours, method=Image.Quantize.FASTOCTREE)
    flat = quantised.getpalette() or []
    used = [i for i, n in enumerate(quantised.histogram()[:len(flat) // 3]) if n]
    return list(dict.fromkeys(tuple(flat[3 * i:3 * i + 3]) for i in used))


def gif_palette(first: np.ndarray, reference: np.ndarray | None = None) -> Image.Image:
    """One 256-colour palette for a whole colour GIF, known before its first frame is written.

    Built by the fast octree quantiser from the reference image (the target photo,
    counted twice, as the animation holds on the final frame that approaches it) and
    the first frame; from the first frame alone if there is no reference. Slots left
    unused (small images, flat pictures) go to the colours on the way from the first
    frame to the reference, then to an even spread of colours, so that the frames in
    between still find near colours.
    """
    first = _rgb(_sample(np.asarray(first)))  # a palette needs the colours, not every pixel
    ref = None if reference is None else _rgb(_sample(np.asarray(reference)))
    colours = _octree([ref, ref, first] if ref is not None else [first], 256)
    if len(colours) < 256 and ref is not None:
        if ref.shape != first.shape:
            ref = np.asarray(Image.fromarray(ref).resize(first.shape[1::-1], Image.Resampling.BILINEAR))
        between = [(first * (1 - t) + ref * t + 0.5).astype(np.uint8) for t in (0.25, 0.5, 0.75)]
        present = set(colours)
        colours += [c for c in _octree(between, 256 - len(colours)) if c not in present]
    present = set(colours)
    colours += [c for c in _SPREAD if c not in present][:max(0, 256 - len(colours))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(_distinct_colours([v for c in colours[:256] for v in c]))
    return palette


def _distinct_colours(flat: list[int]) -> list[int]:
    """The palette padded to 256 entries with every colour different.

    Pillow's own GIF writer (save_all, used before the streaming writer) matched frame
    palettes to the global one colour by colour, and a repeated colour cost it a
    256 x 256 search per frame (30 ms at 256^2). The streaming writer writes palette
    indices as they are; distinct entries keep one index per colour, so the box of
    changed indices is the box of changed colours.
    """
    colours = list(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))
    seen: set[tuple[int, int, int]] = set()
    spare = ((r, g, b) for r in range(256) for g in range(256) for b in range(256))
    out = []
    for colour in colours + [colours[0]] * (256 - len(colours)):
        while colour in seen:
            colour = next(spare)
        seen.add(colour)
        out.extend(colour)
    return out


def _gif_image(frame: np.ndarray, palette: Image.Image | None, dither: bool) -> Image.Image:
    """A frame as a palette image: grey frames on the grey ramp, colour ones on `palette`."""
    if palette is None:
        im = Image.frombytes("P", (frame.shape[1], frame.shape[0]),
                             np.ascontiguousarray(frame.reshape(frame.shape[:2])).tobytes())
        im.putpalette(GREY_PALETTE)
        return im
    mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
    return Image.fromarray(frame).quantize(palette=palette, dither=mode)


def _is_grey(frame: np.ndarray) -> bool:
    return frame.ndim == 2 or frame.shape[2] == 1


def gif_frames(frames: Sequence[np.ndarray], scale: int = 1, dither: bool = False) -> list[Image.Image]:
    """Palette images for a few frames held in memory, all with the palette a GIF of them gets
    (the last frame standing for the reference). The GIF writer itself converts one frame at a time.
    """
    palette = None if _is_grey(frames[0]) else gif_palette(frames[0], frames[-1])
    return [_scaled(_gif_image(f, palette, dither), scale) for f in frames]


# --- streaming writers -----------------------------------------------------------------------

class _Temp:
    """A hidden temporary file beside its final name (.name.XXXX.part), renamed into place at the end."""

    __slots__ = ("fp", "name", "tmp")

    def __init__(self, name: str, open_file: bool = True):
        self.name = name
        path = Path(name)
        try:
            fd, self.tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        except OSError as exc:
            raise _cannot_write(name, exc) from exc
        self.fp = os.fdopen(fd, "w+b") if open_file else None
        if not open_file:
            os.close(fd)

    def finish(self) -> None:
        if self.fp is not None:
            self.fp.close()
        os.chmod(self.tmp, _normal_mode())

    def discard(self) -> None:
        try:
            if self.fp is not None:
                self.fp.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


class _Writer:
    """One output, fed frames one at a time together with how long each is shown (ms).

    A writer's state is its attributes plus the lengths of its open files, so that
    `Outputs` can roll a frame back (snapshot/restore) when it is interrupted half-way.
    """

    name: str
    temps: list[_Temp]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        raise NotImplementedError

    def row(self, row: Sequence) -> None:
        """The log row of the frame just added (written ahead of the frame itself)."""

    def abort(self) -> None:
        """Remove this output's temporary files."""
        for temp in self.temps:
            temp.discard()

    def finish(self) -> None:
        for temp in self.temps:
            temp.finish()

    def snapshot(self) -> tuple[dict, list]:
        state = dict(vars(self), temps=list(self.temps))
        return state, [t.fp.tell() if t.fp is not None else None for t in self.temps]

    def restore(self, snapshot: tuple[dict, list]) -> None:
        state, sizes = snapshot
        for temp in self.temps:
            if temp not in state["temps"]:
                temp.discard()
        for temp, size in zip(state["temps"], sizes):
            if size is not None:
                temp.fp.seek(size)
                temp.fp.truncate()
        vars(self).clear()
        vars(self).update(state)


def _changed_box(previous: np.ndarray | None, current: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) bounding the pixels that differ from the previous frame.

    The whole frame for the first one; one pixel when nothing changed (the frame is
    still written, so that every frame added is a frame of the animation).
    """
    h, w = current.shape[:2]
    if previous is None:
        return 0, 0, w, h
    diff = previous != current
    if diff.ndim == 3:
        diff = diff.any(axis=2)
    rows = np.flatnonzero(diff.any(axis=1))
    if rows.size == 0:
        return 0, 0, 1, 1
    cols = np.flatnonzero(diff.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


class _GifWriter(_Writer):
    """GIF89a with one global 256-colour table, a NETSCAPE loop-forever block and, per frame,
    a graphic-control extension and the LZW data of the part that changed (Pillow encodes)."""

    def __init__(self, name: str, scale: int, dither: bool, reference: np.ndarray | None):
        self.name, self.scale, self.dither, self.reference = name, scale, dither, reference
        self.palette: Image.Image | None = None
        self.previous: np.ndarray | None = None  # palette indices of the frame before
        self.temps = [_Temp(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        first = self.previous is None
        palette = self.palette
        if first and not _is_grey(frame):
            palette = gif_palette(frame, self.reference)
        im = _gif_image(frame, palette, self.dither)
        indices = np.asarray(im)
        box = _changed_box(self.previous, indices)
        part = _scaled(im if first else im.crop(box), self.scale)
        blocks: list[bytes] = []
        if first:
            blocks += GifImagePlugin.getheader(part, None, {"loop": 0})[0]
        offset = (box[0] * self.scale, box[1] * self.scale)
        data = GifImagePlugin.getdata(part, offset=offset, duration=min(ms, 655_350))
        blocks += data
        data.clear()  # a class attribute of a class getdata makes per call: freed only by the cyclic GC
        self.temps[0].fp.write(b"".join(blocks))
        self.palette, self.previous, self.reference = palette, indices, None

    def finish(self) -> None:
        self.temps[0].fp.write(b";")  # trailer
        super().finish()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_chunks(im: Image.Image) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of `im` saved as a PNG by Pillow."""
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    data = buf.getbuffer()
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        chunks.append((bytes(data[pos + 4:pos + 8]), bytes(data[pos + 8:pos + 8 + length])))
        pos += 12 + length
    return chunks


def _apng_delay(ms: int) -> tuple[int, int]:
    delay = Fraction(ms, 1000)
    if delay.numerator > 65535:
        return min(round(ms / 1000), 65535), 1
    return delay.numerator, delay.denominator


class _ApngWriter(_Writer):
    """APNG: IHDR, acTL (its frame count patched at the end), then per frame an fcTL and the
    frame's IDAT chunks (fdAT after the first frame), each frame encoded alone by Pillow."""

    ACTL_AT = len(PNG_SIGNATURE) + 12 + 13  # the acTL chunk follows the IHDR chunk

    def __init__(self, name: str, scale: int):
        self.name, self.scale = name, scale
        self.previous: np.ndarray | None = None
        self.sequence = 0
        self.count = 0
        self.temps = [_Temp(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        first = self.previous is None
        x0, y0, x1, y1 = _changed_box(self.previous, frame)
        part = _scaled(_image(frame[y0:y1, x0:x1]), self.scale)
        chunks = _png_chunks(part)
        out = bytearray()
        if first:
            ihdr = next(data for kind, data in chunks if kind == b"IHDR")
            out += PNG_SIGNATURE + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"acTL", struct.pack(">II", 0, 0))
        seq = self.sequence
        # fcTL: sequence, width, height, x, y, delay num/den, dispose none, blend source
        out += _png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, part.width, part.height, x0 * self.scale,
                                               y0 * self.scale, *_apng_delay(ms), 0, 0))
        seq += 1
        for kind, data in chunks:
            if kind == b"IDAT" and first:
                out += _png_chunk(b"IDAT", data)
            elif kind == b"IDAT":
                out += _png_chunk(b"fdAT", struct.pack(">I", seq) + data)
                seq += 1
        self.temps[0].fp.write(out)
        self.previous, self.sequence, self.count = frame, seq, self.count + 1

    def finish(self) -> None:
        fp = self.temps[0].fp
        fp.write(_png_chunk(b"IEND", b""))
        fp.seek(self.ACTL_AT)
        fp.write(_png_chunk(b"acTL", struct.pack(">II", self.count, 0)))  # num_frames, loop forever
        super().finish()


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)


def _u24(value: int) -> bytes:
    return value.to_bytes(3, "little")


def _webp_frame(im: Image.Image, quality: int | str) -> bytes:
    """The ALPH (if any) and VP8/VP8L chunks of `im` encoded alone by Pillow."""
    buf = io.BytesIO()
    im.save(buf, format="WEBP", **webp_options(quality))
    data = buf.getbuffer()
    out, pos = bytearray(), 12  # after RIFF, size, WEBP
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from("<I", data, pos + 4)
        end = pos + 8 + length + (length & 1)
        if bytes(data[pos:pos + 4]) in (b"ALPH", b"VP8 ", b"VP8L"):
            out += data[pos:end]
        pos = end
    return bytes(out)


class _WebpWriter(_Writer):
    """Animated WebP: RIFF, VP8X (animation flag, canvas size), ANIM (loop forever), one ANMF per
    frame holding the part that changed, encoded alone by Pillow; the RIFF size patched at the end."""

    def __init__(self, name: str, scale: int, quality: int | str):
        self.name, self.scale, self.quality = name, scale, quality
        self.previous: np.ndarray | None = None
        self.temps = [_Temp(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        s = self.scale
        x0, y0, x1, y1 = _changed_box(self.previous, frame)
        x0 -= (x0 * s) % 2  # ANMF offsets are stored halved
        y0 -= (y0 * s) % 2
        part = _scaled(_image(frame[y0:y1, x0:x1]), s)
        out = bytearray()
        if self.previous is None:
            alpha = 0x10 if part.mode in ("RGBA", "LA") else 0
            vp8x = bytes([0x02 | alpha, 0, 0, 0]) + _u24(part.width - 1) + _u24(part.height - 1)
            out += b"RIFF" + struct.pack("<I", 0) + b"WEBP" + _riff_chunk(b"VP8X", vp8x)
            out += _riff_chunk(b"ANIM", struct.pack("<IH", 0, 0))  # background, loop forever
        header = (_u24(x0 * s // 2) + _u24(y0 * s // 2) + _u24(part.width - 1) + _u24(part.height - 1)
                  + _u24(min(ms, 0xFFFFFF)) + bytes([0x02]))  # flags: do not blend, do not dispose
        out += _riff_chunk(b"ANMF", header + _webp_frame(part, self.quality))
        self.temps[0].fp.write(out)
        self.previous = frame

    def finish(self) -> None:
        fp = self.temps[0].fp
        size = fp.seek(0, os.SEEK_END)
        fp.seek(4)
        fp.write(struct.pack("<I", size - 8))
        super().finish()


class _PageWriter(_Writer):
    """The player page (`page.PageWriter`): frames at their own size (the page scales them), each
    with its log row, and the summary known at the end."""

    def __init__(self, name: str, fps: float, columns: Sequence[str], page: dict, quality: int | str):
        self.name = name
        self.temps = [_Temp(name)]
        self.rows: list = []
        self.count = 0
        self.summary = ""
        try:
            self.page = PageWriter(self.temps[0].fp, columns=columns, fps=fps, quality=quality, **page)
        except BaseException:  # not yet an output Outputs knows of: its file is this writer's to remove
            self.temps[0].discard()
            raise

    def row(self, row: Sequence) -> None:
        self.rows = [*self.rows, row]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        self.page.add(frame, self.rows[self.count])
        self.count += 1

    def snapshot(self) -> tuple[dict, list]:
        state, sizes = super().snapshot()
        return dict(state, page_rows=list(self.page.data["rows"])), sizes

    def restore(self, snapshot: tuple[dict, list]) -> None:
        state, sizes = snapshot
        self.page.data["rows"] = state["page_rows"]
        super().restore(({k: v for k, v in state.items() if k != "page_rows"}, sizes))

    def finish(self) -> None:
        self.page.close(self.summary)
        super().finish()


class _VideoWriter(_Writer):
    """MP4 (H.264) or WebM (VP9) through PyAV, a frame at a time, each shown for its duration."""

    def __init__(self, name: str, fps: float, scale: int):
        self.name, self.scale = name, scale
        self.temps = [_Temp(name, open_file=False)]
        try:
            self.encoder = VideoEncoder(self.temps[0].tmp, Path(name).suffix.lower(), fps)
        except BaseException:  # not yet an output Outputs knows of: its file is this writer's to remove
            self.temps[0].discard()
            raise

    def frame(self, frame: np.ndarray, ms: int) -> None:
        if self.scale > 1:
            frame = np.asarray(_scaled(_image(frame), self.scale))
        self.encoder.add(frame, ms)  # cannot be rolled back: Outputs.add holds Ctrl-C until the frame is in

    def finish(self) -> None:
        self.encoder.close()
        super().finish()

    def abort(self) -> None:
        self.encoder.abort()
        super().abort()


HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _interrupts_held():
    """Record Ctrl-C and SIGTERM inside the block instead of acting on them there: yields a list
    that gets each signal's number, for `_raise_held` afterwards (main thread only; elsewhere
    nothing is held)."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = [signal.signal(sig, lambda number, _: caught.append(number)) for sig in HELD]
    try:
        yield caught
    finally:
        for sig, handler in zip(HELD, previous, strict=True):
            signal.signal(sig, handler)


def _raise_held(caught: list[int]) -> None:
    """Act on the signals `_interrupts_held` recorded: SIGTERM as Terminated, Ctrl-C as KeyboardInterrupt."""
    if signal.SIGTERM in caught:
        raise Terminated
    if caught:
        raise KeyboardInterrupt


def _save_still(target: str, frame: np.ndarray, fmt: str, scale: int, quality: int | str = QUALITY) -> None:
    im = _scaled(_image(frame), scale)
    if fmt == "WEBP":
        extra = webp_options(quality)
    elif fmt == "JPEG":
        extra = {"quality": 100 if quality == "lossless" else int(quality)}
    else:
        extra = {}
    im.save(target, format=fmt, **extra)


class _StillWriter(_Writer):
    """The final image: only the latest frame is kept, and written at the end."""

    def __init__(self, name: str, scale: int, quality: int | str):
        self.name, self.scale, self.fmt = name, scale, STILLS[Path(name).suffix.lower()]
        self.quality = quality
        self.latest: np.ndarray | None = None
        self.temps = [_Temp(name, open_file=False)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        self.latest = frame

    def finish(self) -> None:
        _save_still(self.temps[0].tmp, self.latest, self.fmt, self.scale, self.quality)
        super().finish()


class _SequenceWriter(_Writer):
    """Numbered frame files, each written to a temporary file beside its final name as it comes."""

    def __init__(self, name: str, scale: int, quality: int | str):
        self.name, self.scale, self.fmt = name, scale, STILLS[Path(name).suffix.lower()]
        self.quality = quality
        self.temps = []

    def frame(self, frame: np.ndarray, ms: int) -> None:
        temp = _Temp(self.name % len(self.temps), open_file=False)
        self.temps.append(temp)
        _save_still(temp.tmp, frame, self.fmt, self.scale, self.quality)
        temp.finish()

    def finish(self) -> None:
        pass  # every frame file is complete as soon as it is written


class _LogWriter(_Writer):
    """The CSV log: `epoch,<columns>`, then one row per frame, values as %.9g."""

    def __init__(self, name: str, columns: Sequence[str]):
        self.name, self.width = name, 1 + len(columns)
        self.temps = [_Temp(name)]
        self._write(["epoch", *columns])

    def _write(self, fields: list) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(fields)
        self.temps[0].fp.write(buf.getvalue().encode())

    def row(self, row: Sequence) -> None:
        epoch, *values = row
        self._write([epoch, *(f"{v:.9g}" for v in values)])

    def frame(self, frame: np.ndarray, ms: int) -> None:
        pass


class Outputs:
    """Every requested output fed from one stream of frames; nothing appears at the final names
    before commit(), and a failed or interrupted commit leaves none of them.

    `paths` are animations (.gif, .webp, .apng, a player page .html, video .mp4 or
    .webm), final images (.png, .jpg) and frame-file patterns (frame_%04d.png), as
    `output_kind` tells them apart (in other names %% stands for %); `log` is a CSV
    file that gets `epoch,<columns>` and one row per frame, and a page gets the same
    rows, with `page` (title, command, live; see `page.PageWriter`) and the summary
    given to commit(). `reference` (the target photo) is what the GIF palette is built
    from, with the first frame. Frames are written `scale` times their size: a whole
    number enlarges each pixel to a block, any other factor resamples (nearest
    neighbour up, area average down). `quality` (1 to 100, or "lossless") is for WebP,
    JPEG and the page's frames.

    Frames are written as they come, to hidden temporary files beside their final
    names; each animation writer is one frame behind, since the last frame is shown
    longer (HOLD_MS) and which frame is last is only known at commit(). At most a
    few frames are held, whatever the number of frames.

    A frame add() refuses (not uint8, another shape than the first, larger than
    `check_frame_size` allows, no log row) raises ValueError and changes nothing. If
    writing fails in add() or commit(), every temporary file is removed and
    operating-system errors are raised as OutputError. Ctrl-C (SIGINT) or SIGTERM
    during add() or commit() is held until the frame is in every output (or the set is
    committed), then raised (SIGTERM as errors.Terminated); a KeyboardInterrupt raised
    inside a writer rolls that frame back instead. Either way the frames added can still
    be committed. Used as a context manager, leaving the with-block without commit() aborts.
    """

    def __init__(self, paths: Iterable[str | os.PathLike], *, fps: float = FPS, scale: float = 1,
                 dither: bool = False, reference: np.ndarray | None = None,
                 log: str | os.PathLike | None = None, columns: Sequence[str] = (), page: dict | None = None,
                 quality: int | str = QUALITY):
        kinds = [(os.fspath(p), output_kind(p)) for p in paths]  # ValueError before any file exists
        if any(Path(name).suffix.lower() in VIDEO for name, _ in kinds):
            require_av()
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive number, not {scale!r}")
        if not MIN_FPS <= fps <= MAX_FPS:
            raise ValueError(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g} (GIF stores a frame's "
                             f"time in hundredths of a second, at most 655.35 s), not {fps!r}")
        if quality != "lossless" and not (int(quality) == quality and 1 <= quality <= 100):
            raise ValueError(f"quality must be 1 to 100 or 'lossless', not {quality!r}")
        self._scale = float(scale)
        whole = int(scale) if float(scale).is_integer() else 1  # the writers enlarge by whole numbers
        self._step, self._hold = durations(2, fps)
        self._writers: list[_Writer] = []
        self._log: _LogWriter | None = None
        self._pending: np.ndarray | None = None
        self._rows_needed = log is not None or any(Path(name).suffix.lower() == ".html" for name, _ in kinds)
        self._width = 1 + len(columns)
        self._shape: tuple[int, ...] | None = None
        self._count = 0
        self._state = "open"
        with _interrupts_held() as held:  # a signal while files open would leave one unknown to abort()
            try:
                for name, kind in kinds:
                    ext = Path(name).suffix.lower()
                    if kind == "sequence":
                        self._writers.append(_SequenceWriter(name, whole, quality))
                        continue
                    name = final_name(name)
                    if kind == "still":
                        self._writers.append(_StillWriter(name, whole, quality))
                    elif ext == ".gif":
                        self._writers.append(_GifWriter(name, whole, dither, reference))
                    elif ext == ".webp":
                        self._writers.append(_WebpWriter(name, whole, quality))
                    elif ext == ".html":
                        shown = page or {"title": Path(name).stem}
                        self._writers.append(_PageWriter(name, fps, columns, shown, quality))
                    elif ext in VIDEO:
                        self._writers.append(_VideoWriter(name, fps, whole))
                    else:
                        self._writers.append(_ApngWriter(name, whole))
                if log is not None:
                    self._log = _LogWriter(os.fspath(log), columns)
                    self._writers.append(self._log)
            except BaseException:
                self.abort()
                raise
        if held:
            self.abort()
            _raise_held(held)

    @property
    def count(self) -> int:
        """Frames added so far."""
        return self._count

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._state == "open":
            self.abort()

    def _check_open(self) -> None:
        if self._state != "open":
            raise RuntimeError(f"these outputs are already {self._state}")

    def _checked(self, frame: np.ndarray) -> np.ndarray:
        a = np.asarray(frame)
        if a.dtype != np.uint8:
            raise ValueError(f"frames must be uint8 arrays, not {a.dtype}")
        if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (1, 3, 4))):
            raise ValueError(f"a frame must be (h, w) or (h, w, 1|3|4), not {a.shape}")
        if self._shape is not None and a.shape != self._shape:
            raise ValueError(f"every frame must have the shape of the first, {self._shape}, not {a.shape}")
        if self._shape is None:
            size = written_size(a.shape[1], a.shape[0], self._scale)
            check_frame_size([w.name for w in self._writers], *size)
        a = a[:, :, 0] if a.ndim == 3 and a.shape[2] == 1 else a
        if not self._scale.is_integer():
            size = written_size(a.shape[1], a.shape[0], self._scale)
            how = Image.Resampling.NEAREST if self._scale > 1 else Image.Resampling.BOX
            a = np.asarray(_image(a).resize(size, how))
        a = np.array(a)  # our own copy
        a.flags.writeable = False
        return a

    def _each(self, step: Callable[[_Writer], None]) -> None:
        for writer in self._writers:
            try:
                step(writer)
            except OSError as exc:
                raise _cannot_write(writer.name, exc) from exc

    def add(self, frame: np.ndarray, row: Sequence | None = None) -> None:
        """Add one uint8 frame, (h, w) or (h, w, c), with its row for the CSV log."""
        self._check_open()
        shape = np.shape(frame)
        frame = self._checked(frame)
        if self._rows_needed and (row is None or len(row) != self._width):
            raise ValueError(f"the log and the page need a row of {self._width} values, epoch first, "
                             f"not {row!r}")
        snapshots = [w.snapshot() for w in self._writers]
        with _interrupts_held() as held:  # a video encoder cannot take a frame back: signals wait
            try:
                if self._pending is not None:
                    self._each(lambda w: w.frame(self._pending, self._step))
                if self._rows_needed:
                    self._each(lambda w: w.row(row))
            except KeyboardInterrupt:
                for writer, snapshot in zip(self._writers, snapshots):
                    writer.restore(snapshot)
                raise
            except BaseException:
                self.abort()
                raise
        self._pending, self._shape, self._count = frame, shape, self._count + 1
        _raise_held(held)  # after the frame went in everywhere: commit() writes it too

    def commit(self, summary: str = "") -> list[str]:
        """Finish every file (a page gets `summary`), rename them all into place, return the names written.

        Every file is completed before any is renamed (completing is what can fail on
        a full disk; renames in the same folder do not need space). If a rename still
        fails, the files already renamed are removed again: all or nothing.
        """
        self._check_open()
        if self._pending is None:
            self.abort()
            raise ValueError("no frames to write")
        with _interrupts_held() as held:
            try:
                self._each(lambda w: w.frame(self._pending, self._hold))
                for writer in self._writers:
                    writer.summary = summary
                self._each(lambda w: w.finish())
                temps = [t for w in self._writers for t in w.temps]
                for temp in temps:
                    if os.path.isdir(temp.name):
                        in_the_way = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
                        raise _cannot_write(temp.name, in_the_way)
            except BaseException:
                self.abort()
                raise
            self._state = "committing"
            for i, temp in enumerate(temps):
                try:
                    os.replace(temp.tmp, temp.name)
                except BaseException as exc:
                    for done in temps[:i]:
                        Path(done.name).unlink(missing_ok=True)
                    for rest in temps[i:]:
                        rest.discard()
                    self._state = "failed"
                    if isinstance(exc, OSError):
                        raise _cannot_write(temp.name, exc) from exc
                    raise
            self._state = "committed"
            self._pending = None
        _raise_held(held)
        return [t.name for t in temps]

    def abort(self) -> None:
        """Remove every temporary file; the final names are left as they were."""
        if self._state != "open":
            return
        self._state = "aborted"
        self._pending = None
        for writer in self._writers:
            writer.abort()


def commit_all(*commits: Callable[[], list[str]]) -> list[str]:
    """Several sets of outputs committed as one (each an Outputs.commit, or a bound call to it):
    if one fails, the files those before it wrote are removed again, so all appear or none."""
    written: list[str] = []
    try:
        for commit in commits:
            written += commit()
    except BaseException:
        for name in written:
            Path(name).unlink(missing_ok=True)
        raise
    return written


# --- one-call helpers ------------------------------------------------------------------------

def write_outputs(paths: Sequence[str | os.PathLike], frames: Iterable[np.ndarray], *, fps: float = FPS,
                  scale: int = 1, dither: bool = False, reference: np.ndarray | None = None) -> list[str]:
    """Write every requested output from one pass over `frames` (any iterable, a generator
    included); returns the names written. Without a reference, a list's last frame serves as one.
    """
    if reference is None and isinstance(frames, (Sequence, np.ndarray)) and len(frames):
        reference = frames[-1]
    with Outputs(paths, fps=fps, scale=scale, dither=dither, reference=reference) as out:
        for frame in frames:
            out.add(frame)
        return out.commit()


def write_animation(path, frames: Iterable[np.ndarray], *, fps: float = FPS, scale: int = 1,
                    dither: bool = False, reference: np.ndarray | None = None) -> None:
    """Write uint8 frames (h, w[, c]) as a looping animation chosen by the extension."""
    if output_kind(path) != "animation":
        raise ValueError(f"{os.fspath(path)}: not an animation; use .gif, .webp or .apng")
    write_outputs([path], frames, fps=fps, scale=scale, dither=dither, reference=reference)


def write_still(path, frame: np.ndarray, *, scale: int = 1) -> None:
    """Write one uint8 frame as a still image (format by extension)."""
    fmt = STILLS[Path(path).suffix.lower()]
    atomic_save(path, lambda tmp: _save_still(tmp, frame, fmt, scale))
