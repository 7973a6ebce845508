
import numpy as np
import pytest

from paintlr import ImageError, OneHot
from paintlr.runs.palette_painting import PalettePainting, bias_only_cost, mix_weights


@pytest.fixture(scope="module")
def cat_frames(cat):
    painting = PalettePainting(cat, palette=8)
    return painting, list(painting)


def test_one_hot_palette_painting_labels_the_cat(cat, cat_frames):
    painting, frames = cat_frames
    last = frames[-1]
    assert last.accuracy >= 0.99
    assert last.cost < painting.max_cost <= frames[-2].cost
    expected = painting.palette[painting.labels].reshape(cat.shape)
    assert np.mean(np.all(last.image == expected, axis=-1)) == pytest.approx(last.accuracy)


def test_frames_show_steady_progress(cat_frames):
    painting, frames = cat_frames
    epochs = [f.epoch for f in frames]
    costs = [f.cost for f in frames]
    assert epochs[0] == 0 and np.all(np.diff(epochs) > 0)
    assert np.all(np.diff(costs) < 0)
    assert 0.6 * painting.frames <= len(frames) <= painting.frames + 1
    assert frames[0].accuracy < 0.5 and frames[-1].accuracy >= 0.99
    slow = np.diff(costs)[len(frames) // 3:]  # after the quick bias-only phase: equal steps
    assert slow.min() > 0.5 * slow.max() or slow.max() - slow.min() < 1e-3
    distinct = {tuple(np.unique(f.image.reshape(-1, 3), axis=0).ravel()) for f in frames}
    assert len(distinct) >= 4  # colours appear as pixels get their labels
    for f in frames:
        assert f.image.shape == painting.shape and f.channel_costs.shape == (8,)
        palette_colours = {tuple(c) for c in painting.palette}
        assert {tuple(c) for c in np.unique(f.image.reshape(-1, 3), axis=0)} <= palette_colours


def test_soft_painting_mixes_the_palette(cat):
    frames = list(PalettePainting(cat, palette=4, soft=True, frames=12))
    for f in frames:
        assert np.all((f.image >= 0) & (f.image <= 1))
    first = frames[0].image
    assert np.ptp(first.reshape(-1, 3), axis=0).max() < 1e-12  # a flat mix before learning
    assert frames[-1].accuracy >= 0.99
    hard = list(PalettePainting(cat, palette=4, frames=12))[-1].image
    gaps = [np.abs(f.image - hard).mean() for f in frames]
    assert gaps[-1] < gaps[0] / 2 and np.all(np.diff(gaps[2:]) < 0)


def test_two_colours_paint_black_and_white(cat):
    painting = PalettePainting(cat, palette=2, frames=10)
    frames = list(painting)
    assert frames[-1].channel_costs.shape == (1,)
    assert frames[-1].accuracy >= 0.99
    assert painting.palette[0].sum() < painting.palette[1].sum()


def test_fixed_bursts_and_max_epochs(cat):
    frames = list(PalettePainting(cat, palette=3, burst=100, max_epochs=450))
    assert [f.epoch for f in frames] == [0, 100, 200, 300, 400, 450]


def test_dense_features_paint_regions():
    h, w = 12, 16
    target = np.zeros((h, w, 3))
    target[:, w // 2:] = [0.9, 0.8, 0.1]
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    features = np.column_stack([xx.ravel(), yy.ravel()])
    frames = list(PalettePainting(target, palette=2, design=features, max_cost=0.05,
                                  max_epochs=20_000, frames=8))
    assert frames[-1].accuracy == 1.0
    assert len(frames) >= 5


def test_one_hot_design_can_be_given_and_a_palette_passed_in(cat):
    colours = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]])
    painting = PalettePainting(cat, palette=colours, design=OneHot(cat.shape[0] * cat.shape[1]))
    assert painting.palette is not colours and np.array_equal(painting.palette, colours)
    assert list(painting)[-1].accuracy >= 0.99


def test_bad_inputs_are_rejected(cat):
    with pytest.raises(ImageError, match="single colour"):
        PalettePainting(np.ones((4, 4, 3)))
    with pytest.raises(ValueError, match="rows"):
        PalettePainting(cat, design=np.zeros((10, 2)))


def test_bias_only_cost_and_mix_weights():
    assert bias_only_cost([5, 5]) == pytest.approx(np.log(2))
    assert bias_only_cost([1, 0, 3]) == pytest.approx(
        np.mean([-(0.25 * np.log(0.25) + 0.75 * np.log(0.75)), 0.0,
                 -(0.75 * np.log(0.75) + 0.25 * np.log(0.25))]))
    weights = mix_weights(np.array([[-2000.0, -1000.0], [0.0, 0.0]]))
    np.testing.assert_allclose(weights, [[0.0, 1.0], [0.5, 0.5]])


SMALL = np.random.default_rng(0).random((8, 6, 3))


def test_frame_cap_stops_a_long_palette_run_and_marks_it_truncated(monkeypatch):
    """Bursts of one epoch draw 49 frames; capped at 5, the run yields 5 and says it was cut short."""
    monkeypatch.setattr("paintlr.runs.frame.MAX_FRAMES", 5)
    painting = PalettePainting(SMALL, palette=3, burst=1)
    frames = list(painting)
    assert [f.epoch for f in frames] == [0, 1, 2, 3, 4]
    assert frames[-1].cost >= painting.max_cost
    assert painting.truncated is True


def test_a_palette_run_that_ends_within_the_cap_is_not_truncated(monkeypatch):
    monkeypatch.setattr("paintlr.runs.frame.MAX_FRAMES", 5)
    done = PalettePainting(SMALL, palette=3, frames=5)  # 5 frames, the last below the threshold
    frames = list(done)
    assert len(frames) == 5 and frames[-1].cost < done.max_cost
    assert done.truncated is False
    short = PalettePainting(SMALL, palette=3, burst=1, max_epochs=3)  # stopped by max_epochs, not the cap
    assert len(list(short)) == 4 and short.truncated is False
