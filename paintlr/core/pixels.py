"""Pixel arrays: model outputs (channels of rows) as images, and float images as uint8."""

from __future__ import annotations

import numpy as np


def as_image(channels: np.ndarray, h: int, w: int) -> np.ndarray:
    """Rows of pixel values per channel (c, h w) as an image (h, w, c): a view, not a copy."""
    return np.moveaxis(channels.reshape(-1, h, w), 0, -1)


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
