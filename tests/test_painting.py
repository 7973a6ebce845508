from itertools import pairwise

import numpy as np
import pytest

from paintlr.painting import Painting, psnr


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

    monkeypatch.setattr("paintlr.engine.jump", no_closed_form)
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


def test_psnr_of_cost():
    assert psnr(1e-4) == pytest.approx(10 * np.log10(1 / 2e-4))
    assert psnr(0.0) == float("inf")
