"""The paintlr command line: bad input, outputs, the log, interruption, a real photo."""

from __future__ import annotations

import csv
import fcntl
import itertools
import math
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner
from conftest import (
    REPO,
    assert_one_line_error,
    colour_array,
    gif_structure,
    listing,
    png_bytes_claiming,
    psnr_db,
    read_frames,
    run_paintlr,
)
from PIL import Image

import paintlr
import paintlr.io.image as image_mod
from paintlr.cli.app import cli
from paintlr.io.image import load_image

SUMMARY = re.compile(r"^[\d,]+ epochs, cost [^,]+, PSNR [\d.]+ dB, [\d.]+ s, (\d+) frames -> (.+)$")


@pytest.fixture
def workdir(tmp_path, monkeypatch, photo):
    """Run in tmp_path, which holds photo.png (12 x 16 colour)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args):
    """The CLI in-process, through the group's main() as the console script calls it."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="paintlr")
    # anything but a clean exit would be an exception that escaped main()
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exc_info
    return result


def read_log(path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# --- bad input -------------------------------------------------------------------------------

def make(tmp_path: Path, name: str, content: bytes | None = None) -> None:
    if content is None:
        (tmp_path / name).mkdir()
    else:
        (tmp_path / name).write_bytes(content)


def png_prefix(tmp_path: Path) -> bytes:
    data = (tmp_path / "photo.png").read_bytes()
    return data[: len(data) // 2]


def jpg_prefix(_tmp_path: Path) -> bytes:
    import io

    buf = io.BytesIO()
    Image.fromarray(colour_array(64, 64)).save(buf, format="JPEG")
    return buf.getvalue()[: len(buf.getvalue()) // 2]


BAD_IMAGES = {  # name -> file content (None: a directory); all exit 1 except the directory
    "missing.png": "absent",
    "folder.png": None,
    "empty.png": b"",
    "text.png": b"hello, I am not a picture\n",
    "truncated.png": png_prefix,
    "truncated.jpg": jpg_prefix,
    "bomb.png": png_bytes_claiming(100_000, 100_000),
}
BAD_IMAGE_PROBLEMS = {  # name -> what its one-line error must say, besides the name
    "missing.png": ("error: ", "no such file"),
    "folder.png": ("'PHOTO'", "is a directory"),
    "empty.png": ("error: ", "not an image Pillow can read"),
    "text.png": ("error: ", "not an image Pillow can read"),
    "truncated.png": ("cannot decode image", "truncated"),
    "truncated.jpg": ("cannot decode image", "truncated"),
    "bomb.png": ("image too large", "100000 x 100000"),
}


@pytest.mark.parametrize("name", BAD_IMAGES)
def test_bad_image_is_one_line_and_writes_nothing(workdir, name):
    content = BAD_IMAGES[name]
    if content != "absent":
        make(workdir, name, content(workdir) if callable(content) else content)
    before = listing(workdir)
    result = invoke("learn", name, "-o", "out.gif", "-o", "out.png", "--log", "out.csv")
    # a directory is refused by click's argument check, a usage error; the rest are images
    assert_one_line_error(result.exit_code, result.stdout, result.stderr,
                          2 if name == "folder.png" else 1, names=(name, *BAD_IMAGE_PROBLEMS[name]))
    assert listing(workdir) == before


def test_decompression_bomb_limit_in_process(workdir, monkeypatch):
    monkeypatch.setattr(image_mod, "MAX_PIXELS", 50)  # photo.png has 192 pixels
    result = invoke("learn", "photo.png", "-o", "out.gif")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("photo.png", "too large", "16 x 12"))
    assert listing(workdir) == {"photo.png"}


BAD_FLAGS = [  # (flags, what the one-line error must say: the flag, and the reason)
    (["--learning-rate", "0"], ("'--learning-rate'", "0.0 is not in the range x>0")),
    (["--learning-rate", "-1"], ("'--learning-rate'", "-1.0 is not in the range x>0")),
    (["--learning-rate", "abc"], ("'--learning-rate'", "'abc' is not a valid float")),
    (["--size", "0"], ("'--size'", "0 is not in the range x>=1")),
    (["--size", "-5"], ("'--size'", "-5 is not in the range x>=1")),
    (["--burst", "0"], ("'--burst'", "0 is not in the range x>=1")),
    (["--frames", "1"], ("'--frames'", "1 is not in the range 2<=x")),
    (["--fps", "0"], ("'--fps'", "0.0 is not in the range 0.002<=x")),
    (["--fps", "-3"], ("'--fps'", "-3.0 is not in the range 0.002<=x")),
    (["--max-cost", "0"], ("'--max-cost'", "0.0 is not in the range x>0")),
    (["--max-cost", "-1e-4"], ("'--max-cost'", "-0.0001 is not in the range x>0")),
    (["--max-epochs", "0"], ("'--max-epochs'", "0 is not in the range 1<=x")),
    (["--scale", "0"], ("'--scale'", "0 is not in the range 1<=x<=64")),
    (["--background", "no-such-colour"], ("'--background'", "unknown colour 'no-such-colour'")),
    (["--background", "#12345"], ("'--background'", "unknown colour '#12345'")),
    (["--init", "ones"], ("'--init'", "'ones' is not one of")),
    (["--engine", "magic"], ("'--engine'", "'magic' is not one of")),
    (["--seed", "x"], ("'--seed'", "'x' is not a valid integer")),
    (["--no-such-flag"], ("No such option", "'--no-such-flag'")),
    (["-o", "out.tif"], ("'--output'", "unknown output extension '.tif'")),
    (["-o", "out"], ("'--output'", "out: unknown output extension")),
    (["-o", "frames_%d_%d.png"], ("'--output'", "frames_%d_%d.png: use exactly one placeholder")),
    (["-o", "50%_%03d.png"], ("'--output'", "50%_%03d.png: use exactly one placeholder")),
    (["-o", "missing-folder/out.gif"], ("'--output'", "folder missing-folder does not exist")),
    (["-o", "photo.png"], ("'--output'", "photo.png: refusing to overwrite the input")),
    (["-o", "./sub/../photo.png"], ("'--output'", "./sub/../photo.png: refusing to overwrite the input")),
    (["--log", "log.txt"], ("'--log'", "log.txt: the log must be a .csv file")),
    (["--log", "missing-folder/log.csv"], ("'--log'", "folder missing-folder does not exist")),
]


@pytest.mark.parametrize(("flags", "problem"), BAD_FLAGS, ids=[" ".join(f) for f, _ in BAD_FLAGS])
def test_bad_flag_is_a_usage_error(workdir, flags, problem):
    (workdir / "sub").mkdir()
    before = listing(workdir)
    original = (workdir / "photo.png").read_bytes()
    result = invoke("learn", "photo.png", "-o", "ok.gif", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)
    assert listing(workdir) == before
    assert (workdir / "photo.png").read_bytes() == original


def test_the_default_output_is_never_the_input(workdir):
    Image.fromarray(colour_array()).save(workdir / "anim.gif")
    original = (workdir / "anim.gif").read_bytes()
    result = invoke("learn", "anim.gif")  # anim.gif would be the input itself
    assert result.exit_code == 0, result.output
    assert (workdir / "anim.gif").read_bytes() == original
    with Image.open(workdir / "anim-paintlr.gif") as im:
        assert im.n_frames > 2


def test_a_percent_in_the_photo_name_is_no_frame_pattern(workdir):
    Image.fromarray(colour_array()).save(workdir / "x%d.png")
    result = invoke("learn", "x%d.png")
    assert result.exit_code == 0, result.output
    assert listing(workdir) - {"photo.png"} == {"x%d.png", "x%d.gif"}


def test_an_input_reached_through_a_symlink_is_never_a_frame_file(workdir):
    (workdir / "e").mkdir()
    (workdir / "d").mkdir()
    Image.fromarray(colour_array()).save(workdir / "e" / "photo.png")
    original = (workdir / "e" / "photo.png").read_bytes()
    (workdir / "d" / "f_0002.png").symlink_to(Path("..") / "e" / "photo.png")
    result = invoke("learn", "d/f_0002.png", "-o", "d/f_%04d.png")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "d/f_%04d.png: refusing to overwrite the input"))
    assert (workdir / "d" / "f_0002.png").is_symlink()
    assert (workdir / "e" / "photo.png").read_bytes() == original


def test_a_name_too_long_for_its_temporary_file_fails_before_training(workdir):
    Image.fromarray(colour_array()).save(workdir / "photo.png")
    name = "a" * 245 + ".gif"  # fits 255 bytes, its .name.XXXXXXXX.part does not
    result = invoke("learn", "photo.png", "-o", name)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", name, "too long"))
    assert listing(workdir) == {"photo.png"}


def test_missing_photo_argument(workdir):
    result = invoke("learn")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("Missing argument", "'PHOTO'"))


