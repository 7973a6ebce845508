"""paintlr.animation: formats by extension, one GIF palette, timing, scaling, atomic writes."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from conftest import colour_array, gif_structure, listing, read_frames
from PIL import Image

import paintlr.animation as anim
from paintlr.animation import (
    HOLD_MS,
    atomic_save,
    durations,
    output_kind,
    write_animation,
    write_outputs,
    write_still,
)
from paintlr.errors import OutputError


def fading_in(count: int = 6, h: int = 12, w: int = 16) -> list[np.ndarray]:
    """Frames going from black to a colour picture, like a painting from --init zeros."""
    target = colour_array(h, w).astype(float)
    return [(target * k / (count - 1) + 0.5).astype(np.uint8) for k in range(count)]


def no_part_files(folder) -> bool:
    return not any(name.endswith(".part") for name in listing(folder))


@pytest.mark.parametrize(("name", "kind"), [
    ("a.gif", "animation"), ("a.GIF", "animation"), ("a.webp", "animation"),
    ("a.apng", "animation"), ("a.png", "still"), ("a.jpg", "still"), ("a.jpeg", "still"),
    ("out/frame_%04d.png", "sequence"), ("f%d.jpg", "sequence"), ("f_%03d.webp", "sequence"),
    ("100%.gif", "animation"), ("a%%d.png", "still"), ("50%%_%03d.png", "sequence"),
])
def test_output_kind(name, kind):
    assert output_kind(name) == kind


@pytest.mark.parametrize("name", [
    "a.tif", "a.bmp", "a", "a.txt", "f_%03d.tif", "f_%d_%d.png", "50%_%03d.png", "f_%03d",
])
def test_output_kind_rejects(name):
    with pytest.raises(ValueError) as info:
        output_kind(name)
    assert "\n" not in str(info.value)


def test_durations_hold_the_last_frame():
    assert durations(4, 20) == [50, 50, 50, HOLD_MS]
    assert HOLD_MS == 1500
    assert durations(3, 0.5) == [2000, 2000, 2000]  # a slow animation is never sped up
    assert durations(1, 20) == [1500]


# --- GIF -------------------------------------------------------------------------------------

def test_gif_animation(tmp_path):
    frames = fading_in(6)
    path = tmp_path / "a.gif"
    write_animation(path, frames, fps=20)
    info = gif_structure(path.read_bytes())
    assert info["loop"] == 0  # loops forever
    assert info["global_table"]
    assert [f["local_table"] for f in info["frames"]] == [False] * 6  # one palette for all
    assert [f["delay_cs"] for f in info["frames"]] == [5] * 5 + [150]
    with Image.open(path) as im:
        assert im.n_frames == 6
        assert im.info["loop"] == 0
    got = read_frames(path)
    assert np.array_equal(got[0], np.zeros_like(got[0]))  # black stays exactly black
    for g, f in zip(got, frames):
        assert np.abs(g.astype(int) - f).mean() < 10  # 256 colours for all, no dithering
    assert no_part_files(tmp_path)


def test_gif_frames_all_share_the_palette():
    images = anim.gif_frames(fading_in(5))
    palettes = {bytes(im.getpalette()) for im in images}
    assert len(palettes) == 1 and all(im.mode == "P" for im in images)


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


# --- WebP and APNG ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a.webp", "a.apng"])
def test_webp_and_apng_animations(tmp_path, name):
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


# --- stills and frame files ------------------------------------------------------------------

def test_png_and_jpg_stills(tmp_path):
    frame = colour_array()
    write_still(tmp_path / "f.png", frame)
    write_still(tmp_path / "f.jpg", frame)
    assert np.array_equal(read_frames(tmp_path / "f.png")[0], frame)
    with Image.open(tmp_path / "f.jpg") as im:
        assert im.format == "JPEG"
    assert np.abs(read_frames(tmp_path / "f.jpg")[0].astype(int) - frame).mean() < 10


def test_grey_still_stays_grey(tmp_path):
    frame = colour_array()[:, :, :1]
    write_still(tmp_path / "g.png", frame, scale=2)
    with Image.open(tmp_path / "g.png") as im:
        assert im.mode == "L" and im.size == (32, 24)
        assert np.array_equal(np.asarray(im)[::2, ::2], frame[:, :, 0])


def test_write_outputs_every_kind_from_the_same_frames(tmp_path):
    frames = fading_in(4)
    paths = [tmp_path / "a.gif", tmp_path / "a.png", tmp_path / "seq_%03d.png",
             tmp_path / "a.webp"]
    written = write_outputs(paths, frames, scale=1)
    seq = [str(tmp_path / f"seq_{i:03d}.png") for i in range(4)]
    assert written == [str(paths[0]), str(paths[1]), *seq, str(paths[3])]
    assert np.array_equal(read_frames(paths[1])[0], frames[-1])  # the final image
    for name, frame in zip(seq, frames):
        assert np.array_equal(read_frames(name)[0], frame)
    assert listing(tmp_path) == {"a.gif", "a.png", "a.webp", *(os.path.basename(s) for s in seq)}


# --- atomic writes ---------------------------------------------------------------------------

def test_written_files_have_normal_permissions(tmp_path):
    write_still(tmp_path / "f.png", colour_array())
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "f.png").stat().st_mode) == 0o666 & ~umask


def half_write_then_fail(error):
    def save(self, fp, *args, **kwargs):
        with open(fp, "wb") as f:
            f.write(b"GIF89a half")
        raise error

    return save


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failed_save_leaves_no_file(tmp_path, monkeypatch, error):
    monkeypatch.setattr(anim.Image.Image, "save", half_write_then_fail(error))
    with pytest.raises(type(error)):
        write_animation(tmp_path / "a.gif", fading_in(3))
    assert listing(tmp_path) == set()


def test_failed_save_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    dest = tmp_path / "a.gif"
    dest.write_bytes(b"the previous run")
    monkeypatch.setattr(anim.Image.Image, "save", half_write_then_fail(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        write_outputs([dest], fading_in(3))
    assert dest.read_bytes() == b"the previous run"
    assert listing(tmp_path) == {"a.gif"}


def test_failed_rename_is_an_output_error_and_cleans_up(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(anim.os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left") as info:
        write_still(tmp_path / "f.png", colour_array())
    assert "\n" not in str(info.value)
    assert listing(tmp_path) == set()


def test_a_directory_in_the_way_is_an_output_error(tmp_path):
    (tmp_path / "a.gif").mkdir()
    with pytest.raises(OutputError, match=r"a\.gif"):
        write_animation(tmp_path / "a.gif", fading_in(3))
    assert listing(tmp_path) == {"a.gif"}


def test_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError):
        atomic_save(tmp_path / "nope" / "a.png", lambda tmp: None)
    assert listing(tmp_path) == set()


def test_successful_save_replaces_the_old_file(tmp_path):
    dest = tmp_path / "a.png"
    dest.write_bytes(b"old")
    write_still(dest, colour_array())
    assert np.array_equal(read_frames(dest)[0], colour_array())
    assert listing(tmp_path) == {"a.png"}
