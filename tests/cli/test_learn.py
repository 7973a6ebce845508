"""paintlr learn: bad photos, every output, the log, the flags, a real photo."""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest
from cli_run import SUMMARY, invoke, number, read_log
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

import paintlr.cli.report as report
import paintlr.io.image as image_mod
from paintlr.io.image import load_image
from paintlr.settings import LOGISTIC_MAX_EPOCHS


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

BAD_IMAGES = {  # name -> file content (None: a directory); all exit 1 but the missing file and the directory
    "missing.png": "absent",
    "folder.png": None,
    "empty.png": b"",
    "text.png": b"hello, I am not a picture\n",
    "truncated.png": png_prefix,
    "truncated.jpg": jpg_prefix,
    "bomb.png": png_bytes_claiming(100_000, 100_000),
}

BAD_IMAGE_PROBLEMS = {  # name -> what its one-line error must say, besides the name
    "missing.png": ("'PHOTO'", "does not exist"),
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
    # a missing file or a directory is a usage error; the rest are images paintlr cannot use
    assert_one_line_error(result.exit_code, result.stdout, result.stderr,
                          2 if name in ("missing.png", "folder.png") else 1,
                          names=(name, *BAD_IMAGE_PROBLEMS[name]))
    assert listing(workdir) == before


def test_decompression_bomb_limit_in_process(workdir, monkeypatch):
    monkeypatch.setattr(image_mod, "MAX_PIXELS", 50)  # photo.png has 192 pixels
    result = invoke("learn", "photo.png", "-o", "out.gif")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("photo.png", "too large", "16 x 12"))
    assert listing(workdir) == {"photo.png"}


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
    assert info["global_table"] and not info["frames"][0]["local_table"]  # frames between may have their own
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


def test_a_run_cut_by_max_epochs_says_it_stopped_there_and_how_far_short(workdir):
    """One-hot samples reach cost 0, so the gap is to the threshold's PSNR (max_cost 1e-4: 36.99 dB);
    xy features have a least-squares floor above 0, so the gap is to the optimum's."""
    result = invoke("learn", "photo.png", "-o", "cap.html", "--max-epochs", "50", "--log", "cap.csv")
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "cap.csv")
    last = rows[-1]
    assert last["epoch"] == "50" and last["status"] == "stopped"
    assert {r["status"] for r in rows[:-1]} == {"running"}
    threshold = 10 * math.log10(1 / (2 * 1e-4))
    gap = threshold - float(last["psnr_db"])
    tail = f"; stopped at the epoch limit, PSNR {gap:.2f} dB below the threshold's {threshold:.2f} dB"
    assert SUMMARY.match(result.stdout.strip()) and tail + "," in result.stdout, result.stdout
    assert tail in (workdir / "cap.html").read_text()  # the player page's summary
    xy = invoke("learn", "photo.png", "--features", "xy", "-o", "xy.png", "--max-epochs", "3",
                "--log", "xy.csv")
    assert xy.exit_code == 0, xy.output
    last = read_log(workdir / "xy.csv")[-1]
    optimum = float(last["cost"]) - float(last["excess_cost"])
    best = 10 * math.log10(1 / (2 * optimum))
    assert (f"; stopped at the epoch limit, PSNR {best - float(last['psnr_db']):.2f} dB below the optimum's "
            f"{best:.2f} dB") in xy.stdout, xy.stdout


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


def test_frame_pattern_never_overwrites_the_input(workdir):
    Image.fromarray(colour_array()).save(workdir / "f_000.png")
    original = (workdir / "f_000.png").read_bytes()
    result = invoke("learn", "f_000.png", "-o", "f_%03d.png", "-q")
    assert (workdir / "f_000.png").read_bytes() == original
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "f_%03d.png: refusing to overwrite the input"))


def test_output_that_is_an_existing_folder_is_a_usage_error_before_training(workdir):
    Image.fromarray(colour_array()).save(workdir / "in.png")
    (workdir / "taken.gif").mkdir()
    result = invoke("learn", "in.png", "-o", "taken.gif", "-q")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--output'", "taken.gif: is a folder"))


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


def test_logistic_palette_painting(workdir):
    result = invoke("learn", "photo.png", "--model", "logistic", "--palette", "4", "--log", "p.csv",
                    "-o", "p.gif", "-o", "p.png")
    assert result.exit_code == 0, result.output
    assert "100.00 % of pixels right" in result.stdout
    rows = read_log(workdir / "p.csv")
    assert list(rows[0]) == ["epoch", "cost", "cost_0", "cost_1", "cost_2", "cost_3", "accuracy", "status"]
    assert float(rows[-1]["accuracy"]) == 1.0 and float(rows[0]["accuracy"]) < 1.0
    assert rows[-1]["status"] == "converged" and "stopped" not in result.stdout
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