def test_output_path_taken_by_a_directory(workdir):
    (workdir / "taken.gif").mkdir()
    result = invoke("learn", "photo.png", "-o", "taken.gif", "-q")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "taken.gif: is a folder"))
    assert listing(workdir) == {"photo.png", "taken.gif"}


def test_unreadable_image(workdir, monkeypatch):
    path = workdir / "secret.png"
    Image.fromarray(colour_array()).save(path)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # root reads anything: deny the open as the OS would
            def denied(*args, **kwargs):
                raise PermissionError(13, "Permission denied", str(path))
            monkeypatch.setattr(Image, "open", denied)
        result = invoke("learn", "secret.png", "-o", "out.gif")
        assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                              names=("secret.png", "Permission denied"))
        assert not (workdir / "out.gif").exists()
    finally:
        path.chmod(0o644)


def test_unwritable_output_folder(workdir, monkeypatch):
    folder = workdir / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: answer as the OS would for a user
            real = os.access
            monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == Path("locked")
                                or Path(p) == folder else real(p, mode, **kw))
        result = invoke("learn", "photo.png", "-o", "locked/out.gif")
        assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                              names=("'--output'", "folder locked is not writable"))
        assert listing(folder) == set()
    finally:
        folder.chmod(0o755)


SUBPROCESS_CASES = [  # (files to create, args, exit code, what the one-line error must say)
    ({}, ["learn", "missing.png"], 1, ("missing.png", "no such file")),
    ({"truncated.png": "truncated"}, ["learn", "truncated.png"], 1, ("truncated.png", "cannot decode image")),
    ({"bomb.png": "bomb"}, ["learn", "bomb.png"], 1, ("bomb.png", "image too large", "60000 x 60000")),
    ({"text.png": "text"}, ["learn", "text.png"], 1, ("text.png", "not an image Pillow can read")),
    ({}, ["learn", "photo.png", "--learning-rate", "0"], 2, ("'--learning-rate'", "not in the range x>0")),
    ({}, ["learn", "photo.png", "-o", "out.tiff"], 2, ("'--output'", "unknown output extension '.tiff'")),
    ({}, ["learn", "photo.png", "-o", "photo.png"], 2, ("'--output'", "refusing to overwrite the input")),
    ({}, ["learn", "photo.png", "--background", "nope"], 2, ("'--background'", "unknown colour 'nope'")),
    ({}, ["no-such-command"], 2, ("No such command", "'no-such-command'")),
]


@pytest.mark.parametrize(("files", "args", "code", "problem"), SUBPROCESS_CASES,
                         ids=[" ".join(c[1]) for c in SUBPROCESS_CASES])
def test_bad_input_in_a_real_process(tmp_path, photo, files, args, code, problem):
    content = {"truncated": photo.read_bytes()[:300], "text": b"just text",
               "bomb": png_bytes_claiming(60_000, 60_000)}
    for name, kind in files.items():
        (tmp_path / name).write_bytes(content[kind])
    before = listing(tmp_path)
    proc = run_paintlr(*args, cwd=tmp_path)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, code, names=problem)
    assert listing(tmp_path) == before


def test_learning_rate_above_the_stable_rate_is_an_error_without_traceback(workdir):
    """A warning before training, then one error line naming the largest stable rate."""
    result = invoke("learn", "photo.png", "-o", "out.gif", "--learning-rate", "5", "-q")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("paintlr: error:") and "stable" in last
    assert listing(workdir) == {"photo.png"}


def test_one_pixel_image(workdir):
    result = invoke("learn", "photo.png", "-o", "one.png", "--size", "1", "-q")
    assert result.exit_code == 0, result.output
    with Image.open(workdir / "one.png") as im:
        assert im.size == (1, 1)



# --- outputs ---------------------------------------------------------------------------------

def test_default_output_is_stem_gif_in_the_current_folder(workdir):
    (workdir / "pics").mkdir()
    Image.fromarray(colour_array()).save(workdir / "pics" / "cat.png")
    result = invoke("learn", "pics/cat.png")
    assert result.exit_code == 0, result.output
    assert listing(workdir) == {"photo.png", "pics", "pics/cat.png", "cat.gif"}
    with Image.open(workdir / "cat.gif") as im:
        assert im.format == "GIF" and im.n_frames >= 2


def test_gif_animation(workdir):
    result = invoke("learn", "photo.png", "-o", "out.gif", "-q")
    assert result.exit_code == 0, result.output
    data = (workdir / "out.gif").read_bytes()
    info = gif_structure(data)
    frames = read_frames(workdir / "out.gif")
    assert len(frames) == len(info["frames"]) >= 10
    assert info["loop"] == 0  # loops forever
    assert info["global_table"] and not any(f["local_table"] for f in info["frames"])
    delays = [f["delay_cs"] for f in info["frames"]]
    assert delays[-1] == 150  # the last frame is held 1.5 s
    assert min(delays[:-1]) == 5  # 20 fps (identical neighbours may be merged into one)
    assert np.array_equal(frames[0], np.zeros_like(frames[0]))  # --init zeros: black
    assert frames[0].shape == (12, 16, 3)
    target = load_image(workdir / "photo.png")
    assert psnr_db(frames[-1] / 255, target) > 25  # 256 colours for a noisy picture
    assert listing(workdir) == {"photo.png", "out.gif"}


def test_fps(workdir):
    assert invoke("learn", "photo.png", "-o", "out.gif", "--fps", "10", "-q").exit_code == 0
    delays = [f["delay_cs"] for f in gif_structure((workdir / "out.gif").read_bytes())["frames"]]
    assert min(delays[:-1]) == 10 and delays[-1] == 150


@pytest.mark.parametrize("name", ["out.webp", "out.apng"])
def test_webp_and_apng_animations(workdir, name):
    result = invoke("learn", "photo.png", "-o", name, "-q")
    assert result.exit_code == 0, result.output
    with Image.open(workdir / name) as im:
        assert im.is_animated and im.n_frames >= 10
        assert im.info.get("loop") == 0
        im.seek(im.n_frames - 1)
        im.load()
        assert im.info["duration"] == 1500
    frames = read_frames(workdir / name)
    assert frames[0].max() <= 3  # black, give or take WebP's lossy coding
    target = load_image(workdir / "photo.png")
    assert psnr_db(frames[-1] / 255, target) > (36 if name.endswith("apng") else 28)


def test_png_final_image_reaches_the_threshold(workdir):
    result = invoke("learn", "photo.png", "-o", "final.png", "-o", "final.jpg", "-q")
    assert result.exit_code == 0, result.output
    target = load_image(workdir / "photo.png")
    with Image.open(workdir / "final.png") as im:
        assert im.format == "PNG" and im.mode == "RGB" and im.size == (16, 12)
        assert not getattr(im, "is_animated", False)
        final = np.asarray(im) / 255
    assert psnr_db(final, target) >= 36  # --max-cost 1e-4 is 37 dB
    with Image.open(workdir / "final.jpg") as im:
        assert im.format == "JPEG" and im.size == (16, 12)
        assert psnr_db(np.asarray(im) / 255, target) > 25


def test_frame_files_one_per_frame_and_the_log(workdir):
    (workdir / "frames").mkdir()
    result = invoke("learn", "photo.png", "-o", "frames/f_%03d.png", "-o", "final.png",
                    "--log", "run.csv", "-q")
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "run.csv")
    names = sorted(listing(workdir / "frames"))
    assert names == [f"f_{i:03d}.png" for i in range(len(rows))]
    assert len(rows) >= 10
    first = np.asarray(Image.open(workdir / "frames" / names[0]))
    last = np.asarray(Image.open(workdir / "frames" / names[-1]))
    assert np.array_equal(first, np.zeros_like(first))
    assert np.array_equal(last, np.asarray(Image.open(workdir / "final.png")))
    # frame k of the files is the picture at the epoch of log row k
    target = load_image(workdir / "photo.png")
    for name, row in zip(names[1::5], rows[1::5]):
        frame = np.asarray(Image.open(workdir / "frames" / name)) / 255
        assert abs(psnr_db(frame, target) - float(row["psnr_db"])) < 0.5


