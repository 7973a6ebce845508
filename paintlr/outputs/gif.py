"""Animated GIF, written a frame at a time: one global palette (and a local one for a frame it does
not represent), each frame the part that changed."""

from __future__ import annotations

import numpy as np
from PIL import GifImagePlugin, Image

from .gif_palette import frame_image, gif_palette, is_grey
from .images import changed_box, scaled
from .transaction import TempFile
from .writer import Settings, Writer, register


@register
class GifWriter(Writer):
    """GIF89a with one global 256-colour table, a NETSCAPE loop-forever block and, per frame,
    a graphic-control extension, a local colour table if the frame needs one (gif_palette.frame_image
    decides) and the LZW data of the part that changed (Pillow encodes)."""

    extensions = (".gif",)
    max_side = 65535
    bytes_per_pixel = 0.76  # with local palettes: chelsea 0.75, astronaut 0.59 (0.34 on one palette)
    frame_format = "GIF"

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale = name, settings.scale
        self.dither, self.reference = settings.dither, settings.reference
        self.palette: Image.Image | None = None
        self.previous: np.ndarray | None = None  # the frame before as shown (grey, or RGB)
        self.temps = [TempFile(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        first = self.previous is None
        palette = self.palette
        if first and not is_grey(frame):
            palette = gif_palette(frame, self.reference)
        im, local = frame_image(frame, palette, self.dither)
        shown = np.asarray(im)
        if palette is not None:  # colours, not indices: a frame's own palette numbers them apart
            shown = np.asarray(im.getpalette(), np.uint8).reshape(-1, 3)[shown]
        box = changed_box(self.previous, shown)
        part = scaled(im if first else im.crop(box), self.scale)
        blocks: list[bytes] = []
        if first:  # the global table is the shared palette, even when this frame has its own
            head = part
            if local:
                head = Image.new("P", part.size)
                head.putpalette(palette.getpalette())
            blocks += GifImagePlugin.getheader(head, None, {"loop": 0})[0]
        offset = (box[0] * self.scale, box[1] * self.scale)
        data = GifImagePlugin.getdata(part, offset=offset, duration=min(ms, 655_350),
                                      include_color_table=local)
        blocks += data
        data.clear()  # a class attribute of a class getdata makes per call: freed only by the cyclic GC
        self.temps[0].fp.write(b"".join(blocks))
        self.palette, self.previous, self.reference = palette, shown, None

    def finish(self) -> None:
        self.temps[0].fp.write(b";")  # trailer
        super().finish()
