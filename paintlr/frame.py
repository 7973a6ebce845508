"""Frame: one picture of a run, the model's image after some epochs with its costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .numerics import psnr


def as_image(channels: np.ndarray, h: int, w: int) -> np.ndarray:
    """Rows of pixel values per channel (c, h w) as an image (h, w, c): a view, not a copy."""
    return np.moveaxis(channels.reshape(-1, h, w), 0, -1)


@dataclass(frozen=True)
class Frame:
    """The model's picture after `epoch` epochs: per-column costs, the image (h, w, c) as
    floats, and for a classifier the share of samples it gets right."""

    epoch: int
    channel_costs: np.ndarray
    image: np.ndarray
    accuracy: float | None = None

    @property
    def cost(self) -> float:
        return float(self.channel_costs.mean())

    @property
    def psnr(self) -> float:
        """PSNR in dB of a least-squares frame (its cost is half the mean squared error)."""
        return psnr(self.cost)