def test_log_columns_rows_and_psnr(workdir):
    result = invoke("learn", "photo.png", "-o", "out.gif", "--log", "run.csv", "-q")
    assert result.exit_code == 0, result.output
    with open(workdir / "run.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header[:6] == ["epoch", "cost", "cost_R", "cost_G", "cost_B", "psnr_db"]
    rows = read_log(workdir / "run.csv")
    epochs = [int(r["epoch"]) for r in rows]
    assert epochs[0] == 0 and epochs == sorted(set(epochs))
    target = load_image(workdir / "photo.png")
    for r in rows:
        cost = float(r["cost"])
        channels = [float(r[f"cost_{c}"]) for c in "RGB"]
        assert cost == pytest.approx(np.mean(channels), rel=1e-8)
        assert float(r["psnr_db"]) == pytest.approx(10 * math.log10(1 / (2 * cost)), abs=1e-6)
    # epoch 0 of --init zeros: the cost of a black picture, (1/2M) sum y^2 per channel
    first = [float(rows[0][f"cost_{c}"]) for c in "RGB"]
    np.testing.assert_allclose(first, (target**2).mean(axis=(0, 1)) / 2, rtol=1e-8)
    costs = [float(r["cost"]) for r in rows]
    assert all(b < a for a, b in itertools.pairwise(costs))  # every frame makes progress
    assert costs[-1] < 1e-4 <= costs[-2]  # stops at the first frame below --max-cost
    # the GIF has the same frames as the log, identical neighbours merged
    assert 2 <= len(read_frames(workdir / "out.gif")) <= len(rows)


def test_grey_photo_gives_grey_outputs_and_log(workdir):
    Image.fromarray(colour_array()[:, :, 1]).save(workdir / "grey.png")
    result = invoke("learn", "grey.png", "-o", "g.png", "-o", "g.gif", "--log", "g.csv", "-q")
    assert result.exit_code == 0, result.output
    with Image.open(workdir / "g.png") as im:
        assert im.mode == "L"
    assert list(read_log(workdir / "g.csv")[0])[:4] == ["epoch", "cost", "cost_L", "psnr_db"]
    last = read_frames(workdir / "g.gif")[-1]
    assert np.array_equal(last[:, :, 0], last[:, :, 1])


def test_background_flag_reaches_the_image(workdir):
    a = np.zeros((8, 8, 4), dtype=np.uint8)
    a[:, :4] = (0, 0, 255, 255)  # opaque blue left half, transparent right half
    Image.fromarray(a).save(workdir / "alpha.png")
    result = invoke("learn", "alpha.png", "-o", "a.png", "--background", "red", "-q")
    assert result.exit_code == 0, result.output
    final = np.asarray(Image.open(workdir / "a.png")).astype(int)
    assert np.abs(final[:, 4:] - [255, 0, 0]).max() <= 8
    assert np.abs(final[:, :4] - [0, 0, 255]).max() <= 8


def test_several_outputs_at_once(workdir):
    outs = ["a.gif", "a.webp", "a.apng", "a.png", "a.jpg"]
    result = invoke("learn", "photo.png", *[x for o in outs for x in ("-o", o)], "--log", "a.csv")
    assert result.exit_code == 0, result.output
    assert listing(workdir) == {"photo.png", "a.csv", *outs}
    final = np.asarray(Image.open(workdir / "a.png"))
    assert np.array_equal(read_frames(workdir / "a.apng")[-1], final)


def test_scale_triples_every_output(workdir):
    result = invoke("learn", "photo.png", "-o", "s.gif", "-o", "s.png", "-o", "s.webp",
                    "--scale", "3", "-q")
    assert result.exit_code == 0, result.output
    for name in ["s.gif", "s.png", "s.webp"]:
        with Image.open(workdir / name) as im:
            assert im.size == (48, 36), name
    png = np.asarray(Image.open(workdir / "s.png"))
    assert np.array_equal(png, np.repeat(np.repeat(png[::3, ::3], 3, 0), 3, 1))  # nearest
    gif = read_frames(workdir / "s.gif")[-1]
    assert np.array_equal(gif, np.repeat(np.repeat(gif[::3, ::3], 3, 0), 3, 1))


def test_init_mean_starts_from_the_flat_mean_colour(workdir):
    result = invoke("learn", "photo.png", "-o", "m.apng", "--init", "mean", "-q")
    assert result.exit_code == 0, result.output
    first = read_frames(workdir / "m.apng")[0].astype(float)
    target = load_image(workdir / "photo.png")
    np.testing.assert_allclose(first, np.broadcast_to(target.mean(axis=(0, 1)) * 255,
                                                      first.shape), atol=0.51)


def test_init_random_with_seed_is_reproducible(workdir):
    for name in ["r1.png", "r2.png", "r3.png"]:
        seed = "7" if name != "r3.png" else "8"
        args = ["learn", "photo.png", "-o", name.replace(".png", "_%02d.png"), "--init", "random",
                "--seed", seed, "--frames", "5", "-q"]
        assert invoke(*args).exit_code == 0
    r1, r2, r3 = (np.asarray(Image.open(workdir / f"r{i}_00.png")) for i in (1, 2, 3))
    assert np.array_equal(r1, r2) and not np.array_equal(r1, r3)
    assert r1.std() > 40  # noise, not black


def test_burst_gives_fixed_bursts(workdir):
    result = invoke("learn", "photo.png", "-o", "b.gif", "--burst", "500", "--log", "b.csv", "-q")
    assert result.exit_code == 0, result.output
    epochs = [int(r["epoch"]) for r in read_log(workdir / "b.csv")]
    assert epochs[:3] == [0, 500, 1000]
    assert all(b - a == 500 for a, b in itertools.pairwise(epochs[:-1]))
    assert 0 < epochs[-1] - epochs[-2] <= 500  # the last burst stops at the threshold


def test_frames_flag_sets_about_how_many_frames(workdir):
    for n in (10, 60):
        result = invoke("learn", "photo.png", "-o", "f.gif", "--frames", str(n),
                        "--log", f"f{n}.csv", "-q")
        assert result.exit_code == 0, result.output
    few, many = (len(read_log(workdir / f"f{n}.csv")) for n in (10, 60))
    assert 6 <= few <= 14 and 40 <= many <= 70


def test_iterate_engine_agrees_with_exact(workdir):
    Image.fromarray(colour_array(6, 8)).save(workdir / "small.png")
    for engine in ("exact", "iterate"):
        result = invoke("learn", "small.png", "-o", f"{engine}.png", "--engine", engine,
                        "--log", f"{engine}.csv", "-q")
        assert result.exit_code == 0, result.output
    exact, iterate = read_log(workdir / "exact.csv"), read_log(workdir / "iterate.csv")
    assert [r["epoch"] for r in exact] == [r["epoch"] for r in iterate]
    np.testing.assert_allclose([float(r["cost"]) for r in exact],
                               [float(r["cost"]) for r in iterate], rtol=1e-6)


def test_max_epochs_cap_is_a_warning_not_an_error(workdir):
    result = invoke("learn", "photo.png", "-o", "cap.gif", "--max-epochs", "50", "--log",
                    "cap.csv", "-q")
    assert result.exit_code == 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("paintlr: warning:") and "50" in lines[0]
    assert int(read_log(workdir / "cap.csv")[-1]["epoch"]) == 50
    assert (workdir / "cap.gif").exists()


def test_quiet_prints_nothing(workdir):
    result = invoke("learn", "photo.png", "-o", "q.gif", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_summary_line(workdir):
    result = invoke("learn", "photo.png", "-o", "s.gif", "-o", "s.png", "--log", "s.csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert int(match.group(1)) == len(read_log(workdir / "s.csv"))
    assert match.group(2) == "s.gif, s.png, s.csv"
    last = read_log(workdir / "s.csv")[-1]
    assert f"{int(last['epoch']):,} epochs" in lines[0]
    assert f"PSNR {float(last['psnr_db']):.2f} dB" in lines[0]
    assert "Traceback" not in result.stderr and "warning" not in result.stderr


def test_summary_line_in_a_real_process(tmp_path, photo):
    proc = run_paintlr("learn", photo.name, "-o", "p.gif", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert SUMMARY.match(proc.stdout.strip()), proc.stdout
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    assert listing(tmp_path) == {"photo.png", "p.gif"}


# --- help, version ---------------------------------------------------------------------------

def test_version():
    script = Path(sys.executable).with_name("paintlr")
    if script.exists():
        proc = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                              timeout=60, check=False)
    else:
        proc = run_paintlr("--version", cwd=REPO)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"paintlr, version {paintlr.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", paintlr.__version__)


def test_python_m_paintlr_help(tmp_path):
    proc = run_paintlr("--help", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("Usage: ") and "learn" in proc.stdout
    proc = run_paintlr("learn", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for flag in ["--output", "--size", "--background", "--init", "--seed", "--learning-rate",
                 "--max-cost", "--max-epochs", "--frames", "--burst", "--engine", "--fps",
                 "--scale", "--log", "--quiet"]:
        assert flag in proc.stdout, flag


def test_help_does_not_import_numpy_or_pillow(tmp_path):
    code = (
        "import sys\n"
        "from paintlr.cli.app import cli\n"
        "for args in (['--help'], ['learn', '--help'], ['--version']):\n"
        "    assert cli.main(args, prog_name='paintlr', standalone_mode=False) == 0, args\n"
        "heavy = sorted(m for m in ('numpy', 'PIL') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


# --- Ctrl-C ----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["learn", "photo.png", "-o", "a.gif", "-o", "a.png", "--log", "a.csv"],
                                     ["learn", "photo.png", "--model", "logistic", "-o", "a.gif"],
                                     ["sweep", "photo.png", "-o", "a.gif"],
                                     ["fit", "--example", "points", "-o", "a.gif", "--log", "a.csv"],
                                     ["classify", "--example", "iris", "-o", "a.gif"]])
def test_ctrl_c_before_the_first_frame_exits_130_and_writes_nothing(workdir, monkeypatch, command):
    def interrupted(self):
        raise KeyboardInterrupt
        yield

    for target in ("paintlr.runs.painting.Painting.__iter__",
                   "paintlr.runs.palette_painting.PalettePainting.__iter__",
                   "paintlr.runs.sweep.Sweep.__iter__", "paintlr.runs.line_fit.FitAnimation.__iter__",
                   "paintlr.runs.classification.Classification.__iter__"):
        monkeypatch.setattr(target, interrupted)
    result = invoke(*command)
    assert result.exit_code == 130, result.output
    assert result.stderr.strip() == "paintlr: interrupted"
    assert listing(workdir) == {"photo.png"}  # no output and no temporary file


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                    (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_or_sigterm_writes_the_frames_so_far(tmp_path, sig, code, word):
    Image.fromarray(colour_array(32, 32)).save(tmp_path / "slow.png")
    args = [sys.executable, "-m", "paintlr", "learn", "slow.png", "-o", "out.gif", "-o",
            "out.png", "--log", "out.csv", "--engine", "iterate", "--max-epochs", "100000000",
            "--learning-rate", "0.002"]  # about 40 s of iteration: it will not finish
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # stderr on a terminal, so that the progress bar shows when training has started
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    # SIGINT back to its default in the child: if pytest itself runs with SIGINT ignored (nohup,
    # a background job), the child would inherit SIG_IGN through exec, Python would then install
    # no KeyboardInterrupt handler, and the signal below would do nothing.
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=slave,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    err = bytearray()

    def read_terminal():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the process closed the terminal
                return
            if not chunk:
                return
            err.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    deadline = time.monotonic() + 30
    while b"dB" not in err and time.monotonic() < deadline:  # a frame has been learned
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(sig)
    try:
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
        reader.join(timeout=5)
        os.close(master)
    stderr = err.decode(errors="replace")
    assert proc.returncode == code, stderr
    assert "epoch" in stderr and "dB" in stderr  # the progress bar: epochs, cost, PSNR
    assert re.search(r"<\d", stderr)  # with an ETA: the epochs to the threshold are known
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].endswith(f"{word}; wrote the frames so far")
    frames = read_frames(tmp_path / "out.gif")
    assert len(frames) >= 1 and np.array_equal(frames[0], np.zeros_like(frames[0]))
    rows = read_log(tmp_path / "out.csv")
    assert len(rows) >= 2 and float(rows[-1]["cost"]) > 1e-4  # some frames, not the end
    assert out.decode().strip().startswith(f"{int(rows[-1]['epoch']):,} epochs")
    assert listing(tmp_path) == {"slow.png", "out.gif", "out.png", "out.csv"}


# --- a real photo, not in the repository -----------------------------------------------------

def test_astronaut_end_to_end(tmp_path):
    data = pytest.importorskip("skimage.data")
    Image.fromarray(data.astronaut()).save(tmp_path / "astronaut.png")
    proc = run_paintlr("learn", "astronaut.png", "--size", "64", "-o", "astronaut.png.gif",
                       "-o", "final.png", "--log", "log.csv", "-q", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", proc.stderr
    with Image.open(tmp_path / "astronaut.png.gif") as im:
        assert im.n_frames >= 10 and im.size == (64, 64)
    rows = read_log(tmp_path / "log.csv")
    assert float(rows[-1]["cost"]) < 1e-4  # the threshold, --max-cost's default
    assert float(rows[-1]["psnr_db"]) > 36.98
    target = load_image(tmp_path / "astronaut.png", size=64)
    assert psnr_db(np.asarray(Image.open(tmp_path / "final.png")) / 255, target) >= 36
    assert psnr_db(read_frames(tmp_path / "astronaut.png.gif")[-1] / 255, target) >= 28


# --- inputs that outputs could clobber, and bare invocation ------------------------------------

def test_frame_pattern_never_overwrites_the_input(workdir):
    Image.fromarray(colour_array()).save(workdir / "f_000.png")
    original = (workdir / "f_000.png").read_bytes()
    result = invoke("learn", "f_000.png", "-o", "f_%03d.png", "-q")
    assert (workdir / "f_000.png").read_bytes() == original
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "f_%03d.png: refusing to overwrite the input"))


def test_no_arguments_shows_the_usage_unprefixed(workdir):
    result = invoke()
    assert result.exit_code in (0, 2)
    assert "Usage: paintlr" in result.output
    assert "paintlr: Usage" not in result.output


def test_output_that_is_an_existing_folder_is_a_usage_error_before_training(workdir):
    Image.fromarray(colour_array()).save(workdir / "in.png")
    (workdir / "taken.gif").mkdir()
    result = invoke("learn", "in.png", "-o", "taken.gif", "-q")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "taken.gif: is a folder"))


