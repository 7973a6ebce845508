"""paintlr.outputs.gif: GIF animations, one palette, timing and scaling, streamed exactly."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import colour_array, gif_structure, listing, read_frames
from frames_and_files import (
    changing,
    fading_in,
    no_part_files,
    stream,
)
from PIL import Image

from paintlr.outputs import Outputs, write_animation
from paintlr.outputs.gif_palette import frame_image, gif_palette


def test_gif_animation(tmp_path):
    frames = fading_in(6)
    path = tmp_path / "a.gif"
    write_animation(path, frames, fps=20)
    info = gif_structure(path.read_bytes())
    assert info["loop"] == 0  # loops forever
    assert info["global_table"]
    assert not info["frames"][0]["local_table"]  # the first frame (black) is on the shared palette
    assert [f["delay_cs"] for f in info["frames"]] == [5] * 5 + [150]
    with Image.open(path) as im:
        assert im.n_frames == 6
        assert im.info["loop"] == 0
    got = read_frames(path)
    assert np.array_equal(got[0], np.zeros_like(got[0]))  # black stays exactly black
    # 256 colours a frame, no dithering: each of these 192-pixel frames has fewer, and frames
    # between that the shared palette (from the reference and the first frame) misses get their own
    for g, f in zip(got, frames):
        assert np.abs(g.astype(int) - f).mean() < 1
    assert no_part_files(tmp_path)


def test_grey_gif_is_exact_with_one_palette(tmp_path):
    ramp = np.arange(12 * 16, dtype=np.uint8).reshape(12, 16, 1)
    frames = [ramp // 4, ramp // 2, ramp]
    path = tmp_path / "g.gif"
    write_animation(path, frames)
    info = gif_structure(path.read_bytes())
    assert len(info["frames"]) == 3
    assert not any(f["local_table"] for f in info["frames"])
    for g, f in zip(read_frames(path), frames):
        assert np.array_equal(g[:, :, 0], f[:, :, 0])
        assert np.array_equal(g[:, :, 0], g[:, :, 2])


def test_gif_scale_is_nearest_neighbour(tmp_path):
    frames = fading_in(3, 4, 5)
    path = tmp_path / "s.gif"
    write_animation(path, frames, scale=3)
    got = read_frames(path)
    assert got[-1].shape == (12, 15, 3)
    assert np.array_equal(got[-1], np.repeat(np.repeat(got[-1][::3, ::3], 3, 0), 3, 1))


@pytest.mark.parametrize("fps", [10, 25])
def test_gif_fps(tmp_path, fps):
    path = tmp_path / "f.gif"
    write_animation(path, fading_in(4), fps=fps)
    delays = [f["delay_cs"] for f in gif_structure(path.read_bytes())["frames"]]
    assert delays == [100 // fps] * 3 + [150]


def gif_expected(frames, reference, dither=False) -> list[np.ndarray]:
    """What a GIF of `frames` must decode to: every frame on the palette of the first and the
    reference, or on its own where that is closer (frame_image)."""
    palette = gif_palette(frames[0], reference)
    return [np.asarray(frame_image(f, palette, dither)[0].convert("RGB")) for f in frames]


@pytest.mark.parametrize("dither", [False, True])
def test_streamed_gif_is_exact_on_its_palette(tmp_path, dither):
    frames = changing()
    reference = colour_array(20, 26, seed=3)
    path = tmp_path / "a.gif"
    with Outputs([path], fps=25, dither=dither, reference=reference) as out:
        for frame in stream(frames):
            out.add(frame)
        assert listing(tmp_path) != set() and not path.exists()  # only hidden temporary files so far
        assert out.commit() == [str(path)]
    info = gif_structure(path.read_bytes())
    assert info["loop"] == 0 and info["global_table"]
    assert not info["frames"][0]["local_table"]
    assert [f["delay_cs"] for f in info["frames"]] == [4] * (len(frames) - 1) + [150]
    with Image.open(path) as im:
        assert im.n_frames == len(frames) and im.info["loop"] == 0
    for got, want in zip(read_frames(path), gif_expected(frames, reference, dither), strict=True):
        assert np.array_equal(got, want)
    assert listing(tmp_path) == {"a.gif"}


def test_streamed_grey_gif_is_exact(tmp_path):
    frames = [f[:, :, :1] // 3 + 10 * k for k, f in enumerate(changing())]
    path = tmp_path / "g.gif"
    with Outputs([path]) as out:
        for frame in frames:
            out.add(frame)
        out.commit()
    assert not any(f["local_table"] for f in gif_structure(path.read_bytes())["frames"])
    got = read_frames(path)
    assert len(got) == len(frames)
    for g, f in zip(got, frames):
        assert np.array_equal(g, np.repeat(f, 3, axis=2))
