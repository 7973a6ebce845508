"""A seeded, bounded fuzz test of the paintlr command line: case generation, running and checking.

Every case is made from (seed, index) alone, so any case can be run again by itself:

    .venv/bin/python -m tests.fuzz --cases 1500 --seed 1        # the long run (make fuzz)
    .venv/bin/python -m tests.fuzz --seed 1 --case 17 -v        # one case again, its folder kept
    .venv/bin/pytest tests/test_fuzz.py                         # the short run (PAINTLR_FUZZ_CASES)

A case is one `paintlr learn|info|sweep` run in a fresh folder: an input made from
sample_images/ or --photos DIR (shrunk to a few dozen pixels, then saved in every format Pillow can
write and read back, in odd modes and sizes, and often truncated, bit-flipped or
otherwise corrupted), under an ordinary or an awkward name, with random flags drawn from
the command's real options and random outputs. Most cases run in-process through
click's CliRunner (fast); a share, and every case that needs it (names that are not
UTF-8), runs the real console script in a subprocess, where peak memory (ru_maxrss of
the child, from os.wait4) and a timeout are checked too.

What every run must do (`check`):
  * exit 0: every output exists and opens (Pillow decodes every frame; a page holds
    "</html>", a log parses as CSV, a video decodes with PyAV; without -o, one .gif named
    after PHOTO), nothing else appears in the folder, and stderr holds only
    "paintlr: ..." lines (warnings, notes: no progress bar, no Python warning);
  * or exit 1 or 2: stderr is one "paintlr: ..." error line (after any "paintlr:
    warning:"/"paintlr: note:" lines, as for a diverging rate), stdout is empty, and
    the folder is exactly as before: no output, no hidden .name.XXXX.part file;
  * never a traceback or an exception escaping the CLI (in-process: anything but
    SystemExit), never a Python warning on stderr; the input's bytes and every other
    file already there are unchanged; the run ends within TIMEOUT_S and, in a
    subprocess, its peak RSS stays under MEMORY_LIMIT_MB (in-process: the test
    process's peak may not grow by that much).

`signal_case` sends SIGINT or SIGTERM to a real process once training has started (its
hidden temporary files exist) plus a delay: it must exit 130 (SIGINT) or 143 (SIGTERM),
stderr only "paintlr: ..." lines, with a complete set of outputs or nothing at all.
The long run adds signal cases with random delays and outputs (--signals).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import io
import os
import random
import re
import resource
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_images"
# The source photos the corpus and the signal cases are made from (--photos DIR): the first takes
# chelsea's part (every format and mode, the variants, the signal cases), the second coffee's (every
# mode as PNG, a second frame), and each further one gets coffee's treatment too.
PHOTOS: list[Path] = [SAMPLES / "chelsea.png", SAMPLES / "coffee.png"]
PHOTO_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif", ".ppm", ".pgm"}
ENTRY = REPO / ".venv" / "bin" / "paintlr"
KEEP_ROOT = Path(tempfile.gettempdir()) / "paintlr-fuzz"
PREFIX = "paintlr: "
TIMEOUT_S = 60.0
MEMORY_LIMIT_MB = 1024
SUBPROCESS_SHARE = 0.08

# ---------------------------------------------------------------------------------------------
# The corpus: small images in every format and mode Pillow writes and reads back


@dataclasses.dataclass(frozen=True)
class Sample:
    name: str  # file name in the corpus folder
    note: str  # how it was made
    large: bool = False  # more than 64 px: the case always passes a small --size


def _pil():
    from PIL import Image

    Image.init()
    return Image


def _shrunk(path: Path, size: int):
    Image = _pil()
    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((size, size), Image.Resampling.LANCZOS)
        return im.copy()


def _gradient(w: int, h: int):
    """A smooth colour picture of any size (no noise: compresses well even when large)."""
    import numpy as np

    Image = _pil()
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / max(w - 1, 1)
    g = 255 * y / max(h - 1, 1)
    b = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    return Image.fromarray(np.clip(np.stack([r, g, b], axis=2), 0, 255).astype(np.uint8))


def _alpha(im):
    """RGBA: a horizontal ramp of opacity, fully transparent at the left."""
    import numpy as np

    Image = _pil()
    a = np.tile(np.linspace(0, 255, im.width).astype(np.uint8), (im.height, 1))
    out = im.convert("RGB").copy()
    out.putalpha(Image.fromarray(a))
    return out


def _modes(base):
    """(mode name, image, save options) for the modes a format may take."""
    import numpy as np

    Image = _pil()
    grey = base.convert("L")
    wide = Image.fromarray(np.asarray(grey, dtype=np.uint16) * 257).convert("I;16")
    floats = np.asarray(grey, dtype=np.float32) / 255
    pal = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal_t = pal.copy()
    pal_t.info["transparency"] = 0
    return [("RGB", base, {}), ("RGBA", _alpha(base), {}), ("L", grey, {}),
            ("LA", _alpha(base).convert("LA"), {}),
            ("P", pal, {}), ("P-transparent", pal_t, {"transparency": 0}), ("1", base.convert("1"), {}),
            ("I;16", wide, {}), ("I", grey.convert("I"), {}), ("F", Image.fromarray(floats, mode="F"), {}),
            ("CMYK", base.convert("CMYK"), {})]


PREFERRED_EXT = {"JPEG": ".jpg", "TIFF": ".tif", "PNG": ".png", "PPM": ".ppm", "SGI": ".sgi",
                 "JPEG2000": ".jp2", "EPS": ".eps", "TGA": ".tga", "AVIF": ".avif"}


def _roundtrips(data: bytes) -> bool:
    Image = _pil()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return True
    except Exception:
        return False


def _encode(im, fmt: str, **options) -> bytes | None:
    buf = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im.save(buf, format=fmt, **options)
    except Exception:
        return None
    data = buf.getvalue()
    return data if data and _roundtrips(data) else None


def _exif_orientation(value: int) -> bytes:
    Image = _pil()
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, bit_depth: int = 8, colour: int = 2) -> bytes:
    """A PNG whose header claims width x height pixels, with one tiny IDAT chunk."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _png_chunk(b"IEND", b""))


