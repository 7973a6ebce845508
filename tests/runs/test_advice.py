"""runs.advice: the warning rules and their messages, naming settings by keyword."""

import numpy as np
import pytest

from paintlr.errors import DivergenceError
from paintlr.runs.advice import Advice, after_painting, costly, duration, fit_warnings, literal, unstable_rate
from paintlr.runs.line_fit import LineFit
from paintlr.runs.painting import Painting
from paintlr.runs.palette_painting import PalettePainting
from paintlr.settings import MAX_FRAMES

TARGET = np.random.default_rng(3).random((8, 8, 3))
X, Y = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([1.0, 2.5, 2.9, 4.2])


def flags(option: str) -> str:
    return "--" + option.replace("_", "-")


def test_an_advice_names_settings_by_keyword_or_as_told():
    advice = Advice("stopped at {max_epochs} 5")
    assert advice == "stopped at max_epochs 5" and isinstance(advice, str)
    assert advice.text(flags) == "stopped at --max-epochs 5"
    assert Advice(f"image {literal('a{b}.png')}").text(flags) == "image a{b}.png"


def test_the_unstable_warning_is_one_message_for_every_run():
    assert unstable_rate(Painting(TARGET, learning_rate=0.5)) is None
    painting = Painting(TARGET, learning_rate=2.5)
    assert unstable_rate(painting, "gd") == (
        f"learning rate 2.5 is at or above the largest stable rate {painting.max_stable_learning_rate:.6g} "
        "for gd; the cost grows without bound")
    line = LineFit(X, Y, x_names=["x"], learning_rate=5.0)
    assert unstable_rate(line).startswith("learning rate 5 is at or above the largest stable rate")


def test_a_single_unstable_fit_is_an_error_several_are_warnings():
    with pytest.raises(DivergenceError, match="not below the largest stable rate"):
        fit_warnings([LineFit(X, Y, x_names=["x"], learning_rate=5.0)])
    runs = [LineFit(X, Y, x_names=["x"], learning_rate=lr) for lr in (0.01, 5.0)]
    assert [w.split(" is ")[0] for w in fit_warnings(runs)] == ["learning rate 5"]
    assert fit_warnings(runs[:1]) == []


def test_gd_too_ill_conditioned_for_its_budget_is_told_how_long_standardizing_takes():
    """x = Unix timestamps: GD's slowest direction has alpha lambda_min = 1 / cond ~ 1e-22, so it needs
    log(1e-9) / log(1 - alpha lambda_min) ~ 2e23 epochs; standardized (G = I, rate 1) it needs 1."""
    rng = np.random.default_rng(19)
    t = np.sort(rng.uniform(1.6e9, 1.7e9, 40)).round()[:, None]
    y = 20 + 5 * (t[:, 0] - 1.6e9) / 1e8 + rng.normal(0, 0.7, 40)
    run = LineFit(t, y, x_names=["t"])
    gram = np.c_[np.ones(40), t].T @ np.c_[np.ones(40), t] / 40
    centred = t[:, 0] - t.mean()
    lam_min = (centred @ centred / 40) / gram[1, 1]  # det / trace, to 1e-4: lambda_max ~ trace
    assert run.lambda_min == pytest.approx(lam_min, rel=1e-3)
    assert run.condition_number == pytest.approx(gram[1, 1] / lam_min, rel=1e-3)
    expected = np.log(1e-9) / np.log1p(-run.learning_rate * lam_min)
    assert run.epochs_to_least_squares() == pytest.approx(expected, rel=1e-3)
    [warning] = fit_warnings([run])
    assert warning.startswith(
        f"gradient descent is ill-conditioned here (condition number {run.condition_number:.3g}): "
        f"at learning rate {run.learning_rate:.3g} it needs {expected:.3g} epochs to reach least squares")
    assert "past --max-epochs 1,000,000,000; --standardize would take 1 epoch instead" in warning.text(flags)
    assert fit_warnings([LineFit(t, y, x_names=["t"], standardize=True)]) == []
    assert fit_warnings([LineFit(X, Y, x_names=["x"])]) == []
    assert fit_warnings([LineFit(X, Y, x_names=["x"], max_epochs=10)]) == []  # a short budget, not the data
    assert len(fit_warnings([LineFit(t, y, x_names=["t"], max_epochs=10**12)])) == 1
    [constant] = fit_warnings([LineFit(np.c_[t, np.ones(40)], y, x_names=["t", "one"])])  # cannot standardize
    assert constant.endswith("past max_epochs 1,000,000,000; the dashed line is least squares itself")


