"""Shared fixtures for the image, animation and CLI tests: tiny images made with Pillow."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent


def colour_array(h: int = 12, w: int = 16, seed: int = 0) -> np.ndarray:
    """A small uint8 RGB picture: smooth gradients plus a little noise, every channel different."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / max(w - 1, 1)
    g = 255 * y / max(h - 1, 1)
    b = 128 + 100 * np.sin(x / 3.0) * np.cos(y / 4.0)
    a = np.stack([r, g, b], axis=2) + rng.normal(0, 8, (h, w, 3))
    return np.clip(a, 0, 255).round().astype(np.uint8)


@pytest.fixture
def rgb() -> np.ndarray:
    return colour_array()


@pytest.fixture
def save(tmp_path):
    """save(array_or_image, name, **pillow_options) -> path of the file written in tmp_path."""

    def _save(image, name: str, **options) -> Path:
        im = image if isinstance(image, Image.Image) else Image.fromarray(image)
        path = tmp_path / name
        im.save(path, **options)
        return path

    return _save


@pytest.fixture
def photo(tmp_path) -> Path:
    """A 12 x 16 colour PNG: small enough that a full default run takes well under a second."""
    path = tmp_path / "photo.png"
    Image.fromarray(colour_array()).save(path)
    return path


def png_bytes_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, followed by one tiny IDAT chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def gif_structure(data: bytes) -> dict:
    """Parse a GIF's blocks: global table, and per frame a local-table flag and delay (cs)."""
    assert data[:6] in (b"GIF87a", b"GIF89a"), data[:6]
    packed = data[10]
    pos = 13
    has_global = bool(packed & 0x80)
    if has_global:
        pos += 3 * 2 ** ((packed & 7) + 1)
    frames, loop, delay = [], None, None
    while True:
        block = data[pos]
        pos += 1
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            label = data[pos]
            pos += 1
            subs = []
            while data[pos]:
                subs.append(data[pos + 1:pos + 1 + data[pos]])
                pos += 1 + data[pos]
            pos += 1
            if label == 0xF9:
                delay = int.from_bytes(subs[0][1:3], "little")
            elif label == 0xFF and subs[0].startswith(b"NETSCAPE2.0"):
                loop = int.from_bytes(subs[1][1:3], "little")
        elif block == 0x2C:  # image descriptor, optional local table, LZW data
            flags = data[pos + 8]
            pos += 9
            local = bool(flags & 0x80)
            if local:
                pos += 3 * 2 ** ((flags & 7) + 1)
            pos += 1
            while data[pos]:
                pos += 1 + data[pos]
            pos += 1
            frames.append({"local_table": local, "delay_cs": delay})
            delay = None
        else:
            raise AssertionError(f"unexpected GIF block {block:#x} at {pos - 1}")
    return {"global_table": has_global, "frames": frames, "loop": loop}


def read_frames(path) -> list[np.ndarray]:
    """Every frame of an animation as an RGB uint8 array."""
    out = []
    with Image.open(path) as im:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")))
    return out


def psnr_db(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two images in [0, 1]."""
    mse = float(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1 / mse)


def run_paintlr(*args, cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real process: python -m paintlr ARGS in `cwd`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "paintlr", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def listing(folder: Path) -> set[str]:
    """Every file under folder, relative, hidden ones included."""
    return {str(p.relative_to(folder)) for p in Path(folder).rglob("*")}


def assert_one_line_error(code: int, stdout: str, stderr: str, expected_code: int) -> None:
    """The contract for bad input: one line on stderr, nothing on stdout, no traceback."""
    assert code == expected_code, (code, stdout, stderr)
    assert "Traceback" not in stderr + stdout, stderr
    lines = stderr.strip("\n").splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("paintlr: "), lines[0]
    assert stdout == "", stdout


@pytest.fixture(scope="module")
def cat() -> np.ndarray:
    """Chelsea the cat from sample_images/, shrunk to 64 px, as floats in [0, 1]."""
    with Image.open(REPO / "sample_images" / "chelsea.png") as im:
        im = im.convert("RGB")
        im.thumbnail((64, 64))
        return np.asarray(im, dtype=np.float64) / 255
