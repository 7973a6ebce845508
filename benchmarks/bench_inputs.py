"""Huge and hostile inputs: the peak RSS of `load_image` against the decoded image's bytes + 300 MB.

The inputs are made in the temp folder: all-zero 16384 x 16384 PNGs (RGBA, 16-bit grey, 8-bit grey;
about 1 MB, 0.5 MB and 0.25 MB on disk), a 7 KB GIF whose logical screen is patched to 16384 x 16384
(and the same with a transparent index), and a 12000 x 8000 JPEG. Each is loaded in its own process,
started through launcher.py so that its peak RSS is its own:

    python -c "from paintlr.io.image import load_image; load_image(PATH, size=SIZE)"

Decoded bytes: what Pillow holds for the image it decodes, width x height x the bytes a pixel of
that mode takes in Pillow's memory (RGB takes 4), after JPEG's draft at that size. The target is
peak RSS <= decoded bytes + 300 MB; with size=None (keep the full size) the float64 result is
allowed besides, height x width x channels x 8 bytes (full runs only).
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

from common import SAMPLE, Config, Section, child_env, fmt_bytes, fmt_ratio, fmt_time, log, run_child, table

SIDE = 16384
SLACK = 300e6  # bytes allowed above the decoded image
JPEG_SIZE = (12000, 8000)
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}  # else 4
CHILD = ("import sys; from paintlr.io.image import load_image; "
         "a = load_image(sys.argv[1], size=None if sys.argv[2] == 'None' else int(sys.argv[2])); "
         "print(*a.shape)")


def _zero_png(path: Path, colour_type: int, bit_depth: int, channels: int) -> None:
    """An all-zero SIDE x SIDE PNG, deflated row by row: never the whole image in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"\0" * (1 + SIDE * channels * bit_depth // 8) * 64
    deflate = zlib.compressobj(6)
    idat = b"".join(deflate.compress(rows) for _ in range(SIDE // 64)) + deflate.flush()
    ihdr = struct.pack(">IIBBBBB", SIDE, SIDE, bit_depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))


def _screen_gif(path: Path, transparent: bool) -> None:
    """A 96 x 64 GIF of the sample photo (7 KB; 4 KB in 64 colours) whose logical screen claims
    SIDE x SIDE: Pillow decodes the first frame onto the whole screen."""
    from PIL import Image

    with Image.open(SAMPLE) as im:
        small = im.convert("RGB").resize((96, 64))
    if transparent:
        small.quantize(64).save(path, transparency=0)  # palette index 0 is transparent
    else:
        small.save(path)
    data = bytearray(path.read_bytes())
    data[6:10] = struct.pack("<HH", SIDE, SIDE)
    path.write_bytes(data)


def _big_jpeg(path: Path) -> None:
    from PIL import Image

    with Image.open(SAMPLE) as im:
        im.convert("RGB").resize(JPEG_SIZE, Image.Resampling.BICUBIC).save(path, quality=90)


def _inputs(tmp: Path) -> list[tuple[str, Path]]:
    """(what it is, file) for every input, made once."""
    made = [
        (f"all-zero {SIDE}² RGBA PNG", tmp / "zero-rgba.png", lambda p: _zero_png(p, 6, 8, 4)),
        (f"all-zero {SIDE}² 16-bit grey PNG (I;16)", tmp / "zero-i16.png", lambda p: _zero_png(p, 0, 16, 1)),
        (f"all-zero {SIDE}² 8-bit grey PNG (L)", tmp / "zero-l.png", lambda p: _zero_png(p, 0, 8, 1)),
        (f"7 KB GIF, screen patched to {SIDE}²", tmp / "screen.gif", lambda p: _screen_gif(p, False)),
        (f"GIF with a transparent index, screen patched to {SIDE}²", tmp / "screen-t.gif",
         lambda p: _screen_gif(p, True)),
        (f"{JPEG_SIZE[0]} x {JPEG_SIZE[1]} JPEG (quality 90)", tmp / "big.jpg", _big_jpeg),
    ]
    for _, path, make in made:
        if not path.exists():
            log(f"  making {path.name}")
            make(path)
    return [(what, path) for what, path, _ in made]


def _decoded(path: Path, size: int | None) -> tuple[str, int, int, int]:
    """(mode, width, height, bytes) of the image Pillow decodes for load_image at `size`."""
    from PIL import Image

    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as im:
            if size is not None:
                im.draft(im.mode, (size, size))
            width, height = im.size
            return im.mode, width, height, width * height * BYTES_PER_PIXEL.get(im.mode, 4)
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def inputs_section(cfg: Config) -> Section:
    sec = Section("inputs", "Huge inputs: peak RSS of `load_image` vs the decoded image + 300 MB")
    tmp = cfg.tmp / "inputs"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    floor = run_child([sys.executable, "-c", "import paintlr.io.image"], cwd=tmp, env=env).maxrss
    sizes: list[int | None] = [256] if cfg.quick else [256, None]
    results = []
    rows = []
    for size in sizes:
        for what, path in _inputs(tmp):
            log(f"  load_image({path.name}, size={size})")
            mode, width, height, decoded = _decoded(path, size)
            run = run_child([sys.executable, "-c", CHILD, str(path), str(size)], cwd=tmp, env=env)
            if run.returncode != 0:
                raise RuntimeError(f"load_image({path.name}, size={size}) failed: {run.stderr[-500:]}")
            shape = tuple(int(v) for v in run.stdout.split())
            result_bytes = 8 * shape[0] * shape[1] * shape[2] if size is None else 0
            target = decoded + result_bytes + SLACK
            ok = run.maxrss <= target
            results.append({"input": what, "file": path.name, "size": size, "rss": run.maxrss,
                            "decoded": decoded, "target": target, "ok": ok, "wall": run.wall})
            rows.append([what, fmt_bytes(path.stat().st_size), f"{mode} {width} x {height}: "
                         f"{fmt_bytes(decoded)}", str(size), " x ".join(map(str, shape)),
                         f"**{fmt_bytes(run.maxrss)}**", fmt_bytes(target),
                         f"{fmt_ratio(run.maxrss / target)}", "**PASS**" if ok else "**FAIL**",
                         fmt_time(run.wall)])
    sec.add(
        "Each input loaded once by `load_image` in a child process of its own (through "
        "`benchmarks/launcher.py`, whose peak RSS is the child's own), at the default size 256"
        + ("" if cfg.quick else " and with size=None (full size)")
        + ". Decoded: the mode and size Pillow decodes (a JPEG's after `draft`) and the bytes it holds "
        "for them (Pillow keeps RGB in 4 bytes a pixel). Target: decoded + 300 MB, plus "
        "the float64 result (h x w x c x 8 bytes) with size=None. Ratio: peak RSS over the target "
        f"(<= 1x passes). A child that only imports `paintlr.io.image` peaks at {fmt_bytes(floor)}. "
        "To rerun by hand, from the repository root, for one input:"
    )
    sec.add("```sh\n/usr/bin/time -f '%M kB' python -c \"from paintlr.io.image import load_image; "
            "load_image('zero-rgba.png')\"\npython benchmarks/run.py --quick --only inputs    "
            "# this section (size 256 only)\n```")
    sec.add(table(["input", "file", "decoded", "size", "result", "peak RSS", "target", "ratio",
                   "verdict", "wall"], rows))
    sec.metrics["inputs"] = results
    sec.metrics["inputs_floor"] = floor
    return sec

