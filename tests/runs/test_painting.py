import re
from itertools import pairwise

import numpy as np
import pytest

from paintlr import OneHot
from paintlr.core.designs import Dense
from paintlr.features.maps import FourierFeatures, PolynomialFeatures, XYFeatures
from paintlr.runs.painting import Painting


def target(h=24, w=32, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((h, w, c))


def test_painting_reaches_threshold_in_about_the_requested_frames():
    frames = list(Painting(target(), frames=30))
    assert frames[0].epoch == 0 and np.all(frames[0].image == 0)  # zeros init: black
    assert 20 <= len(frames) <= 30
    assert frames[-1].cost < 1e-4 <= frames[-2].cost
    assert frames[-1].psnr > 36.9
    assert all(a.epoch < b.epoch for a, b in pairwise(frames))
    assert all(a.cost > b.cost for a, b in pairwise(frames))
    np.testing.assert_allclose(frames[-1].image, target(), atol=0.05)


def test_iterate_engine_paints_the_same_frames_as_exact(monkeypatch):
    exact = list(Painting(target(6, 5), frames=12, learning_rate=1.0, engine="exact"))

    def no_closed_form(*args, **kwargs):
        raise AssertionError("the iterate engine used the closed form")

    monkeypatch.setattr("paintlr.models.linear.jump", no_closed_form)
    monkeypatch.setattr(Painting, "_frames_in_closed_form", no_closed_form)
    slow = list(Painting(target(6, 5), frames=12, learning_rate=1.0, engine="iterate"))
    assert [f.epoch for f in exact] == [f.epoch for f in slow]
    for a, b in zip(exact, slow):
        np.testing.assert_allclose(a.image, b.image, atol=1e-10)


def test_fixed_bursts_and_epoch_cap():
    frames = list(Painting(target(), burst=1000, max_epochs=4500))
    assert [f.epoch for f in frames] == [0, 1000, 2000, 3000, 4000, 4500]
    assert frames[-1].cost > 1e-4


@pytest.mark.parametrize("init", ["zeros", "mean", "random"])
def test_inits(init):
    t = target(8, 8, 1)
    first = next(iter(Painting(t, init=init, seed=3)))
    if init == "zeros":
        assert np.all(first.image == 0)
    elif init == "mean":
        np.testing.assert_allclose(first.image, t.mean())
    else:
        again = next(iter(Painting(t, init=init, seed=3)))
        np.testing.assert_array_equal(first.image, again.image)
        assert first.image.std() > 0.2


def test_grey_target_stays_one_channel():
    frames = list(Painting(target(10, 12, 1), frames=5))
    assert frames[-1].image.shape == (10, 12, 1) and frames[-1].channel_costs.shape == (1,)


def gram_lambda_max(x: np.ndarray) -> float:
    phi = np.c_[np.ones(len(x)), x]
    return float(np.linalg.eigvalsh(phi.T @ phi / len(x))[-1])


def feature_designs(h, w):
    yield PolynomialFeatures(3, aspect=h / w).design(h, w)
    yield FourierFeatures(16, sigma=2.0, seed=1).design(h, w)
    yield XYFeatures().design(h, w)
    yield Dense(np.random.default_rng(2).normal(size=(h * w, 4)) + 1.0)


def test_default_learning_rate_of_a_feature_design_is_one_over_lambda_max():
    """As the docstring says: half the stable limit 2 / lambda_max, lambda_max of [1, X]^T [1, X] / m."""
    h, w = 6, 7
    for design in feature_designs(h, w):
        painting = Painting(target(h, w), design=design)
        assert painting.learning_rate == pytest.approx(1 / gram_lambda_max(design.x), rel=1e-10), design
        assert painting.max_stable_learning_rate == pytest.approx(2 * painting.learning_rate, rel=1e-12)
        assert not painting.unstable


def test_default_learning_rate_on_one_hot_samples_is_the_seeds():
    assert Painting(target(6, 7)).learning_rate == 0.05
    assert Painting(target(6, 7), design=OneHot(42)).learning_rate == 0.05
    assert Painting(target(6, 7), learning_rate=0.7).learning_rate == 0.7


MANY_FRAMES = [{"burst": 10}, {"burst": 10, "engine": "iterate"},
               {"optimizer": "momentum", "burst": 10},
               {"optimizer": "sgd", "learning_rate": 0.02, "seed": 0}]


@pytest.mark.parametrize("options", MANY_FRAMES, ids=["burst", "burst iterate", "momentum", "sgd"])
def test_frame_cap_stops_a_long_run_and_marks_it_truncated(monkeypatch, options):
    """Each of these runs draws 10 to 300 frames; capped at 5, it yields 5 and says it was cut short."""
    monkeypatch.setattr("paintlr.runs.frame.MAX_FRAMES", 5)
    painting = Painting(target(8, 6), frames=5, **options)
    frames = list(painting)
    assert len(frames) == 5
    assert frames[-1].cost >= painting.max_cost
    assert painting.truncated is True


def test_a_run_that_finishes_within_the_cap_is_not_truncated(monkeypatch):
    monkeypatch.setattr("paintlr.runs.frame.MAX_FRAMES", 5)
    painting = Painting(target(8, 6), frames=5)  # about 4 frames, the last below the threshold
    frames = list(painting)
    assert len(frames) <= 5 and frames[-1].cost < painting.max_cost
    assert painting.truncated is False
    bursts = Painting(target(8, 6), burst=1000, frames=2)  # epochs 0, 1000, 2000 and the stop, 2923
    monkeypatch.setattr("paintlr.runs.frame.MAX_FRAMES", 4)  # exactly at the cap, yet done
    frames = list(bursts)
    assert len(frames) == 4 and frames[-1].cost < bursts.max_cost <= frames[-2].cost
    assert bursts.truncated is False


@pytest.mark.parametrize("optimizer", ["gd", "momentum"])
def test_a_threshold_at_or_below_the_designs_optimum_is_out_of_reach(optimizer):
    """The cost never gets below the least-squares optimum: max_cost equal to it would run to
    max_epochs; refused up front. A hair above it is a threshold like any other."""
    from paintlr.errors import OptionError

    t, design = target(6, 7), XYFeatures().design(6, 7)
    optimum = Painting(t, design=design, optimizer=optimizer).optimal_cost
    assert optimum > 0.01
    for max_cost in (optimum, optimum * (1 - 1e-9)):
        with pytest.raises(OptionError, match=f"{max_cost:g} is out of reach: the best this design can do"):
            Painting(t, design=design, optimizer=optimizer, max_cost=max_cost)
    above = Painting(t, design=design, optimizer=optimizer, max_cost=np.nextafter(optimum, np.inf))
    assert above.max_cost > above.optimal_cost == optimum
    with pytest.raises(OptionError, match="0 is out of reach"):  # one-hot pixels: the optimum is 0
        Painting(t, max_cost=0.0)


@pytest.mark.parametrize("init", ["zeros", "mean", "random"])
def test_the_live_closed_form_is_offered_only_from_a_flat_start(init):
    """The page's closed form starts every pixel at the bias: from zeros or the mean colour, yes;
    from random weights (init random), which it cannot compute, no."""
    t = target(6, 7)
    painting = Painting(t, init=init, seed=1)
    live = painting.live()
    if init == "random":
        assert live is None
        return
    assert live is not None and live["kind"] == "onehot" and (live["width"], live["height"]) == (7, 6)
    expected = t.reshape(-1, 3).mean(axis=0) if init == "mean" else np.zeros(3)
    np.testing.assert_allclose(live["start"], expected, rtol=1e-12)
    assert live["rate"] == painting.learning_rate and live["epoch"] == painting.stop_epoch


def test_an_interrupted_run_reports_the_epochs_trained_past_its_last_frame(monkeypatch):
    from paintlr.core.designs import OneHotDescentRun

    original, count = OneHotDescentRun.step, [0]

    def step(self):
        if count[0] == 5000:
            raise KeyboardInterrupt
        count[0] += 1
        original(self)

    monkeypatch.setattr(OneHotDescentRun, "step", step)
    painting = Painting(target(6, 5), frames=8, learning_rate=0.002, engine="iterate")
    epochs = []
    with pytest.raises(KeyboardInterrupt):
        for frame in painting:
            epochs.append(frame.epoch)
            last = painting.summary(frame)
    assert painting.epochs_trained == 5000 > epochs[-1]
    assert painting.interrupted(epochs[-1], last) == \
        f"5,000 epochs trained when interrupted; last frame after {last}"
    assert last.startswith(f"{epochs[-1]:,} epochs")


@pytest.mark.parametrize(("features", "frames"), [("cosine", 60), ("cosine", 200), ("fourier", 60),
                                                   ("poly", 60)])
def test_a_feature_map_draws_about_the_frames_asked_for(features, frames):
    """A feature map learns much of the picture in its first epoch, which used to take the frames
    of every equal step it covered with it: a run of 60 drew 30 or fewer."""
    from conftest import REPO

    from paintlr.io.image import load_image
    from paintlr.runs.recipe import make_painting

    photo = load_image(REPO / "sample_images" / "chelsea.png", 64)
    options = {"fourier": {"n_features": 1024, "seed": 0}, "cosine": {"n_features": 1024}}.get(features, {})
    painting, _ = make_painting(photo, features=features, frames=frames, **options)
    drawn = 1 + len(painting.frame_epochs)
    assert 0.8 * frames <= drawn <= frames


def test_frames_one_side_of_a_swing_say_why_there_are_fewer():
    """Momentum at its best settings swings the mean colour about the target every epoch: only
    every other epoch can be drawn, and a short run then has fewer frames than asked; it says so."""
    from conftest import REPO

    from paintlr.io.image import load_image
    from paintlr.runs.recipe import make_painting

    photo = load_image(REPO / "sample_images" / "chelsea.png", 32)
    painting, _ = make_painting(photo, optimizer="momentum", learning_rate="best", momentum="best")
    frames = list(painting)
    assert len(frames) < 0.8 * 60
    assert all(painting.brightness(f.epoch) > 0 for f in frames[1:-1])  # too bright, never too dark
    assert re.search(r"mean colour overshoots .*, so \d+ fewer frames", painting.summary(frames[-1]))
