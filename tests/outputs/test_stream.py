"""paintlr.outputs.stream: every output fed from one stream of frames, a few frames held, nothing
half-written."""

from __future__ import annotations

import gc
import os
import stat
import tracemalloc

import numpy as np
import pytest
from conftest import colour_array, listing, read_frames
from frames_and_files import (
    ALL_KINDS,
    check_four_frames,
    fading_in,
    fail_on_call,
    failing_after,
    no_part_files,
    page_data,
    stream,
    timed_frames,
    video_frames,
)
from PIL import Image

from paintlr.errors import OutputError
from paintlr.outputs import Outputs, apng, still, webp, write_outputs
from paintlr.outputs.stream import HOLD_MS, durations
from paintlr.render.flashes import MAX_FLASHES, flashes_per_second


def test_durations_hold_the_last_frame():
    assert durations(4, 20) == [50, 50, 50, HOLD_MS]
    assert HOLD_MS == 1500
    assert durations(3, 0.5) == [2000, 2000, 2000]  # a slow animation is never sped up
    assert durations(1, 20) == [1500]


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


def test_an_interrupt_inside_add_is_rolled_back(tmp_path, monkeypatch):
    """Ctrl-C while the WebP writer encodes frame 3 (after the GIF, APNG and frame files wrote it):
    frame 3 is taken back from every output, and a commit writes frames 0 to 3 (the pending one)."""
    frames = fading_in(6)
    paths = [tmp_path / n for n in ("a.gif", "a.apng", "f_%03d.png", "a.webp", "final.png")]
    monkeypatch.setattr(webp, "webp_frame", fail_on_call(webp.webp_frame, 4, KeyboardInterrupt()))
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
    monkeypatch.setattr(apng, "png_chunks", fail_on_call(apng.png_chunks, 3, OSError(28, "No space left")))
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

    monkeypatch.setattr(still, "save_frame", full)
    with pytest.raises(OutputError, match=r"final\.png: cannot write"):
        write_outputs([tmp_path / "a.gif", tmp_path / "final.png"], fading_in(3))
    assert listing(tmp_path) == {"a.gif"}
    assert (tmp_path / "a.gif").read_bytes() == b"the previous run"


def test_a_missing_folder_fails_before_any_frame(tmp_path):
    with pytest.raises(OutputError, match="nope"):
        Outputs([tmp_path / "a.gif", tmp_path / "nope" / "a.webp"])
    assert listing(tmp_path) == set()


def test_a_directory_in_the_way_of_one_output_renames_nothing(tmp_path):
    (tmp_path / "final.png").mkdir()
    with pytest.raises(OutputError, match=r"final\.png: cannot write \(Is a directory\)"):
        write_outputs([tmp_path / "a.gif", tmp_path / "final.png"], fading_in(3))
    assert listing(tmp_path) == {"final.png"}


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


def test_no_output_flashes_more_than_three_times_a_second(tmp_path):
    """Black and white in turn at 20 fps would flash 10 times a second: every format shows a frame
    longer where the next change would make a fourth flash in a second (the page as its player paces)."""
    black, white = np.zeros((24, 24, 3), np.uint8), np.full((24, 24, 3), 255, np.uint8)
    frames = [black, white] * 20 + [np.full_like(black, 128)]
    names = [tmp_path / f"a.{ext}" for ext in ("gif", "webp", "apng", "mp4", "html")]
    with Outputs(names, fps=20, columns=["cost"]) as out:
        for i, frame in enumerate(frames):
            out.add(frame, (i, 1.0))
        out.commit()
    for name in names:
        shown, ms = timed_frames(name)
        assert len(shown) == len(frames), name
        assert flashes_per_second(shown, ms, loop=name.suffix != ".html") == MAX_FLASHES, name
        assert min(ms) == pytest.approx(50, abs=1), name  # the rest keep their pace
