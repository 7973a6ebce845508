"""paintlr.outputs.animation: formats by extension, one GIF palette, timing, scaling, atomic writes."""

from __future__ import annotations

import gc
import os
import signal
import stat
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from conftest import colour_array, gif_structure, listing, read_frames
from PIL import Image

import paintlr.outputs.animation as anim
from paintlr.errors import OutputError
from paintlr.outputs.animation import (
    HOLD_MS,
    Outputs,
    atomic_save,
    durations,
    output_kind,
    write_animation,
    write_outputs,
    write_still,
)


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
    # 256 colours for all, no dithering. The palette is known before the first frame is written:
    # built from the reference (here the last frame) and the first, so the end is close and, on
    # this 192-pixel picture whose own colours take most of the palette, the frames between less so
    assert np.abs(got[-1].astype(int) - frames[-1]).mean() < 3
    for g, f in zip(got, frames):
        assert np.abs(g.astype(int) - f).mean() < 12
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


def fail_on_call(real, n, error):
    """`real`, except that its n-th call raises `error`: a writer failing half-way through a file."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failed_save_leaves_no_file(tmp_path, monkeypatch, error):
    # the GIF is written frame by frame: fail on the second frame, with the header and a frame written
    monkeypatch.setattr(anim.GifImagePlugin, "getdata", fail_on_call(anim.GifImagePlugin.getdata, 2, error))
    with pytest.raises(type(error)):
        write_animation(tmp_path / "a.gif", fading_in(3))
    assert listing(tmp_path) == set()


def test_failed_save_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    dest = tmp_path / "a.gif"
    dest.write_bytes(b"the previous run")
    monkeypatch.setattr(anim.GifImagePlugin, "getdata",
                        fail_on_call(anim.GifImagePlugin.getdata, 2, RuntimeError("boom")))
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


# --- streaming: Outputs ----------------------------------------------------------------------

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


def stream(frames, produced: list | None = None):
    """A generator of the frames, counting in `produced` how many it has handed out."""
    for frame in frames:
        if produced is not None:
            produced.append(1)
        yield frame


def gif_expected(frames, reference, dither=False) -> list[np.ndarray]:
    """What a GIF of `frames` must decode to: every frame on the palette of the first and the reference."""
    palette = anim.gif_palette(frames[0], reference)
    return [np.asarray(anim._gif_image(f, palette, dither).convert("RGB")) for f in frames]


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
    assert [f["local_table"] for f in info["frames"]] == [False] * len(frames)
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


def test_gif_palette_from_reference_and_first_frame():
    first = np.zeros((8, 8, 3), np.uint8)
    reference = colour_array(8, 8)
    palette = np.array(anim.gif_palette(first, reference).getpalette()).reshape(-1, 3)
    assert len(palette) == 256 and len({tuple(c) for c in palette}) == 256  # distinct colours
    assert (palette == 0).all(axis=1).any()  # the first frame's black
    for pixel in reference.reshape(-1, 3):  # 64 reference colours: each has a slot of its own
        assert (palette == pixel).all(axis=1).any()
    alone = np.array(anim.gif_palette(reference).getpalette()).reshape(-1, 3)
    assert len({tuple(c) for c in alone}) == 256


@pytest.mark.parametrize("scale", [1, 3])
def test_streamed_apng_is_exact(tmp_path, scale):
    frames = changing()
    path = tmp_path / "a.apng"
    with Outputs([path], fps=20, scale=scale) as out:
        for frame in stream(frames):
            out.add(frame)
        out.commit()
    chunks = png_chunks(path.read_bytes())
    kinds = [k for k, _ in chunks]
    assert kinds[:3] == [b"IHDR", b"acTL", b"fcTL"] and kinds[-1] == b"IEND"
    assert struct.unpack(">II", chunks[1][1]) == (len(frames), 0)  # frame count, loop forever
    numbers = [struct.unpack_from(">I", body)[0] for k, body in chunks if k in (b"fcTL", b"fdAT")]
    assert numbers == list(range(len(numbers)))
    controls = [struct.unpack(">IIIIIHHBB", body) for k, body in chunks if k == b"fcTL"]
    assert [round(1000 * c[5] / c[6]) for c in controls] == [50] * (len(frames) - 1) + [1500]
    with Image.open(path) as im:
        assert im.format == "PNG" and im.is_animated and im.n_frames == len(frames)
        assert im.info.get("loop") == 0
    got = read_frames(path)
    for g, f in zip(got, frames, strict=True):
        assert np.array_equal(g, np.repeat(np.repeat(f, scale, 0), scale, 1))


@pytest.mark.parametrize("scale", [1, 3])
def test_streamed_webp_reads_back(tmp_path, scale):
    frames = changing()
    path = tmp_path / "a.webp"
    with Outputs([path], fps=20, scale=scale) as out:
        for frame in stream(frames):
            out.add(frame)
        out.commit()
    chunks = riff_chunks(path.read_bytes())
    assert [k for k, _ in chunks] == [b"VP8X", b"ANIM"] + [b"ANMF"] * len(frames)
    vp8x = chunks[0][1]
    assert vp8x[0] & 0x02  # animation
    assert int.from_bytes(vp8x[4:7], "little") + 1 == 26 * scale
    assert int.from_bytes(vp8x[7:10], "little") + 1 == 20 * scale
    assert struct.unpack("<IH", chunks[1][1])[1] == 0  # loop forever
    with Image.open(path) as im:
        assert im.format == "WEBP" and im.is_animated and im.n_frames == len(frames)
        assert im.info.get("loop") == 0
        times = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()
            times.append(im.info["duration"])
    assert times == [50] * (len(frames) - 1) + [1500]
    previous = None
    for g, f in zip(read_frames(path), frames, strict=True):
        f = np.repeat(np.repeat(f, scale, 0), scale, 1)
        error = np.abs(g.astype(int) - f)
        assert error.mean() <= 10  # lossy
        if previous is not None and (previous != f).any():  # and the part that changed is in place
            rows, cols = np.nonzero((previous != f).any(axis=2))
            assert error[rows.min():rows.max() + 1, cols.min():cols.max() + 1].mean() <= 12
        previous = f


def test_every_writer_streams(tmp_path):
    """Writing 400 frames holds a few frames at a time, not 400. What tracemalloc sees (numpy arrays,
    bytes) rises by less than 10 frame sizes while a frame is written, the memory still in use
    hardly grows from frame 10 to frame 400, and few Pillow images are alive at any time."""
    count, side = 400, 128
    size = side * side * 3
    base = colour_array(side, side).astype(np.int16)
    cycle = [np.clip(base + 11 * k - 45, 0, 255).astype(np.uint8) for k in range(9)]  # made beforehand
    paths = [tmp_path / n for n in ("a.gif", "a.webp", "a.apng", "final.png", "f_%04d.png")]
    rises, levels, images, produced = [], [], [], []

    def checkpoint():
        peak = tracemalloc.get_traced_memory()[1]
        if levels:
            rises.append(peak - levels[-1])
        images.append(sum(isinstance(o, Image.Image) for o in gc.get_objects()))
        gc.collect()  # what is garbage is not held
        levels.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.reset_peak()

    def frames():
        for i in range(count):
            if i >= 10 and i % 50 == 10:  # from frame 10 on: Pillow's plugins loaded, the palette built
                checkpoint()
            produced.append(i)
            yield cycle[i % len(cycle)]  # every frame differs from the one before

    images_before = sum(isinstance(o, Image.Image) for o in gc.get_objects())  # other tests' leftovers
    tracemalloc.start()
    try:
        with Outputs(paths, reference=cycle[4], log=tmp_path / "log.csv", columns=("i",)) as out:
            for i, frame in enumerate(frames()):
                out.add(frame, (i, i))
                assert out.count == len(produced) == i + 1  # one frame in, one frame handled
            checkpoint()
            out.commit()
    finally:
        tracemalloc.stop()
    assert len(rises) == 8
    assert max(rises) < 10 * size, (rises, size)
    assert levels[-1] - levels[0] < 5 * size, levels  # 390 frames: 19 MB if they were kept
    assert max(images) <= images_before + 4, (images_before, images)  # not one per frame
    for name in ("a.gif", "a.webp", "a.apng"):
        with Image.open(tmp_path / name) as im:
            assert im.n_frames == count
    assert len(list(tmp_path.glob("f_*.png"))) == count
    assert no_part_files(tmp_path)


def test_write_outputs_consumes_a_generator_once(tmp_path):
    frames = fading_in(5)
    produced = []
    paths = [tmp_path / "a.gif", tmp_path / "a.apng", tmp_path / "f_%02d.png"]
    written = write_outputs(paths, stream(frames, produced), fps=10, reference=frames[-1])
    assert len(produced) == 5
    assert written == [str(paths[0]), str(paths[1]), *(str(tmp_path / f"f_{i:02d}.png") for i in range(5))]
    for g, f in zip(read_frames(paths[1]), frames, strict=True):
        assert np.array_equal(g, f)
    with Image.open(paths[0]) as im:
        assert im.n_frames == 5


def test_the_log(tmp_path):
    log = tmp_path / "run.csv"
    with Outputs([tmp_path / "a.gif"], log=log, columns=("cost", "psnr")) as out:
        out.add(fading_in(2)[0], (0, 0.5, 1 / 3))
        out.add(fading_in(2)[1], (10, 1e-12, 42.0))
        assert not log.exists()  # rows go to a temporary file until commit
        written = out.commit()
    assert written == [str(tmp_path / "a.gif"), str(log)]
    assert log.read_text() == "epoch,cost,psnr\n0,0.5,0.333333333\n10,1e-12,42\n"


def test_a_log_row_is_needed_for_every_frame(tmp_path):
    with Outputs([tmp_path / "a.gif"], log=tmp_path / "run.csv", columns=("cost",)) as out:
        with pytest.raises(ValueError, match="row"):
            out.add(fading_in(2)[0])
        with pytest.raises(ValueError, match="row"):
            out.add(fading_in(2)[0], (0, 1.0, 2.0))
        out.add(fading_in(2)[0], (0, 1.0))  # nothing was changed by the refused frames
        out.commit()
    assert (tmp_path / "run.csv").read_text() == "epoch,cost\n0,1\n"


def test_outputs_have_normal_permissions(tmp_path):
    paths = [tmp_path / n for n in ("a.gif", "a.webp", "a.apng", "a.png", "f%d.jpg")]
    with Outputs(paths, log=tmp_path / "l.csv") as out:
        out.add(colour_array(), (0,))
        out.commit()
    umask = os.umask(0)
    os.umask(umask)
    names = ["a.gif", "a.webp", "a.apng", "a.png", "f0.jpg", "l.csv"]
    assert listing(tmp_path) == set(names)
    for name in names:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_a_frame_of_another_shape_or_type_is_refused(tmp_path):
    frames = fading_in(3)
    with Outputs([tmp_path / "a.gif"]) as out:
        out.add(frames[0])
        with pytest.raises(ValueError, match="shape"):
            out.add(frames[1][:-1])
        with pytest.raises(ValueError, match="uint8"):
            out.add(frames[1] / 255)
        out.add(frames[1])
        out.commit()
    assert len(read_frames(tmp_path / "a.gif")) == 2


def test_the_caller_may_reuse_its_frame_buffer(tmp_path):
    frames = fading_in(4)
    buffer = np.empty_like(frames[0])
    with Outputs([tmp_path / "a.apng", tmp_path / "a.png"]) as out:
        for frame in frames:
            buffer[...] = frame
            out.add(buffer)
        out.commit()
    for g, f in zip(read_frames(tmp_path / "a.apng"), frames, strict=True):
        assert np.array_equal(g, f)
    assert np.array_equal(read_frames(tmp_path / "a.png")[0], frames[-1])


# --- streaming: nothing half-written ---------------------------------------------------------

ALL_KINDS = ("a.gif", "a.webp", "a.apng", "final.png", "f_%03d.png")


def failing_after(frames, n, error):
    yield from frames[:n]
    raise error


@pytest.mark.parametrize("error", [RuntimeError("the model blew up"), KeyboardInterrupt()])
def test_a_failing_frame_source_leaves_no_file(tmp_path, error):
    paths = [tmp_path / n for n in ALL_KINDS]
    with pytest.raises(type(error)):
        write_outputs(paths, failing_after(fading_in(6), 4, error))
    assert listing(tmp_path) == set()
    with pytest.raises(type(error)):
        with Outputs(paths, log=tmp_path / "log.csv", columns=("c",)) as out:
            for i, frame in enumerate(failing_after(fading_in(6), 4, error)):
                out.add(frame, (i, 0.0))
            out.commit()
    assert listing(tmp_path) == set()


def test_abort_leaves_the_final_names_untouched(tmp_path):
    (tmp_path / "a.gif").write_bytes(b"the previous run")
    out = Outputs([tmp_path / n for n in ALL_KINDS], log=tmp_path / "log.csv")
    for i, frame in enumerate(fading_in(4)):
        out.add(frame, (i,))
    assert len(listing(tmp_path)) > 1  # the temporary files
    out.abort()
    out.abort()  # twice is harmless
    assert listing(tmp_path) == {"a.gif"}
    assert (tmp_path / "a.gif").read_bytes() == b"the previous run"
    with pytest.raises(RuntimeError):
        out.add(fading_in(2)[0], (0,))


def test_leaving_the_block_without_commit_aborts(tmp_path):
    with Outputs([tmp_path / n for n in ALL_KINDS]) as out:
        out.add(fading_in(2)[0])
    assert listing(tmp_path) == set()


def test_committing_no_frame_is_an_error(tmp_path):
    with Outputs([tmp_path / "a.gif"]) as out, pytest.raises(ValueError, match="no frames"):
        out.commit()
    assert listing(tmp_path) == set()


def test_commit_after_an_interrupted_source_writes_complete_files(tmp_path):
    frames = fading_in(6)
    paths = [tmp_path / n for n in ALL_KINDS]
    with Outputs(paths, fps=20, log=tmp_path / "log.csv", columns=("c",)) as out:
        try:
            for i, frame in enumerate(failing_after(frames, 4, KeyboardInterrupt())):
                out.add(frame, (i, i / 2))
        except KeyboardInterrupt:
            pass  # what paintlr learn does on Ctrl-C: write the frames so far
        written = out.commit()
    assert len(written) == 4 + 4 + 1
    check_four_frames(tmp_path, frames[:4])


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


def test_an_interrupt_inside_add_is_rolled_back(tmp_path, monkeypatch):
    """Ctrl-C while the WebP writer encodes frame 3 (after the GIF, APNG and frame files wrote it):
    frame 3 is taken back from every output, and a commit writes frames 0 to 3 (the pending one)."""
    frames = fading_in(6)
    paths = [tmp_path / n for n in ("a.gif", "a.apng", "f_%03d.png", "a.webp", "final.png")]
    monkeypatch.setattr(anim, "_webp_frame", fail_on_call(anim._webp_frame, 4, KeyboardInterrupt()))
    with Outputs(paths, fps=20, log=tmp_path / "log.csv", columns=("c",)) as out:
        try:
            for i, frame in enumerate(frames):
                out.add(frame, (i, i / 2))
        except KeyboardInterrupt:
            pass
        assert out.count == 4
        out.commit()
    check_four_frames(tmp_path, frames[:4])


def test_a_failing_writer_removes_every_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "final.png").write_bytes(b"the previous run")
    monkeypatch.setattr(anim, "_png_chunks", fail_on_call(anim._png_chunks, 3, OSError(28, "No space left")))
    with pytest.raises(OutputError, match=r"a\.apng: cannot write \(No space left\)") as info:
        write_outputs([tmp_path / n for n in ALL_KINDS], fading_in(6))
    assert "\n" not in str(info.value)
    assert listing(tmp_path) == {"final.png"}
    assert (tmp_path / "final.png").read_bytes() == b"the previous run"


def test_a_full_disk_while_finishing_renames_nothing(tmp_path, monkeypatch):
    """Finishing (the last frame, trailers, the final image) comes before any rename."""
    (tmp_path / "a.gif").write_bytes(b"the previous run")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(anim, "_save_still", full)
    with pytest.raises(OutputError, match=r"final\.png: cannot write"):
        write_outputs([tmp_path / "a.gif", tmp_path / "final.png"], fading_in(3))
    assert listing(tmp_path) == {"a.gif"}
    assert (tmp_path / "a.gif").read_bytes() == b"the previous run"


def test_a_failed_rename_takes_back_the_outputs_renamed_before_it(tmp_path, monkeypatch):
    real = os.replace
    monkeypatch.setattr(anim.os, "replace", fail_on_call(real, 2, OSError(5, "Input/output error")))
    with pytest.raises(OutputError, match=r"a\.webp: cannot write"):
        write_outputs([tmp_path / "a.gif", tmp_path / "a.webp", tmp_path / "a.apng"], fading_in(3))
    assert listing(tmp_path) == set()  # all or nothing: the GIF renamed first is removed again


def test_a_missing_folder_fails_before_any_frame(tmp_path):
    with pytest.raises(OutputError, match="nope"):
        Outputs([tmp_path / "a.gif", tmp_path / "nope" / "a.webp"])
    assert listing(tmp_path) == set()


def test_a_directory_in_the_way_of_one_output_renames_nothing(tmp_path):
    (tmp_path / "final.png").mkdir()
    with pytest.raises(OutputError, match=r"final\.png: cannot write \(Is a directory\)"):
        write_outputs([tmp_path / "a.gif", tmp_path / "final.png"], fading_in(3))
    assert listing(tmp_path) == {"final.png"}


# --- the player page and video, as outputs among the others -----------------------------------

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


def test_page_and_video_get_every_frame_with_the_gif(tmp_path):
    frames = fading_in(7, 13, 17)  # odd sides: the video pads them
    paths = [tmp_path / n for n in ("a.gif", "a.html", "a.mp4", "a.webm")]
    page = {"title": "t </script>", "command": "paintlr x"}
    with Outputs(paths, fps=10, columns=("cost",), page=page) as out:
        for i, frame in enumerate(frames):
            out.add(frame, (i, 1.0 / (i + 1)))
        out.commit(summary="done")
    with Image.open(tmp_path / "a.gif") as im:
        count = im.n_frames
    assert count == len(frames)
    assert video_frames(tmp_path / "a.mp4") == video_frames(tmp_path / "a.webm") == count
    uris, data = page_data(tmp_path / "a.html")
    assert len(uris) == len(data["rows"]) == count
    assert data["rows"][3] == [3, 0.25]
    assert (data["title"], data["summary"], data["fps"]) == ("t </script>", "done", 10)
    assert no_part_files(tmp_path)


def test_the_page_holds_each_frame_losslessly_or_near(tmp_path):
    import base64
    import io

    frames = fading_in(4, 30, 40)
    with Outputs([tmp_path / "a.html"], columns=()) as out:
        for i, frame in enumerate(frames):
            out.add(frame, (i,))
        out.commit()
    uris, _ = page_data(tmp_path / "a.html")
    for uri, frame in zip(uris, frames, strict=True):
        with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
            back = np.asarray(im.convert("RGB"))
        error = np.abs(back.astype(int) - frame)
        if uri.startswith("data:image/png"):
            assert error.max() == 0
        else:  # WebP at quality 90: lossy, its colour at half resolution
            assert error.mean() < 8  # this test picture is noise on saturated gradients


def test_a_page_needs_a_row_per_frame(tmp_path):
    with Outputs([tmp_path / "a.html"], columns=("cost",)) as out, pytest.raises(ValueError, match="row"):
        out.add(fading_in(2)[0])
    assert no_part_files(tmp_path)


def test_ctrl_c_while_a_video_encodes_keeps_every_output_in_step(tmp_path, monkeypatch):
    """SIGINT inside the encoder (which cannot take a frame back) is held until the frame is in
    every output; the commit then writes the same frames to the video and the GIF."""
    import signal

    from paintlr.outputs import video

    calls = []
    add = video.VideoEncoder.add

    def interrupted(self, frame, ms):
        calls.append(ms)
        if len(calls) == 3:
            signal.raise_signal(signal.SIGINT)
        add(self, frame, ms)

    monkeypatch.setattr(video.VideoEncoder, "add", interrupted)
    frames = fading_in(8)
    with Outputs([tmp_path / "a.gif", tmp_path / "a.mp4"], fps=10) as out:
        with pytest.raises(KeyboardInterrupt):
            for frame in frames:
                out.add(frame)
        assert out.count == 4  # the frame whose add was interrupted went in
        out.commit()
    with Image.open(tmp_path / "a.gif") as im:
        assert im.n_frames == 4
    assert video_frames(tmp_path / "a.mp4") == 4


def test_asking_for_video_without_pyav_fails_before_any_file(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "av" else real(name, *args))
    with pytest.raises(OutputError, match=r"pip install 'paintlr\[video\]'"):
        Outputs([tmp_path / "a.gif", tmp_path / "a.mp4"])
    assert not listing(tmp_path)


def test_outputs_committed_together_are_all_or_nothing(tmp_path, monkeypatch):
    from paintlr.outputs.animation import commit_all

    first, second = Outputs([tmp_path / "a.gif"]), Outputs([tmp_path / "b.png"])
    for out in (first, second):
        out.add(fading_in(2)[1])

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(anim, "_save_still", full)  # the second set fails while the first is in place
    with pytest.raises(OutputError, match=r"b\.png"):
        commit_all(first.commit, second.commit)
    assert listing(tmp_path) == set()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_outputs_open_leaves_no_file(tmp_path, monkeypatch, sig):
    """The signal arrives inside a writer's setup, after its temporary file exists: it is held until
    every writer is open, then the set is aborted (nothing left) and the signal raised."""
    from paintlr.errors import Terminated

    real = anim._Temp.__init__

    def signalled(self, *args, **kwargs):
        real(self, *args, **kwargs)
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(anim._Temp, "__init__", signalled)
    with pytest.raises(Terminated if sig == signal.SIGTERM else KeyboardInterrupt):
        Outputs([tmp_path / "a.html", tmp_path / "a.gif"], log=tmp_path / "a.csv", columns=("cost",))
    assert listing(tmp_path) == set()
