from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

import paintlr
from paintlr.errors import DataError, OptionError
from paintlr.runs.classification import GRID, Classification

ADMISSIONS = Path(paintlr.__file__).parent / "data" / "ex2data1.csv"


def admissions():
    table = np.loadtxt(ADMISSIONS, delimiter=",", skiprows=1)
    return table[:, :2], table[:, 2].astype(int)


def test_admissions_reproduce_the_known_answers():
    x, y = admissions()
    run = Classification(x, y, x_names=["exam1", "exam2"])
    last = list(run)[-1]
    assert last.cost == pytest.approx(0.2035, abs=5e-5) and last.accuracy == pytest.approx(0.89)
    np.testing.assert_allclose(run.model.get_params(), [-25.161, 0.2062, 0.2015], atol=1e-3)
    assert run.probabilities([45, 85])[1] == pytest.approx(0.776, abs=1e-3)


def test_without_standardizing_plain_gd_crawls():
    x, y = admissions()
    last = list(Classification(x, y, x_names=["exam1", "exam2"], standardize=False))[-1]
    assert last.cost > 0.5 and last.accuracy < 0.8


def test_iris_one_vs_rest_agrees_with_scikit_learn():
    iris = load_iris()
    x, species = iris.data[:, 2:4], iris.target_names[iris.target]
    run = Classification(x, species, x_names=["petal length", "petal width"], max_epochs=20_000)
    ticks = list(run)
    assert ticks[-1].scores.shape == (GRID, GRID, 3)
    sk = OneVsRestClassifier(LogisticRegression(C=np.inf, max_iter=10_000)).fit(x, species)
    assert np.mean(run.model.predict(run.features) == sk.predict(x)) >= 0.98


def test_frames_are_planned_on_the_measured_cost_curve_and_the_cost_falls():
    x, y = admissions()
    ticks = list(Classification(x, y, x_names=["exam1", "exam2"], frames=20))
    epochs = [t.epoch for t in ticks]
    assert epochs[0] == 0 and epochs == sorted(set(epochs)) and len(ticks) <= 20
    costs = [t.cost for t in ticks]
    assert costs[0] == pytest.approx(np.log(2)) and costs[-1] < costs[1] < costs[0]
    assert ticks[0].scores.shape == (GRID, GRID) and np.allclose(ticks[0].scores, 0.5)  # zero weights


def test_degree_curves_the_boundary_and_fits_better():
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, (200, 2))
    y = (x[:, 0] ** 2 + x[:, 1] ** 2 < 0.5).astype(int)  # a disc: no line separates it
    flat = list(Classification(x, y, x_names=["a", "b"]))[-1]
    curved = list(Classification(x, y, x_names=["a", "b"], degree=2))[-1]
    assert curved.accuracy > 0.95 > flat.accuracy


def test_two_inputs_and_two_classes_are_required():
    x, y = admissions()
    with pytest.raises(OptionError, match="two input columns, got 4"):
        Classification(np.c_[x, x], y, x_names=["a", "b", "c", "d"])
    with pytest.raises(OptionError, match="two or more classes"):
        Classification(x, np.zeros(len(y)), x_names=["a", "b"])


def test_a_continuous_target_is_refused_before_training():
    """load_diabetes's target, a disease score, holds 214 distinct values: not classes."""
    data = load_diabetes()
    x, y = data.data[:, [2, 3]], data.target
    refusal = "y holds 214 distinct values: classify takes at most 20 classes"
    with pytest.raises(OptionError, match=refusal) as caught:
        Classification(x, y, x_names=["bmi", "bp"])
    assert caught.value.option == "y" and "paintlr fit" in str(caught.value)
    assert len(Classification(x, np.arange(y.size) % 20, x_names=["bmi", "bp"]).classes) == 20


def test_inputs_whose_squares_overflow_are_refused_naming_the_column():
    x, y = admissions()
    with pytest.raises(DataError, match=r"^column 'b': values up to .* are too large"):
        Classification(x * [1, 1e160], y, x_names=["a", "b"])
    with pytest.raises(DataError, match=r"^feature 'a\^3' \(of column 'a', degree 3\)"):
        Classification(x * [1e60, 1], y, x_names=["a", "b"], degree=3)


def test_a_run_cut_off_by_max_epochs_is_not_converged():
    """Cut off by max_epochs while the cost still falls: running, then stopped at the epoch limit.
    With room to settle, the same run ends converged, before max_epochs."""
    x, y = admissions()
    run = Classification(x, y, x_names=["exam1", "exam2"], max_epochs=20, frames=6)
    cut = list(run)
    assert cut[-1].epoch == 20 and cut[-1].status == "stopped" and {t.status for t in cut[:-1]} == {"running"}
    assert run.outcome(cut[-1]).startswith("stopped at the epoch limit (20 epochs), cost ")
    assert run.log_row(cut[-1])[-1] == "stopped"
    settled = list(Classification(x, y, x_names=["exam1", "exam2"], max_epochs=2000, frames=6))
    assert settled[-1].status == "converged" and settled[-1].epoch < 2000
    assert cut[-1].cost > settled[-1].cost + 1e-3  # cut off on the way down
    assert {t.status for t in settled[:-1]} == {"running"}
    assert Classification(x, y, x_names=["exam1", "exam2"], max_epochs=2000, frames=6).outcome(settled[-1]) \
        .startswith(f"converged at epoch {settled[-1].epoch:,}, cost ")
    crawl = list(Classification(x, y, x_names=["exam1", "exam2"], standardize=False, max_epochs=300,
                                frames=4))
    assert crawl[-1].epoch == 300 and crawl[-1].status == "stopped"
