"""What the writers share about a frame's pixels: the frame as a Pillow image, enlarged by a whole
number, and the box of the pixels that changed since the frame before (what an animation stores)."""

from __future__ import annotations

import numpy as np
from PIL import Image


def pil_image(frame: np.ndarray) -> Image.Image:
    """A uint8 frame, (h, w) or (h, w, 1|3|4), as a Pillow image (grey as mode L)."""
    return Image.fromarray(frame[:, :, 0] if frame.ndim == 3 and frame.shape[2] == 1 else frame)


def scaled(im: Image.Image, scale: int) -> Image.Image:
    """The image `scale` times its size, each pixel a block (nearest neighbour)."""
    if scale == 1:
        return im
    return im.resize((im.width * scale, im.height * scale), Image.Resampling.NEAREST)


def changed_box(previous: np.ndarray | None, current: np.ndarray) -> tuple[int, int, int, int]:
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
