"""panels: sweep panels side by side, each caption inside its own panel whatever the panel's width."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from paintlr.render.panels import caption_layout, compose, composed_size
from paintlr.runs.sweep import Sweep, sweep_runs


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