# --- optimizers, solver, info, sweep, logistic ------------------------------------------------

@pytest.mark.parametrize("flags", [["--optimizer", "sgd", "--seed", "1"],
                                   ["--optimizer", "sgd", "--batch-size", "8", "--learning-rate", "0.5"],
                                   ["--optimizer", "momentum", "--learning-rate", "0.5"]])
def test_other_optimizers_reach_the_threshold(workdir, flags):
    result = invoke("learn", "photo.png", "--log", "run.csv", *flags)
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "run.csv")
    assert len(rows) >= 5 and float(rows[-1]["cost"]) < 1e-4 <= float(rows[-2]["cost"])


def test_sgd_seed_makes_runs_reproducible(workdir):
    for name in ("a", "b"):
        invoke("learn", "photo.png", "--optimizer", "sgd", "--seed", "3", "-o", f"{name}.png", "-q")
    assert (workdir / "a.png").read_bytes() == (workdir / "b.png").read_bytes()


def test_exact_engine_needs_gd(workdir):
    result = invoke("learn", "photo.png", "--optimizer", "sgd", "--engine", "exact")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--engine'", "the exact engine needs optimizer gd", "not sgd"))


def test_solver_lstsq_writes_the_optimum_in_one_frame(workdir):
    result = invoke("learn", "photo.png", "--solver", "lstsq", "-o", "best.gif", "-o", "best.png",
                    "--log", "best.csv")
    assert result.exit_code == 0 and "least-squares solution" in result.stdout
    assert result.stderr == ""
    assert len(read_frames(workdir / "best.gif")) == 1
    assert np.array_equal(np.asarray(Image.open(workdir / "best.png")), colour_array())
    assert float(read_log(workdir / "best.csv")[0]["cost"]) < 1e-20


def test_solver_exact_still_works_with_a_note(workdir):
    result = invoke("learn", "photo.png", "--solver", "exact", "-o", "best.png")
    assert result.exit_code == 0 and "least-squares solution" in result.stdout
    assert result.stderr.strip() == "paintlr: note: --solver exact is now --solver lstsq"
    assert np.array_equal(np.asarray(Image.open(workdir / "best.png")), colour_array())


def test_log_reports_distance_from_the_optimum(workdir):
    invoke("learn", "photo.png", "--log", "run.csv", "-q")
    rows = read_log(workdir / "run.csv")
    assert all(float(r["excess_cost"]) == pytest.approx(float(r["cost"])) for r in rows)


def test_diverging_rate_fails_in_one_line_without_writing(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "2.5", "-o", "out.gif")
    limit = 2 * 192 / 193  # 2n / (n + 1) for the 12 x 16 photo
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("cost exploded", "learning rate 2.5", f"largest stable rate {limit:.6g}"))
    assert not (workdir / "out.gif").exists()


def test_an_unstable_rate_that_ends_before_exploding_warns_after_the_run(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "2.01", "--engine", "iterate",
                    "--max-epochs", "2",
                    "-o", "out.gif")
    assert result.exit_code == 0, result.output
    assert "at or above the largest stable rate" in result.stderr and (workdir / "out.gif").exists()


def test_info_reports_size_limit_and_forecast(workdir):
    result = invoke("info", "photo.png", "--learning-rate", "0.5")
    assert result.exit_code == 0, result.output
    n = 12 * 16
    assert f"16 x 12 = {n} pixels, 3 channels" in result.stdout
    assert f"learning rate < {2 * n / (n + 1):.6g}" in result.stdout
    epochs = int(re.search(r"0.5: ([\d,]+) epochs", result.stdout).group(1).replace(",", ""))
    invoke("learn", "photo.png", "--learning-rate", "0.5", "--log", "run.csv", "-q")
    assert int(read_log(workdir / "run.csv")[-1]["epoch"]) == epochs
    assert "ms per epoch" in result.stdout
    unstable = invoke("info", "photo.png", "--learning-rate", "3")
    assert unstable.exit_code == 0 and "explodes" in unstable.stdout


