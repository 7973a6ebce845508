"""Images made for the io tests, and what load_image says of them."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from paintlr.errors import ImageError
from paintlr.io.image import load_image

STEP16 = 1 / 65535


def check_array(a: np.ndarray, shape: tuple[int, ...]) -> None:
    assert a.dtype == np.float64
    assert a.shape == shape
    assert a.min() >= 0.0 and a.max() <= 1.0


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zero_png(path: Path, width: int, height: int, colour: int = 6, level: int = 1,
             interlace: int = 0) -> None:
    """An all-zero 8-bit PNG (RGBA unless `colour` says otherwise) written through zlib a block at a
    time: a few MB, never the whole image in memory. Interlaced, the passes are counted with ranges."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    passes = adam7 if interlace else [(0, 0, 1, 1)]
    left = 0  # each row: filter byte 0, then the pixels
    for x0, y0, dx, dy in passes:
        cols, rows = len(range(x0, width, dx)), len(range(y0, height, dy))
        left += rows * (1 + cols * channels) if cols else 0
    block = b"\0" * (1 << 24)
    deflate = zlib.compressobj(level)
    parts = []
    while left:
        parts.append(deflate.compress(block[: min(left, len(block))]))
        left -= min(left, len(block))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, interlace)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                + png_chunk(b"IDAT", b"".join(parts) + deflate.flush()) + png_chunk(b"IEND", b""))


def load_in_child(path: Path) -> tuple[str, int]:
    """load_image(path) in a fresh Python: what it gave (the shape, or the ImageError) and its peak
    RSS in bytes: the child's own high-water mark (VmHWM), not ru_maxrss, which carries pytest's size
    over exec."""
    code = ("import sys; from paintlr.errors import ImageError\n"
            "from paintlr.io.image import load_image\n"
            "try: print(load_image(sys.argv[1]).shape)\n"
            "except ImageError as exc: print('ImageError:', exc)\n"
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    said, peak_kb = done.stdout.splitlines()[-2:]
    return said, int(peak_kb) * 1024


needs_vmhwm = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")


def error_of(path) -> str:
    with pytest.raises(ImageError) as info:
        load_image(path)
    return str(info.value)
