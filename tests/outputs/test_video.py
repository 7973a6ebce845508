"""Video output through PyAV: every frame kept with its own duration, odd sizes padded, both codecs."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import av
import numpy as np
import pytest
from conftest import listing

from paintlr.errors import OutputError
from paintlr.outputs import Outputs
from paintlr.outputs.video import VIDEO, VideoEncoder, require_av

EXTS = sorted(VIDEO)


def smooth(h: int, w: int, t: int = 0) -> np.ndarray:
    """A smooth colour picture that changes a little with t."""
    y, x = np.mgrid[0:h, 0:w]
    r = x / max(w - 1, 1) * 200 + t
    g = y / max(h - 1, 1) * 200 + 20
    b = 128 + 60 * np.sin((x + y) / 12 + t / 5)
    return np.stack([r, g, b], axis=-1).round().astype(np.uint8)


def write(tmp_path, ext: str, frames, ms, name: str = "out") -> str:
    path = str(tmp_path / f"{name}{ext}.part")  # the suffix does not decide the format
    encoder = VideoEncoder(path, ext, fps=20)
    for frame, m in zip(frames, ms, strict=True):
        encoder.add(frame, m)
    encoder.close()
    return path


def decode(path: str):
    """(frames as RGB arrays, start of each in ms, end of the last in ms, container seconds, stream facts)."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        decoded, end = [], 0.0
        for packet in container.demux(stream):
            if packet.pts is not None:  # not the empty packet that flushes the decoder
                end = max(end, float((packet.pts + packet.duration) * stream.time_base * 1000))
            decoded += packet.decode()
        starts = [float(f.pts * f.time_base * 1000) for f in decoded]
        context = stream.codec_context  # the decoder's, which read the colour tags from the stream
        tags = (context.colorspace, context.color_primaries, context.color_trc, context.color_range)
        info = (context.name, context.pix_fmt, container.format.name, tags)
        return [bt709_rgb(f) for f in decoded], starts, end, container.duration / 1e6, info


