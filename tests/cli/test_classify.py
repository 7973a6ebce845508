"""paintlr classify: logistic regression of a table, animated."""

from __future__ import annotations

import numpy as np
import pytest
from cli_run import invoke, read_log
from conftest import (
    assert_one_line_error,
    listing,
    read_frames,
)
from sklearn.datasets import load_diabetes

from paintlr.render.classify_figure import PREDICTED

TABLE_USAGE_ERRORS = [  # (args of fit, or of classify with --predict; exit code; what the error says)
    ([], 2, ("give a DATA file or --example NAME",)),
    (["photo.png", "--example", "points"], 2, ("give a DATA file or --example NAME", "one of the two")),
    (["--example", "points", "--x", "z"], 1, ("example points: no column 'z'", "the columns are 'x', 'y'")),
    (["--example", "admissions", "--predict", "45"], 2, ("'--predict'", "'45': give two numbers")),
    (["--example", "admissions", "--predict", "nan,85"], 2, ("'--predict'", "'nan,85': give two numbers")),
    (["--example", "admissions", "--predict", "45,inf"], 2, ("'--predict'", "'45,inf': give two numbers")),
    (["--example", "admissions", "--predict", "-inf,85"], 2, ("'--predict'", "'-inf,85': give two numbers")),
]


def test_classify_admissions_reproduces_the_known_answers(workdir):
    result = invoke("classify", "--example", "admissions", "--predict", "45,85", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    assert "cost 0.2035" in result.stdout and "89.0 % right" in result.stdout
    assert "theta (-25.161, 0.20623, 0.20147)" in result.stdout and "P(1) = 0.776" in result.stdout
    assert result.stdout.startswith("converged at epoch ")


def test_classify_cut_by_max_epochs_says_it_stopped_at_the_epoch_limit(workdir):
    result = invoke("classify", "--example", "admissions", "--max-epochs", "20", "-o", "a.gif",
                    "-o", "a.html", "--log", "a.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("stopped at the epoch limit (20 epochs), cost 0.2074, 89.0 % right")
    rows = read_log(workdir / "a.csv")
    assert list(rows[0]) == ["epoch", "cost", "accuracy", "status"]
    assert rows[-1]["epoch"] == "20" and rows[-1]["status"] == "stopped"
    assert {r["status"] for r in rows[:-1]} == {"running"}
    assert "stopped at the epoch limit (20 epochs)" in (workdir / "a.html").read_text()
    last = read_frames(workdir / "a.gif")[-1]
    assert ((last[..., 1] > 100) & (last[..., 0] < 60) & (last[..., 2] < 90)).sum() < 20  # title not green


def test_classify_marks_the_predicted_point_on_its_frames(workdir):
    result = invoke("classify", "--example", "admissions", "--predict", "45,85", "--frames", "2",
                    "-o", "a.png")
    assert result.exit_code == 0, result.output
    plain = invoke("classify", "--example", "admissions", "--frames", "2", "-o", "b.png")
    assert plain.exit_code == 0, plain.output
    gold = np.array([int(PREDICTED[i:i + 2], 16) for i in (1, 3, 5)])
    marked, unmarked = ((np.abs(read_frames(workdir / name)[-1].astype(int) - gold).max(axis=-1) <= 40).sum()
                        for name in ("a.png", "b.png"))
    assert marked > unmarked + 20


def test_classify_iris_paints_three_classes(workdir):
    result = invoke("classify", "--example", "iris", "-o", "iris.gif", "--frames", "10", "--log", "i.csv")
    assert result.exit_code == 0, result.output
    frames = read_frames(workdir / "iris.gif")
    assert len(frames) == len(read_log(workdir / "i.csv")) <= 10
    assert float(read_log(workdir / "i.csv")[-1]["accuracy"]) > 0.9


@pytest.mark.parametrize(("args", "code", "problem"), TABLE_USAGE_ERRORS,
                         ids=[" ".join(args) or "no data" for args, _, _ in TABLE_USAGE_ERRORS])
def test_table_usage_errors(workdir, args, code, problem):
    result = invoke("classify" if "--predict" in args else "fit", *args)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, code, names=problem)
    assert listing(workdir) == {"photo.png"}  # nothing written, nothing trained


def test_classify_refuses_a_continuous_target_before_training(workdir):
    data = load_diabetes()
    np.savetxt(workdir / "diabetes.csv", np.c_[data.data, data.target], delimiter=",",
               header=",".join([*data.feature_names, "target"]), comments="")
    result = invoke("classify", "diabetes.csv", "--x", "bmi", "--x", "bp", "-o", "d.gif")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("--y", "214 distinct values", "at most 20 classes"))
    assert listing(workdir) == {"photo.png", "diabetes.csv"}


def test_quiet_still_prints_the_prediction(workdir):
    result = invoke("classify", "--example", "admissions", "--predict", "45,85", "-o", "a.gif", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == ["at exam1 45, exam2 85: P(0) = 0.224, P(1) = 0.776"]


def test_a_repeated_learning_rate_is_a_usage_error(workdir):
    result = invoke("classify", "--example", "admissions", "--learning-rate", "0.1", "--learning-rate", "0.2")
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, 2,
                          names=("'--learning-rate'", "given twice"))


def test_classify_standardizes_unless_told_not_to(workdir):
    result = invoke("classify", "--example", "admissions", "--no-standardize", "--max-epochs", "10",
                    "-o", "a.gif")
    assert result.exit_code == 0, result.output
    help_text = " ".join(invoke("classify", "--help").stdout.split())
    assert "--standardize / --no-standardize" in help_text and "[default: standardize]" in help_text
