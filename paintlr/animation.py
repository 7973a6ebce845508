"""Frames to files: GIF, WebP and APNG animations, still images and numbered frame files.

The output format follows the file name's extension, every file is written to a
temporary name in its destination folder and renamed, so an interrupted run never
leaves a half-written file.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import OutputError

ANIMATIONS = {".gif": "GIF", ".webp": "WEBP", ".apng": "PNG"}
STILLS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
PLACEHOLDER = re.compile(r"%(0?\d+)?d")
HOLD_MS = 1500


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
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    os.close(fd)
    try:
        save(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        raise


def _scaled(im: Image.Image, scale: int) -> Image.Image:
    if scale == 1:
        return im
    return im.resize((im.width * scale, im.height * scale), Image.Resampling.NEAREST)


def _image(frame: np.ndarray) -> Image.Image:
    return Image.fromarray(frame[:, :, 0] if frame.ndim == 3 and frame.shape[2] == 1 else frame)


def shared_palette(frames: Sequence[np.ndarray], samples: int = 8, final_weight: int = 2) -> Image.Image:
    """One 256-colour palette for a whole animation: eight frames along the way and the
    final one counted twice more, since the animation holds on it.

    Quantising every frame to one palette is fast and does not flicker; the fast
    octree quantiser costs a few ms where median cut took a quarter of a second.
    """
    picks = np.unique(np.linspace(0, len(frames) - 1, samples).round().astype(int))
    montage = np.concatenate([frames[-1]] * final_weight + [frames[i] for i in picks], axis=0)
    palette = Image.fromarray(montage).quantize(256, method=Image.Quantize.FASTOCTREE)
    palette.putpalette(_distinct_colours(palette.getpalette()))
    return palette


def _distinct_colours(flat: list[int]) -> list[int]:
    """The palette padded to 256 entries with every colour different.

    Pillow's GIF writer matches frame palettes to the global one colour by colour,
    and a repeated colour costs it a 256 x 256 search per frame (30 ms at 256^2).
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


GREY_PALETTE = [v for i in range(256) for v in (i, i, i)]


def gif_frames(frames: Sequence[np.ndarray], scale: int = 1, dither: bool = False) -> list[Image.Image]:
    """Palette images for a GIF: grey frames on a grey ramp, colour frames on a shared palette.

    Every image returned has the same palette; pass it to Pillow as `palette=` so
    that the GIF has one global colour table and no per-frame tables.
    """
    if frames[0].ndim == 2 or frames[0].shape[2] == 1:
        images = []
        for f in frames:
            im = Image.fromarray(np.ascontiguousarray(f.reshape(f.shape[:2])))
            im = Image.frombytes("P", im.size, im.tobytes())
            im.putpalette(GREY_PALETTE)
            images.append(_scaled(im, scale))
        return images
    palette = shared_palette(frames)
    mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
    return [_scaled(Image.fromarray(f).quantize(palette=palette, dither=mode), scale) for f in frames]


def durations(count: int, fps: float) -> list[int]:
    """Milliseconds per frame; the last frame holds for about 1.5 s."""
    step = max(1, round(1000 / fps))
    return [step] * (count - 1) + [max(step, HOLD_MS)]


def write_animation(path, frames: Sequence[np.ndarray], *, fps: float = 20, scale: int = 1,
                    dither: bool = False) -> None:
    """Write uint8 frames (h, w[, c]) as a looping animation chosen by the extension."""
    fmt = ANIMATIONS[Path(path).suffix.lower()]
    extra: dict = {}
    if fmt == "GIF":
        images = gif_frames(frames, scale, dither)
        extra["palette"] = images[0].getpalette()  # one global table, no local ones
    else:
        images = [_scaled(_image(f), scale) for f in frames]
    if fmt == "WEBP":
        extra.update(lossless=False, quality=90)
    atomic_save(path, lambda tmp: images[0].save(
        tmp, format=fmt, save_all=True, append_images=images[1:],
        duration=durations(len(images), fps), loop=0, **extra,
    ))


def write_still(path, frame: np.ndarray, *, scale: int = 1) -> None:
    """Write one uint8 frame as a still image (format by extension)."""
    fmt = STILLS[Path(path).suffix.lower()]
    im = _scaled(_image(frame), scale)
    extra = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
    atomic_save(path, lambda tmp: im.save(tmp, format=fmt, **extra))


def write_outputs(paths: Sequence[str | os.PathLike], frames: Sequence[np.ndarray], *,
                  fps: float = 20, scale: int = 1, dither: bool = False) -> list[str]:
    """Write every requested output from the same frames; returns the names written."""
    written: list[str] = []
    for path in paths:
        kind = output_kind(path)
        if kind == "animation":
            write_animation(path, frames, fps=fps, scale=scale, dither=dither)
            written.append(os.fspath(path))
        elif kind == "still":
            write_still(path, frames[-1], scale=scale)
            written.append(os.fspath(path))
        else:
            for i, frame in enumerate(frames):
                name = os.fspath(path) % i
                write_still(name, frame, scale=scale)
                written.append(name)
    return written
