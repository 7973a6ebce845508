"""Animated GIF, written a frame at a time: one global palette, each frame the part that changed."""

from __future__ import annotations

import numpy as np
from PIL import GifImagePlugin, Image

from .gif_palette import gif_palette, is_grey, palette_image
from .images import changed_box, scaled
from .transaction import TempFile
from .writer import Settings, Writer, register


@register
class GifWriter(Writer):
    """GIF89a with one global 256-colour table, a NETSCAPE loop-forever block and, per frame,
    a graphic-control extension and the LZW data of the part that changed (Pillow encodes)."""

    extensions = (".gif",)
    max_side = 65535
    bytes_per_pixel = 0.34
    frame_format = "GIF"

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale = name, settings.scale
        self.dither, self.reference = settings.dither, settings.reference
        self.palette: Image.Image | None = None
        self.previous: np.ndarray | None = None  # palette indices of the frame before
        self.temps = [TempFile(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        first = self.previous is None
        palette = self.palette
        if first and not is_grey(frame):
            palette = gif_palette(frame, self.reference)
        im = palette_image(frame, palette, self.dither)
        indices = np.asarray(im)
        box = changed_box(self.previous, indices)
        part = scaled(im if first else im.crop(box), self.scale)
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
