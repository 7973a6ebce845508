"""The classify animation's figure: logistic regression on two input columns drawn frame by frame
with matplotlib.

No training and no I/O here: `runs.classification` yields the states (`ClassifyState`), the
outputs write the frames. matplotlib is imported inside the constructor, never at the top (see
`render.canvas`, which also tells how a frame is drawn over a background kept once).
"""

from __future__ import annotations

import numpy as np

from ..runs.classification import ClassifyState
from ..settings import CONVERGED, DIVERGED, FIT_SIZE, STATUS_WORDS, STOPPED
from .canvas import BLACK, GREY, SMALL, TEXT, Canvas, moving_title, number, status_colour
from .cost_curve import cost_axes, cost_limits, update_cost

CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf")
PREDICTED = "#ffd700"  # the --predict point: a gold star over any shading


class ClassifyFigure:
    """Logistic regression on two input columns, drawn frame by frame.

    Left: the points coloured by class over the model's probabilities on a grid; two classes
    shade P(classes[1]) white at 0.5 and draw the 0.5 boundary; more shade each point of the
    grid lightly in its predicted class's colour and draw each class's own one-vs-rest
    boundary in its colour. Right: the cost curve, the classes and the training accuracy.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, *, classes: np.ndarray, x_names: list[str],
                 grid: tuple[np.ndarray, np.ndarray], epochs: int, cost_range: tuple[float, float],
                 size: tuple[int, int] = FIT_SIZE, predicted: tuple[float, float] | None = None) -> None:
        from matplotlib.colors import to_rgb

        x = np.asarray(x, dtype=np.float64)
        labels, self.classes = np.asarray(labels), np.asarray(classes)
        if x.ndim != 2 or x.shape[1] != 2:
            raise ValueError(f"ClassifyFigure draws two input columns, got x of shape {x.shape}")
        k = len(self.classes)
        if k < 2:
            raise ValueError("ClassifyFigure needs two or more classes")
        self.xs, self.ys = (np.asarray(g, dtype=np.float64).ravel() for g in grid)
        colours = np.array([to_rgb(CLASS_COLOURS[i % len(CLASS_COLOURS)]) for i in range(k)])
        self._shades = _shades(colours)
        self._lines = [tuple(0.75 * c) for c in colours]  # darker ones for each class's boundary
        self._costs = cost_limits(cost_range)
        self._canvas = Canvas(size)
        fig = self._canvas.figure
        sub = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1.25, 1])
        ax, cost_ax, info_ax = (fig.add_subplot(sub[where]) for where in ((slice(None), 0), (0, 1), (1, 1)))
        self._ax = ax
        extent = _extent(self.xs, self.ys)
        ax.set_xlim(*_reach(extent[:2], predicted and predicted[0]))
        ax.set_ylim(*_reach(extent[2:], predicted and predicted[1]))
        ax.set_autoscale_on(False)
        ax.set_xlabel(x_names[0], fontsize=TEXT)
        ax.set_ylabel(x_names[1], fontsize=TEXT)
        ax.tick_params(labelsize=SMALL)
        self._image = ax.imshow(np.full((len(self.ys), len(self.xs), 4), 255, dtype=np.uint8), extent=extent,
                                origin="lower", interpolation="nearest", aspect="auto")
        index = np.full(len(labels), -1)
        for i, c in enumerate(self.classes):
            index[labels == c] = i
        faces = np.where(index[:, None] >= 0, colours[np.maximum(index, 0)], 0.5)
        self._points = ax.scatter(x[:, 0], x[:, 1], s=30, c=faces, edgecolors=BLACK, linewidths=0.6, zorder=3)
        self._marks = [self._points]
        if predicted is not None:
            self._marks.append(ax.scatter([predicted[0]], [predicted[1]], s=260, marker="*", c=PREDICTED,
                                          edgecolors=BLACK, linewidths=1.0, zorder=4))
        self._title = moving_title(ax, "epoch 0 · cost 0 · accuracy 0 %")
        self._cost_line, self._cost_marker = cost_axes(cost_ax, max(int(epochs), 1), self._costs)
        cost_ax.set_ylabel("cost (cross-entropy)", fontsize=TEXT)
        info_ax.set_axis_off()
        _legend(info_ax, self.classes, colours, predicted is not None)
        self._accuracy = info_ax.text(0.5, 0.02, "training accuracy\n0 %", ha="center", va="bottom",
                                      fontsize=14, transform=info_ax.transAxes)
        self._contours: list = []
        self._canvas.freeze([self._image, *self._marks, *ax.spines.values(), self._title, self._cost_line,
                             self._cost_marker, self._accuracy])

    @property
    def figure(self):
        """The matplotlib Figure every frame is drawn on (for inspection; do not redraw it)."""
        return self._canvas.figure

    def draw(self, state: ClassifyState) -> np.ndarray:
        """One frame, uint8 (h, w, 3)."""
        for old in self._contours:
            old.remove()
        self._contours = []
        scores = np.asarray(state.scores, dtype=np.float64)
        k = len(self.classes)
        expected = (len(self.ys), len(self.xs)) if k == 2 else (len(self.ys), len(self.xs), k)
        if scores.shape != expected:
            raise ValueError(f"scores of shape {scores.shape}, expected {expected}")
        if k == 2:
            p = np.clip(np.nan_to_num(scores, nan=0.5, posinf=1.0, neginf=0.0), 0, 1)
            self._image.set_data(self._shades[np.round(p * 255).astype(np.intp)])
            self._boundary(p, BLACK)
        else:
            s = np.where(np.isfinite(scores), scores, -np.inf)
            self._image.set_data(self._shades[np.argmax(s, axis=2)])
            for i in range(k):
                self._boundary(np.clip(np.nan_to_num(scores[..., i], nan=0.5), 0, 1), self._lines[i])
        diverged = state.status == DIVERGED
        accuracy = f"{100 * state.accuracy:.1f} %" if np.isfinite(state.accuracy) else "–"
        cost = number(state.cost) if np.isfinite(state.cost) else "exploded"
        head = f"{state.label} · " if state.label else ""
        if diverged:
            self._title.set_text(f"{head}diverged at epoch {state.epoch:,} · cost {cost}")
        else:
            done = f" · {STATUS_WORDS[state.status]}" if state.status in (CONVERGED, STOPPED) else ""
            self._title.set_text(f"{head}epoch {state.epoch:,} · cost {cost} · accuracy {accuracy}{done}")
        self._title.set_color(status_colour(state.status))
        self._accuracy.set_text(f"training accuracy\n{accuracy}")
        update_cost(self._cost_line, self._cost_marker, state, self._costs, diverged)
        return self._canvas.render([self._image, *self._contours, *self._marks, *self._ax.spines.values(),
                                    self._title, self._cost_line, self._cost_marker, self._accuracy])

    def _boundary(self, p: np.ndarray, colour) -> None:
        """The 0.5 contour of p, if p crosses 0.5 on the grid."""
        if not p.min() < 0.5 < p.max():
            return
        contours = self._ax.contour(self.xs, self.ys, p, levels=[0.5], colors=[colour], linewidths=2)
        # matplotlib >= 3.8 returns one artist; 3.7 a ContourSet holding one collection per level
        from matplotlib.artist import Artist

        self._contours.extend([contours] if isinstance(contours, Artist) else contours.collections)




def _extent(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float]:
    """imshow's extent for values at the grid points: half a cell beyond the first and last."""
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2 or 0.5
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2 or 0.5
    return (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)


