"""The paintlr command line as a whole: help, version, usage errors, interruption, every command's outputs."""

from __future__ import annotations

import fcntl
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
from cli_run import SUMMARY, invoke, read_log
from conftest import (
    REPO,
    assert_one_line_error,
    colour_array,
    listing,
    png_bytes_claiming,
    read_frames,
    run_paintlr,
)
from PIL import Image

import paintlr
from paintlr.cli.app import cli

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

SUBPROCESS_CASES = [  # (files to create, args, exit code, what the one-line error must say)
    ({}, ["learn", "missing.png"], 2, ("missing.png", "does not exist")),
    ({}, ["sweep", "missing.png"], 2, ("missing.png", "does not exist")),
    ({}, ["learn", "."], 2, ("'.'", "is a directory")),
    ({}, ["fit", "missing.csv"], 2, ("missing.csv", "does not exist")),
    ({"truncated.png": "truncated"}, ["learn", "truncated.png"], 1, ("truncated.png", "cannot decode image")),
    ({"bomb.png": "bomb"}, ["learn", "bomb.png"], 1, ("bomb.png", "image too large", "60000 x 60000")),
    ({"text.png": "text"}, ["learn", "text.png"], 1, ("text.png", "not an image Pillow can read")),
    ({}, ["learn", "photo.png", "--learning-rate", "0"], 2, ("'--learning-rate'", "not in the range x>0")),
    ({}, ["learn", "photo.png", "-o", "out.tiff"], 2, ("'--output'", "unknown output extension '.tiff'")),
    ({}, ["learn", "photo.png", "-o", "photo.png"], 2, ("'--output'", "refusing to overwrite the input")),
    ({}, ["learn", "photo.png", "--background", "nope"], 2, ("'--background'", "unknown colour 'nope'")),
    ({}, ["no-such-command"], 2, ("No such command", "'no-such-command'")),
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


def test_summary_line_in_a_real_process(tmp_path, photo):
    proc = run_paintlr("learn", photo.name, "-o", "p.gif", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert SUMMARY.match(proc.stdout.strip()), proc.stdout
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    assert listing(tmp_path) == {"photo.png", "p.gif"}


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
    while not re.search(rb"<\d", err) and time.monotonic() < deadline:  # and an ETA shown (report.progress)
        time.sleep(0.05)
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
    # the epochs trained, which go on past the last frame drawn, then that frame (just the frame
    # if the signal came while it was written)
    last, summary = int(rows[-1]["epoch"]), out.decode().strip()
    trained = re.match(r"([\d,]+) epochs trained when interrupted; last frame after ([\d,]+) epochs", summary)
    if trained:
        assert int(trained.group(1).replace(",", "")) > last == int(trained.group(2).replace(",", ""))
    else:
        assert summary.startswith(f"{last:,} epochs, cost"), summary
    assert listing(tmp_path) == {"slow.png", "out.gif", "out.png", "out.csv"}


def test_no_arguments_shows_the_usage_unprefixed(workdir):
    result = invoke()
    assert result.exit_code in (0, 2)
    assert "Usage: paintlr" in result.output
    assert "paintlr: Usage" not in result.output


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


@pytest.mark.parametrize(("flags", "problem"), [
    (["--soft"], ("--soft needs --model logistic",)),
    (["--palette", "4"], ("--palette needs --model logistic",)),
    (["--momentum", "0.5"], ("--momentum needs --optimizer momentum or nesterov",)),
    (["--momentum", "0.9"], ("--momentum needs --optimizer momentum or nesterov",)),  # the default, given
    (["--batch-size", "8"], ("--batch-size needs --optimizer sgd",)),
    (["--degree", "5"], ("--degree needs --features poly",)),
    (["--sigma", "3", "--features", "cosine"], ("--sigma needs --features fourier",)),
    (["--n-features", "64", "--features", "poly"], ("--n-features needs --features fourier or cosine",)),
    (["--seed", "1"], ("--seed needs --init random, --optimizer sgd, --features fourier or --model "
                       "logistic",)),
    (["--burst", "10", "--frames", "30"], ("--frames cannot go with --burst",)),
    (["--solver", "lstsq", "--optimizer", "sgd"], ("'--optimizer'", "no effect with the least-squares")),
    (["--solver", "lstsq", "--engine", "iterate"], ("'--engine'", "no effect with the least-squares")),
    (["--solver", "exact", "--burst", "10"], ("'--burst'", "no effect with the least-squares")),
])
def test_flags_that_would_be_ignored_are_usage_errors(workdir, flags, problem):
    result = invoke("learn", "photo.png", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)


@pytest.mark.parametrize("command", [["learn", "{photo}"], ["sweep", "{photo}"],
                                     ["fit", "--example", "points"], ["classify", "--example", "admissions"]])
def test_every_animating_command_writes_a_page_and_a_video(workdir, photo, command):
    args = [c.format(photo=photo) for c in command]
    result = invoke(*args, "-o", "run.html", "-o", "run.webm", "--frames", "4")
    assert result.exit_code == 0, result.output
    page = (workdir / "run.html").read_text()
    assert "paintlr " + command[0] in page
    frames = len(re.findall(r'^"data:image/', page, flags=re.M))
    assert frames >= 2
    import av

    with av.open("run.webm") as container:
        assert sum(1 for _ in container.decode(video=0)) == frames


def test_a_newline_in_a_file_name_stays_on_one_line(workdir):
    result = invoke("learn", "no\nsuch.png")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("no\\nsuch.png", "does not exist"))


def test_long_durations_read_as_a_person_reads_them():
    from paintlr.runs.advice import duration as _duration

    assert _duration(42) == "42 s"
    assert _duration(8.63e3 * 86400) == "23.6 years" or _duration(8.63e3 * 86400) == "24 years"
    assert "e+" not in _duration(1e14)


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


@pytest.mark.parametrize(("flags", "problem"), [
    (["--optimizer", "sgd", "--learning-rate", "best"],
     ("'--learning-rate'", "best is known for gd", "not sgd")),
    (["--momentum", "best"], ("--momentum needs --optimizer momentum or nesterov",)),
    (["--optimizer", "momentum", "--learning-rate", "0.1", "--momentum", "best"],
     ("'--momentum'", "best chooses the learning rate too")),
    (["--model", "logistic", "--learning-rate", "best"],
     ("'--learning-rate'", "best is for the linear model")),
])
def test_best_where_it_means_nothing_is_a_usage_error(workdir, flags, problem):
    result = invoke("learn", "photo.png", *flags)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2, names=problem)


def test_max_epochs_past_the_limit_is_a_usage_error(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "3", "--max-epochs", str(10**21))
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--max-epochs'", f"{10**21} is not in the range 1<=x<={10**15}"))