def test_a_costly_run_is_announced_past_a_minute_or_100_mb():
    assert costly(None, 1e6, 10, 10, 5) == [] and costly(59.0, 100e6, 10, 10, 5) == []
    assert costly(5400.0, 0, 10, 10, 5) == ["this run will take about 90 min"]
    assert costly(None, 2.5e8, 1000, 200, 59) == [
        "the outputs will be about 250 MB (59 frames of 1,000 x 200)"]


def test_after_a_painting_its_budget_and_rate_are_reported():
    capped = Painting(TARGET, max_epochs=5)
    frames = list(capped)
    [warning] = after_painting(capped, frames[-1].cost, interrupted=False)
    assert warning.startswith("stopped at max_epochs 5 with cost ")
    assert "still above --max-cost 0.0001" in warning.text(flags)
    assert after_painting(capped, frames[-1].cost, interrupted=True) == []
    done = Painting(TARGET)
    assert after_painting(done, list(done)[-1].cost, interrupted=False) == []
    solved = Painting(TARGET, solver="lstsq", learning_rate=2.5)
    assert after_painting(solved, list(solved)[-1].cost, interrupted=False) == []  # trains nothing


def test_an_unstable_rate_is_reported_after_the_run_for_its_optimizer():
    painting = Painting(TARGET, learning_rate=2.01, engine="iterate", max_epochs=2)
    last = list(painting)[-1]
    unstable, budget = after_painting(painting, last.cost, interrupted=False)
    assert "for gd" in unstable and "max_epochs" in budget


def test_frames_cut_at_the_cap_ask_for_a_larger_burst():
    painting = PalettePainting(TARGET, palette=2)
    painting.truncated = True  # as iterating past MAX_FRAMES leaves it
    [warning] = after_painting(painting, 1.0, interrupted=False)
    assert warning.text(flags) == f"stopped at {MAX_FRAMES} frames; use a larger --burst"


def test_durations_read_as_a_person_reads_them():
    assert duration(42) == "42 s" and duration(5400) == "90 min" and duration(1e30).startswith("longer")


def test_an_unstable_logistic_rate_is_said_to_oscillate_not_to_grow_without_bound():
    """Logistic regression's gradient is bounded, so a rate past the limit makes GD overshoot and
    stall above the minimum (scikit-learn's unpenalised fit is the oracle), never explode."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.preprocessing import StandardScaler

    from paintlr.runs.classification import Classification

    data = load_breast_cancer()
    x, y = data.data[:, :2], data.target  # mean radius, mean texture
    run = Classification(x, y, x_names=["radius", "texture"], learning_rate=50.0, max_epochs=2000, frames=4)
    warning = unstable_rate(run)
    assert warning.startswith("learning rate 50 is at or above the largest stable rate")
    assert "grows without bound" not in warning and "oscillates" in warning
    assert "grows without bound" in unstable_rate(LineFit(X, Y, x_names=["x"], learning_rate=5.0))
    palette = PalettePainting(TARGET, palette=3, learning_rate=1e3)
    assert "oscillates" in unstable_rate(palette, "gd")
    scaled = StandardScaler().fit_transform(x)
    best = log_loss(y, LogisticRegression(C=np.inf).fit(scaled, y).predict_proba(scaled)[:, 1])
    last = list(run)[-1]  # no DivergenceError: it ends, stalled well above the minimum
    assert np.isfinite(last.cost) and last.cost > best + 0.1