def bt709_rgb(frame) -> np.ndarray:
    """A yuv420p frame as RGB the way a player reads BT.709 limited range (PyAV 12 converts
    every frame with BT.601 whatever its tags say)."""
    h, w = frame.height, frame.width
    planes = frame.to_ndarray().astype(float).ravel()  # the Y plane, then U and V at half size
    y = (planes[: h * w].reshape(h, w) - 16) * 255 / 219
    u, v = ((p.reshape(h // 2, w // 2) - 128) * 255 / 224 for p in np.split(planes[h * w :], 2))
    u, v = (p.repeat(2, axis=0).repeat(2, axis=1) for p in (u, v))
    rgb = np.stack([y + 1.5748 * v, y - 0.1873 * u - 0.4681 * v, y + 1.8556 * u], axis=-1)
    return np.clip(rgb, 0, 255).round().astype(np.uint8)


def mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


@pytest.mark.parametrize("ext", EXTS)
@pytest.mark.parametrize("count", [1, 7])
def test_every_frame_added_is_one_frame_in_order(tmp_path, ext, count):
    frames = [smooth(40, 64, 12 * t) for t in range(count)]
    decoded, starts, _, _, _ = decode(write(tmp_path, ext, frames, [50] * count))
    assert len(decoded) == count
    assert starts == pytest.approx([50 * i for i in range(count)], abs=1)
    assert all(a < b for a, b in itertools.pairwise(starts))
    for got, want in zip(decoded, frames):
        assert mae(got, want) < 6


@pytest.mark.parametrize("ext", EXTS)
def test_each_frame_keeps_its_duration_and_the_last_is_held(tmp_path, ext):
    ms = [50, 120, 30, 50, 50, 1500]
    _, starts, end, seconds, _ = decode(write(tmp_path, ext, [smooth(32, 32, t) for t in range(6)], ms))
    assert starts == pytest.approx(np.cumsum([0, *ms[:-1]]), abs=1)
    assert end == pytest.approx(sum(ms), abs=2)  # not one step more or less
    assert seconds * 1000 == pytest.approx(sum(ms), abs=2)


@pytest.mark.parametrize("ext", EXTS)
def test_odd_sides_are_padded_with_the_edge_not_cropped(tmp_path, ext):
    y, x = np.mgrid[0:9, 0:15]
    frame = np.stack([60 + 6 * x, 50 + 10 * y, 180 - 3 * x - 3 * y], axis=-1).astype(np.uint8)
    (got,), _, _, _, _ = decode(write(tmp_path, ext, [frame], [100]))
    assert got.shape == (10, 16, 3)
    assert mae(got[:9, :15], frame) < 6
    assert mae(got[:9, 15], frame[:, 14]) < 12  # the repeated last column, not black
    assert mae(got[9, :15], frame[8]) < 12


@pytest.mark.parametrize("ext", EXTS)
def test_codec_pixel_format_container_and_colour_tags(tmp_path, ext):
    *_, (codec, pix_fmt, container, tags) = decode(write(tmp_path, ext, [smooth(16, 16)], [100]))
    assert codec == {".mp4": "h264", ".webm": "vp9"}[ext]
    assert pix_fmt == "yuv420p"
    assert VIDEO[ext][0] in container.split(",")
    assert tags == (1, 1, 1, 1)  # BT.709 matrix, primaries and transfer, limited range: no guessing


@pytest.mark.parametrize("ext", EXTS)
def test_grey_and_rgba_frames(tmp_path, ext):
    rgb = smooth(24, 32)
    grey = rgb[:, :, 1].copy()
    rgba = np.dstack([rgb, np.linspace(0, 255, 32, dtype=np.uint8)[None, :].repeat(24, 0)])
    decoded, *_ = decode(write(tmp_path, ext, [grey, grey[:, :, None], rgba], [50, 50, 50]))
    assert mae(decoded[0], np.dstack([grey] * 3)) < 6
    assert mae(decoded[1], np.dstack([grey] * 3)) < 6
    assert mae(decoded[2], rgb) < 6  # alpha dropped, not blended


def test_frames_of_another_size_are_refused(tmp_path):
    encoder = VideoEncoder(str(tmp_path / "a.mp4"), ".mp4", fps=20)
    encoder.add(smooth(16, 16), 50)
    with pytest.raises(ValueError, match="size of the first"):
        encoder.add(smooth(16, 20), 50)
    encoder.abort()


def test_require_av_passes_with_av_installed():
    require_av()


def test_require_av_names_the_extra_when_av_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)  # import av now fails, find_spec finds nothing
    with pytest.raises(OutputError, match=r"paintlr\[video\]"):
        require_av()


def test_importing_paintlr_video_does_not_import_av():
    code = ("import sys; sys.modules['av'] = None; import paintlr.outputs.video as v\n"
            "try:\n    v.require_av()\nexcept v.OutputError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'paintlr[video]'" in out


@pytest.mark.parametrize("ext", EXTS)
def test_a_missing_folder_fails_at_once(tmp_path, ext):
    with pytest.raises(OSError):
        VideoEncoder(str(tmp_path / "missing" / f"out{ext}"), ext, fps=20)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("ext", EXTS)
def test_a_failing_write_raises_and_abort_is_quiet(ext):
    encoder = VideoEncoder("/dev/full", ext, fps=20)
    with pytest.raises(OSError):
        for t in range(3):
            encoder.add(smooth(16, 16, t), 50)
        encoder.close()
    encoder.abort()


# --- the video as an output among the others ---------------------------------------------

def test_asking_for_video_without_pyav_fails_before_any_file(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "av" else real(name, *args))
    with pytest.raises(OutputError, match=r"pip install 'paintlr\[video\]'"):
        Outputs([tmp_path / "a.gif", tmp_path / "a.mp4"])
    assert not listing(tmp_path)
