"""paintlr.render.panels: a sweep's panels side by side, each picture at its place (or the diverged
colour), a caption under each, the size known beforehand, and rows stacked."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr.core.pixels import to_uint8
from paintlr.render.panels import DIVERGED, GAP, compose, compose_rows, composed_size
from paintlr.runs.frame import Frame
from paintlr.runs.sweep import Panel, Sweep, sweep_runs

WHITE = (255, 255, 255)


def picture(h: int, w: int, c: int = 3, seed: int = 0) -> np.ndarray:
    """Floats that are exact uint8 levels, so the tile's pixels are known exactly."""
    return np.random.default_rng(seed).integers(0, 256, (h, w, c)) / 255


def panel(image: np.ndarray, status: str = "running", label: str = "run", epoch: int = 10) -> Panel:
    return Panel(label, Frame(epoch, np.array([1e-3]), image), status)


def tile(image: np.ndarray, scale: int) -> np.ndarray:
    rgb = to_uint8(np.broadcast_to(image, (*image.shape[:2], 3)))
    return rgb.repeat(scale, axis=0).repeat(scale, axis=1)


# --- composed_size ------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "h", "w", "scale"),
                         [(1, 5, 7, 1), (2, 6, 4, 3), (3, 9, 2, 2), (4, 1, 1, 5)])
def test_composed_size_is_the_composed_images_size(count, h, w, scale):
    panels = [panel(picture(h, w, seed=k)) for k in range(count)]
    image = compose(panels, scale)
    assert composed_size(count, h, w, scale) == (image.shape[1], image.shape[0])
    assert image.shape[1] == count * (w * scale + GAP) - GAP


def test_composed_size_is_the_size_of_a_sweep_frame():
    target = np.random.default_rng(1).random((7, 9, 3))
    runs, _ = sweep_runs(target.shape)
    panels = next(iter(Sweep(target, runs, frames=3, scale=3)))
    frame = compose(panels, 3)
    assert composed_size(len(panels), 7, 9, 3) == (frame.shape[1], frame.shape[0])


# --- compose's layout -----------------------------------------------------------------------------

def test_each_panels_picture_is_at_its_place_with_white_gaps():
    h, w, scale = 5, 6, 3
    images = [picture(h, w, seed=k) for k in range(3)]
    out = compose([panel(im, label=f"p{k}") for k, im in enumerate(images)], scale)
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
    W, H = w * scale, h * scale
    for k, im in enumerate(images):
        x = k * (W + GAP)
        np.testing.assert_array_equal(out[:H, x:x + W], tile(im, scale))
        if k:
            assert (out[:H, x - GAP:x] == 255).all()  # the gap before it is white


def test_a_grey_picture_is_drawn_grey_in_rgb():
    grey = picture(4, 5, c=1)
    out = compose([panel(grey)], 2)
    np.testing.assert_array_equal(out[:8, :10], tile(grey, 2))
    assert (out[:8, :10, 0] == out[:8, :10, 2]).all()


def test_a_diverged_panel_is_the_diverged_colour_with_its_caption_in_it():
    h, w, scale = 4, 5, 4
    good, bad = picture(h, w, seed=1), np.full((h, w, 3), np.nan)
    out = compose([panel(good), panel(bad, status="diverged", label="boom", epoch=30)], scale)
    W, H = w * scale, h * scale
    np.testing.assert_array_equal(out[:H, :W], tile(good, scale))
    assert (out[:H, W + GAP:] == DIVERGED).all()
    def red(region):  # text drawn in DIVERGED (anti-aliased onto white): red well above green
        r, g = region[..., 0].astype(int), region[..., 1].astype(int)
        return (r - g > 60).sum()

    assert red(out[H:, W + GAP:]) > 10  # "diverged by 30" and "exploded" are in the diverged colour
    assert red(out[H:, :W]) == 0  # a running panel's caption is black


def test_every_tile_has_a_caption_under_it():
    h, w, scale = 6, 8, 4
    out = compose([panel(picture(h, w, seed=k), label=f"run {k}") for k in range(3)], scale)
    W, H = w * scale, h * scale
    assert out.shape[0] > H
    for k in range(3):
        under = out[H:, k * (W + GAP):k * (W + GAP) + W]
        assert (under != 255).any(axis=2).sum() > 20, k  # text is drawn under this tile


def test_compose_lays_out_panels_with_captions():
    target = np.random.default_rng(0).random((8, 6, 1))
    panels = next(iter(Sweep(target, [("a", {"learning_rate": 0.5}), ("b", {"learning_rate": 3.0})],
                             frames=5)))
    image = compose(panels, scale=4)
    assert image.dtype == np.uint8 and image.shape[2] == 3
    assert image.shape[1] == 2 * 6 * 4 + 4 and image.shape[0] > 8 * 4
    caption = image[8 * 4:, : 6 * 4]
    assert (caption < 128).any()  # caption text is drawn


# --- compose_rows ---------------------------------------------------------------------------------

def test_compose_rows_stacks_each_row_one_under_the_other():
    rows = [[panel(picture(3, 4, seed=k), label=f"r{k}") for k in range(2)],
            [panel(picture(3, 4, seed=5 + k), label=f"s{k}") for k in range(2)]]
    out = compose_rows(rows, 2)
    first, second = compose(rows[0], 2), compose(rows[1], 2)
    assert out.shape == (first.shape[0] + second.shape[0], first.shape[1], 3)
    np.testing.assert_array_equal(out[:first.shape[0]], first)
    np.testing.assert_array_equal(out[first.shape[0]:], second)
    np.testing.assert_array_equal(out[first.shape[0]:first.shape[0] + 6, :8], tile(rows[1][0].frame.image, 2))
