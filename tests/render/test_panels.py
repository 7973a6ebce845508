"""paintlr.render.panels: a sweep's panels side by side, each picture at its place (or the diverged
colour), a caption under each, the size known beforehand, and rows stacked."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from paintlr.core.pixels import to_uint8
from paintlr.render.panels import (
    DIVERGED,
    GAP,
    MIN_PANEL,
    caption_layout,
    compose,
    compose_rows,
    composed_size,
)
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


def tiles(out: np.ndarray, panels, scale: int) -> list[np.ndarray]:
    """Each panel's tile as compose placed it (caption_layout's boxes)."""
    return [out[y:y + th, x:x + tw] for _, (x, y, tw, th), _ in caption_layout(panels, scale)]


def enlarged(image: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """`image` as a tile the size of `placed`: enlarged a whole number of times, pixel for pixel."""
    return tile(image, placed.shape[1] // image.shape[1])


# --- composed_size ------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "h", "w", "scale"),
                         [(1, 5, 7, 1), (2, 6, 4, 3), (3, 9, 2, 2), (4, 1, 1, 5), (2, 40, 150, 1)])
def test_composed_size_is_the_composed_images_size(count, h, w, scale):
    panels = [panel(picture(h, w, seed=k)) for k in range(count)]
    image = compose(panels, scale)
    assert composed_size(count, h, w, scale) == (image.shape[1], image.shape[0])
    width = max(w * scale, MIN_PANEL)  # narrow panels are widened so that their captions fit
    assert image.shape[1] == count * (width + GAP) - GAP


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
    panels = [panel(im, label=f"p{k}") for k, im in enumerate(images)]
    out = compose(panels, scale)
    assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
    for k, (im, placed, (column, (x, _y, tw, th), _)) in enumerate(zip(
            images, tiles(out, panels, scale), caption_layout(panels, scale), strict=True)):
        assert placed.shape[1] >= w * scale and placed.shape[1] % w == 0
        np.testing.assert_array_equal(placed, enlarged(im, placed))
        assert column[0] <= x and x + tw <= column[2]  # inside its column, centred
        assert abs((x - column[0]) - (column[2] - x - tw)) <= 1
        if k:
            assert (out[:th, column[0] - GAP:column[0]] == 255).all()  # the gap before it is white


def test_a_grey_picture_is_drawn_grey_in_rgb():
    grey = picture(4, 5, c=1)
    panels = [panel(grey)]
    (placed,) = tiles(compose(panels, 2), panels, 2)
    np.testing.assert_array_equal(placed, enlarged(grey, placed))
    assert (placed[..., 0] == placed[..., 2]).all()


def test_a_diverged_panel_is_the_diverged_colour_with_its_caption_in_it():
    h, w, scale = 4, 5, 4
    good, bad = picture(h, w, seed=1), np.full((h, w, 3), np.nan)
    panels = [panel(good), panel(bad, status="diverged", label="boom", epoch=30)]
    out = compose(panels, scale)
    placed_good, placed_bad = tiles(out, panels, scale)
    np.testing.assert_array_equal(placed_good, enlarged(good, placed_good))
    assert (placed_bad == DIVERGED).all()
    (first, (_, _, _, th), _), (second, _, _) = caption_layout(panels, scale)

    def red(region):  # text drawn in DIVERGED (anti-aliased onto white): red well above green
        r, g = region[..., 0].astype(int), region[..., 1].astype(int)
        return (r - g > 60).sum()

    assert red(out[th:, second[0]:second[2]]) > 10  # "diverged by 30" and "exploded" in the diverged colour
    assert red(out[th:, first[0]:first[2]]) == 0  # a running panel's caption is black


def test_every_tile_has_a_caption_under_it():
    h, w, scale = 6, 8, 4
    panels = [panel(picture(h, w, seed=k), label=f"run {k}") for k in range(3)]
    out = compose(panels, scale)
    for k, (column, (_, _, _, th), _) in enumerate(caption_layout(panels, scale)):
        under = out[th:, column[0]:column[2]]
        assert (under != 255).any(axis=2).sum() > 20, k  # text is drawn under this tile


def test_compose_lays_out_panels_with_captions():
    target = np.random.default_rng(0).random((8, 6, 1))
    panels = next(iter(Sweep(target, [("a", {"learning_rate": 0.5}), ("b", {"learning_rate": 3.0})],
                             frames=5)))
    image = compose(panels, scale=4)
    assert image.dtype == np.uint8 and image.shape[2] == 3
    # 24-pixel tiles enlarged 5 times more to 120, each centred in a panel MIN_PANEL = 128 wide
    assert image.shape[1] == 2 * MIN_PANEL + GAP and image.shape[0] > 8 * 4 * 5
    caption = image[8 * 4 * 5:, :MIN_PANEL]
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


def boxes_of(panels, scale: int = 1) -> list[tuple[tuple, list]]:
    """Each panel's column and its caption lines' text boxes, as Pillow measures them."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = ImageFont.load_default()
    return [(column, [draw.textbbox(xy, text, font=font) for xy, text, _ in texts])
            for column, _, texts in caption_layout(panels, scale)]


def inside(box, column) -> bool:
    return column[0] <= box[0] and box[2] <= column[2] and column[1] <= box[1] and box[3] <= column[3]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("shape", "runs", "model"), [
    ((8, 8, 3), [("gd", 0.05), ("sgd", 0.5)], "linear"),
    ((8, 8, 3), [], "logistic"),
    ((3, 40, 1), [("momentum", 0.5), ("gd", 1.0)], "linear"),
])
def test_every_caption_lies_inside_its_panel_and_overlaps_no_other(shape, runs, model):
    target = np.random.default_rng(1).random(shape)
    ticks = list(Sweep(target, sweep_runs(shape, pairs=runs, model=model)[0], frames=4))
    for panels in (ticks[0], ticks[-1]):
        layout = boxes_of(panels)
        width, height = composed_size(len(panels), *shape[:2])
        assert compose(panels).shape == (height, width, 3)
        texts = [box for _, boxes in layout for box in boxes]
        for column, boxes in layout:
            assert 0 <= column[0] and column[2] <= width and column[3] <= height
            assert all(inside(box, column) for box in boxes), (column, boxes)
        assert not any(overlap(a, b) for a, b in itertools.combinations(texts, 2))