def test_sweep_writes_labelled_panels(workdir):
    result = invoke("sweep", "photo.png", "--learning-rate", "0.05", "--learning-rate", "1",
                    "--learning-rate", "2.5", "-o", "sweep.gif", "--frames", "12")
    assert result.exit_code == 0, result.output
    assert "gd lr 2.5: diverged" in result.stdout and "gd lr 1: converged" in result.stdout
    frames = read_frames(workdir / "sweep.gif")
    assert 2 <= len(frames) <= 12
    assert frames[0].shape[1] == 3 * 16 + 2 * 4  # three panels and two gaps
    right = frames[-1][:12, -16:].reshape(-1, 3).astype(int)
    assert (np.abs(right - [200, 30, 30]).max(axis=1) < 40).mean() > 0.9  # the diverged panel is red
    bad = invoke("sweep", "photo.png", "-o", "sweep.png")
    assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2,
                          names=("'--output'", "sweep.png: a sweep is an animation"))


def test_logistic_palette_painting(workdir):
    result = invoke("learn", "photo.png", "--model", "logistic", "--palette", "4", "--log", "p.csv",
                    "-o", "p.gif", "-o", "p.png")
    assert result.exit_code == 0, result.output
    assert "100.00 % of pixels right" in result.stdout
    rows = read_log(workdir / "p.csv")
    assert list(rows[0]) == ["epoch", "cost", "cost_0", "cost_1", "cost_2", "cost_3", "accuracy"]
    assert float(rows[-1]["accuracy"]) == 1.0 and float(rows[0]["accuracy"]) < 1.0
    final = np.asarray(Image.open(workdir / "p.png")).reshape(-1, 3)
    assert len(np.unique(final, axis=0)) == 4  # painted in the four palette colours
    soft = invoke("learn", "photo.png", "--model", "logistic", "--palette", "4", "--soft",
                  "-o", "s.png", "-q")
    assert soft.exit_code == 0
    mixed = np.asarray(Image.open(workdir / "s.png")).reshape(-1, 3)
    palette = np.unique(final, axis=0)
    assert not (mixed[:, None, :] == palette[None]).all(axis=2).any(axis=1).all()  # mixes, not pure


def test_logistic_rejects_linear_only_flags(workdir):
    result = invoke("learn", "photo.png", "--model", "logistic", "--solver", "lstsq")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--solver'", "the logistic model trains by batch gradient descent only"))


# --- feature maps -----------------------------------------------------------------------------

@pytest.mark.parametrize("features", ["xy", "poly", "fourier", "cosine"])
def test_feature_designs_paint_to_their_own_optimum(workdir, features):
    result = invoke("learn", "photo.png", "--features", features, "--degree", "4", "--n-features", "64",
                    "--log", "run.csv", "-o", "out.gif")
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "run.csv")
    last = rows[-1]
    optimum = float(last["cost"]) - float(last["excess_cost"])
    assert optimum > 1e-4  # out of the one-hot threshold's reach ...
    assert float(last["cost"]) < 1.1 * optimum  # ... so it stops within 10 % of its own best
    assert "warning" not in result.stderr
    assert float(rows[0]["cost"]) > float(last["cost"])


def test_output_size_draws_the_continuous_model_larger(workdir):
    result = invoke("learn", "photo.png", "--features", "cosine", "--n-features", "64",
                    "--output-size", "64", "-o", "big.png", "-o", "big.gif")
    assert result.exit_code == 0, result.output
    big = np.asarray(Image.open(workdir / "big.png"))
    assert big.shape == (48, 64, 3)  # 12 x 16 drawn at 64 on the long side
    blocky = np.repeat(np.repeat(big[::4, ::4], 4, axis=0), 4, axis=1)
    assert np.abs(big.astype(int) - blocky).mean() > 1  # not enlarged pixels
    with Image.open(workdir / "big.gif") as im:
        assert im.size == (64, 48)
    old = invoke("learn", "photo.png", "--features", "cosine", "--n-features", "64", "--render-size", "64",
                 "-o", "old.png")
    assert old.exit_code == 0 and "--output-size" in old.stderr
    assert np.array_equal(np.asarray(Image.open(workdir / "old.png")), big)


def test_output_size_enlarges_one_hot_pixels_to_any_size(workdir):
    result = invoke("learn", "photo.png", "--output-size", "40", "-o", "a.png", "-o", "a.gif", "-o", "a.webp")
    assert result.exit_code == 0, result.output
    small = invoke("learn", "photo.png", "-o", "small.png")
    assert small.exit_code == 0
    a, pixels = np.asarray(Image.open(workdir / "a.png")), np.asarray(Image.open(workdir / "small.png"))
    assert a.shape == (30, 40, 3)  # 12 x 16 at 40 on the long side: 2.5 times
    assert {tuple(c) for c in a.reshape(-1, 3)} == {tuple(c) for c in pixels.reshape(-1, 3)}  # blocks
    assert np.mean(np.all(a[1:] == a[:-1], axis=2)) > 0.5  # of 2 or 3 pixels: no colour in between
    for name in ("a.gif", "a.webp"):
        with Image.open(workdir / name) as im:
            assert im.size == (40, 30)
    both = invoke("learn", "photo.png", "--output-size", "40", "--scale", "2", "-o", "b.png")
    assert both.exit_code == 0 and Image.open(workdir / "b.png").size == (80, 60)


def test_frames_larger_than_the_limit_are_refused_before_training(workdir):
    result = invoke("learn", "photo.png", "--features", "xy", "--render-size", "8192", "--scale", "64")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--scale'", "524,288 x 393,216", "over the limit of 67 megapixels"))
    Image.fromarray(colour_array(2, 300)).save(workdir / "wide.png")
    result = invoke("learn", "wide.png", "--scale", "64", "-o", "big.webp")  # 16,384 x 128
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--scale'", "big.webp: frames of 16,384 x 128", "16,383 pixels a side"))
    assert invoke("learn", "wide.png", "--scale", "64", "-o", "big.gif", "--frames", "2").exit_code == 0


def test_odd_fourier_count_is_a_usage_error(workdir):
    result = invoke("learn", "photo.png", "--features", "fourier", "--n-features", "63")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--n-features'", "need an even count", "not 63"))


def test_info_reports_the_design_limit_and_ceiling(workdir):
    from paintlr.features.maps import CosineFeatures

    result = invoke("info", "photo.png", "--features", "cosine", "--n-features", "64")
    assert result.exit_code == 0, result.output
    assert "CosineFeatures(n_features=64" in result.stdout and "65 weights per channel" in result.stdout
    design = CosineFeatures(64, aspect=12 / 16).design(12, 16)
    phi = np.c_[np.ones(12 * 16), design.x]
    lam_max = np.linalg.eigvalsh(phi.T @ phi / (12 * 16)).max()
    assert f"learning rate < {2 / lam_max:.6g}" in result.stdout  # GD: 2 / lambda_max of [1, X]
    ceiling = float(re.search(r"least-squares optimum, ([\d.]+) dB", result.stdout).group(1))
    model = paintlr.LinearRegressionModel().solve(design, load_image("photo.png").reshape(-1, 3))
    best = model.cost(design, load_image("photo.png").reshape(-1, 3))
    assert ceiling == pytest.approx(10 * math.log10(1 / (2 * best)), abs=0.06)


def test_sweep_compares_designs(workdir):
    result = invoke("sweep", "photo.png", "--features", "onehot", "--features", "cosine",
                    "--n-features", "32", "-o", "designs.gif", "--frames", "10")
    assert result.exit_code == 0, result.output
    assert "onehot: converged" in result.stdout and "cosine: converged" in result.stdout
    assert read_frames(workdir / "designs.gif")[0].shape[1] == 2 * 16 + 4


def test_logistic_on_cosine_features_paints_regions(workdir):
    result = invoke("learn", "photo.png", "--model", "logistic", "--palette", "3", "--features", "cosine",
                    "--n-features", "64", "--max-epochs", "3000", "--log", "p.csv", "-q")
    assert result.exit_code == 0, result.output
    accuracy = float(read_log(workdir / "p.csv")[-1]["accuracy"])
    assert accuracy > 0.8


def test_more_features_than_pixels_are_capped_with_a_note(workdir):
    result = invoke("info", "photo.png", "--features", "fourier")  # 3072 features, 192 pixels
    assert result.exit_code == 0, result.output
    assert "using 190" in result.stderr and "191 weights per channel" in result.stdout