@pytest.mark.parametrize("features", ["xy", "poly", "fourier", "cosine"])
def test_feature_designs_paint_to_their_own_optimum(workdir, features):
    detail = {"poly": ["--degree", "4"], "fourier": ["--n-features", "64"], "cosine": ["--n-features", "64"]}
    result = invoke("learn", "photo.png", "--features", features, *detail.get(features, []),
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


def test_logistic_on_cosine_features_paints_regions(workdir):
    result = invoke("learn", "photo.png", "--model", "logistic", "--palette", "3", "--features", "cosine",
                    "--n-features", "64", "--max-epochs", "3000", "--log", "p.csv", "-q")
    assert result.exit_code == 0, result.output
    accuracy = float(read_log(workdir / "p.csv")[-1]["accuracy"])
    assert accuracy > 0.8


def test_threshold_below_the_design_optimum_is_refused_before_training(workdir):
    result = invoke("learn", "photo.png", "--features", "xy", "--max-cost", "1e-6",
                    "--optimizer", "momentum")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--max-cost'", "1e-06 is out of reach"))


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


def test_a_costly_run_is_announced_in_one_line_each(workdir, monkeypatch):
    from paintlr.outputs.gif import GifWriter
    from paintlr.runs.forecast import Forecast

    monkeypatch.setattr(GifWriter, "bytes_per_pixel", 1e5)  # 12 x 16 x 59 frames: about 1.1 GB
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
    monkeypatch.setattr(cli_mod, "progress", lambda total, quiet, **kw: (
        kw.get("unit", "epoch") == "epoch" and totals.append(total)) or real(total, quiet, **kw))
    result = invoke("learn", "photo.png", "--optimizer", optimizer, "--max-epochs", "50", "-o", "a.gif",
                    "--features", "xy")
    assert result.exit_code == 0, result.output
    assert totals == [50]
    invoke("learn", "photo.png", "--optimizer", optimizer, "-o", "b.gif")
    assert totals[-1] is not None and totals[-1] > 0  # one-hot: estimated from the slow modes


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
    assert int(number(best.stdout, r"^([\d,]+) epochs")) < int(number(seed.stdout, r"^([\d,]+) epochs")) / 3


def test_a_one_pixel_photo_has_no_cosine_features_but_two_pixels_do(workdir):
    Image.new("RGB", (1, 1), (200, 30, 30)).save(workdir / "one.png")
    result = invoke("learn", "one.png", "--features", "cosine", "--optimizer", "sgd")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--features'", "a 1 x 1 image has no frequency for a cosine feature"))
    Image.fromarray(colour_array(1, 2)).save(workdir / "two.png")
    result = invoke("learn", "two.png", "--features", "cosine", "--optimizer", "sgd", "--max-epochs", "5",
                    "-o", "two.gif")
    assert result.exit_code == 0, result.output


def test_a_photo_name_that_is_not_utf8_still_makes_a_page(tmp_path):
    name = os.fsdecode(b"\xff.png")
    Image.fromarray(colour_array()).save(tmp_path / name)
    proc = run_paintlr("learn", name, "-o", "page.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "</html>" in (tmp_path / "page.html").read_text(errors="strict")
    assert listing(tmp_path) == {name, "page.html"}


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


@pytest.fixture
def totals(monkeypatch):
    """The totals the epoch progress bars are given."""
    seen = []
    real = report.progress
    monkeypatch.setattr(report, "progress", lambda total, quiet, **kw: (
        kw.get("unit", "epoch") == "epoch" and seen.append(total)) or real(total, quiet, **kw))
    return seen


def test_a_feature_design_is_prepared_under_a_progress_bar(workdir, monkeypatch):
    bars = []
    real = report.progress

    def progress(total, quiet, **kw):
        bar = real(total, quiet, **kw)
        bar.kw, bar.steps, update = kw, [], bar.update
        bar.update = lambda n=1: bar.steps.append(n) or update(n)
        bars.append(bar)
        return bar

    monkeypatch.setattr(report, "progress", progress)
    result = invoke("learn", "photo.png", "--features", "fourier", "--n-features", "64", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    preparing, epochs = bars
    assert preparing.kw["unit"] == "step" and "preparing" in preparing.kw["desc"]
    assert sum(preparing.steps) == preparing.total >= 2  # each step reported as it ends
    assert epochs.kw.get("unit", "epoch") == "epoch"


def test_a_max_epochs_given_is_known_even_when_it_equals_a_default(workdir, totals):
    """Logistic runs are not forecast: the bar's total is the --max-epochs given, also 1,000,000,
    the logistic default; without it, the bar has no total."""
    given = invoke("learn", "photo.png", "--model", "logistic", "--palette", "2", "--max-epochs",
                   LOGISTIC_MAX_EPOCHS, "-o", "a.gif")
    assert given.exit_code == 0, given.output
    default = invoke("learn", "photo.png", "--model", "logistic", "--palette", "2", "-o", "b.gif")
    assert default.exit_code == 0, default.output
    assert totals == [LOGISTIC_MAX_EPOCHS, None]


def test_library_warnings_name_the_flags(workdir):
    result = invoke("learn", "photo.png", "--max-epochs", "5", "-o", "a.gif", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("paintlr: warning: stopped at --max-epochs 5 with cost ")
    assert "still above --max-cost 0.0001" in result.stderr and "max_epochs" not in result.stderr


def test_an_unstable_rate_is_warned_of_once_after_the_run(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "2.01", "--engine", "iterate",
                    "--max-epochs", "2", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("is at or above the largest stable rate") == 1
    assert "for gd; the cost grows without bound" in result.stderr


def test_the_page_shows_the_command_relative_to_its_own_folder(workdir):
    """Absolute paths typed (or expanded by the shell from ~) are shown from the page's folder: the
    page names no home folder, and the command runs as shown from where the page is."""
    (workdir / "out").mkdir()
    photo, page = workdir / "photo.png", workdir / "out" / "run.html"
    log = workdir / "out" / "run.csv"
    result = invoke("learn", str(photo), "--frames", "3", "-o", str(page), f"--log={log}")
    assert result.exit_code == 0, result.output
    text = re.search(r'"command":"([^"]*)"', page.read_text())[1]
    assert text == "paintlr learn ../photo.png --frames 3 -o run.html --log=run.csv"
    assert str(workdir) not in page.read_text()
