"""The shared 256-colour palette of a colour GIF, chosen before its first frame is written, and frames
as palette images: grey frames on the grey ramp (exact); colour frames on the shared palette, or on
a palette of their own (a GIF local colour table) where the shared one does not represent them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageChops

from .images import scaled

GREY_PALETTE = [v for i in range(256) for v in (i, i, i)]
_SPREAD = [(r, g, b) for r in range(0, 256, 51) for g in range(0, 256, 51) for b in range(0, 256, 51)] \
    + [(v, v, v) for v in range(0, 256, 6)]
PALETTE_SAMPLE = 512 * 512  # pixels per image a palette is chosen from; larger ones are sampled


def _rgb(image: np.ndarray) -> np.ndarray:
    """Any image (uint8, or float in [0, 1]; grey or colour) as uint8 RGB, (h, w, 3)."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if a.ndim == 2:
        a = a[:, :, None]
    a = a[:, :, :3]
    return np.repeat(a, 3, axis=2) if a.shape[2] == 1 else a


def _sample(image: np.ndarray, limit: int = PALETTE_SAMPLE) -> np.ndarray:
    """Every s-th pixel of each s-th row, s chosen to leave at most `limit` pixels:
    a palette needs the colours, not every pixel (at 4096 px, all of them cost 700 MB)."""
    step = max(1, int(np.ceil(np.sqrt(image.shape[0] * image.shape[1] / limit))))
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


def palette_image(frame: np.ndarray, palette: Image.Image | None, dither: bool) -> Image.Image:
    """A frame as a palette image: grey frames on the grey ramp, colour ones on `palette`."""
    if palette is None:
        im = Image.frombytes("P", (frame.shape[1], frame.shape[0]),
                             np.ascontiguousarray(frame.reshape(frame.shape[:2])).tobytes())
        im.putpalette(GREY_PALETTE)
        return im
    mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
    return Image.fromarray(frame).quantize(palette=palette, dither=mode)


OWN_PALETTE_GAIN_DB = 0.5  # a frame gets a palette of its own when that is this much closer (PSNR)
OCTREE_SHORT_DB = 0.6  # the fast octree's palette will do when it is this close to the median cut's
ESTIMATE_SAMPLE = 64 * 64  # pixels a first, cheap estimate of a frame's own palette is made on


def _psnr(im: Image.Image, rgb: np.ndarray) -> float:
    """PSNR (dB) of a palette image against the uint8 RGB picture it stands for (inf when exact).
    Pillow counts the differences (a histogram), so no frame-sized arrays are made for it."""
    counts = ImageChops.difference(im.convert("RGB"), Image.fromarray(rgb)).histogram()
    squares = sum(n * (i % 256) ** 2 for i, n in enumerate(counts) if n)
    return float("inf") if squares == 0 else 10.0 * np.log10(255.0 ** 2 * rgb.size / squares)


def frame_image(frame: np.ndarray, palette: Image.Image | None, dither: bool) -> tuple[Image.Image, bool]:
    """A frame as a palette image and whether it needs a palette of its own (a local colour table).

    On the shared palette unless the median-cut quantiser's 256 colours for this frame alone come
    OWN_PALETTE_GAIN_DB closer to it (as in the early frames of a painting: a smooth fade that the
    target's palette posterises). Estimated first on a small sample (ESTIMATE_SAMPLE pixels), so
    that frames the shared palette represents (and grey ones) cost little more; the frame's own
    palette is then the fast octree's if that is near the estimate, else the (slower, 20-150 ms
    at 256 x 256) median cut's, made from at most PALETTE_SAMPLE pixels (the whole frame up to
    512 x 512; the rest mapped onto it) and kept if it is closer than the shared one.
    """
    shared = palette_image(frame, palette, dither)
    if palette is None:
        return shared, False
    whole = _rgb(frame)
    sample = _sample(whole)
    alone = sample.shape == whole.shape
    before = _psnr(shared if alone else palette_image(sample, palette, dither), sample)
    if before == float("inf"):
        return shared, False
    small = np.ascontiguousarray(_sample(sample, ESTIMATE_SAMPLE))
    median = Image.Quantize.MEDIANCUT
    estimate = _psnr(Image.fromarray(small).quantize(256, method=median), small)
    if estimate < before + OWN_PALETTE_GAIN_DB:
        return shared, False
    mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
    own = Image.fromarray(sample).quantize(256, method=Image.Quantize.FASTOCTREE)
    if _psnr(own, sample) < estimate - OCTREE_SHORT_DB:  # the octree is fast, but coarse on smooth frames
        own = Image.fromarray(sample).quantize(256, method=median)
    if not alone or dither:
        own = Image.fromarray(whole).quantize(palette=own, dither=mode)
    if _psnr(own if alone else palette_image(sample, own, dither), sample) < before + OWN_PALETTE_GAIN_DB:
        return shared, False
    return own, True


def is_grey(frame: np.ndarray) -> bool:
    """A grey frame: (h, w) or (h, w, 1)."""
    return frame.ndim == 2 or frame.shape[2] == 1


def gif_frames(frames: Sequence[np.ndarray], scale: int = 1, dither: bool = False) -> list[Image.Image]:
    """Palette images for a few frames held in memory, each with the palette a GIF of them gives it
    (the last frame standing for the reference). The GIF writer itself converts one frame at a time.
    """
    palette = None if is_grey(frames[0]) else gif_palette(frames[0], frames[-1])
    return [scaled(frame_image(f, palette, dither)[0], scale) for f in frames]