@pytest.mark.parametrize(("flags", "problem"), [
    (["--learning-rate", "nan"], ("'--learning-rate'", "nan is not a finite number")),
    (["--max-cost", "inf"], ("'--max-cost'", "inf is not a finite number")),
    (["--features", "fourier", "--sigma", "inf"], ("'--sigma'", "inf is not a finite number")),
    (["--fps", "nan"], ("'--fps'", "nan is not a finite number")),
    (["--optimizer", "momentum", "--momentum", "nan"], ("'--momentum'", "nan is not a finite number")),
    (["--init", "random", "--seed", "-1"], ("'--seed'", "-1 is not in the range x>=0")),
    (["--fps", "1e-300"], ("'--fps'", "1e-300 is not in the range 0.002<=x")),
    (["--fps", "0.001"], ("'--fps'", "0.001 is not in the range 0.002<=x")),  # a GIF frame for 1000 s
])
def test_numbers_nothing_can_take_are_usage_errors(workdir, flags, problem):
    result = invoke("learn", "photo.png", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)


def test_threshold_below_the_design_optimum_is_refused_before_training(workdir):
    result = invoke("learn", "photo.png", "--features", "xy", "--max-cost", "1e-6",
                    "--optimizer", "momentum")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--max-cost'", "1e-06 is out of reach"))


def test_sweep_runs_on_past_a_short_estimate(workdir):
    result = invoke("sweep", "photo.png", "--optimizer", "sgd", "--learning-rate", "0.9",
                    "--seed", "0", "-o", "s.gif")
    assert result.exit_code == 0, result.output
    assert "converged" in result.stdout and "running" not in result.stdout


@pytest.mark.parametrize(("flags", "problem"), [
    (["--soft"], ("'--soft'", "is for the logistic model")),
    (["--palette", "4"], ("'--palette'", "is for the logistic model")),
    (["--solver", "lstsq", "--optimizer", "sgd"], ("'--optimizer'", "no effect with the least-squares")),
    (["--solver", "lstsq", "--engine", "iterate"], ("'--engine'", "no effect with the least-squares")),
    (["--solver", "exact", "--burst", "10"], ("'--burst'", "no effect with the least-squares")),
])
def test_flags_that_would_be_ignored_are_usage_errors(workdir, flags, problem):
    result = invoke("learn", "photo.png", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)


# --- fit and classify: tables --------------------------------------------------------------------

def test_fit_five_points_ends_at_least_squares_with_the_error_surface(workdir):
    result = invoke("fit", "--example", "points", "-o", "fit.gif", "-o", "fit.png", "--log", "fit.csv")
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "fit.csv")
    assert list(rows[0]) == ["epoch", "cost", "intercept", "x"]
    assert float(rows[-1]["intercept"]) == pytest.approx(0.6, abs=1e-6)
    assert float(rows[-1]["x"]) == pytest.approx(0.8, abs=1e-6)
    assert float(rows[-1]["cost"]) == pytest.approx(0.16)  # least squares' own cost
    frames = read_frames(workdir / "fit.gif")
    assert len(frames) == len(rows) >= 10 and frames[0].shape == (540, 960, 3)
    assert "converged at epoch" in result.stdout and "least squares: intercept 0.6, x 0.8" in result.stdout


def test_fit_three_rates_marks_the_diverging_panel(workdir):
    result = invoke("fit", "--example", "points", "--learning-rate", "0.01", "--learning-rate", "0.1",
                    "--learning-rate", "0.2", "-o", "rates.gif")
    assert result.exit_code == 0, result.output
    assert "lr 0.2: diverged at epoch" in result.stdout and "lr 0.1: converged" in result.stdout
    assert result.stderr.count("warning: learning rate 0.2 is at or above the largest stable rate") == 1
    last = read_frames(workdir / "rates.gif")[-1]
    red = (last[..., 0] > 180) & (last[..., 1] < 80) & (last[..., 2] < 80)
    assert red[:, 640:].sum() > 500 and red[:, :640].sum() < 50  # the third panel, and only it, in red


def test_fit_one_diverging_rate_is_an_error_naming_the_limit(workdir):
    result = invoke("fit", "--example", "points", "--learning-rate", "0.5", "-o", "x.gif")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not below the largest stable rate 0.169" in result.stderr
    assert listing(workdir) == {"photo.png"}


def test_fit_still_draws_the_line_after_given_epochs(workdir):
    result = invoke("fit", "--example", "points", "--learning-rate", "0.01", "--at", "10", "--at", "100",
                    "--at", "1000", "-o", "steps.png")
    assert result.exit_code == 0, result.output
    with Image.open(workdir / "steps.png") as im:
        assert im.size == (960, 540)
    assert listing(workdir) == {"photo.png", "steps.png"}


def test_fit_several_columns_and_a_file(workdir):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    y = 1 + 2 * x[:, 0] - x[:, 1]
    np.savetxt(workdir / "table.csv", np.c_[x, y], delimiter=";", header="a;b;target", comments="")
    result = invoke("fit", "table.csv", "--log", "t.csv", "-q")
    assert result.exit_code == 0, result.output
    last = read_log(workdir / "t.csv")[-1]
    assert [round(float(last[k]), 6) for k in ("intercept", "a", "b")] == [1.0, 2.0, -1.0]
    assert (workdir / "table-fit.gif").is_file()


def test_classify_admissions_reproduces_the_known_answers(workdir):
    result = invoke("classify", "--example", "admissions", "--predict", "45,85", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    assert "cost 0.2035" in result.stdout and "89.0 % right" in result.stdout
    assert "theta (-25.161, 0.20623, 0.20147)" in result.stdout and "P(1) = 0.776" in result.stdout


def test_classify_iris_paints_three_classes(workdir):
    result = invoke("classify", "--example", "iris", "-o", "iris.gif", "--frames", "10", "--log", "i.csv")
    assert result.exit_code == 0, result.output
    frames = read_frames(workdir / "iris.gif")
    assert len(frames) == len(read_log(workdir / "i.csv")) <= 10
    assert float(read_log(workdir / "i.csv")[-1]["accuracy"]) > 0.9


@pytest.mark.parametrize("content, message", [
    ("a,b,y\n1,2,0\n3,abc,1\n", "row 3, column 'b'"),
    ("a,b,y\n1,2,0\n", "1 data row (row 2)"),
    ("a,b,y\n1,,0\n2,3,1\n", "row 2, column 'b'"),
])
def test_bad_tables_get_one_line_errors_naming_row_and_column(workdir, content, message):
    (workdir / "bad.csv").write_text(content)
    for command in ("fit", "classify"):
        result = invoke(command, "bad.csv")
        assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1, names=("bad.csv", message))
    assert "bad-fit.gif" not in listing(workdir)


TABLE_USAGE_ERRORS = [  # (args of fit, or of classify with --predict; exit code; what the error says)
    ([], 2, ("give a DATA file or --example NAME",)),
    (["photo.png", "--example", "points"], 2, ("give a DATA file or --example NAME", "one of the two")),
    (["--example", "points", "--x", "z"], 1, ("example points: no column 'z'", "the columns are 'x', 'y'")),
    (["--example", "admissions", "--predict", "45"], 2, ("'--predict'", "'45': give two numbers")),
    (["--example", "admissions", "--predict", "nan,85"], 2, ("'--predict'", "'nan,85': give two numbers")),
    (["--example", "admissions", "--predict", "45,inf"], 2, ("'--predict'", "'45,inf': give two numbers")),
    (["--example", "admissions", "--predict", "-inf,85"], 2, ("'--predict'", "'-inf,85': give two numbers")),
]


@pytest.mark.parametrize(("args", "code", "problem"), TABLE_USAGE_ERRORS,
                         ids=[" ".join(args) or "no data" for args, _, _ in TABLE_USAGE_ERRORS])
def test_table_usage_errors(workdir, args, code, problem):
    result = invoke("classify" if "--predict" in args else "fit", *args)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, code, names=problem)
    assert listing(workdir) == {"photo.png"}  # nothing written, nothing trained


def test_fit_interrupted_midway_writes_the_frames_so_far(workdir, monkeypatch):
    from paintlr.runs.line_fit import FitAnimation

    original = FitAnimation.__iter__

    def three_then_ctrl_c(self):
        for i, row in enumerate(original(self)):
            if i == 3:
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr(FitAnimation, "__iter__", three_then_ctrl_c)
    result = invoke("fit", "--example", "points", "-o", "a.gif", "--log", "a.csv")
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == "paintlr: interrupted; wrote the frames so far"
    assert len(read_frames(workdir / "a.gif")) == len(read_log(workdir / "a.csv")) == 3


# --- the player page and video (-o run.html, run.mp4, run.webm) -------------------------------

