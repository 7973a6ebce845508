"""Animated PNG, written by hand a frame at a time around the chunks Pillow encodes for each frame."""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

import numpy as np
from PIL import Image

from .images import changed_box, pil_image, scaled
from .transaction import TempFile
from .writer import Settings, Writer, register

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(im: Image.Image) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of `im` saved as a PNG by Pillow."""
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    data = buf.getbuffer()
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        chunks.append((bytes(data[pos + 4:pos + 8]), bytes(data[pos + 8:pos + 8 + length])))
        pos += 12 + length
    return chunks


def apng_delay(ms: int) -> tuple[int, int]:
    """A frame's time as APNG stores it: seconds as a fraction of two 16-bit numbers."""
    delay = Fraction(ms, 1000)
    if delay.numerator > 65535:
        return min(round(ms / 1000), 65535), 1
    return delay.numerator, delay.denominator


@register
class ApngWriter(Writer):
    """APNG: IHDR, acTL (its frame count patched at the end), then per frame an fcTL and the
    frame's IDAT chunks (fdAT after the first frame), each frame encoded alone by Pillow."""

    extensions = (".apng",)
    bytes_per_pixel = 1.15

    ACTL_AT = len(PNG_SIGNATURE) + 12 + 13  # the acTL chunk follows the IHDR chunk

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale = name, settings.scale
        self.previous: np.ndarray | None = None
        self.sequence = 0
        self.count = 0
        self.temps = [TempFile(name)]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        first = self.previous is None
        x0, y0, x1, y1 = changed_box(self.previous, frame)
        part = scaled(pil_image(frame[y0:y1, x0:x1]), self.scale)
        chunks = png_chunks(part)
        out = bytearray()
        if first:
            ihdr = next(data for kind, data in chunks if kind == b"IHDR")
            out += PNG_SIGNATURE + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"acTL", struct.pack(">II", 0, 0))
        seq = self.sequence
        # fcTL: sequence, width, height, x, y, delay num/den, dispose none, blend source
        out += _png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, part.width, part.height, x0 * self.scale,
                                               y0 * self.scale, *apng_delay(ms), 0, 0))
        seq += 1
        for kind, data in chunks:
            if kind == b"IDAT" and first:
                out += _png_chunk(b"IDAT", data)
            elif kind == b"IDAT":
                out += _png_chunk(b"fdAT", struct.pack(">I", seq) + data)
                seq += 1
        self.temps[0].fp.write(out)
        self.previous, self.sequence, self.count = frame, seq, self.count + 1

    def finish(self) -> None:
        fp = self.temps[0].fp
        fp.write(_png_chunk(b"IEND", b""))
        fp.seek(self.ACTL_AT)
        fp.write(_png_chunk(b"acTL", struct.pack(">II", self.count, 0)))  # num_frames, loop forever
        super().finish()
