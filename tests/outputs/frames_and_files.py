"""Frames for the output tests (fading in, changing in places, streamed, failing part-way) and
readers of what was written (PNG and RIFF chunks, the page's data, a video's frame count)."""

from __future__ import annotations

import itertools
import struct
import zlib

import numpy as np
from conftest import colour_array, gif_structure, listing, read_frames
from PIL import Image

from paintlr.outputs import Outputs, write_animation


def fading_in(count: int = 6, h: int = 12, w: int = 16) -> list[np.ndarray]:
    """Frames going from black to a colour picture, like a painting from --init zeros."""
    target = colour_array(h, w).astype(float)
    return [(target * k / (count - 1) + 0.5).astype(np.uint8) for k in range(count)]


def no_part_files(folder) -> bool:
    return not any(name.endswith(".part") for name in listing(folder))


def fail_on_call(real, n, error):
    """`real`, except that its n-th call raises `error`: a writer failing half-way through a file."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return real(*args, **kwargs)

    return wrapper


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of a PNG, checking each CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert pos == len(data)
    return chunks


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(fourcc, payload) of the top-level chunks of a WebP file, checking the RIFF size."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    chunks, pos = [], 12
    while pos < len(data):
        (length,) = struct.unpack_from("<I", data, pos + 4)
        chunks.append((data[pos:pos + 4], data[pos + 8:pos + 8 + length]))
        pos += 8 + length + (length & 1)
    assert pos == len(data)
    return chunks


def changing(count: int = 8, h: int = 20, w: int = 26) -> list[np.ndarray]:
    """Frames that change everywhere, in a small patch only (at odd places), or not at all."""
    frames = fading_in(3, h, w)
    frame = frames[-1].copy()
    for i in range(count - 3):
        frame = frame.copy()
        if i % 3 == 1:
            frame[5 + i:8 + i, 7:10 + i] = 255 - frame[5 + i:8 + i, 7:10 + i]  # a patch at odd x, y
        elif i % 3 == 2:
            pass  # the same frame again
        else:
            frame = frame // 2 + 40  # everything changes
        frames.append(frame)
    return frames


def write_streamed(path, frames, **options) -> bytes:
    """The bytes of `path` written by Outputs from a generator of `frames`, with `options`."""
    with Outputs([path], **options) as out:
        for frame in stream(frames):
            out.add(frame)
        out.commit()
    return path.read_bytes()


def stream(frames, produced: list | None = None):
    """A generator of the frames, counting in `produced` how many it has handed out."""
    for frame in frames:
        if produced is not None:
            produced.append(1)
        yield frame


ALL_KINDS = ("a.gif", "a.webp", "a.apng", "final.png", "f_%03d.png")


def failing_after(frames, n, error):
    yield from frames[:n]
    raise error


def check_four_frames(folder, frames):
    info = gif_structure((folder / "a.gif").read_bytes())
    assert [f["delay_cs"] for f in info["frames"]] == [5, 5, 5, 150]
    for name in ("a.gif", "a.webp", "a.apng"):
        with Image.open(folder / name) as im:
            assert im.n_frames == 4, name
    for g, f in zip(read_frames(folder / "a.apng"), frames, strict=True):
        assert np.array_equal(g, f)
    assert np.array_equal(read_frames(folder / "final.png")[0], frames[3])
    assert sorted(p.name for p in folder.glob("f_*.png")) == [f"f_{i:03d}.png" for i in range(4)]
    assert (folder / "log.csv").read_text().splitlines() == ["epoch,c", "0,0", "1,0.5", "2,1", "3,1.5"]
    assert no_part_files(folder)


def page_data(path) -> tuple[list[str], dict]:
    """The frames (data URIs) and the JSON data of a player page."""
    import json
    import re

    text = path.read_text()
    frames = re.findall(r'^"(data:image/[a-z]+;base64,[A-Za-z0-9+/=]+)",$', text, flags=re.M)
    data = json.loads(re.search(r'<script type="application/json" id="paintlr-data">(.*?)</script>',
                                text, flags=re.S)[1].replace("<\\/", "</"))
    return frames, data


def video_frames(path) -> int:
    import av

    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def check_looping_animation(tmp_path, name):
    """Frames written by write_animation come back: the format, the count, looping forever, the
    durations with the last frame held, black staying black (APNG is lossless, WebP lossy)."""
    frames = fading_in(5)
    path = tmp_path / name
    write_animation(path, frames, fps=20)
    with Image.open(path) as im:
        assert im.format == ("WEBP" if name.endswith("webp") else "PNG")
        assert im.n_frames == 5 and im.is_animated
        assert im.info.get("loop") == 0
        times = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()  # WebP reads a frame's duration when it decodes it
            times.append(im.info["duration"])
    assert times == [50] * 4 + [1500]
    got = read_frames(path)
    assert np.array_equal(got[0], np.zeros_like(got[0]))
    tolerance = 0 if name.endswith("apng") else 10  # APNG is lossless, WebP lossy
    for g, f in zip(got, frames):
        assert np.abs(g.astype(int) - f).mean() <= tolerance


def timed_frames(path) -> tuple[list[np.ndarray], list[float]]:
    """Every frame of an animation, video or page as RGB with the milliseconds it is shown for (a
    video's last: HOLD_MS; a page's: as its player paces it, 1 / fps where it gives no time)."""
    import base64
    import io

    import av
    from PIL import ImageSequence

    from paintlr.outputs.stream import HOLD_MS

    if path.suffix in (".mp4", ".webm"):
        with av.open(str(path)) as container:
            decoded = [(f.to_ndarray(format="rgb24"), float(f.time)) for f in container.decode(video=0)]
        times = [t for _, t in decoded]
        return [f for f, _ in decoded], [1000 * (b - a) for a, b in itertools.pairwise(times)] + [HOLD_MS]
    if path.suffix == ".html":
        uris, data = page_data(path)
        frames = [np.asarray(Image.open(io.BytesIO(base64.b64decode(u.split(",", 1)[1]))).convert("RGB"))
                  for u in uris]
        return frames, [ms or 1000 / data["fps"] for ms in data.get("ms") or [None] * len(frames)]
    with Image.open(path) as im:
        pairs = [(np.asarray(f.convert("RGB")), f.info["duration"]) for f in ImageSequence.Iterator(im)]
    return [f for f, _ in pairs], [ms for _, ms in pairs]