def _reach(limits: tuple[float, float], value: float | None) -> tuple[float, float]:
    """An axis's limits widened, with a twentieth of their span to spare, to show `value`."""
    low, high = limits
    if value is None or low <= value <= high:
        return low, high
    spare = (max(high, value) - min(low, value)) / 20
    return min(low, value - spare), max(high, value + spare)


def _shades(colours: np.ndarray) -> np.ndarray:
    """The background's palette as RGBA bytes, drawn without interpolation: a quarter of the time of
    a colormapped float image. Two classes: 256 shades from the first class's colour through white
    at P = 0.5 to the second's; more: a light tint of each class's colour."""
    if len(colours) == 2:
        ramp = np.linspace(-1, 1, 256)[:, None]
        shades = 1 - 0.45 * np.abs(ramp) * (1 - np.where(ramp < 0, colours[0], colours[1]))
    else:
        shades = 1 - 0.3 * (1 - colours)
    return np.concatenate([np.round(255 * shades), np.full((len(shades), 1), 255)], axis=1).astype(np.uint8)


def _legend(ax, classes: np.ndarray, colours: np.ndarray, predicted: bool = False) -> None:
    """The classes' colours, what the boundary lines mean and the predicted point's star, atop `ax`."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker="o", ms=7, mfc=c, mec=BLACK, mew=0.6) for c in colours]
    names = [str(c) for c in classes]
    if len(classes) == 2:
        handles.append(Line2D([], [], color=BLACK, lw=2))
        names.append("P = 0.5 boundary")
    else:
        handles.append(Line2D([], [], color=GREY, lw=2))
        names.append("each class's P = 0.5 (one vs rest)")
    if predicted:
        handles.append(Line2D([], [], ls="", marker="*", ms=13, mfc=PREDICTED, mec=BLACK, mew=1.0))
        names.append("predicted")
    ax.legend(handles, names, loc="upper center", fontsize=SMALL, frameon=False,
              ncol=1 if len(classes) <= 4 else 2, title="class", title_fontsize=SMALL)