def test_the_demo_as_a_page_and_two_videos(tmp_path):
    """The issue's check: all three written; the page under 1.5 MB and offline; the MP4 has the
    GIF's frames and at most a quarter of its size."""
    import av

    outs = [tmp_path / n for n in ("a.html", "a.mp4", "a.webm", "a.gif")]
    result = invoke("learn", str(REPO / "sample_images" / "chelsea.png"), *(f"-o{o}" for o in outs))
    assert result.exit_code == 0, result.output
    page = outs[0].read_bytes()
    assert len(page) < 1_500_000
    assert b"http://" not in page and b"https://" not in page and b"src=\"//" not in page
    with Image.open(outs[3]) as gif:
        count = gif.n_frames
    for video in outs[1:3]:
        with av.open(str(video)) as container:
            assert sum(1 for _ in container.decode(video=0)) == count
    assert outs[1].stat().st_size <= outs[3].stat().st_size / 4


@pytest.mark.parametrize("command", [["learn", "{photo}"], ["sweep", "{photo}"],
                                     ["fit", "--example", "points"], ["classify", "--example", "admissions"]])
def test_every_animating_command_writes_a_page_and_a_video(workdir, photo, command):
    args = [c.format(photo=photo) for c in command]
    result = invoke(*args, "-o", "run.html", *([] if command[0] == "sweep" else ["-o", "run.webm"]),
                    "--frames", "4")
    assert result.exit_code == 0, result.output
    page = (workdir / "run.html").read_text()
    assert "paintlr " + command[0] in page
    frames = len(re.findall(r'^"data:image/', page, flags=re.M))
    assert frames >= 2
    if command[0] != "sweep":  # a sweep writes one output
        import av

        with av.open("run.webm") as container:
            assert sum(1 for _ in container.decode(video=0)) == frames


def test_video_without_pyav_is_one_line_before_any_training(workdir, photo, monkeypatch):
    import importlib.util

    import paintlr.runs.recipe

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "av" else real(name, *args))
    monkeypatch.setattr(paintlr.runs.recipe, "make_painting", lambda *a, **k: pytest.fail("trained anyway"))
    result = invoke("learn", str(photo), "-o", "a.gif", "-o", "a.mp4")
    assert result.exit_code == 1
    assert result.output.strip() == \
        "paintlr: error: writing .mp4 or .webm needs PyAV: pip install 'paintlr[video]'"
    assert sorted(p.name for p in workdir.iterdir()) == [photo.name]


def test_sgd_at_an_absurd_rate_is_a_clean_divergence(workdir):
    result = invoke("learn", "photo.png", "--optimizer", "sgd", "--learning-rate", "1e300",
                    "--max-epochs", "5")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("cost exploded", "learning rate 1e+300", "largest stable rate"))


def test_a_batch_larger_than_the_samples_is_the_full_batch(workdir):
    huge = invoke("learn", "photo.png", "--optimizer", "sgd", "--batch-size", str(10**30),
                  "--max-epochs", "5",
                  "--features", "xy", "--log", "huge.csv", "-o", "a.gif")
    assert huge.exit_code == 0, huge.output
    full = invoke("learn", "photo.png", "--optimizer", "sgd", "--batch-size", str(12 * 16), "--max-epochs",
                  "5", "--features", "xy", "--log", "full.csv", "-o", "b.gif", "--seed", "3")
    assert full.exit_code == 0, full.output
    assert (workdir / "huge.csv").read_text() == (workdir / "full.csv").read_text()


def test_a_newline_in_a_file_name_stays_on_one_line(workdir):
    result = invoke("learn", "no\nsuch.png")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("no\\nsuch.png", "no such file"))


def test_long_durations_read_as_a_person_reads_them():
    from paintlr.runs.advice import duration as _duration

    assert _duration(42) == "42 s"
    assert _duration(8.63e3 * 86400) == "23.6 years" or _duration(8.63e3 * 86400) == "24 years"
    assert "e+" not in _duration(1e14)


