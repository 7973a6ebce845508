"""runs.info: the lines `paintlr info` prints, built by the library for each kind of painting."""

import numpy as np

from paintlr.runs.info import info_report
from paintlr.runs.painting import Painting
from paintlr.runs.palette_painting import PalettePainting

TARGET = np.random.default_rng(3).random((8, 10, 3))


def flags(option: str) -> str:
    return "--" + option.replace("_", "-")


def test_a_linear_painting_reports_its_spectrum_and_forecast_in_steps():
    steps = []
    lines = info_report(Painting(TARGET, learning_rate=0.5), "a{b}.png", on_step=steps.append)
    assert steps == ["best settings", "timing"]
    assert lines[0] == "image          a{b}.png: 10 x 8 = 80 pixels, 3 channels"
    assert [line.split()[0] for line in lines[1:]] == ["design", "optimizer", "stable", "best", "condition",
                                                      "rate", "best", "with", "learning", "iterate", "exact"]
    assert lines[8].endswith("(learning_rate best, momentum best)")
    assert lines[8].text(flags).endswith("(--learning-rate best, --momentum best)")


def test_an_unstable_or_unreachable_rate_says_so():
    assert info_report(Painting(TARGET, learning_rate=3), "p")[-1].endswith("the cost explodes")
    capped = info_report(Painting(TARGET, learning_rate=0.01, max_epochs=3), "p")
    assert capped[-1].endswith("does not reach cost 0.0001 within 3 epochs")
    assert "beyond max_epochs" in capped[-2]


def test_a_palette_painting_is_not_forecast():
    lines = info_report(PalettePainting(TARGET, palette=3, soft=True), "p")
    assert [line.split()[0] for line in lines] == ["image", "model", "design", "stable", "learning"]
    assert lines[1].endswith("a palette of 3 colours from the photo, painted as the probability-weighted mix")
    assert "not predicted (logistic regression has no closed form; at most 1,000,000 epochs)" in lines[-1]
