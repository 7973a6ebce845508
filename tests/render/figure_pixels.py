"""Reading drawn figures back: the pixels of an axes, of a colour, of the red of a diverged run."""

from __future__ import annotations

import numpy as np


def axes_named(figure, xlabel: str):
    (ax,) = [ax for ax in figure.figure.axes if ax.get_xlabel() == xlabel]
    return ax


def region(frame: np.ndarray, ax) -> tuple[np.ndarray, int, int]:
    """The pixels inside an axes (a few pixels in from its frame), with their top-left corner (row, col)."""
    box = ax.get_window_extent()
    h = frame.shape[0]
    top, bottom = int(h - box.y1) + 3, int(h - box.y0) - 3
    left, right = int(box.x0) + 3, int(box.x1) - 3
    return frame[top:bottom, left:right], top, left


def near(frame: np.ndarray, colour: str, tolerance: int = 40) -> np.ndarray:
    """Mask of pixels within `tolerance` (per channel) of a '#rrggbb' colour."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return np.all(np.abs(frame.astype(int) - rgb) <= tolerance, axis=-1)


def red(frame: np.ndarray) -> np.ndarray:
    f = frame.astype(int)
    return (f[..., 0] > 170) & (f[..., 1] < 80) & (f[..., 2] < 80)


def frame_ok(frame: np.ndarray) -> bool:
    return frame.dtype == np.uint8 and frame.shape == (540, 960, 3)
