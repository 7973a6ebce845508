"""paintlr info: sizes, rates, conditioning and forecasts, checked against direct computations."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from cli_run import invoke, number, read_log
from click.testing import CliRunner
from PIL import Image

import paintlr
from paintlr.cli.app import cli
from paintlr.io.image import load_image


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


def test_more_features_than_pixels_are_capped_with_a_note(workdir):
    result = invoke("info", "photo.png", "--features", "fourier")  # 3072 features, 192 pixels
    assert result.exit_code == 0, result.output
    assert "using 190" in result.stderr and "191 weights per channel" in result.stdout


@pytest.mark.parametrize("features", ["onehot", "poly"])
def test_info_conditioning_matches_a_direct_eigendecomposition(workdir, features):
    """kappa, the rate limits and the best settings info prints, against numpy.linalg.eigh of the
    dense Gram matrix [1, X]^T [1, X] / m built explicitly (X = I for one-hot pixels)."""
    from paintlr.features.maps import feature_map

    degree = ["--degree", "3"] if features == "poly" else []
    result = invoke("info", "photo.png", "--features", features, *degree, "--optimizer", "momentum",
                    "--momentum", "0.8")
    assert result.exit_code == 0, result.output
    text = result.stdout
    fmap, _ = feature_map(features, (12, 16, 3), degree=3)
    x = np.eye(12 * 16) if fmap is None else fmap.design(12, 16).x
    phi = np.hstack([np.ones((x.shape[0], 1)), x])
    lam = np.linalg.eigvalsh(phi.T @ phi / x.shape[0])
    lam_min, lam_max = lam[lam > lam[-1] * 1e-10].min(), lam[-1]
    kappa = lam_max / lam_min
    assert number(text, r"kappa ([\d,.e+]+)") == pytest.approx(kappa, rel=1e-5)
    assert number(text, r"gd < ([\d.e+-]+)") == pytest.approx(2 / lam_max, rel=1e-5)
    assert number(text, r"momentum 0.8 < ([\d.e+-]+)") == pytest.approx(2 * 1.8 / lam_max, rel=1e-5)
    assert number(text, r"nesterov 0.8 < ([\d.e+-]+)") == pytest.approx(3.6 / 2.6 / lam_max, rel=1e-5)
    assert number(text, r"gd rate ([\d.e+-]+)") == pytest.approx(2 / (lam_max + lam_min), rel=1e-5)
    root = np.sqrt(kappa)
    assert number(text, r"momentum rate ([\d.e+-]+)") == pytest.approx(
        4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, rel=1e-5)
    assert number(text, r"momentum rate [\d.e+-]+, beta ([\d.e+-]+)") == pytest.approx(
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

    gd_epochs = int(number(text, r"with them +gd ([\d,]+) epochs"))
    gd = cost_after(2 / (lam_max + lam_min), 0.0, gd_epochs)
    assert gd[-1] < 1e-4 <= gd[-2]
    momentum_epochs = int(number(text, r"momentum ([\d,]+) epochs"))
    root = np.sqrt(lam_max / lam_min)
    heavy = cost_after(4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, ((root - 1) / (root + 1)) ** 2,
                       momentum_epochs + 50)
    assert heavy[momentum_epochs] < 1e-4 and max(heavy[momentum_epochs:]) < 1e-4  # and it stays below
    assert momentum_epochs < gd_epochs / 5


def test_a_single_colour_photo_forecasts_every_optimizer(workdir):
    Image.new("RGB", (1, 1), (200, 30, 30)).save(workdir / "one.png")
    for optimizer in ("sgd", "momentum", "nesterov"):
        result = invoke("info", "one.png", "--optimizer", optimizer)
        assert result.exit_code == 0, result.output
        made = invoke("learn", "one.png", "--optimizer", optimizer, "--max-epochs", "5", "-o", "a.gif")
        assert made.exit_code == 0, made.output


def test_info_reports_a_palette_painting(workdir):
    result = invoke("info", "photo.png", "--model", "logistic", "--palette", "4", "--soft")
    assert result.exit_code == 0, result.output
    assert "logistic, a palette of 4 colours" in result.stdout and "probability-weighted" in result.stdout
    assert "learning rate <" in result.stdout and "not predicted" in result.stdout


def test_info_names_flags_not_keywords(workdir):
    result = CliRunner().invoke(cli, ["info", "photo.png", "--max-epochs", "3"], prog_name="paintlr")
    assert result.exit_code == 0, result.output
    assert "(--learning-rate best, --momentum best)" in result.stdout
    assert "beyond --max-epochs" in result.stdout and "max_epochs" not in result.stdout


def test_info_of_a_logistic_model(workdir):
    result = CliRunner().invoke(cli, ["info", "photo.png", "--model", "logistic", "--palette", "3"],
                                prog_name="paintlr")
    assert result.exit_code == 0, result.output
    assert "a palette of 3 colours" in result.stdout and "not predicted" in result.stdout
