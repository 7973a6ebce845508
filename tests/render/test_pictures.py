"""paintlr.render.pictures: drawer(run) for every kind of run draws one of its items as uint8 RGB;
a painting's frame is its image in uint8; a type with no drawer is refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr.core.pixels import to_uint8
from paintlr.render.panels import compose, composed_size
from paintlr.render.pictures import drawer
from paintlr.runs.classification import Classification
from paintlr.runs.line_fit import FitAnimation
from paintlr.runs.painting import Painting
from paintlr.runs.palette_painting import PalettePainting
from paintlr.runs.sweep import Sweep
from paintlr.settings import FIT_SIZE

TARGET = np.random.default_rng(0).random((4, 5, 3))


def rgb_uint8(image: np.ndarray, shape: tuple[int, int]) -> None:
    assert image.dtype == np.uint8
    assert image.shape == (*shape, 3), image.shape


@pytest.mark.parametrize("run", [Painting(TARGET, frames=3, learning_rate=0.5),
                                 PalettePainting(TARGET, palette=2, frames=3)],
                         ids=["painting", "palette painting"])
def test_a_paintings_drawer_gives_its_frames_image_as_uint8(run):
    draw = drawer(run)
    frames = list(run)
    assert len(frames) >= 2
    for frame in frames:
        picture = draw(frame)
        rgb_uint8(picture, (4, 5))
        np.testing.assert_array_equal(picture, to_uint8(frame.image))
    assert not np.array_equal(draw(frames[0]), draw(frames[-1]))  # the frames differ: each is drawn


def test_a_sweeps_drawer_composes_its_panels_at_the_sweeps_scale():
    """Panels wide enough (70 px, twice: past the least panel width) that the scale shows."""
    target = np.random.default_rng(3).random((6, 70, 3))
    sweep = Sweep(target, [("a", {"learning_rate": 0.5}), ("b", {"learning_rate": 1.0})], frames=3, scale=2)
    panels = next(iter(sweep))
    picture = drawer(sweep)(panels)
    w, h = composed_size(2, 6, 70, 2)
    rgb_uint8(picture, (h, w))
    assert composed_size(2, 6, 70, 1) != (w, h)
    np.testing.assert_array_equal(picture, compose(panels, 2))
    first = to_uint8(panels[0].frame.image).repeat(2, 0).repeat(2, 1)
    np.testing.assert_array_equal(picture[:12, :140], first)


def test_a_fit_animations_drawer_draws_a_figure():
    x = np.linspace(0, 1, 6)[:, None]
    y = 0.5 + 0.8 * x[:, 0]
    run = FitAnimation(x, y, x_names=["x"], frames=2)
    draw = drawer(run)
    ticks = list(run)
    pictures = [draw(states) for states in (ticks[0], ticks[-1])]
    for picture in pictures:
        rgb_uint8(picture, FIT_SIZE[::-1])
    assert not np.array_equal(*pictures)  # the line moved


def test_a_classifications_drawer_draws_a_figure():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 2))
    labels = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    run = Classification(x, labels, x_names=["a", "b"], frames=2, max_epochs=20)
    draw = drawer(run)
    states = list(run)
    rgb_uint8(draw(states[-1]), FIT_SIZE[::-1])


@pytest.mark.parametrize("thing", [object(), TARGET, "painting.png"])
def test_a_type_with_no_drawer_is_refused_by_name(thing):
    with pytest.raises(TypeError, match=f"paintlr cannot draw a {type(thing).__name__}$"):
        drawer(thing)
