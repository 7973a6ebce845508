"""Draw sweep panels side by side, each captioned with its settings, epoch and cost."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..core.pixels import to_uint8
from ..settings import CONVERGED
from ..settings import DIVERGED as GONE  # the status; DIVERGED here is its colour

CAPTION_LINES = 3
DIVERGED = (200, 30, 30)
GAP = 4  # pixels between panels


def composed_size(count: int, height: int, width: int, scale: int = 1) -> tuple[int, int]:
    """(width, height) of `count` panels of height x width pixels composed side by side, captions
    included: known before any panel is drawn, so a size no output can hold is refused first."""
    line = _line_height(ImageFont.load_default())
    return count * (width * scale + GAP) - GAP, height * scale + CAPTION_LINES * line + 6


def compose(panels, scale: int = 1) -> np.ndarray:
    """One uint8 RGB image (h, w, 3): the panels in a row with a caption under each."""
    font = ImageFont.load_default()
    line = _line_height(font)
    h, w = panels[0].frame.image.shape[:2]
    canvas = Image.new("RGB", composed_size(len(panels), h, w, scale), "white")
    w, h = w * scale, h * scale
    gap = GAP
    draw = ImageDraw.Draw(canvas)
    for i, p in enumerate(panels):
        x = i * (w + gap)
        f = p.frame
        if p.status == GONE:
            tile = Image.new("RGB", (w, h), DIVERGED)
        else:
            rgb = to_uint8(np.broadcast_to(f.image, (*f.image.shape[:2], 3)))
            tile = Image.fromarray(rgb).resize((w, h), Image.Resampling.NEAREST)
        canvas.paste(tile, (x, 0))
        cost = "exploded" if p.status == GONE else f"cost {f.cost:.1e}, {f.score()}"
        epoch = f"epoch {f.epoch:,}" + (" done" if p.status == CONVERGED else "")
        if p.status == GONE:
            epoch = f"diverged by {f.epoch:,}"
        for j, text in enumerate((p.label, epoch, cost)):
            fill = DIVERGED if p.status == GONE and j else (0, 0, 0)
            draw.text((x + 2, h + 3 + j * line), text, fill=fill, font=font)
    return np.asarray(canvas)


def compose_rows(rows: list[list], scale: int = 1) -> np.ndarray:
    """Several rows of panels, each composed as by `compose`, one under the other."""
    return np.concatenate([compose(panels, scale) for panels in rows])


def _line_height(font) -> int:
    box = font.getbbox("Ag")
    return box[3] - box[1] + 4
