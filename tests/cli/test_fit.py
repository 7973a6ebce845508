"""paintlr fit: a line or polynomial fitted to a table, animated; bad tables."""

from __future__ import annotations

import numpy as np
import pytest
from cli_run import invoke, read_log
from click.testing import CliRunner
from conftest import (
    assert_one_line_error,
    listing,
    read_frames,
)
from PIL import Image

from paintlr.cli.app import cli


def test_fit_five_points_ends_at_least_squares_with_the_error_surface(workdir):
    result = invoke("fit", "--example", "points", "-o", "fit.gif", "-o", "fit.png", "--log", "fit.csv")
    assert result.exit_code == 0, result.output
    rows = read_log(workdir / "fit.csv")
    assert list(rows[0]) == ["epoch", "cost", "intercept", "x", "status"]
    assert [r["status"] for r in rows] == ["running"] * (len(rows) - 1) + ["converged"]
    assert float(rows[-1]["intercept"]) == pytest.approx(0.6, abs=1e-6)
    assert float(rows[-1]["x"]) == pytest.approx(0.8, abs=1e-6)
    assert float(rows[-1]["cost"]) == pytest.approx(0.16)  # least squares' own cost
    frames = read_frames(workdir / "fit.gif")
    assert len(frames) == len(rows) >= 10 and frames[0].shape == (540, 960, 3)
    assert "converged at epoch" in result.stdout and "least squares: intercept 0.6, x 0.8" in result.stdout


def test_fit_cut_by_max_epochs_says_it_stopped_there_not_converged(workdir):
    """Rate 0.001 for 10 epochs leaves the seed's line at cost 4.21, least squares' is 0.16."""
    result = invoke("fit", "--example", "points", "--learning-rate", "0.001", "--max-epochs", "10",
                    "-o", "cut.gif", "-o", "cut.html", "--log", "cut.csv")
    assert result.exit_code == 0, result.output
    assert "converged" not in result.stdout
    assert result.stdout.startswith("stopped at the epoch limit (10 epochs), cost 4.21358, 4.054 above the "
                                    "optimum 0.16; least squares"), result.stdout
    rows = read_log(workdir / "cut.csv")
    assert rows[-1]["epoch"] == "10" and rows[-1]["status"] == "stopped"
    page = (workdir / "cut.html").read_text()
    assert "stopped at the epoch limit (10 epochs)" in page and '"stopped"]' in page  # summary, row
    last = read_frames(workdir / "cut.gif")[-1]
    green = (last[..., 1] > 100) & (last[..., 0] < 60) & (last[..., 2] < 90)
    assert green.sum() < 20  # the title is not the converged green


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


def test_fit_and_classify_share_the_unstable_warning(workdir):
    fit = CliRunner().invoke(cli, ["fit", "--example", "points", "--learning-rate", "0.01", "--learning-rate",
                                   "0.2", "-o", "f.gif", "-q"], prog_name="paintlr")
    assert fit.exit_code == 0, fit.output
    classify = CliRunner().invoke(cli, ["classify", "--example", "admissions", "--learning-rate", "100",
                                        "--max-epochs", "5", "-o", "c.gif", "-q"], prog_name="paintlr")
    assert classify.exit_code == 0, classify.output
    for result in (fit, classify):
        assert result.stderr.count("is at or above the largest stable rate") == 1
    # what follows: least squares explodes; logistic regression, its gradient bounded, cannot
    assert fit.stderr.rstrip().endswith("; the cost grows without bound")
    assert classify.stderr.rstrip().endswith("; the cost oscillates or stalls above its minimum instead of "
                                             "settling")


def test_fit_unix_timestamps_draws_true_least_squares_and_says_gd_cannot_get_there(workdir):
    rng = np.random.default_rng(19)
    t = np.sort(rng.uniform(1.6e9, 1.7e9, 40)).round()
    y = 20 + 5 * (t - 1.6e9) / 1e8 + rng.normal(0, 0.7, 40)
    np.savetxt(workdir / "unix.csv", np.c_[t, y], delimiter=",", header="# logged by a sensor\ntimestamp,y",
               comments="", fmt=["%d", "%.3f"])
    t, y = np.loadtxt(workdir / "unix.csv", delimiter=",", skiprows=2, unpack=True)
    b, m = np.linalg.lstsq(np.c_[np.ones(40), t], y, rcond=None)[0]
    result = invoke("fit", "unix.csv", "-o", "unix.png", "--frames", "3")
    assert result.exit_code == 0, result.output
    assert "stopped at the epoch limit (1,000,000,000 epochs), cost " in result.stdout
    assert f"least squares: intercept {b:.6g}, timestamp {m:.6g}" in result.stdout
    assert "warning: gradient descent is ill-conditioned here (condition number 1.1" in result.stderr
    assert "--standardize would take 1 epoch instead" in result.stderr
    result = invoke("fit", "unix.csv", "--standardize", "-o", "unix.png", "--frames", "3")
    assert "converged at epoch" in result.stdout and "warning" not in result.stderr


def test_fit_wine_columns_of_every_scale_match_lstsq(workdir):
    from sklearn.datasets import load_wine
    wine = load_wine()
    header = ",".join(wine.feature_names)
    np.savetxt(workdir / "wine.csv", wine.data, delimiter=",", header=header, comments="")
    result = invoke("fit", "wine.csv", "--y", "alcohol", "-o", "wine.png", "--frames", "2")
    assert result.exit_code == 0, result.output
    theta = np.linalg.lstsq(np.c_[np.ones(len(wine.data)), wine.data[:, 1:]], wine.data[:, 0], rcond=None)[0]
    printed = result.stdout.split("least squares: ")[1].split(", ")[:len(theta)]
    np.testing.assert_allclose([float(p.split()[-1]) for p in printed], theta, rtol=1e-5)


@pytest.mark.parametrize("args", [[], ["--standardize"], ["--degree", "2"]])
def test_fit_refuses_values_whose_squares_overflow_naming_the_column(workdir, args):
    x = np.linspace(1.6e160, 1.7e160, 12)
    np.savetxt(workdir / "huge.csv", np.c_[x, np.arange(12.0)], delimiter=",", header="x,y", comments="")
    result = invoke("fit", "huge.csv", "-o", "huge.png", *args)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("column 'x'", "too large", "squares overflow"))
    assert "warning" not in result.stderr
    np.savetxt(workdir / "big.csv", np.c_[x * 1e-100, np.arange(12.0)], delimiter=",", header="x,y",
               comments="")
    result = invoke("fit", "big.csv", "-o", "big.png", *args, "--degree", "3")  # x^3 ~ 5e180, its square inf
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 1,
                          names=("feature 'x^3'", "column 'x'"))


def test_fit_takes_no_standardize_and_says_its_default(workdir):
    plain = invoke("fit", "--example", "points", "-o", "a.gif", "--max-epochs", "50")
    off = invoke("fit", "--example", "points", "-o", "b.gif", "--max-epochs", "50", "--no-standardize")
    assert off.exit_code == 0, off.output
    assert off.stdout.split(",")[:2] == plain.stdout.split(",")[:2]  # the default: not standardized
    help_text = " ".join(invoke("fit", "--help").stdout.split())
    assert "--standardize / --no-standardize" in help_text and "[default: no-standardize]" in help_text


def test_at_without_a_still_output_is_a_usage_error(workdir):
    result = invoke("fit", "--example", "points", "--at", "10", "-o", "a.gif")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("--at needs", "--output", ".png"))
