"""Still images: the final frame as a PNG or JPEG file, and one frame saved in a format's own
still form (the frame files use it too)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..settings import QUALITY
from .images import pil_image, scaled
from .names import FRAME_FILES
from .transaction import TempFile, atomic_save
from .writer import Settings, Writer, register


def save_frame(target: str, frame: np.ndarray, fmt: type[Writer], scale: int,
               quality: int | str = QUALITY) -> None:
    """Save one uint8 frame to `target` as a file of `fmt`'s frame_format, `scale` times its size."""
    scaled(pil_image(frame), scale).save(target, format=fmt.frame_format, **fmt.frame_options(quality))


class StillWriter(Writer):
    """The final image: only the latest frame is kept, and written at the end."""

    kind = "still"

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale, self.quality = name, settings.scale, settings.quality
        self.latest: np.ndarray | None = None
        self.temps = [TempFile(name, open_file=False)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        self.latest = frame

    def finish(self) -> None:
        save_frame(self.temps[0].tmp, self.latest, type(self), self.scale, self.quality)
        super().finish()


@register
class PngWriter(StillWriter):
    extensions = (".png",)
    bytes_per_pixel = 1.75
    frame_format = "PNG"


@register
class JpegWriter(StillWriter):
    extensions = (".jpg", ".jpeg")
    bytes_per_pixel = 0.3
    frame_format = "JPEG"

    @classmethod
    def frame_options(cls, quality: int | str) -> dict:
        return {"quality": 100 if quality == "lossless" else int(quality)}


def write_still(path: str | os.PathLike, frame: np.ndarray, *, scale: int = 1) -> None:
    """Write one uint8 frame as a still image (format by extension: .png, .jpg, .gif, .webp)."""
    fmt = FRAME_FILES[Path(path).suffix.lower()]  # KeyError for a format with no still form
    atomic_save(path, lambda tmp: save_frame(tmp, frame, fmt, scale))
