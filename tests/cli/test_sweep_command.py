"""paintlr sweep: panels side by side, rates, optimizers, designs and palettes."""

from __future__ import annotations

import numpy as np
from cli_run import invoke, read_log
from conftest import (
    assert_one_line_error,
    colour_array,
    read_frames,
)
from PIL import Image

from paintlr.render.panels import MIN_PANEL


def test_sweep_writes_labelled_panels(workdir):
    result = invoke("sweep", "photo.png", "--learning-rate", "0.05", "--learning-rate", "1",
                    "--learning-rate", "2.5", "-o", "sweep.gif", "--frames", "12")
    assert result.exit_code == 0, result.output
    assert "gd lr 2.5: diverged" in result.stdout and "gd lr 1: converged" in result.stdout
    frames = read_frames(workdir / "sweep.gif")
    assert 2 <= len(frames) <= 12
    assert frames[0].shape[1] == 3 * MIN_PANEL + 2 * 4  # 16 px tiles enlarged 8 times, two gaps
    right = frames[-1][:12, -16:].reshape(-1, 3).astype(int)
    assert (np.abs(right - [200, 30, 30]).max(axis=1) < 40).mean() > 0.9  # the diverged panel is red
    bad = invoke("sweep", "photo.png", "-o", "sweep.png")
    assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2,
                          names=("'--output'", "sweep.png: a sweep is an animation"))


def test_sweep_compares_designs(workdir):
    result = invoke("sweep", "photo.png", "--features", "onehot", "--features", "cosine",
                    "--n-features", "32", "-o", "designs.gif", "--frames", "10")
    assert result.exit_code == 0, result.output
    assert "onehot: converged" in result.stdout and "cosine: converged" in result.stdout
    assert read_frames(workdir / "designs.gif")[0].shape[1] == 2 * MIN_PANEL + 4


def test_sweep_runs_on_past_a_short_estimate(workdir):
    result = invoke("sweep", "photo.png", "--optimizer", "sgd", "--learning-rate", "0.9",
                    "--seed", "0", "-o", "s.gif")
    assert result.exit_code == 0, result.output
    assert "converged" in result.stdout and "running" not in result.stdout


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


def test_sweep_run_pairs(workdir):
    result = invoke("sweep", "photo.png", "--run", "gd:0.05", "--run", "gd:best", "--run", "momentum:best",
                    "--momentum", "best", "-o", "s.gif")
    assert result.exit_code == 0, result.output
    assert "gd lr 0.05: converged" in result.stdout and "(best) beta" in result.stdout
    for flags, problem in ((["--run", "adam:0.1"], ("'--run'", "'adam:0.1': the optimizer must be one of")),
                           (["--run", "gd:0.05", "--optimizer", "gd"],
                            ("Invalid value for '--run'", "optimizers and learning rates", "not both")),
                           (["--run", "gd:-1"], ("'--run'", "-1.0 is not in the range x>0"))):
        bad = invoke("sweep", "photo.png", *flags, "-o", "t.gif")
        assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=problem)


def test_sweep_compares_palette_paintings(workdir):
    result = invoke("sweep", "photo.png", "--model", "logistic", "--palette", "4", "--learning-rate", "1",
                    "--learning-rate", "5", "-o", "p.gif", "--log", "p.csv")
    assert result.exit_code == 0, result.output
    assert {"cost (gd lr 1)", "cost (gd lr 5)"} <= set(read_log(workdir / "p.csv")[0])
    assert result.stdout.count("% right") == 2 and "gd lr 1: converged" in result.stdout
    for flags, problem in (
            (["--model", "logistic", "--optimizer", "momentum"],
             ("'--optimizer'", "trains by batch gradient descent only (optimizer momentum)")),
            (["--palette", "4"], ("--palette needs --model logistic",)),
            (["--model", "logistic", "--learning-rate", "best"],
             ("'--learning-rate'", "best is for the linear model"))):
        bad = invoke("sweep", "photo.png", *flags, "-o", "q.gif")
        assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=problem)


def test_a_sweep_too_large_to_write_is_refused_before_preparing(workdir, monkeypatch):
    import paintlr.runs.sweep as sweep_mod

    def never(*args, **kwargs):
        raise AssertionError("the runs were prepared")

    monkeypatch.setattr(sweep_mod.Sweep, "__init__", never)
    Image.fromarray(colour_array(2, 300)).save(workdir / "wide.png")
    result = invoke("sweep", "wide.png", "--scale", "64", "-o", "s.webp")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--scale'", "s.webp: frames of 49,160 x 176", "16,383 pixels a side"))


def test_sweep_writes_every_output_and_its_log(workdir):
    result = invoke("sweep", "photo.png", "--learning-rate", "0.05", "--learning-rate", "1",
                    "-o", "s1.gif", "-o", "s2.webp", "--log", "s.csv", "--frames", "6")
    assert result.exit_code == 0, result.output
    assert len(read_frames(workdir / "s1.gif")) == len(read_frames(workdir / "s2.webp")) >= 2
    rows = read_log(workdir / "s.csv")
    assert len(rows) == len(read_frames(workdir / "s1.gif"))
    assert {"cost (gd lr 0.05)", "cost (gd lr 1)"} <= set(rows[0])
    bad = invoke("sweep", "photo.png", "--log", "s.txt")
    assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=("'--log'", "s.txt", ".csv"))


def test_sweep_refuses_a_flag_no_run_uses(workdir):
    for flags, problem in ((["--momentum", "0.5"], "--momentum needs --optimizer momentum or nesterov"),
                           (["--features", "cosine", "--degree", "5"], "--degree needs --features poly"),
                           (["--batch-size", "8", "--optimizer", "momentum"],
                            "--batch-size needs --optimizer sgd"),
                           (["--seed", "1"], "--seed needs --init random")):
        bad = invoke("sweep", "photo.png", *flags, "-o", "q.gif")
        assert_one_line_error(bad.exit_code, bad.stdout, bad.stderr, 2, names=(problem,))
    result = invoke("sweep", "photo.png", "--optimizer", "gd", "--optimizer", "momentum",
                    "--momentum", "0.5", "--learning-rate", "0.5", "--features", "onehot",
                    "--features", "poly", "--degree", "3",
                    "-o", "ok.gif", "--frames", "4", "--max-epochs", "50")
    assert result.exit_code == 0, result.output  # momentum and degree change one run each
