"""Animated WebP, written by hand a frame at a time around the bitstreams Pillow encodes, and
Pillow's WebP options for a quality (the page and frame files use them too)."""

from __future__ import annotations

import io
import os
import struct

import numpy as np
from PIL import Image

from .images import changed_box, pil_image, scaled
from .transaction import TempFile
from .writer import Settings, Writer, register


def webp_options(quality: int | str) -> dict:
    """Pillow's WebP options for a quality: 1 to 100 lossy, or "lossless" (every pixel kept)."""
    return {"lossless": True} if quality == "lossless" else {"lossless": False, "quality": int(quality)}


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + b"\0" * (len(data) & 1)


def _u24(value: int) -> bytes:
    return value.to_bytes(3, "little")


def webp_frame(im: Image.Image, quality: int | str) -> bytes:
    """The ALPH (if any) and VP8/VP8L chunks of `im` encoded alone by Pillow."""
    buf = io.BytesIO()
    im.save(buf, format="WEBP", **webp_options(quality))
    data = buf.getbuffer()
    out, pos = bytearray(), 12  # after RIFF, size, WEBP
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from("<I", data, pos + 4)
        end = pos + 8 + length + (length & 1)
        if bytes(data[pos:pos + 4]) in (b"ALPH", b"VP8 ", b"VP8L"):
            out += data[pos:end]
        pos = end
    return bytes(out)


@register
class WebpWriter(Writer):
    """Animated WebP: RIFF, VP8X (animation flag, canvas size), ANIM (loop forever), one ANMF per
    frame holding the part that changed, encoded alone by Pillow; the RIFF size patched at the end."""

    extensions = (".webp",)
    max_side = 16383
    bytes_per_pixel = 0.13
    frame_format = "WEBP"

    @classmethod
    def frame_options(cls, quality: int | str) -> dict:
        return webp_options(quality)

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale, self.quality = name, settings.scale, settings.quality
        self.previous: np.ndarray | None = None
        self.temps = [TempFile(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        s = self.scale
        x0, y0, x1, y1 = changed_box(self.previous, frame)
        x0 -= (x0 * s) % 2  # ANMF offsets are stored halved
        y0 -= (y0 * s) % 2
        part = scaled(pil_image(frame[y0:y1, x0:x1]), s)
        out = bytearray()
        if self.previous is None:
            alpha = 0x10 if part.mode in ("RGBA", "LA") else 0
            vp8x = bytes([0x02 | alpha, 0, 0, 0]) + _u24(part.width - 1) + _u24(part.height - 1)
            out += b"RIFF" + struct.pack("<I", 0) + b"WEBP" + _riff_chunk(b"VP8X", vp8x)
            out += _riff_chunk(b"ANIM", struct.pack("<IH", 0, 0))  # background, loop forever
        header = (_u24(x0 * s // 2) + _u24(y0 * s // 2) + _u24(part.width - 1) + _u24(part.height - 1)
                  + _u24(min(ms, 0xFFFFFF)) + bytes([0x02]))  # flags: do not blend, do not dispose
        out += _riff_chunk(b"ANMF", header + webp_frame(part, self.quality))
        self.temps[0].fp.write(out)
        self.previous = frame

    def finish(self) -> None:
        fp = self.temps[0].fp
        size = fp.seek(0, os.SEEK_END)
        fp.seek(4)
        fp.write(struct.pack("<I", size - 8))
        super().finish()