def test_a_costly_run_is_announced_in_one_line_each(workdir, monkeypatch):
    import paintlr.outputs.animation as anim
    from paintlr.runs.forecast import Forecast

    monkeypatch.setitem(anim.BYTES_PER_PIXEL, ".gif", 1e5)  # 12 x 16 x 59 frames: about 1.1 GB
    monkeypatch.setattr(Forecast, "seconds", lambda self, frames: 5400.0)
    result = invoke("learn", "photo.png", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "warning: this run will take about 90 min" in lines[0]
    assert "warning: the outputs will be about" in lines[1] and "MB" in lines[1]
    quiet = invoke("learn", "photo.png", "-o", "b.gif", "--learning-rate", "0.5")
    assert "take about" in quiet.stderr


@pytest.mark.parametrize("optimizer", ["momentum", "sgd"])
def test_the_progress_bar_knows_its_end_for_every_optimizer(workdir, optimizer, monkeypatch):
    import paintlr.cli.report as cli_mod

    totals = []
    real = cli_mod.progress
    monkeypatch.setattr(cli_mod, "progress", lambda total, quiet, **kw: totals.append(total) or real(
        total, quiet, **kw))
    result = invoke("learn", "photo.png", "--optimizer", optimizer, "--max-epochs", "50", "-o", "a.gif",
                    "--features", "xy")
    assert result.exit_code == 0, result.output
    assert totals == [50]
    invoke("learn", "photo.png", "--optimizer", optimizer, "-o", "b.gif")
    assert totals[-1] is not None and totals[-1] > 0  # one-hot: estimated from the slow modes


def test_sweep_shows_progress_while_preparing_and_training(workdir, monkeypatch):
    import paintlr.cli.report as cli_mod

    totals = []
    real = cli_mod.progress
    monkeypatch.setattr(cli_mod, "progress", lambda total, quiet, **kw: totals.append((total, kw)) or real(
        total, quiet, **kw))
    result = invoke("sweep", "photo.png", "-o", "s.gif")
    assert result.exit_code == 0, result.output
    (runs, prepare), (epochs, _) = totals
    assert runs == 3 and prepare["unit"] == "run"
    assert epochs > 1000  # the slowest converging rate's epochs to the threshold


def test_help_shows_whole_summaries_and_examples():
    top = invoke("--help").stdout
    for command in ("learn", "info", "sweep", "fit", "classify"):
        sub = invoke(command, "--help").stdout
        summary = " ".join(sub.split("\n\n")[1].split())
        assert summary in " ".join(top.split()), (command, summary)
        assert "Examples:" in sub and sub.count(f"paintlr {command} ") >= 3, command
    for command in cli.commands.values():
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, (command.name, param.name)


def test_dir_lists_the_public_api():
    assert {"Painting", "LinearRegressionModel", "OneHot"} <= set(dir(paintlr))


def _number(text: str, pattern: str) -> float:
    return float(re.search(pattern, text).group(1).replace(",", ""))


@pytest.mark.parametrize("features", ["onehot", "poly"])
def test_info_conditioning_matches_a_direct_eigendecomposition(workdir, features):
    """kappa, the rate limits and the best settings info prints, against numpy.linalg.eigh of the
    dense Gram matrix [1, X]^T [1, X] / m built explicitly (X = I for one-hot pixels)."""
    from paintlr.features.maps import feature_map

    result = invoke("info", "photo.png", "--features", features, "--degree", "3", "--optimizer", "momentum",
                    "--momentum", "0.8")
    assert result.exit_code == 0, result.output
    text = result.stdout
    fmap, _ = feature_map(features, (12, 16, 3), degree=3)
    x = np.eye(12 * 16) if fmap is None else fmap.design(12, 16).x
    phi = np.hstack([np.ones((x.shape[0], 1)), x])
    lam = np.linalg.eigvalsh(phi.T @ phi / x.shape[0])
    lam_min, lam_max = lam[lam > lam[-1] * 1e-10].min(), lam[-1]
    kappa = lam_max / lam_min
    assert _number(text, r"kappa ([\d,.e+]+)") == pytest.approx(kappa, rel=1e-5)
    assert _number(text, r"gd < ([\d.e+-]+)") == pytest.approx(2 / lam_max, rel=1e-5)
    assert _number(text, r"momentum 0.8 < ([\d.e+-]+)") == pytest.approx(2 * 1.8 / lam_max, rel=1e-5)
    assert _number(text, r"nesterov 0.8 < ([\d.e+-]+)") == pytest.approx(3.6 / 2.6 / lam_max, rel=1e-5)
    assert _number(text, r"gd rate ([\d.e+-]+)") == pytest.approx(2 / (lam_max + lam_min), rel=1e-5)
    root = np.sqrt(kappa)
    assert _number(text, r"momentum rate ([\d.e+-]+)") == pytest.approx(
        4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, rel=1e-5)
    assert _number(text, r"momentum rate [\d.e+-]+, beta ([\d.e+-]+)") == pytest.approx(
        ((root - 1) / (root + 1)) ** 2, rel=1e-5)


def test_info_epochs_at_the_best_settings_are_what_iterating_takes(workdir):
    """The epochs info gives for GD's best rate and optimal momentum: iterating the literal loops
    that long reaches the threshold, and (GD, whose cost never rises) one epoch less does not."""
    from paintlr.io.image import load_image

    text = invoke("info", "photo.png").stdout
    y = load_image("photo.png").reshape(-1, 3).T  # (3, n)
    n = y.shape[1]
    lam_min, lam_max = 1 / n, (n + 1) / n

    def cost_after(rate, beta, epochs):
        theta, v = np.zeros((3, n + 1)), np.zeros((3, n + 1))
        costs = []
        for _ in range(epochs + 1):
            r = theta[:, 1:] + theta[:, :1] - y
            costs.append(float(np.mean(np.sum(r * r, axis=1) / (2 * n))))
            g = np.hstack([r.sum(axis=1, keepdims=True), r]) / n
            v = beta * v - rate * g
            theta = theta + v
        return costs

    gd_epochs = int(_number(text, r"with them +gd ([\d,]+) epochs"))
    gd = cost_after(2 / (lam_max + lam_min), 0.0, gd_epochs)
    assert gd[-1] < 1e-4 <= gd[-2]
    momentum_epochs = int(_number(text, r"momentum ([\d,]+) epochs"))
    root = np.sqrt(lam_max / lam_min)
    heavy = cost_after(4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, ((root - 1) / (root + 1)) ** 2,
                       momentum_epochs + 50)
    assert heavy[momentum_epochs] < 1e-4 and max(heavy[momentum_epochs:]) < 1e-4  # and it stays below
    assert momentum_epochs < gd_epochs / 5


@pytest.mark.parametrize(("flags", "epochs_at_most"), [
    (["--learning-rate", "best"], None),
    (["--optimizer", "momentum", "--momentum", "best"], None),
    (["--optimizer", "nesterov", "--learning-rate", "best", "--momentum", "best"], None),
    (["--optimizer", "momentum", "--learning-rate", "best"], None),
])
def test_best_settings_train_faster_than_the_seed_rate(workdir, flags, epochs_at_most):
    seed = invoke("learn", "photo.png", "-o", "a.gif")
    best = invoke("learn", "photo.png", *flags, "-o", "b.gif")
    assert best.exit_code == 0, best.output
    assert int(_number(best.stdout, r"^([\d,]+) epochs")) < int(_number(seed.stdout, r"^([\d,]+) epochs")) / 3


@pytest.mark.parametrize(("flags", "problem"), [
    (["--optimizer", "sgd", "--learning-rate", "best"],
     ("'--learning-rate'", "best is known for gd", "not sgd")),
    (["--momentum", "best"], ("'--momentum'", "best is for optimizer momentum or nesterov, not gd")),
    (["--optimizer", "momentum", "--learning-rate", "0.1", "--momentum", "best"],
     ("'--momentum'", "best chooses the learning rate too")),
    (["--model", "logistic", "--learning-rate", "best"],
     ("'--learning-rate'", "best is for the linear model")),
])
def test_best_where_it_means_nothing_is_a_usage_error(workdir, flags, problem):
    result = invoke("learn", "photo.png", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)


def test_a_single_colour_photo_forecasts_every_optimizer(workdir):
    Image.new("RGB", (1, 1), (200, 30, 30)).save(workdir / "one.png")
    for optimizer in ("sgd", "momentum", "nesterov"):
        result = invoke("info", "one.png", "--optimizer", optimizer)
        assert result.exit_code == 0, result.output
        made = invoke("learn", "one.png", "--optimizer", optimizer, "--max-epochs", "5", "-o", "a.gif")
        assert made.exit_code == 0, made.output


def test_a_one_pixel_photo_has_no_cosine_features_but_two_pixels_do(workdir):
    Image.new("RGB", (1, 1), (200, 30, 30)).save(workdir / "one.png")
    result = invoke("learn", "one.png", "--features", "cosine", "--optimizer", "sgd")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--features'", "a 1 x 1 image has no frequency for a cosine feature"))
    Image.fromarray(colour_array(1, 2)).save(workdir / "two.png")
    result = invoke("learn", "two.png", "--features", "cosine", "--optimizer", "sgd", "--max-epochs", "5",
                    "-o", "two.gif")
    assert result.exit_code == 0, result.output


def test_max_epochs_past_the_limit_is_a_usage_error(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "3", "--max-epochs", str(10**21))
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--max-epochs'", f"{10**21} is not in the range 1<=x<={10**15}"))


def test_a_photo_name_that_is_not_utf8_still_makes_a_page(tmp_path):
    name = os.fsdecode(b"\xff.png")
    Image.fromarray(colour_array()).save(tmp_path / name)
    proc = run_paintlr("learn", name, "-o", "page.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "</html>" in (tmp_path / "page.html").read_text(errors="strict")
    assert listing(tmp_path) == {name, "page.html"}


def test_sweep_run_pairs(workdir):
    result = invoke("sweep", "photo.png", "--run", "gd:0.05", "--run", "gd:best", "--run", "momentum:best",
                    "--momentum", "best", "-o", "s.gif")
    assert result.exit_code == 0, result.output
    assert "gd lr 0.05: converged" in result.stdout and "(best) beta" in result.stdout
    for flags, problem in ((["--run", "adam:0.1"], ("'--run'", "'adam:0.1': the optimizer must be one of")),
                           (["--run", "gd:0.05", "--optimizer", "gd"],
                            ("give --run, or --optimizer and --learning-rate", "not both")),
                           (["--run", "gd:-1"], ("'--run'", "-1.0 is not in the range x>0"))):
        bad = invoke("sweep", "photo.png", *flags, "-o", "t.gif")
        assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=problem)


def test_info_reports_a_palette_painting(workdir):
    result = invoke("info", "photo.png", "--model", "logistic", "--palette", "4", "--soft")
    assert result.exit_code == 0, result.output
    assert "logistic, a palette of 4 colours" in result.stdout and "probability-weighted" in result.stdout
    assert "learning rate <" in result.stdout and "not predicted" in result.stdout


def test_sweep_compares_palette_paintings(workdir):
    result = invoke("sweep", "photo.png", "--model", "logistic", "--palette", "4", "--learning-rate", "1",
                    "--learning-rate", "5", "-o", "p.gif", "--log", "p.csv")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("No such option", "'--log'"))  # a sweep has no --log
    result = invoke("sweep", "photo.png", "--model", "logistic", "--palette", "4", "--learning-rate", "1",
                    "--learning-rate", "5", "-o", "p.gif")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("% right") == 2 and "gd lr 1: converged" in result.stdout
    for flags, problem in (
            (["--model", "logistic", "--optimizer", "momentum"],
             ("'--optimizer'", "trains by batch gradient descent only (optimizer momentum)")),
            (["--palette", "4"], ("'--palette'", "is for the logistic model")),
            (["--model", "logistic", "--learning-rate", "best"],
             ("'--learning-rate'", "best is for the linear model"))):
        bad = invoke("sweep", "photo.png", *flags, "-o", "q.gif")
        assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=problem)


def test_quality_sets_webp_jpeg_and_page_frames(workdir):
    Image.fromarray(colour_array(48, 64)).save(workdir / "big.png")
    sizes = {}
    for quality in ("20", "95", "lossless"):
        result = invoke("learn", "big.png", "--quality", quality, "-o", f"q{quality}.webp", "-o",
                        f"q{quality}.jpg", "-o", f"q{quality}.html", "--frames", "4")
        assert result.exit_code == 0, result.output
        sizes[quality] = (workdir / f"q{quality}.webp").stat().st_size
    assert sizes["20"] < sizes["95"]
    lossless, still = read_frames(workdir / "qlossless.webp"), read_frames(workdir / "q95.jpg")[0]
    learned = invoke("learn", "big.png", "-o", "exact.png", "--frames", "4")
    assert learned.exit_code == 0
    assert np.array_equal(lossless[-1], np.asarray(Image.open(workdir / "exact.png")))  # every pixel kept
    assert psnr_db(still / 255.0, lossless[-1] / 255.0) > 30
    import base64
    import io

    page = (workdir / "qlossless.html").read_text()
    first = re.search(r'"data:image/\w+;base64,([^"]+)"', page).group(1)
    frame = np.asarray(Image.open(io.BytesIO(base64.b64decode(first))).convert("RGB"))
    assert np.array_equal(frame, lossless[0])  # PNG or lossless WebP: every pixel kept
    bad = invoke("learn", "big.png", "--quality", "0")
    assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2,
                          names=("'--quality'", "'0' is not a number from 1 to 100"))


def test_a_sweep_too_large_to_write_is_refused_before_preparing(workdir, monkeypatch):
    import paintlr.runs.sweep as sweep_mod

    def never(*args, **kwargs):
        raise AssertionError("the runs were prepared")

    monkeypatch.setattr(sweep_mod.Sweep, "__init__", never)
    Image.fromarray(colour_array(2, 300)).save(workdir / "wide.png")
    result = invoke("sweep", "wide.png", "--scale", "64", "-o", "s.webp")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--scale'", "s.webp: frames of 49,160 x 176", "16,383 pixels a side"))
