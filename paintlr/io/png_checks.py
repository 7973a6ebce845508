"""A PNG refused as truncated from its chunks' headers, before decoding: when its compressed data
could not hold what its header claims, even at DEFLATE's highest ratio.

Pillow takes a zlib stream that ends early at the end of a row for the end of the image,
and would decode a 69-byte file claiming 268 megapixels into black.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from ..errors import ImageError

DEFLATE_MAX_RATIO = 1032  # the most DEFLATE expands: 258 bytes from a length and distance of 1 bit each
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by IHDR colour type: grey, RGB, palette, grey + alpha, RGBA
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def check_png_data(fp: BinaryIO, width: int, height: int) -> None:
    """Refuse a PNG whose IDAT chunks, at DEFLATE's highest ratio, hold less than its header claims.

    Pillow's decoder takes a zlib stream ending at the end of a row for the end of the
    image and leaves the rest black, so such a file is not refused while decoding, after
    Pillow has allocated (and paintlr shrunk) the whole claimed image. Reads the chunks'
    headers only, stopping once there is data enough; the file position is restored.
    """
    start = fp.tell()
    try:
        fp.seek(8)  # past the signature
        claimed = stored = 0
        while len(head := fp.read(8)) == 8:
            length, kind = int.from_bytes(head[:4], "big"), head[4:]
            if kind == b"IHDR":
                ihdr = fp.read(min(length, 13))
                claimed = png_bytes_claimed(ihdr, width, height)
                fp.seek(length - len(ihdr) + 4, os.SEEK_CUR)
                continue
            if kind in (b"IDAT", b"fdAT"):
                stored += length
                if stored * DEFLATE_MAX_RATIO >= claimed:
                    return
            elif kind == b"IEND":
                break
            fp.seek(length + 4, os.SEEK_CUR)  # the data and its CRC
    finally:
        fp.seek(start)
    if stored * DEFLATE_MAX_RATIO < claimed:
        raise ImageError(f"truncated: the file holds far less image data than its header claims "
                         f"({stored} compressed bytes for {width} x {height} pixels)")


def png_bytes_claimed(ihdr: bytes, width: int, height: int) -> int:
    """The bytes an IHDR's image inflates to (each row a filter byte and its pixels), or 0 if unknown."""
    if len(ihdr) < 13 or ihdr[9] not in PNG_CHANNELS:
        return 0
    bits = ihdr[8] * PNG_CHANNELS[ihdr[9]]
    passes = ADAM7 if ihdr[12] == 1 else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        cols, rows = max(0, -(-(width - x0) // dx)), max(0, -(-(height - y0) // dy))
        if cols and rows:
            total += rows * (1 + -(-cols * bits // 8))
    return total
