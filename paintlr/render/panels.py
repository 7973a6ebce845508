"""Draw sweep panels side by side, each captioned with its settings, epoch and cost."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..core.pixels import to_uint8
from ..settings import CONVERGED
from ..settings import DIVERGED as GONE  # the status; DIVERGED here is its colour

DIVERGED = (200, 30, 30)
GAP = 4  # pixels between panels
MIN_PANEL = 128  # a panel's least width in pixels: its caption wraps within it
WIDE_PANEL = 200  # from this width a caption's label and cost take one line each, else two
MARGIN = 2  # pixels between a caption and its panel's sides


def composed_size(count: int, height: int, width: int, scale: int = 1) -> tuple[int, int]:
    """(width, height) of `count` panels of height x width pixels composed side by side, captions
    included: known before any panel is drawn, so a size no output can hold is refused first."""
    panel, (_, th) = _panel(height, width, scale)
    return count * (panel + GAP) - GAP, th + sum(_budget(panel)) * _line_height(ImageFont.load_default()) + 6


def caption_layout(panels, scale: int = 1) -> list[tuple[tuple[int, int, int, int], tuple, list]]:
    """Where compose puts each panel: its column's box (left, top, right, bottom), its tile's
    (x, y, width, height), and its caption's lines as ((x, y), text, fill), wrapped to the column."""
    font = ImageFont.load_default()
    line = _line_height(font)
    shape = panels[0].frame.image.shape[:2]
    panel, (tw, th) = _panel(*shape, scale)
    height = composed_size(len(panels), *shape, scale)[1]
    layout = []
    for i, p in enumerate(panels):
        x = i * (panel + GAP)
        lines = [(text, fill) for (words, fill), most in zip(_captions(p), _budget(panel), strict=True)
                 for text in _wrap(words, panel - 2 * MARGIN, most, font)]
        texts = [((x + MARGIN, th + 3 + j * line), text, fill) for j, (text, fill) in enumerate(lines)]
        layout.append(((x, 0, x + panel, height), (x + (panel - tw) // 2, 0, tw, th), texts))
    return layout


def compose(panels, scale: int = 1) -> np.ndarray:
    """One uint8 RGB image (h, w, 3): the panels in a row with a caption under each."""
    font = ImageFont.load_default()
    h, w = panels[0].frame.image.shape[:2]
    canvas = Image.new("RGB", composed_size(len(panels), h, w, scale), "white")
    draw = ImageDraw.Draw(canvas)
    for p, (_, (x, y, tw, th), texts) in zip(panels, caption_layout(panels, scale), strict=True):
        f = p.frame
        if p.status == GONE:
            tile = Image.new("RGB", (tw, th), DIVERGED)
        else:
            rgb = to_uint8(np.broadcast_to(f.image, (*f.image.shape[:2], 3)))
            tile = Image.fromarray(rgb).resize((tw, th), Image.Resampling.NEAREST)
        canvas.paste(tile, (x, y))
        for xy, text, fill in texts:
            draw.text(xy, text, fill=fill, font=font)
    return np.asarray(canvas)


def compose_rows(rows: list[list], scale: int = 1) -> np.ndarray:
    """Several rows of panels, each composed as by `compose`, one under the other."""
    return np.concatenate([compose(panels, scale) for panels in rows])


def _captions(p) -> list[tuple[str, tuple[int, int, int]]]:
    """A panel's caption: its label, epoch and cost, each with its colour."""
    f = p.frame
    cost = "exploded" if p.status == GONE else f"cost {f.cost:.1e}, {f.score()}"
    epoch = f"epoch {f.epoch:,}" + (" done" if p.status == CONVERGED else "")
    if p.status == GONE:
        epoch = f"diverged by {f.epoch:,}"
    return [(text, DIVERGED if p.status == GONE and j else (0, 0, 0))
            for j, text in enumerate((p.label, epoch, cost))]


def _panel(height: int, width: int, scale: int) -> tuple[int, tuple[int, int]]:
    """A panel's width and its tile's (width, height): a tile narrower than MIN_PANEL is enlarged
    a whole number of times, pixel for pixel, and centred in a panel MIN_PANEL wide."""
    times = max(1, MIN_PANEL // (width * scale))
    tile = (width * scale * times, height * scale * times)
    return max(tile[0], MIN_PANEL), tile


def _budget(panel: int) -> tuple[int, int, int]:
    """How many lines a caption's label, epoch and cost may take in a panel this wide."""
    return (1, 1, 1) if panel >= WIDE_PANEL else (2, 1, 2)


def _wrap(text: str, width: int, most: int, font) -> list[str]:
    """`text` in at most `most` lines no wider than `width` pixels: broken at spaces, or inside a
    word too long for a line; what does not fit ends in an ellipsis."""
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(joined) <= width:
            lines[-1] = joined
            continue
        lines.append(word)
        while font.getlength(lines[-1]) > width:
            fits = (k for k in range(len(lines[-1]) - 1, 1, -1) if font.getlength(lines[-1][:k]) <= width)
            cut = next(fits, 1)
            lines[-1:] = [lines[-1][:cut], lines[-1][cut:]]
    if len(lines) > most:
        last = " ".join(lines[most - 1:])
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[:most - 1], last.rstrip() + "…"]
    return lines


def _line_height(font) -> int:
    box = font.getbbox("Ag")
    return box[3] - box[1] + 4
