"""How a run's items become pixels: one drawer per kind of run, looked up by the run's type.

`drawer(run)` returns a function from one item the run yields (a frame, panels, fit states)
to a uint8 RGB image: what every output writes and the player shows. A new kind of run
registers its drawer here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, singledispatch

import numpy as np

from ..core.pixels import to_uint8
from ..runs.classification import Classification
from ..runs.frame import Frame, FrameSource
from ..runs.line_fit import FitAnimation
from ..runs.sweep import Sweep
from .classify_figure import ClassifyFigure
from .fit_figure import FitFigure
from .panels import compose

Draw = Callable[[object], np.ndarray]


@singledispatch
def drawer(run) -> Draw:
    """The function that draws one item of `run` as uint8 pixels."""
    raise TypeError(f"paintlr cannot draw a {type(run).__name__}")


@drawer.register
def _painting(run: FrameSource) -> Draw:
    def draw(frame: Frame) -> np.ndarray:
        return to_uint8(frame.image)

    return draw


@drawer.register
def _sweep(run: Sweep) -> Draw:
    return partial(compose, scale=run.scale)  # the panels side by side, each captioned


@drawer.register
def _fit(run: FitAnimation) -> Draw:
    return fit_figure(run).draw


@drawer.register
def _classification(run: Classification) -> Draw:
    return classify_figure(run).draw


def fit_figure(run: FitAnimation) -> FitFigure:
    """The figure every frame of a fit is drawn on: built once, its axes fitted to the whole run."""
    first = run.runs[0]
    start = max(r.cost(0) for r in run.runs)
    return FitFigure(run.x, run.y, x_names=run.x_names, y_name=run.y_name, predict=first.predict,
                     best=run.best, labels=run.labels, epochs=max(run.end, 1),
                     cost_range=(run.optimal_cost, start), surface=run.path_box())


def classify_figure(run: Classification, predicted: tuple[float, float] | None = None) -> ClassifyFigure:
    """The figure every frame of a classification is drawn on: the points, the grid, the whole
    run's epoch axis, and the point asked about, if any."""
    return ClassifyFigure(run.x, run.labels, classes=run.classes, x_names=run.x_names, grid=run.grid,
                          epochs=max(run.epochs[-1], 1), cost_range=(1e-3, 1.0), predicted=predicted)