def build_corpus(folder: Path) -> list[Sample]:
    """Write the corpus into `folder`; the same files every time (for one Pillow build)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's deprecations of old formats, and the like
        return _build_corpus(folder)


def _build_corpus(folder: Path) -> list[Sample]:
    import numpy as np

    Image = _pil()
    folder.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []

    def add(name: str, data: bytes | None, note: str, large: bool = False) -> None:
        if data is None:
            return
        (folder / name).write_bytes(data)
        samples.append(Sample(name, note, large))

    cat = _shrunk(PHOTOS[0], 32)
    coffee = _shrunk(PHOTOS[1 % len(PHOTOS)], 24)
    # every format Pillow can write, in every mode it takes, that it also reads back
    exts: dict[str, str] = {}
    for ext, fmt in Image.registered_extensions().items():
        exts.setdefault(fmt, PREFERRED_EXT.get(fmt, ext))
    for fmt in sorted(Image.SAVE):
        if fmt not in Image.OPEN and fmt != "DIB":
            continue
        for mode, im, options in _modes(cat):
            add(f"{fmt.lower()}-{mode.replace(';', '')}{exts.get(fmt, '.bin')}",
                _encode(im, fmt, **options), f"{fmt} {mode}")
    for mode, im, options in _modes(coffee):
        add(f"coffee-{mode.replace(';', '')}.png", _encode(im, "PNG", **options), f"PNG {mode} (coffee)")
    for photo in PHOTOS[2:]:
        for mode, im, options in _modes(_shrunk(photo, 24)):
            add(f"{photo.stem}-{mode.replace(';', '')}.png", _encode(im, "PNG", **options),
                f"PNG {mode} ({photo.stem})")
    # the variants named in the brief, and others where decoders differ
    for comp in ("tiff_lzw", "tiff_adobe_deflate", "packbits", "jpeg", "raw"):
        add(f"tiff-{comp}.tif", _encode(cat, "TIFF", compression=comp), f"TIFF RGB {comp}")
        add(f"tiff-L-{comp}.tif", _encode(cat.convert("L"), "TIFF", compression=comp), f"TIFF L {comp}")
    add("tiff-1-group4.tif", _encode(cat.convert("1"), "TIFF", compression="group4"), "TIFF 1-bit group4")
    grey = np.asarray(cat.convert("L"), dtype=np.float32) / 255
    for label, values in (("nan", [np.nan]), ("inf", [np.inf, -np.inf]), ("mixed", [np.nan, np.inf, -np.inf]),
                          ("huge", [3e38, -3e38]), ("out-of-range", [7.5, -2.0])):
        f = grey.copy()
        every = max(1, f.size // 9)
        f.flat[::every] = np.resize(np.array(values, dtype=np.float32), f.flat[::every].size)
        add(f"float-{label}.tif", _encode(Image.fromarray(f, mode="F"), "TIFF"), f"TIFF F with {label}")
        add(f"float-{label}-lzw.tif", _encode(Image.fromarray(f, mode="F"), "TIFF", compression="tiff_lzw"),
            f"TIFF F LZW with {label}")
    all_nan = np.full((6, 5), np.nan, dtype=np.float32)
    add("float-all-nan.tif", _encode(Image.fromarray(all_nan, mode="F"), "TIFF"), "TIFF F all NaN")
    for label, arr in (("grey", grey), ("nan", np.where(grey > 0.5, np.nan, grey).astype(np.float32))):
        pfm = folder / f"pfm-{label}.pfm"
        try:
            Image.fromarray(arr, mode="F").save(pfm)
            if _roundtrips(pfm.read_bytes()):
                samples.append(Sample(pfm.name, f"PFM {label}"))
        except Exception:
            pfm.unlink(missing_ok=True)
    add("tiff-multipage.tif", _encode(cat, "TIFF", save_all=True, append_images=[coffee.resize(cat.size)]),
        "TIFF two pages")
    add("tiff-cmyk.tif", _encode(cat.convert("CMYK"), "TIFF"), "TIFF CMYK")
    add("tiff-I16-lzw.tif", _encode(_modes(cat)[7][1], "TIFF", compression="tiff_lzw"), "TIFF I;16 LZW")
    add("jpeg-progressive.jpg", _encode(cat, "JPEG", progressive=True, quality=60), "JPEG progressive")
    add("jpeg-cmyk.jpg", _encode(cat.convert("CMYK"), "JPEG"), "JPEG CMYK")
    add("jpeg-grey.jpg", _encode(cat.convert("L"), "JPEG"), "JPEG L")
    for value in (2, 3, 5, 6, 7, 8, 0, 9):
        add(f"jpeg-exif-{value}.jpg", _encode(cat, "JPEG", exif=_exif_orientation(value)),
            f"JPEG EXIF orientation {value}")
    add("png-exif-6.png", _encode(cat, "PNG", exif=_exif_orientation(6)), "PNG EXIF orientation 6")
    add("webp-exif-8.webp", _encode(cat, "WEBP", exif=_exif_orientation(8)), "WebP EXIF orientation 8")
    frames = [cat, coffee.resize(cat.size), cat.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    rest = {"save_all": True, "append_images": frames[1:]}
    add("anim.gif", _encode(frames[0], "GIF", **rest, duration=[50, 0, 70], loop=0), "animated GIF")
    add("anim.png", _encode(frames[0], "PNG", **rest, duration=40), "APNG")
    add("anim.apng", _encode(frames[0], "PNG", **rest, default_image=True, duration=40),
        "APNG, .apng, default image")
    add("anim.webp", _encode(frames[0], "WEBP", **rest, duration=40), "animated WebP")
    add("anim-alpha.webp", _encode(_alpha(cat), "WEBP", save_all=True,
                                   append_images=[_alpha(coffee.resize(cat.size))]),
        "animated WebP with alpha")
    add("webp-lossless.webp", _encode(cat, "WEBP", lossless=True), "WebP lossless")
    add("webp-lossy-alpha.webp", _encode(_alpha(cat), "WEBP", quality=30), "WebP lossy alpha")
    add("png-16bit-grey-trns.png", _encode(_modes(cat)[7][1], "PNG", transparency=257 * 100),
        "PNG I;16 tRNS key")
    add("png-rgb-trns.png", _encode(cat, "PNG", transparency=cat.getpixel((0, 0))), "PNG RGB tRNS key")
    add("png-L-trns.png", _encode(cat.convert("L"), "PNG", transparency=0), "PNG L tRNS key")
    add("gif-transparent.gif", _encode(cat.convert("P", palette=Image.Palette.ADAPTIVE), "GIF",
                                       transparency=3), "GIF with transparency")
    add("png-grey-palette.png", _encode(cat.convert("L").convert("P"), "PNG"), "PNG P with a grey palette")
    add("tga-rle.tga", _encode(cat, "TGA", rle=True), "TGA RLE")
    add("tga-rle-rgba.tga", _encode(_alpha(cat), "TGA", rle=True), "TGA RLE RGBA")
    add("ico-multi.ico", _encode(cat.resize((32, 32)), "ICO", sizes=[(16, 16), (32, 32)]), "ICO two sizes")
    add("pgm-16bit.pgm", _encode(_modes(cat)[8][1], "PPM"), "PGM 16-bit")
    add("pbm.pbm", _encode(cat.convert("1"), "PPM"), "PBM 1-bit")
    # odd sizes
    for w, h in ((1, 1), (1, 2), (2, 1), (3, 1), (1, 3), (2, 2), (1, 500), (500, 1), (13, 7)):
        im = _gradient(w, h)
        add(f"size-{w}x{h}.png", _encode(im, "PNG"), f"PNG {w}x{h}", large=max(w, h) > 64)
        add(f"size-{w}x{h}-grey.tif", _encode(im.convert("L"), "TIFF"), f"TIFF L {w}x{h}",
            large=max(w, h) > 64)
    add("size-1x1-alpha0.png", _encode(Image.new("RGBA", (1, 1), (10, 20, 30, 0)), "PNG"),
        "PNG 1x1 transparent")
    add("flat-black.png", _encode(Image.new("RGB", (9, 6)), "PNG"), "PNG all black")
    add("flat-white-L.png", _encode(Image.new("L", (9, 6), 255), "PNG"), "PNG L all white")
    add("flat-grey-1x40.gif", _encode(Image.new("L", (1, 40), 128), "GIF"), "GIF flat 1x40")
    add("large.png", _encode(_gradient(3000, 2000), "PNG", compress_level=1), "PNG 3000x2000", large=True)
    add("large.jpg", _encode(_gradient(2400, 1600), "JPEG", quality=70), "JPEG 2400x1600 (draft)", large=True)
    add("wide-20000x1.png", _encode(_gradient(20000, 1), "PNG"), "PNG 20000x1", large=True)
    # headers that promise more than the file holds
    for w, h in ((100_000, 100_000), (20_000, 20_000), (16_000, 16_000), (1, 268_435_456), (0, 5), (5, 0),
                 (2**31 - 1, 1)):
        add(f"claims-{w}x{h}.png", png_claiming(w, h), f"PNG header claiming {w}x{h}")
    add("claims-16bit-grey.png", png_claiming(9000, 9000, 16, 0), "PNG header claiming 9000x9000 16-bit")
    return samples


# ---------------------------------------------------------------------------------------------
# Mutations


def _png_chunks(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(offset, kind, payload) of each chunk of a PNG, as far as it parses."""
    out, pos = [], 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if pos + 12 + length > len(data):
            break
        out.append((pos, kind, data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return out


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One random corruption of `data`, and what it was."""
    n = len(data)
    if n == 0:
        return b"\0" * rng.randint(1, 16), "zeros"
    kind = rng.choice(["truncate", "truncate", "flip", "flip", "flip-header", "flip-header", "overwrite",
                       "insert", "delete", "append", "png-chunk", "png-ihdr", "duplicate"])
    if kind == "truncate":
        cut = rng.choice([rng.randrange(n), rng.randrange(min(n, 64)), max(0, n - rng.randint(1, 16))])
        return data[:cut], f"truncated to {cut} of {n} bytes"
    if kind in ("flip", "flip-header"):
        b = bytearray(data)
        span = min(n, 128) if kind == "flip-header" else n
        flips = rng.choice([1, 1, 2, 3, 8, 32])
        where = sorted(rng.randrange(span) for _ in range(flips))
        for i in where:
            b[i] ^= 1 << rng.randrange(8)
        return bytes(b), f"{flips} bit(s) flipped at {where[:8]}"
    if kind == "overwrite":
        i = rng.randrange(n)
        k = rng.randint(1, 64)
        fill = rng.choice([b"\0", b"\xff", None])
        junk = bytes(rng.randrange(256) for _ in range(k)) if fill is None else fill * k
        return data[:i] + junk + data[i + k:], f"{k} bytes overwritten at {i}"
    if kind == "insert":
        i = rng.randrange(n)
        k = rng.randint(1, 64)
        return data[:i] + bytes(rng.randrange(256) for _ in range(k)) + data[i:], f"{k} bytes inserted at {i}"
    if kind == "delete":
        i = rng.randrange(n)
        k = rng.randint(1, 64)
        return data[:i] + data[i + k:], f"{k} bytes deleted at {i}"
    if kind == "append":
        return data + bytes(rng.randrange(256) for _ in range(rng.randint(1, 256))), "garbage appended"
    if kind == "duplicate":
        i = rng.randrange(n)
        k = rng.randint(1, 256)
        return data[:i + k] + data[i:i + k] + data[i + k:], f"{k} bytes repeated at {i}"
    chunks = _png_chunks(data) if data.startswith(b"\x89PNG") else []
    if not chunks:
        return mutate(data, rng)
    if kind == "png-ihdr" and chunks[0][1] == b"IHDR" and len(chunks[0][2]) == 13:
        w, h, depth, colour, comp, filt, inter = struct.unpack(">IIBBBBB", chunks[0][2])
        field = rng.choice(["size", "depth", "colour", "interlace", "filter"])
        if field == "size":
            w, h = rng.choice([(w * 2, h), (w, h * 3), (w + 1, h), (1, 1), (0, h), (w * 1000, h * 1000),
                               (2**31 - 1, 2)])
        elif field == "depth":
            depth = rng.choice([1, 2, 4, 8, 16, 3, 0, 255])
        elif field == "colour":
            colour = rng.choice([0, 2, 3, 4, 6, 1, 7])
        elif field == "interlace":
            inter = rng.choice([1, 2])
        else:
            filt = rng.choice([1, 5])
        payload = struct.pack(">IIBBBBB", w, h, depth, colour, comp, filt, inter)
        pos = chunks[0][0]
        return (data[:pos] + _png_chunk(b"IHDR", payload) + data[pos + 25:],
                f"IHDR rewritten (valid CRC): {w}x{h} depth {depth} colour {colour} filter {filt} "
                f"interlace {inter}")
    pos, ckind, payload = rng.choice(chunks)
    b = bytearray(payload)
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    new = _png_chunk(ckind, bytes(b))
    return (data[:pos] + new + data[pos + 12 + len(payload):],
            f"{ckind.decode('latin-1')} chunk bits flipped (valid CRC)")


# ---------------------------------------------------------------------------------------------
# Cases


@dataclasses.dataclass
class Case:
    seed: int
    index: int
    argv: list[str]  # after "paintlr"
    files: list[tuple[str, str, object]]  # (relative path, "bytes"|"dir"|"symlink", payload)
    outputs: list[str]  # what a successful run writes: names, or patterns with a placeholder
    input_note: str
    in_subprocess: bool = False
    bytes_names: bool = False  # argv holds names that are not UTF-8 (as surrogate escapes)
    share: float = SUBPROCESS_SHARE  # the subprocess share it was made with
    default_output: tuple[str, str] | None = None  # no -o: (photo's stem, suffix) of the name paintlr picks

    @property
    def command(self) -> str:
        return self.argv[0]

    def shell(self, folder: Path | None = None) -> str:
        words = [w.replace("{folder}", str(folder or "$PWD")) for w in self.argv]
        if self.bytes_names:  # bash's $'...' spells any byte
            line = "paintlr " + " ".join(_bash_quote(w) for w in words)
        else:
            line = "paintlr " + shlex.join(words)
        return f"cd {shlex.quote(str(folder))} && {line}" if folder else line

    def describe(self, folder: Path | None = None) -> str:
        where = "subprocess" if self.in_subprocess else "in-process"
        return (f"fuzz case {self.index} (seed {self.seed}, {where}; input: {self.input_note})\n"
                f"  reproduce: {self.shell(folder)}\n"
                f"  regenerate: .venv/bin/python -m tests.fuzz --seed {self.seed} --case {self.index} "
                f"--subprocess-share {self.share:g} -v"
                + ("" if PHOTOS[:2] == [SAMPLES / "chelsea.png", SAMPLES / "coffee.png"] and len(PHOTOS) == 2
                   else f" --photos {shlex.quote(str(PHOTOS[0].parent))}"))


def _bash_quote(word: str) -> str:
    raw = os.fsencode(word)
    if all(32 <= b < 127 and b not in b"'\\" for b in raw):
        return shlex.quote(word)
    return "$'" + "".join(chr(b) if 32 <= b < 127 and b not in b"'\\" else f"\\x{b:02x}" for b in raw) + "'"


PLACEHOLDER = re.compile(r"%(0?\d+)?d")


def output_pattern(name: str) -> re.Pattern | None:
    """For a frame-file name (one %d-style placeholder, %% a literal %): the regex of the files it
    writes, relative to the run folder; None for an ordinary file name."""
    text = name.replace("%%", "\x00")
    parts = PLACEHOLDER.split(text)
    if len(parts) == 1:
        return None
    literals = parts[::2]
    return re.compile(r" *\d+".join(re.escape(p).replace("\x00", "%") for p in literals))


def _rel(path: str) -> str:
    return os.path.normpath(path)


GOOD_OUTPUTS = ["out.gif", "out.gif", "out.webp", "out.apng", "out.png", "out.jpg", "out.jpeg", "page.html",
                "f_%04d.png", "g_%d.jpg", "h%03d.webp", "OUT.GIF", "with space.gif", "ünï 猫.png",
                "sub/out.gif",
                "100%%_%03d.png", "50%.png", "old.gif", "out.mp4", "out.webm", "sub/../back.webp",
                "nl\nname.gif"]
BAD_OUTPUTS = ["out.tif", "out", "missing/out.gif", "f_%d_%d.png", "50%_%03d.png", "sub", "f_%04d.gif.txt",
               "x.%d", "frames_%d.mp4"]
ANIMATED = ["out.gif", "out.webp", "out.apng", "page.html", "out.mp4", "out.webm", "OUT.GIF", "sub/s.gif"]

# flag -> (valid values, invalid values); a value is a string or a callable(rng) -> string
LEARNING_RATES = (["0.05", "0.5", "1.0", "1.9", "0.01", "2.5", "1e10", "1e300", "1e-300", "5e-324", "1e-8"],
                  ["0", "-1", "nan", "inf", "abc", ""])
MOMENTA = (["0", "0.5", "0.9", "0.99", "0.9999999"], ["1", "-0.1", "nan", "1.5"])
BATCHES = (["1", "2", "7", "64", "1000000", str(10**30)], ["0", "-3", "1.5"])
SEEDS = (["0", "1", "42", "-1", str(2**32), str(2**63), str(2**64 + 5), str(10**30), "7"], ["x", "1.5"])
MAX_COSTS = (["1e-4", "0.01", "0.3", "1e-300", "1e300", "5e-324"], ["0", "-1", "nan", "inf"])
FPS = (["20", "1", "0.5", "100", "1e-300", "0.002", "33.3", "99.99", "7"], ["0", "101", "nan", "-5", "inf"])
BACKGROUNDS = (["white", "black", "#ff8800", "#123", "red", "hsl(120, 50%, 50%)", "#00000000"],
               ["nope", "#12345", "", "#gggggg"])


def _value(rng: random.Random, pool: tuple[list[str], list[str]], p_bad: float) -> str:
    good, bad = pool
    return rng.choice(bad) if rng.random() < p_bad else rng.choice(good)


def _int(rng: random.Random, lo: int, hi: int, edges: list[int] | None = None, bad: list[str] | None = None,
         p_bad: float = 0.0) -> str:
    if bad and rng.random() < p_bad:
        return rng.choice(bad)
    if edges and rng.random() < 0.2:
        return str(rng.choice(edges))
    return str(rng.randint(lo, hi))


NAMES = [("photo", 60), ("my photo", 4), ("50%", 3), ("a%d", 3), ("f_%04d", 2), ("new\nline", 3),
         ("çhat 猫 ☃", 4), ("UPPER", 0), ("-dash", 2), (".hidden", 2), ("x" * 200, 1), ("tab\there", 1),
         ("quote'\"", 1), ("non-utf8-\udcff\udcfe", 3)]


def make_case(seed: int, index: int, corpus: list[Sample], corpus_dir: Path,
              subprocess_share: float = SUBPROCESS_SHARE) -> Case:
    """Case `index` of the run seeded `seed`: the input file(s) and the command line."""
    rng = random.Random(f"paintlr-fuzz:{seed}:{index}")
    p_bad = 0.03  # chance that any one flag value is invalid
    files: list[tuple[str, str, object]] = []
    in_subprocess = rng.random() < subprocess_share
    bytes_names = False

    # --- the input
    special = rng.random()
    sample = rng.choice(corpus)
    data = (corpus_dir / sample.name).read_bytes()
    note = sample.note
    large = sample.large
    if rng.random() < 0.35:
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            data, what = mutate(data, rng)
            note += f"; {what}"
    ext = Path(sample.name).suffix
    stem = rng.choices([n for n, _ in NAMES], weights=[w for _, w in NAMES])[0]
    if stem.startswith("non-utf8"):
        in_subprocess = bytes_names = True
    roll = rng.random()
    if roll < 0.08:
        ext = rng.choice([".png", ".jpg", ".gif", "", ".PNG", ".txt"])  # the wrong extension, or none
        note += f"; named {ext or 'without extension'}"
    elif roll < 0.12:
        ext = ext.upper()
    name = stem + ext
    folder_part = rng.choices(["", "in/", "ABS"], weights=[75, 15, 10])[0]
    rel = ("in/" if folder_part == "in/" else "") + name
    photo_arg = rel
    if special < 0.025:
        files.append((rel, "bytes", b""))
        note, large = "an empty file", False
    elif special < 0.04:
        files.append((rel, "dir", None))
        note = "a directory"
    elif special < 0.055:
        files.append((rel, "bytes", rng.choice([b"hello, I am not a picture\n", b"\x89PNG\r\n\x1a\n",
                                                 b"GIF89a", b"\xff\xd8\xff", b"P6\n2 2\n255\n", b"BM"])))
        note = "a text or magic-only file"
    elif special < 0.10:
        target = "real" + Path(sample.name).suffix
        files.append((target, "bytes", data))
        files.append((rel, "symlink", target))
        note += "; through a symlink"
    elif special < 0.11:
        files.append((rel, "symlink", "does-not-exist.png"))
        note = "a dangling symlink"
    elif special < 0.115:
        files.append((rel, "symlink", name))  # a link to itself: ELOOP
        note = "a symlink loop"
    elif special < 0.12:
        note = "a missing file"
    elif special < 0.125:
        photo_arg = rng.choice(["/dev/null", "-", "/", "."])
        note = f"the path {photo_arg}"
    else:
        files.append((rel, "bytes", data))
    if folder_part == "ABS" and photo_arg == rel:
        photo_arg = "{folder}/" + rel  # made absolute when the case runs
    if stem == "-dash" and photo_arg == rel and rng.random() < 0.5:
        photo_arg = "./" + rel

    command = rng.choices(["learn", "info", "sweep"], weights=[76, 10, 14])[0]
    argv = [command, photo_arg]
    flags: list[str] = []
    outputs: list[str] = []

    def maybe(p: float) -> bool:
        return rng.random() < p

    # --- sizes and designs: cheap
    size = None
    if maybe(0.8) or large:
        size = _int(rng, 1, 48, edges=[1, 2, 3, 4, 64, 10**30], bad=["0", "-5", "x", "1.5"], p_bad=p_bad)
        if large and size.isdigit() and int(size) > 64:
            size = "48"
        flags += ["--size", size]
    small = size is not None and size.isdigit() and int(size) <= 24
    features = rng.choices(["onehot", "xy", "poly", "fourier", "cosine", "bogus"],
                           weights=[50, 10, 14, 12, 12, 1])[0] if maybe(0.5) else None
    if features:
        flags += ["--features", features]
    if features == "poly" and maybe(0.7):
        flags += ["--degree", _int(rng, 1, 12, edges=[1, 2, 30], bad=["0", "91"], p_bad=p_bad)]
        if maybe(0.03):  # the largest degree: a 4186-feature design, tens of seconds: in a subprocess
            flags[-1] = "90"
            in_subprocess = True
    if features in ("fourier", "cosine") and (maybe(0.8) or not small):
        flags += ["--n-features", _int(rng, 2, 64, edges=[2, 3, 8192], bad=["1", "8193"], p_bad=p_bad)]
        if flags[-1] == "8192" and not small:
            flags[-1] = "64"
    if features == "fourier" and maybe(0.5):
        sigmas = ["16", "0.001", "1e300", "1e-300", "3"] + (["0", "nan"] if maybe(p_bad) else [])
        flags += ["--sigma", rng.choice(sigmas)]
    if maybe(0.1):
        flags += ["--background", _value(rng, BACKGROUNDS, 0.1)]

    # --- training
    model = "logistic" if command == "learn" and maybe(0.2) else "linear"
    iterative = model == "logistic"
    if maybe(0.3):
        lr = _value(rng, LEARNING_RATES, p_bad)
        flags += ["--learning-rate", lr]
    if command == "sweep":
        for _ in range(rng.choice([0, 0, 1, 2])):
            flags += ["--learning-rate", _value(rng, LEARNING_RATES, p_bad)]
        optimizers = rng.sample(["gd", "sgd", "momentum"], rng.choice([0, 1, 1, 2]))
        for opt in optimizers:
            flags += ["--optimizer", opt]
        for _ in range(rng.choice([0, 0, 1, 2])):
            flags += ["--features", rng.choice(["onehot", "xy", "poly", "cosine"])]
            if "--n-features" not in flags:
                flags += ["--n-features", str(rng.randint(2, 32))]
        iterative = iterative or bool(set(optimizers) - {"gd"})
    elif maybe(0.4):
        opt = rng.choice(["gd", "sgd", "sgd", "momentum", "momentum", "adam"] if maybe(0.02) else
                         ["gd", "sgd", "sgd", "momentum", "momentum"])
        flags += ["--optimizer", opt]
        iterative = iterative or opt != "gd"
    if maybe(0.2):
        flags += ["--momentum", _value(rng, MOMENTA, p_bad)]
    if maybe(0.2):
        flags += ["--batch-size", _value(rng, BATCHES, p_bad)]
    if maybe(0.3):
        flags += ["--seed", _value(rng, SEEDS, p_bad)]
    if maybe(0.25):
        flags += ["--init", rng.choice(["zeros", "mean", "random"] + (["ones"] if maybe(p_bad) else []))]
    if maybe(0.25):
        engine = rng.choice(["auto", "exact", "iterate", "iterate"])
        flags += ["--engine", engine]
        iterative = iterative or engine == "iterate"
    if maybe(0.25):
        flags += ["--max-cost", _value(rng, MAX_COSTS, p_bad)]
    if iterative or maybe(0.2):  # every iterating run is capped: the suite stays fast
        if iterative:
            epochs = _int(rng, 1, 300, edges=[1, 2, 3], bad=["0", "-1"], p_bad=p_bad)
        else:
            epochs = _int(rng, 1, 10**6, edges=[1, 10**9, 10**18, 10**30], bad=["0", "-1"], p_bad=p_bad)
        flags += ["--max-epochs", epochs]
    if command == "learn":
        if model == "logistic":
            flags += ["--model", "logistic"]
            if maybe(0.5):
                flags += ["--palette", _int(rng, 2, 32, edges=[2, 256], bad=["1", "257"], p_bad=p_bad)]
            if maybe(0.3):
                flags += ["--soft"]
        elif maybe(0.01):
            flags += rng.choice([["--palette", "4"], ["--soft"], ["--model", "quadratic"]])
        if maybe(0.12):
            flags += ["--solver", rng.choice(["gd", "lstsq", "exact"])]
        if maybe(0.12):
            burst = _int(rng, 1, 500, edges=[1, 10**6, 10**30], bad=["0"], p_bad=p_bad)
            if burst in ("1000000", str(10**30)) and iterative:
                burst = "50"
            flags += ["--burst", burst]
        if (features in ("xy", "poly", "fourier", "cosine") and maybe(0.3)) or maybe(0.02):
            flags += ["--render-size", _int(rng, 1, 96, edges=[1, 2, 256, 1024], bad=["0", "8193"],
                                            p_bad=p_bad)]
        if maybe(0.15):
            flags += [rng.choice(["--dither", "--no-dither"])]
    if command in ("learn", "sweep"):
        if maybe(0.3):
            flags += ["--frames", _int(rng, 2, 60, edges=[2, 3, 200, 2000], bad=["1", "2001"], p_bad=p_bad)]
        if maybe(0.2):
            flags += ["--fps", _value(rng, FPS, p_bad)]
        if maybe(0.2):
            cap = 4 if size is None or not size.isdigit() or int(size) > 16 else 64
            flags += ["--scale", _int(rng, 1, cap, bad=["0", "65"], p_bad=p_bad)]

    # --- outputs
    pool = GOOD_OUTPUTS if command == "learn" else ANIMATED
    n_out = rng.choices([0, 1, 2, 3], weights=[12, 50, 25, 13])[0] if command != "info" else 0
    if command == "sweep":
        n_out = min(n_out, 1)
    for _ in range(n_out):
        out = rng.choice(BAD_OUTPUTS + pool if maybe(0.04) else pool)
        if maybe(0.01):
            out = photo_arg if not photo_arg.startswith("{") else rel  # the input itself
        flags += ["-o", out]
        outputs.append(out)
    default = None
    if command in ("learn", "sweep") and not outputs:
        stem = Path(photo_arg.replace("{folder}/", "")).stem
        default = (stem, "-sweep.gif" if command == "sweep" else ".gif")
    if command == "learn" and maybe(0.3):
        log = rng.choice(["run.csv", "run.csv", "sub/run.csv", "RUN.CSV", "ünï.csv"] if not maybe(0.05)
                         else ["run.txt", "missing/run.csv", "sub", "out.gif"])
        flags += ["--log", log]
        outputs.append(log)
    if command in ("learn", "sweep") and maybe(0.4):
        flags.append(rng.choice(["-q", "--quiet"]))
    if any(o.startswith(("sub/", "sub")) for o in outputs) or maybe(0.2):
        files.append(("sub", "dir", None))
    if "old.gif" in outputs or maybe(0.1):
        files.append(("old.gif", "bytes", _old_gif()))
    if maybe(0.02):
        flags.append(rng.choice(["--no-such-flag", "-o", "--size"]))  # a flag without its value, or unknown
    _keep_cheap(flags)
    rng.shuffle(pairs := _pairs(flags))
    if maybe(0.3):  # the photo anywhere among the options (never between a flag and its value)
        argv.remove(photo_arg)
        pairs.insert(rng.randint(0, len(pairs)), [photo_arg])
    argv += [w for p in pairs for w in p]
    return Case(seed, index, argv, files, outputs, note, in_subprocess, bytes_names, subprocess_share,
                default)


def _keep_cheap(flags: list[str]) -> None:
    """Many frames only when each is small: 2000 frames at --scale 64 would take minutes to encode."""
    def value(flag: str) -> int:
        i = flags.index(flag) + 1 if flag in flags else 0
        return int(flags[i]) if 0 < i < len(flags) and flags[i].isdigit() else 1

    if value("--frames") > 60 and (value("--scale") > 4 or value("--render-size") > 96):
        flags[flags.index("--frames") + 1] = "30"


def _pairs(flags: list[str]) -> list[list[str]]:
    """Flags grouped with their values, so that shuffling keeps each value after its flag."""
    groups: list[list[str]] = []
    for word in flags:
        if (word.startswith("-") and not _is_number(word)) or not groups:
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def _is_number(word: str) -> bool:
    try:
        float(word)
        return True
    except ValueError:
        return False


def _old_gif() -> bytes:
    Image = _pil()
    buf = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 10, 10)).save(buf, format="GIF")
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Running


def materialize(case: Case, folder: Path) -> list[str]:
    """Create the case's files in `folder` (which must be empty); return the argv to run."""
    for rel, kind, payload in case.files:
        path = folder / os.fsdecode(os.fsencode(rel))
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "dir":
            path.mkdir(exist_ok=True)
        elif kind == "symlink":
            if not path.is_symlink():
                os.symlink(payload, path)
        else:
            path.write_bytes(payload)
    return [w.replace("{folder}", str(folder)) for w in case.argv]


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under folder (hidden ones too) -> a digest of its content, a link target or 'dir'."""
    out = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@dataclasses.dataclass
class Outcome:
    code: int | None  # None: timed out
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None = None  # subprocess: the child's peak RSS; in-process: growth of our own peak
    exception: str | None = None  # in-process: a formatted exception that escaped the CLI
    exception_sig: str | None = None
    leaks: list[str] = dataclasses.field(default_factory=list)  # in-process state the run left changed


class _Timeout(BaseException):
    pass


def _peak_mb_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_in_process(argv: list[str], folder: Path, timeout: float = TIMEOUT_S) -> Outcome:
    """paintlr ARGV through click's CliRunner, cwd = folder; Python warnings count as stderr lines."""
    from click.testing import CliRunner
    from PIL import Image

    from paintlr.cli import cli

    here = os.getcwd()
    handler = signal.getsignal(signal.SIGINT)
    pixels = Image.MAX_IMAGE_PIXELS

    def alarm(*_):
        raise _Timeout

    before = _peak_mb_self()
    old_alarm = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    started = time.perf_counter()
    timed_out = False
    try:
        os.chdir(folder)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.filterwarnings("ignore", category=category)
            try:
                result = CliRunner().invoke(cli, argv, prog_name="paintlr")
            except _Timeout:
                timed_out = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_alarm)
        os.chdir(here)
    seconds = time.perf_counter() - started
    if timed_out:
        return Outcome(None, "", "", seconds)
    stderr = result.stderr
    for w in caught:
        stderr += warnings.formatwarning(w.message, w.category, w.filename, w.lineno, "").rstrip("\n") + "\n"
    out = Outcome(result.exit_code, result.stdout, stderr, seconds, peak_mb=_peak_mb_self() - before)
    exc = result.exception
    if isinstance(exc, _Timeout):
        return Outcome(None, result.stdout, stderr, seconds)
    if exc is not None and not isinstance(exc, SystemExit):
        out.exception = "".join(traceback.format_exception(*result.exc_info))
        out.exception_sig = _exception_sig(result.exc_info)
    if signal.getsignal(signal.SIGINT) is not handler:
        out.leaks.append(f"the SIGINT handler is now {signal.getsignal(signal.SIGINT)!r}")
        signal.signal(signal.SIGINT, handler)
    if Image.MAX_IMAGE_PIXELS != pixels:
        out.leaks.append(f"PIL.Image.MAX_IMAGE_PIXELS is now {Image.MAX_IMAGE_PIXELS}")
        Image.MAX_IMAGE_PIXELS = pixels
    return out


def _exception_sig(exc_info) -> str:
    tb = traceback.extract_tb(exc_info[2])
    ours = [f for f in tb if f"{os.sep}paintlr{os.sep}" in f.filename] or list(tb)
    where = f"{Path(ours[-1].filename).name}:{ours[-1].name}" if ours else "?"
    return f"{exc_info[0].__name__}: {_normal(str(exc_info[1]))} @ {where}"


def _normal(text: str) -> str:
    text = re.sub(r"/\S*", "PATH", text)
    text = re.sub(r"0x[0-9a-f]+", "N", text)
    return re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", text)[:160]


def _entry() -> list[str]:
    return [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "paintlr"]


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COLUMNS"))}
    env["PYTHONPATH"] = str(REPO)
    return env


def _default_sigint() -> None:
    # a child inherits SIG_IGN through exec (nohup, background jobs); then Ctrl-C would do nothing
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(argv: list, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(_entry() + argv, cwd=folder, env=_child_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_default_sigint)


def finish(proc: subprocess.Popen, timeout: float, started: float, on_tick=None) -> Outcome:
    """Wait for proc with os.wait4 (its own peak RSS), reading both pipes; kill it at the timeout."""
    import threading

    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(stream, key):
        for block in iter(lambda: stream.read1(65536), b""):
            chunks[key].append(block)

    readers = [threading.Thread(target=drain, args=(proc.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(proc.stderr, "err"), daemon=True)]
    for r in readers:
        r.start()
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if on_tick is not None:
            on_tick()
        if time.perf_counter() - started > timeout:
            timed_out = True
            with_group(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join(timeout=5)
    proc.stdout.close()
    proc.stderr.close()
    seconds = time.perf_counter() - started
    stdout = b"".join(chunks["out"]).decode(errors="replace")
    stderr = b"".join(chunks["err"]).decode(errors="replace")
    return Outcome(None if timed_out else proc.returncode, stdout, stderr, seconds,
                   peak_mb=usage.ru_maxrss / 1024)


def with_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def run_subprocess(argv: list[str], folder: Path, timeout: float = TIMEOUT_S,
                   bytes_names: bool = False) -> Outcome:
    words = [os.fsencode(w) for w in argv] if bytes_names else argv
    started = time.perf_counter()
    return finish(start(words, folder), timeout, started)


# ---------------------------------------------------------------------------------------------
# Checking


def _open_output(path: Path) -> str | None:
    """None if the file is a good output of its kind, else what is wrong."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _open_output_checked(path)


def _open_output_checked(path: Path) -> str | None:
    ext = path.suffix.lower()
    try:
        if ext == ".html":
            text = path.read_text(encoding="utf-8")
            return None if "</html>" in text else "the page has no </html>"
        if ext == ".csv":
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            if not rows or rows[0][:1] != ["epoch"]:
                return f"the log's header is {rows[:1]}"
            if len(rows) < 2:
                return "the log has no rows"
            widths = {len(r) for r in rows}
            if len(widths) != 1:
                return f"the log's rows have {sorted(widths)} fields"
            statuses = {"running", "converged", "stopped", "diverged"}  # a status column's words
            for r in rows[1:]:
                [float(v) for v in r if v not in statuses]
            return None
        if ext in (".mp4", ".webm"):
            try:
                import av
            except ImportError:
                return None
            with av.open(str(path)) as container:
                n = sum(1 for _ in container.decode(video=0))
            return None if n >= 1 else "the video has no frames"
        Image = _pil()
        with Image.open(path) as im:
            for i in range(getattr(im, "n_frames", 1)):
                im.seek(i)
                im.load()
            if im.width < 1 or im.height < 1:
                return f"size {im.size}"
        return None
    except Exception as exc:
        return f"does not open: {type(exc).__name__}: {exc}"


def _expected_files(case: Case, folder: Path, before: dict[str, str],
                    after: dict[str, str]) -> tuple[set[str], list[str]]:
    """The files a successful run may have written (relative paths), and problems (missing, unreadable)."""
    problems, written = [], set()
    if case.default_output:  # PHOTO's stem + .gif in the current folder, or a name close to it
        stem, suffix = case.default_output
        found = [rel for rel in after if rel not in before and os.sep not in rel
                 and rel.startswith(stem) and rel.endswith(suffix)]
        if len(found) != 1:
            problems.append(f"the default output {stem + suffix!r}: found {found}")
        for rel in found:
            written.add(rel)
            bad = _open_output(folder / rel)
            if bad:
                problems.append(f"default output {rel!r}: {bad}")
    for out in case.outputs:
        name = out.replace("{folder}/", "")
        pattern = output_pattern(name)
        if pattern is None:
            rel = _rel(name)
            if rel not in after:
                problems.append(f"output {out!r} is missing")
                continue
            written.add(rel)
            bad = _open_output(folder / rel)
            if bad:
                problems.append(f"output {out!r}: {bad}")
            continue
        parent = _rel(os.path.dirname(name) or ".")
        matches = [rel for rel in after if _rel(os.path.dirname(rel) or ".") == parent
                   and pattern.fullmatch(os.path.basename(rel))]
        if not matches:
            problems.append(f"frame files {out!r}: none written")
        for rel in matches:
            written.add(rel)
            bad = _open_output(folder / rel)
            if bad:
                problems.append(f"frame file {rel!r}: {bad}")
    return written, problems


def check(case: Case, folder: Path, before: dict[str, str], outcome: Outcome) -> list[str]:
    """Everything wrong with this run (empty: it passed)."""
    problems: list[str] = []
    after = snapshot(folder)
    if outcome.code is None:
        return [f"hang: no exit after {outcome.seconds:.0f} s"]
    if outcome.exception:
        problems.append("exception escaped the CLI: " + outcome.exception.strip().splitlines()[-1])
    if "Traceback" in outcome.stderr or "Traceback" in outcome.stdout:
        problems.append("traceback on stderr: " + outcome.stderr.strip().splitlines()[-1])
    if outcome.peak_mb is not None and outcome.peak_mb > MEMORY_LIMIT_MB:
        problems.append(f"memory: peak {outcome.peak_mb:.0f} MB > {MEMORY_LIMIT_MB} MB")
    if outcome.seconds > TIMEOUT_S:
        problems.append(f"slow: {outcome.seconds:.0f} s")
    problems += [f"state leak: {leak}" for leak in outcome.leaks]
    lines = outcome.stderr.strip("\n").splitlines()
    strays = [ln for ln in lines if not ln.startswith(PREFIX)]
    if outcome.code == 0:
        if strays:
            problems.append(f"stderr line without the paintlr: prefix: {strays[0]!r}"
                            + (f" (+{len(strays) - 1} more)" if len(strays) > 1 else ""))
        if any(w in ("-q", "--quiet") for w in case.argv) and case.command != "info" and outcome.stdout:
            problems.append(f"-q but stdout says {outcome.stdout.strip()[:120]!r}")
        written, missing = _expected_files(case, folder, before, after)
        problems += missing
        new = sorted(set(after) - set(before) - written - _parents(written))
        if new:
            problems.append(f"unexpected files after success: {new}")
        changed = sorted(p for p in before if p in after and after[p] != before[p] and p not in written)
        gone = sorted(p for p in before if p not in after)
        if changed or gone:
            problems.append(f"existing files changed {changed} or removed {gone}")
    elif outcome.code in (1, 2):
        errors = [ln for ln in lines if not ln.startswith((PREFIX + "warning:", PREFIX + "note:"))]
        if len(errors) != 1 or strays:
            problems.append(f"exit {outcome.code} with {len(lines)} stderr line(s), not one paintlr: "
                            f"error line: {outcome.stderr.strip()[:300]!r}")
        if outcome.stdout:
            problems.append(f"exit {outcome.code} but stdout says {outcome.stdout.strip()[:120]!r}")
        new = sorted(set(after) - set(before))
        if new:
            problems.append(f"left behind after exit {outcome.code}: {new}")
        changed = sorted(p for p in before if after.get(p) != before[p])
        if changed:
            problems.append(f"changed or removed after exit {outcome.code}: {changed}")
    else:
        problems.append(f"exit code {outcome.code}: {outcome.stderr.strip()[-300:]!r}")
    return problems


def _parents(paths: set[str]) -> set[str]:
    out = set()
    for p in paths:
        parent = os.path.dirname(p)
        while parent:
            out.add(parent)
            parent = os.path.dirname(parent)
    return out


def signature(problem: str, outcome: Outcome, case: Case | None = None) -> str:
    """A cause-level key for deduplicating failures."""
    if outcome.exception_sig:
        return "exception " + outcome.exception_sig
    if "Traceback" in outcome.stderr:
        frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', outcome.stderr)
        ours = [f for f in frames if f"{os.sep}paintlr{os.sep}" in f[0]] or frames
        where = f"{Path(ours[-1][0]).name}:{ours[-1][1]}" if ours else "?"
        last = outcome.stderr.strip().splitlines()[-1]
        return f"traceback {_normal(last)} @ {where}"
    lines = outcome.stderr.strip("\n").splitlines()
    strays = [ln for ln in lines if not ln.startswith(PREFIX)]
    if strays and ("stderr line" in problem or "not one paintlr: error line" in problem):
        warning = re.match(r"(\S+):\d+: (\w+): (.*)", strays[0])
        if warning:
            ours = f"{os.sep}paintlr{os.sep}" in warning[1]
            text = f": {_normal(warning[3])[:60]}" if ours else " (from Pillow)"
            return f"python {warning[2]} on stderr{text} @ {Path(warning[1]).name}"
        if case is not None and any("\n" in w for w in case.argv):
            return "a newline in a name splits a stderr line"
        return f"stray stderr line: {_normal(strays[0])[:60]}"
    return _normal(re.sub(r"'[^']*'|\[[^]]*\]", "'…'", problem))[:90]


# ---------------------------------------------------------------------------------------------
# One case, start to end


@dataclasses.dataclass
class Result:
    case: Case
    folder: Path
    outcome: Outcome
    problems: list[str]

    def report(self) -> str:
        o = self.outcome
        lines = [self.case.describe(self.folder), f"  exit {o.code}, {o.seconds:.2f} s"
                 + (f", peak {o.peak_mb:.0f} MB" if o.peak_mb is not None else "")]
        lines += [f"  PROBLEM: {p}" for p in self.problems]
        if o.exception:
            lines += ["  " + ln for ln in o.exception.strip().splitlines()[-12:]]
        if o.stderr.strip():
            lines += ["  stderr: " + ln for ln in o.stderr.strip().splitlines()[-12:]]
        return "\n".join(lines)


def run_case(case: Case, folder: Path) -> Result:
    folder.mkdir(parents=True, exist_ok=True)
    argv = materialize(case, folder)
    before = snapshot(folder)
    if case.in_subprocess:
        outcome = run_subprocess(argv, folder, bytes_names=case.bytes_names)
    else:
        outcome = run_in_process(argv, folder)
    return Result(case, folder, outcome, check(case, folder, before, outcome))


# ---------------------------------------------------------------------------------------------
# Signals mid-run


def signal_case(sig: int, folder: Path, delay: float = 1.5, outputs: tuple[str, ...] = ("o.gif", "o.png"),
                log: str | None = "o.csv", size: int = 64,
                wait_for_training: bool = True) -> tuple[Outcome, list[str]]:
    """Start a long --engine iterate run, send `sig` once training has started (a hidden .part file is
    there) plus `delay` s; expect 128 + sig, and every output complete or none at all."""

    folder.mkdir(parents=True, exist_ok=True)
    im = _shrunk(PHOTOS[0], size)
    im.save(folder / "slow.png")
    argv = ["learn", "slow.png", "--engine", "iterate", "--max-epochs", "100000000",
            "--learning-rate", "0.002"]
    for out in outputs:
        argv += ["-o", out]
    if log:
        argv += ["--log", log]
    before = snapshot(folder)
    started = time.perf_counter()
    proc = start(argv, folder)
    state = {"sent": False, "seen": None}

    def tick():
        now = time.perf_counter()
        if state["sent"]:
            return
        if state["seen"] is None and (not wait_for_training
                                      or any(p.name.endswith(".part") for p in folder.iterdir())):
            state["seen"] = now
        if state["seen"] is not None and now - state["seen"] >= delay:
            proc.send_signal(sig)
            state["sent"] = True

    outcome = finish(proc, TIMEOUT_S, started, on_tick=tick)
    shown = (f"paintlr {shlex.join(argv)}  (signal {signal.Signals(sig).name} "
             f"{'after training started' if wait_for_training else 'after the start'} + {delay} s)")
    problems = []
    expected = 128 + sig
    if outcome.code is None:
        problems.append("hang: no exit after the signal")
    elif not state["sent"]:
        problems.append(f"the run ended (exit {outcome.code}) before the signal was sent")
    elif outcome.code != expected:
        problems.append(f"exit {outcome.code}, expected {expected}")
    if "Traceback" in outcome.stderr:
        problems.append("traceback: " + outcome.stderr.strip().splitlines()[-1])
    strays = [ln for ln in outcome.stderr.strip("\n").splitlines() if not ln.startswith(PREFIX)]
    if strays:
        problems.append(f"stderr line without the paintlr: prefix: {strays[0]!r}")
    after = snapshot(folder)
    new = set(after) - set(before)
    names = {_rel(o) for o in (*outputs, *([log] if log else []))}
    if new and new != names:
        problems.append(f"neither every output nor none: new files {sorted(new)}")
    elif new:
        for name in sorted(names):
            bad = _open_output(folder / name)
            if bad:
                problems.append(f"{name}: {bad}")
    problems = [f"{p}\n  command: cd {folder} && {shown}\n  stderr: {outcome.stderr.strip()[-400:]!r}"
                for p in problems]
    return outcome, problems


# ---------------------------------------------------------------------------------------------
# The long run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, action="append", help="repeatable; default 1")
    parser.add_argument("--case", type=int, action="append", help="run only these case numbers (repeatable)")
    parser.add_argument("--subprocess-share", type=float, default=0.15)
    parser.add_argument("--signals", type=int, default=10, help="signal cases per seed (random timing)")
    parser.add_argument("--keep", type=Path, default=KEEP_ROOT, help="failing cases are kept here")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--stats", action="store_true", help="also count the error messages")
    parser.add_argument("--photos", type=Path, metavar="DIR",
                        help="source photos (their names sorted; the first in chelsea's part, the rest in "
                             "coffee's) instead of sample_images/chelsea.png and coffee.png; pass the same "
                             "DIR again to regenerate a case")
    args = parser.parse_args(argv)
    if args.photos is not None:
        found = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES) \
            if args.photos.is_dir() else []
        if not found:
            parser.error(f"--photos {args.photos}: no photo in it")
        PHOTOS[:] = [p.resolve() for p in found]
        print(f"photos: {', '.join(p.name for p in PHOTOS)}", flush=True)
    seeds = args.seed or [1]
    work = Path(tempfile.mkdtemp(prefix="paintlr-fuzz-run-"))
    corpus_dir = work / "corpus"
    t0 = time.perf_counter()
    corpus = build_corpus(corpus_dir)
    print(f"corpus: {len(corpus)} files in {time.perf_counter() - t0:.1f} s ({corpus_dir})", flush=True)
    failures: dict[str, list[Result]] = {}
    counts: Counter = Counter()
    slowest: list[tuple[float, str]] = []
    for seed in seeds:
        keep = args.keep / f"seed-{seed}"
        indices = args.case or range(args.cases)
        started = time.perf_counter()
        for n, index in enumerate(indices):
            case = make_case(seed, index, corpus, corpus_dir, args.subprocess_share)
            folder = work / f"seed-{seed}" / f"case-{index:05d}"
            result = run_case(case, folder)
            mode = "sub" if case.in_subprocess else "inp"
            code = result.outcome.code
            counts[f"{case.command} exit {code}"] += 1
            counts[f"{mode}"] += 1
            slowest = sorted([*slowest, (result.outcome.seconds, f"seed {seed} case {index} ({mode})")])[-5:]
            if args.stats and code not in (0, None):
                first = (result.outcome.stderr.strip().splitlines() or ["(none)"])[-1]
                counts["  msg " + _normal(first)[:70]] += 1
            if result.problems:
                counts["FAILED"] += 1
                sig = signature(result.problems[0], result.outcome, case)
                failures.setdefault(sig, []).append(result)
                dest = keep / f"case-{index:05d}"  # the input as it was, to run again
                for old in (dest, dest.with_name(dest.name + ".after")):
                    shutil.rmtree(old, ignore_errors=True)
                dest.mkdir(parents=True)
                materialize(case, dest)
                shutil.copytree(folder, dest.with_name(dest.name + ".after"), symlinks=True)
                result.folder = dest
                (dest.parent / f"case-{index:05d}.txt").write_text(result.report() + "\n")
                if args.verbose or len(failures[sig]) == 1:
                    print(("NEW " if len(failures[sig]) == 1 else "") + result.report(), flush=True)
            elif args.verbose:
                print(result.report(), flush=True)
            if not args.case:
                shutil.rmtree(folder, ignore_errors=True)
            if (n + 1) % 100 == 0:
                print(f"seed {seed}: {n + 1} cases, {time.perf_counter() - started:.0f} s, "
                      f"{counts['FAILED']} failed so far", flush=True)
        if not args.case:
            rng = random.Random(f"paintlr-fuzz-signals:{seed}")
            for i in range(args.signals):
                sig = rng.choice([signal.SIGINT, signal.SIGINT, signal.SIGTERM])
                delay = rng.choice([0.0, 0.2, 0.7, 1.5, 2.5])
                wait = True  # a signal during interpreter start-up is not paintlr's to handle
                names = ["o.gif", "o.webp", "o.apng", "o.png", "p.html", "o.jpg", "o.mp4", "o.webm"]
                outs = tuple(rng.sample(names, rng.randint(1, 3)))
                folder = work / f"seed-{seed}" / f"signal-{i}"
                outcome, problems = signal_case(sig, folder, delay=delay, outputs=outs or ("o.gif",),
                                                wait_for_training=wait)
                counts[f"signal {signal.Signals(sig).name} exit {outcome.code}"] += 1
                if problems:
                    counts["FAILED"] += 1
                    key = f"signal {signal.Signals(sig).name}: " + _normal(problems[0].split("\n")[0])
                    stub = Case(seed, -1 - i, [], [], [], f"signal case {i}")
                    fake = Result(stub, folder, outcome, problems)
                    failures.setdefault(key, []).append(fake)
                    if len(failures[key]) == 1:
                        print("NEW signal case:\n  " + "\n  ".join(problems), flush=True)
        print(f"seed {seed} done in {time.perf_counter() - started:.0f} s", flush=True)
    print("\n=== outcomes")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n}")
    print("  slowest: " + ", ".join(f"{what} {t:.1f} s" for t, what in reversed(slowest)))
    print(f"\n=== {len(failures)} distinct failure(s); failing cases kept in {args.keep}")
    for sig, results in sorted(failures.items(), key=lambda kv: -len(kv[1])):
        first = results[0]
        print(f"\n[{len(results)}x] {sig}")
        print("  " + first.report().replace("\n", "\n  ") if first.case.index >= 0 else
              "  " + "\n  ".join(first.problems))
        others = [str(r.case.index) if r.case.index >= 0 else r.case.input_note for r in results[1:8]]
        if others:
            print(f"  also cases {', '.join(others)}")
    if not args.case:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"\ncase folders in {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
