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


@pytest.fixture
def workdir(tmp_path, monkeypatch, photo) -> Path:
    """Run in tmp_path, which holds photo.png (12 x 16 colour)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


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


def assert_one_line_error(code: int, stdout: str, stderr: str, expected_code: int, *,
                          names: tuple[str, ...]) -> None:
    """The contract for bad input: one line on stderr, nothing on stdout, no traceback, and a line
    that names the problem: every string of `names` (the flag, say, and a word of the reason) is in
    it, so that an error about something else (a misspelt flag, also exit 2) does not pass."""
    assert code == expected_code, (code, stdout, stderr)
    assert "Traceback" not in stderr + stdout, stderr
    lines = stderr.strip("\n").splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("paintlr: "), lines[0]
    assert stdout == "", stdout
    assert isinstance(names, (tuple, list)) and names and all(isinstance(n, str) and n for n in names), names
    missing = [name for name in names if name not in lines[0]]
    assert not missing, f"{missing} not in {lines[0]!r}"


@pytest.fixture(scope="module")
def cat() -> np.ndarray:
    """Chelsea the cat from sample_images/, shrunk to 64 px, as floats in [0, 1]."""
    with Image.open(REPO / "sample_images" / "chelsea.png") as im:
        im = im.convert("RGB")
        im.thumbnail((64, 64))
        return np.asarray(im, dtype=np.float64) / 255


# ---------------------------------------------------------------------------------------------------------
# Browser tests: a real headless Chromium (Debian's package) driven by Playwright for Python.
#
#   def test_something(page, tmp_path):
#       page.goto(html_file.as_uri())
#       assert page.evaluate("window.answer") == 42
#       assert page.console_errors == []      # console.error(...) and uncaught exceptions
#       assert page.network_requests == []    # every non-file:// request, websockets too (all aborted)
#
# One browser per test session (`browser`, launched on first use), a fresh context and page per test
# (`page`). PAINTLR_CHROMIUM overrides the executable. Without Chromium or the playwright package the
# tests skip locally and fail when CI=true: a skipped browser test in CI is a failure.

CHROMIUM = os.environ.get("PAINTLR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _no_browser(reason: str):
    message = (f"{reason}: browser tests need Debian's chromium: apt-get install chromium, "
               "and the playwright package: pip install -e '.[dev]'")
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """The session's one headless Chromium (a Playwright Browser); Playwright gives it a fresh profile dir."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _no_browser(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A Playwright Page in a fresh context, offline but for file://, with two lists to assert on:

    page.console_errors   -- console.error texts, failed loads, and "uncaught: ..." for page errors
    page.network_requests -- URL of every request that was not file:// (each one aborted)
    """
    context = browser.new_context()
    p = context.new_page()
    p.console_errors = []
    p.network_requests = []
    p.on("console", lambda m: p.console_errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.console_errors.append(f"uncaught: {e}"))

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            p.network_requests.append(route.request.url)
            route.abort()

    def guard_socket(ws):
        p.network_requests.append(ws.url)
        ws.close()

    context.route("**/*", guard)
    context.route_web_socket("**/*", guard_socket)
    yield p
    context.close()
