"""Frames of the fit and classify animations: run states drawn with matplotlib into RGB arrays.

No training and no I/O here: `runs.line_fit` and `runs.classification` yield the states
(`FitState`, `ClassifyState`), the outputs write the frames. matplotlib is imported
inside the figures' constructors, never at the top, so `paintlr --help` and `paintlr
learn` never load it.

Each figure is built once and drawn many times (blitting): the constructor lays the
figure out, draws everything that never changes (axes, ticks, labels, the points, the
least-squares line, the error surface) once with `canvas.draw()` and keeps those pixels;
each frame restores them and draws only the artists that move (the model's line, the
cost curve, the path, the titles, the classifier's background and boundaries) on top.
A full `canvas.draw()` of a three-panel figure takes about 60 ms on a small machine;
a frame drawn this way takes a few. The layout is frozen after the first draw, so every
frame of one figure has the same size and the same axes, whatever its texts say.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ..runs.classification import ClassifyState
from ..runs.line_fit import FitState

DPI = 100
TEXT = 10  # titles and axis labels, in points (at DPI 100 a point is 1.4 pixels)
SMALL = 9  # tick labels and legends
MARGIN = 0.08  # of the data's range, around the points
FAR = 1e6  # finite values further than this many view ranges outside the view are pulled in before drawing
CURVE_SAMPLES = 200  # x values at which the model's curve is drawn
SURFACE_SAMPLES = 160  # grid of the error surface along each axis
BLACK = "#222222"
GREY = "#666666"
MODEL = "#1f77b4"  # the model being trained: its line, predictions and cost curve
PATH = "#e8710a"  # its path on the error surface
RED = "#c81e1e"  # diverged
GREEN = "#1a7f37"  # converged
_LEGEND_ORDER = ("data", "gradient descent", "least squares", "predicted = actual")
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf")


class _Canvas:
    """A figure of a fixed pixel size drawn with Agg: the static part once, the moving part per frame."""

    def __init__(self, size: tuple[int, int]):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        w, h = (int(v) for v in size)
        if w < 200 or h < 150:
            raise ValueError(f"a figure needs at least 200 x 150 pixels, got {w} x {h}")
        self.size = (w, h)
        # a hair over the size: Agg truncates the figure's width and height in pixels to integers
        self.figure = Figure(figsize=((w + 0.01) / DPI, (h + 0.01) / DPI), dpi=DPI, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self._background = None

    def freeze(self, dynamic: Sequence, stickers: Sequence = ()) -> None:
        """Lay the figure out (with the moving artists' placeholder texts in place), fix that layout,
        and keep the pixels of everything but `dynamic` and `stickers` as the background of every frame.

        Stickers are opaque artists that never change but must stay on top of moving ones (legends
        inside the data axes): drawn once, their pixels are pasted over every frame.
        """
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        for artist in (*dynamic, *stickers):
            artist.set_animated(True)
            artist.set_visible(False)  # images are drawn even when animated in older matplotlib
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        renderer = self.canvas.get_renderer()
        self._stickers = []
        for artist in stickers:
            artist.set_visible(True)
            self.figure.draw_artist(artist)
            self._stickers.append(self.canvas.copy_from_bbox(artist.get_window_extent(renderer).padded(2)))
        for artist in dynamic:
            artist.set_visible(True)

    def render(self, artists: Sequence) -> np.ndarray:
        """The background with `artists` drawn over it in order and the stickers on top, uint8 (h, w, 3)."""
        self.canvas.restore_region(self._background)
        for artist in artists:
            self.figure.draw_artist(artist)  # an invisible artist draws nothing
        for region in self._stickers:
            self.canvas.restore_region(region)
        return self.pixels()

    def pixels(self) -> np.ndarray:
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()


class FitFigure:
    """Linear regression on a table: one column per run (learning rate), drawn frame by frame.

    One x column: the points, the model's curve over a dense grid of x and the least-squares
    curve dashed; several: the model's predictions against the actual y with the identity
    line. Under it the cost curve, and with `surface` (two-parameter models) the error
    surface J(b, m) with the path gradient descent has taken over it.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, *, x_names: list[str], y_name: str,
                 predict: Callable[[np.ndarray, np.ndarray], np.ndarray], best: np.ndarray,
                 labels: list[str], epochs: int, cost_range: tuple[float, float],
                 surface: tuple[float, float, float, float] | None = None,
                 size: tuple[int, int] = (960, 540)) -> None:
        y = np.asarray(y, dtype=np.float64).ravel()
        x = np.asarray(x, dtype=np.float64).reshape(len(y), -1)
        self.x, self.y, self.d = x, y, x.shape[1]
        self.x_names, self.y_name = list(x_names), y_name
        self.predict, self.best = predict, np.asarray(best, dtype=np.float64)
        self.labels, self.epochs, self.cost_range = list(labels), max(int(epochs), 1), cost_range
        self.size = size
        if not self.labels:
            raise ValueError("FitFigure needs at least one label (one column per run)")
        if surface is not None and (self.d != 1 or self.best.size != 2):
            raise ValueError("the error surface is drawn for two-parameter models of one x column only")
        self.surface = None if surface is None else tuple(float(v) for v in surface)
        self.ylim = _span(y.min(), y.max())
        if self.d > 1:  # predicted against actual: room for the least-squares predictions too, on both axes
            with np.errstate(all="ignore"):
                reach = np.concatenate([y, np.asarray(predict(self.best, x), dtype=np.float64).ravel()])
            reach = reach[np.isfinite(reach)]
            self.ylim = _span(reach.min(), reach.max())
        self.xlim = _span(x[:, 0].min(), x[:, 0].max()) if self.d == 1 else self.ylim
        self.grid = np.linspace(*self.xlim, CURVE_SAMPLES)
        self._costs = _cost_limits(cost_range)
        self._canvas = _Canvas(size)
        outer = self._canvas.figure.add_gridspec(1, len(self.labels))
        self._columns = [self._column(outer[0, i], label, first=i == 0)
                         for i, label in enumerate(self.labels)]
        self._canvas.freeze([a for c in self._columns for a in c["dynamic"]],
                            [c["legend"] for c in self._columns if c["legend"] is not None])

    @property
    def figure(self):
        """The matplotlib Figure every frame is drawn on (for inspection; do not redraw it)."""
        return self._canvas.figure

    def draw(self, states: list[FitState]) -> np.ndarray:
        """One frame, uint8 (h, w, 3): one state per label, in the labels' order."""
        if len(states) != len(self._columns):
            raise ValueError(f"expected {len(self._columns)} states (one per label), got {len(states)}")
        for column, state in zip(self._columns, states):
            self._update(column, state)
        return self._canvas.render([a for c in self._columns for a in c["dynamic"]])

    def still(self, steps: list[tuple[int, np.ndarray]]) -> np.ndarray:
        """One figure with the points, the least-squares line dashed, and the model after each (epoch, theta):
        the notebook's 'after 10, 100 and 1000 steps' picture."""
        canvas = _Canvas(self.size)
        fig = canvas.figure
        if self.surface is not None:
            data_ax, surface_ax = fig.subplots(1, 2, width_ratios=[1.35, 1])
        else:
            data_ax, surface_ax = fig.add_subplot(), None
        colours = _step_colours(len(steps))
        best_cost = self._cost_of(self.best)
        if self.d == 1:
            self._points_axes(data_ax)
            data_ax.scatter(self.x[:, 0], self.y, s=32, color=BLACK, zorder=3, label="data")
            data_ax.plot(self.grid, self._curve(self.best), "--", color=GREY, lw=1.6,
                         label=f"least squares, J {_num(best_cost)}")
        else:
            self._parity_axes(data_ax, best_label=f"least squares, J {_num(best_cost)}")
        for (epoch, theta), colour in zip(steps, colours):
            text = f"after {epoch:,} step{'s' if epoch != 1 else ''}, J {_num(self._cost_of(theta))}"
            if self.d == 1:
                data_ax.plot(self.grid, self._curve(theta), color=colour, lw=2, label=text)
            else:
                pred = self._values(theta, self.x)
                data_ax.scatter(self.y, pred, s=22, color=colour, zorder=3, label=text)
        data_ax.legend(loc=self._corner(), fontsize=SMALL)
        data_ax.set_title("gradient descent against least squares", fontsize=TEXT)
        if surface_ax is not None:
            self._surface_axes(surface_ax)
            for (_, theta), colour in zip(steps, colours):
                b, m = (_tame(v, *lim) for v, lim in zip(theta, (self.surface[:2], self.surface[2:])))
                surface_ax.plot([b], [m], "o", color=colour, ms=8, mec=BLACK, mew=0.8, zorder=4)
        canvas.canvas.draw()
        return canvas.pixels()

    # construction

    def _column(self, outer, label: str, *, first: bool) -> dict:
        """The axes and artists of one run's column; `dynamic` lists what each frame redraws, in order."""
        fig, n = self._canvas.figure, len(self.labels)
        if n == 1:
            if self.surface is not None:
                sub = outer.subgridspec(2, 2, width_ratios=[1.45, 1], height_ratios=[1.15, 1])
                data_ax, surface_ax, cost_ax = fig.add_subplot(sub[:, 0]), fig.add_subplot(sub[0, 1]), \
                    fig.add_subplot(sub[1, 1])
            else:
                sub = outer.subgridspec(1, 2, width_ratios=[1.45, 1])
                data_ax, surface_ax, cost_ax = fig.add_subplot(sub[0, 0]), None, fig.add_subplot(sub[0, 1])
        elif self.surface is not None and n >= 4:  # too narrow for two axes side by side: one above another
            sub = outer.subgridspec(3, 1, height_ratios=[1.3, 1, 1])
            data_ax, cost_ax, surface_ax = (fig.add_subplot(sub[i]) for i in range(3))
        else:
            if self.surface is not None:
                sub = outer.subgridspec(2, 2, height_ratios=[1.4, 1])
                data_ax, cost_ax, surface_ax = fig.add_subplot(sub[0, :]), fig.add_subplot(sub[1, 0]), \
                    fig.add_subplot(sub[1, 1])
            else:
                sub = outer.subgridspec(2, 1, height_ratios=[1.4, 1])
                data_ax, surface_ax, cost_ax = fig.add_subplot(sub[0]), None, fig.add_subplot(sub[1])
        column = {"data": data_ax, "cost": cost_ax, "surface": surface_ax}
        from matplotlib.patches import Rectangle

        alarm = Rectangle((0, 0), 1, 1, transform=data_ax.transAxes, clip_on=False, zorder=0.5,
                          facecolor=(0.78, 0.12, 0.12, 0.08), edgecolor=RED, lw=2.5)  # shown once diverged
        column["alarm"] = data_ax.add_patch(alarm)
        if self.d == 1:
            self._points_axes(data_ax)
            data_ax.plot(self.grid, self._curve(self.best), "--", color=GREY, lw=1.6, label="least squares")
            (column["model"],) = data_ax.plot(self.grid, self._curve(self.best), color=MODEL, lw=2.2,
                                              label="gradient descent")
            column["points"] = data_ax.scatter(self.x[:, 0], self.y, s=32, color=BLACK, zorder=3,
                                               label="data")
            moving = [column["model"], column["points"]]
        else:
            self._parity_axes(data_ax, best_label="least squares")
            column["model"] = data_ax.scatter(self.y, self._values(self.best, self.x), s=22, color=MODEL,
                                              zorder=3, label="gradient descent")
            moving = [column["model"]]
        handles, names = data_ax.get_legend_handles_labels()
        order = sorted(range(len(names)), key=lambda j: _LEGEND_ORDER.index(names[j]))
        column["legend"] = None  # with several runs only the first column has one
        if first:
            short = {"gradient descent": "GD", "least squares": "least sq.", "predicted = actual": "y = ŷ"}
            names = [short.get(name, name) if n > 3 else name for name in names]
            column["legend"] = data_ax.legend([handles[j] for j in order], [names[j] for j in order],
                                              loc=self._corner(), fontsize=SMALL, framealpha=1)
            column["legend"].set_in_layout(False)  # in the axes' corner; if it is wider, the axes stay put
        placeholder = FitState(label, 0, self.best, 0.0, "running", ((), ()))
        column["title"] = _title(data_ax, self._heading(placeholder))
        column["cost_line"], column["cost_marker"] = _cost_axes(cost_ax, self.epochs, self._costs,
                                                                narrow=n > 1)
        if np.isfinite(self.cost_range[0]) and self.cost_range[0] > 0:
            cost_ax.axhline(self.cost_range[0], ls=":", color=GREY, lw=1)  # the least-squares cost
        dynamic = [column["alarm"], *moving, column["title"], column["cost_line"],
                   column["cost_marker"]]
        if surface_ax is not None:
            self._surface_axes(surface_ax, title="J(b, m)" if n > 3 else "error surface" if n > 1 else None)
            (column["path"],) = surface_ax.plot([], [], color=PATH, lw=1.6)
            (column["path_end"],) = surface_ax.plot([], [], "o", color=PATH, ms=7, mec=BLACK, mew=0.8)
            dynamic += [column["path"], column["path_end"]]
        column["dynamic"] = dynamic
        return column

    def _points_axes(self, ax) -> None:
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel(self.x_names[0] if self.x_names else "x", fontsize=TEXT)
        ax.set_ylabel(self.y_name, fontsize=TEXT)
        ax.tick_params(labelsize=SMALL)
        ax.grid(alpha=0.3)

    def _parity_axes(self, ax, *, best_label: str) -> None:
        """Predicted against actual y, the identity line, and the least-squares predictions (hollow)."""
        ax.set_xlim(*self.ylim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel(f"actual {self.y_name}", fontsize=TEXT)
        inputs = ", ".join(self.x_names)
        inputs = inputs if len(inputs) <= 32 else f"{len(self.x_names)} columns"
        ax.set_ylabel(f"predicted {self.y_name} from {inputs}", fontsize=TEXT)
        ax.tick_params(labelsize=SMALL)
        ax.grid(alpha=0.3)
        ax.plot(self.ylim, self.ylim, ":", color=GREY, lw=1.2, label="predicted = actual")
        ax.scatter(self.y, self._values(self.best, self.x), s=40, facecolors="none", edgecolors=GREY,
                   lw=1.1, label=best_label)

    def _surface_axes(self, ax, title: str | None = None) -> None:
        """Contours of J(b, m) over the surface box, and the least-squares point."""
        b0, b1, m0, m1 = self.surface
        b, m = np.meshgrid(np.linspace(b0, b1, SURFACE_SAMPLES), np.linspace(m0, m1, SURFACE_SAMPLES))
        x, y = self.x[:, 0], self.y
        # J = (1/2n) sum (b + m x - y)^2, from the moments of x and y: no (grid, n) array
        j = 0.5 * (b * b + 2 * b * m * x.mean() + m * m * (x * x).mean() - 2 * b * y.mean()
                   - 2 * m * (x * y).mean() + (y * y).mean())
        low = min(float(j.min()), self._cost_of(self.best))
        if np.isfinite(j).all() and j.max() > low:
            levels = low + (j.max() - low) * np.linspace(0, 1, 13) ** 2  # evenly spaced rings of the bowl
            ax.contourf(b, m, j, levels=levels, cmap="Blues", alpha=0.75)
            ax.contour(b, m, j, levels=levels[1:], colors="white", linewidths=0.7)
        ax.plot([self.best[0]], [self.best[1]], marker="*", ms=13, color="white", mec=BLACK, mew=1, zorder=3)
        ax.set_xlim(b0, b1)
        ax.set_ylim(m0, m1)
        ax.set_xlabel("intercept b", fontsize=TEXT)
        ax.set_ylabel("slope m", fontsize=TEXT)
        ax.set_title(title or "error surface J(b, m), ★ least squares", fontsize=SMALL)
        ax.tick_params(labelsize=SMALL)

    def _corner(self) -> str:
        """The legend's corner of the data axes: the one with the fewest points and least-squares curve."""
        if self.d == 1:
            px = np.concatenate([self.x[:, 0], self.grid])
            py = np.concatenate([self.y, self._curve(self.best)])
            return _quiet_corner(px, py, self.xlim, self.ylim)
        pred = self._values(self.best, self.x)
        return _quiet_corner(np.concatenate([self.y, self.ylim]), np.concatenate([pred, self.ylim]),
                             self.ylim, self.ylim)

    # per frame

    def _update(self, column: dict, state: FitState) -> None:
        diverged = state.status == "diverged"
        theta = np.asarray(state.theta, dtype=np.float64)
        shown = not diverged and bool(np.isfinite(theta).all())
        column["alarm"].set_visible(diverged)
        if self.d == 1:
            column["model"].set_visible(shown)
            if shown:
                column["model"].set_ydata(self._curve(theta))
        else:
            pred = self._values(theta, self.x) if shown else np.full(len(self.y), np.nan)
            keep = np.isfinite(pred)
            column["model"].set_offsets(np.column_stack([self.y[keep], pred[keep]]))
        column["title"].set_text(self._heading(state))
        column["title"].set_color(RED if diverged else GREEN if state.status == "converged" else BLACK)
        _update_cost(column["cost_line"], column["cost_marker"], state, self._costs, diverged)
        if column["surface"] is not None:
            path = None if state.path is None else np.asarray(state.path, dtype=np.float64).reshape(-1, 2)
            b0, b1, m0, m1 = self.surface
            visible = path is not None and len(path) > 0 and not diverged
            column["path"].set_visible(visible)
            column["path_end"].set_visible(False)
            if visible:
                b, m = _tame(path[:, 0], b0, b1), _tame(path[:, 1], m0, m1)
                column["path"].set_data(b, m)
                finite = np.flatnonzero(np.isfinite(b) & np.isfinite(m))
                if finite.size:
                    column["path_end"].set_data([b[finite[-1]]], [m[finite[-1]]])
                    column["path_end"].set_visible(True)

    # arithmetic for the pictures

    def _values(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """predict(theta, x), non-finite values as nan and far ones pulled towards the view."""
        with np.errstate(all="ignore"):
            values = np.asarray(self.predict(np.asarray(theta, dtype=np.float64), x), dtype=np.float64)
        return _tame(values.ravel(), *self.ylim)

    def _curve(self, theta: np.ndarray) -> np.ndarray:
        return self._values(theta, self.grid[:, None])

    def _cost_of(self, theta: np.ndarray) -> float:
        """J = (1/2m) sum of squared errors of the model with parameters theta."""
        with np.errstate(all="ignore"):
            error = np.asarray(self.predict(np.asarray(theta, dtype=np.float64), self.x), dtype=np.float64)
            return float(0.5 * np.mean((error.ravel() - self.y) ** 2))

    def _heading(self, state: FitState) -> str:
        """The column's title: run, epoch and status; cost; parameters (the last two on one line if wide)."""
        head = f"{state.label} · " if state.label else ""
        if state.status == "diverged":
            return f"{head}diverged at epoch {state.epoch:,}\ncost exploded"
        theta = np.asarray(state.theta, dtype=np.float64)
        done = " · converged" if state.status == "converged" else ""
        params = self._params(theta) if np.isfinite(theta).all() else "parameters not finite"
        join = "\n" if len(self.labels) > 1 else " · "
        return f"{head}epoch {state.epoch:,}{done}\ncost {_num(state.cost)}{join}{params}"

    def _params(self, theta: np.ndarray) -> str:
        theta = np.asarray(theta, dtype=np.float64).ravel()
        if self.d == 1 and theta.size == 2:
            if len(self.labels) > 3:
                return f"b {_num(theta[0])}, m {_num(theta[1])}"
            return f"intercept {_num(theta[0])}, slope {_num(theta[1])}"
        shown = ", ".join(_num(v) for v in theta[:4])
        return f"θ ({shown})" if theta.size <= 4 else f"θ ({shown}, … {theta.size} in all)"


class ClassifyFigure:
    """Logistic regression on two input columns, drawn frame by frame.

    Left: the points coloured by class over the model's probabilities on a grid; two classes
    shade P(classes[1]) white at 0.5 and draw the 0.5 boundary; more shade each point of the
    grid lightly in its predicted class's colour and draw each class's own one-vs-rest
    boundary in its colour. Right: the cost curve, the classes and the training accuracy.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, *, classes: np.ndarray, x_names: list[str],
                 grid: tuple[np.ndarray, np.ndarray], epochs: int, cost_range: tuple[float, float],
                 size: tuple[int, int] = (960, 540)) -> None:
        from matplotlib.colors import to_rgb
        from matplotlib.lines import Line2D

        x = np.asarray(x, dtype=np.float64)
        labels, self.classes = np.asarray(labels), np.asarray(classes)
        if x.ndim != 2 or x.shape[1] != 2:
            raise ValueError(f"ClassifyFigure draws two input columns, got x of shape {x.shape}")
        k = len(self.classes)
        if k < 2:
            raise ValueError("ClassifyFigure needs two or more classes")
        self.xs, self.ys = (np.asarray(g, dtype=np.float64).ravel() for g in grid)
        colours = np.array([to_rgb(CLASS_COLOURS[i % len(CLASS_COLOURS)]) for i in range(k)])
        # the background as RGBA bytes, drawn without interpolation: a quarter of the time of a colormapped
        # float image. Two classes: 256 shades from classes[0]'s colour through white at 0.5 to classes[1]'s;
        # more: a light tint of each class's colour.
        if k == 2:
            ramp = np.linspace(-1, 1, 256)[:, None]
            shades = 1 - 0.45 * np.abs(ramp) * (1 - np.where(ramp < 0, colours[0], colours[1]))
        else:
            shades = 1 - 0.3 * (1 - colours)
        self._shades = np.concatenate([np.round(255 * shades), np.full((len(shades), 1), 255)], axis=1) \
            .astype(np.uint8)
        self._lines = [tuple(0.75 * c) for c in colours]  # darker ones for each class's boundary
        self._costs = _cost_limits(cost_range)
        self._canvas = _Canvas(size)
        fig = self._canvas.figure
        sub = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1.25, 1])
        ax, cost_ax, info_ax = (fig.add_subplot(sub[where]) for where in ((slice(None), 0), (0, 1), (1, 1)))
        self._ax = ax
        extent = _extent(self.xs, self.ys)
        ax.set_xlim(*extent[:2])
        ax.set_ylim(*extent[2:])
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
        self._title = _title(ax, "epoch 0 · cost 0 · accuracy 0 %")
        self._cost_line, self._cost_marker = _cost_axes(cost_ax, max(int(epochs), 1), self._costs)
        cost_ax.set_ylabel("cost (cross-entropy)", fontsize=TEXT)
        info_ax.set_axis_off()
        handles = [Line2D([], [], ls="", marker="o", ms=7, mfc=c, mec=BLACK, mew=0.6) for c in colours]
        names = [str(c) for c in self.classes]
        if k == 2:
            handles.append(Line2D([], [], color=BLACK, lw=2))
            names.append("P = 0.5 boundary")
        else:
            handles.append(Line2D([], [], color=GREY, lw=2))
            names.append("each class's P = 0.5 (one vs rest)")
        info_ax.legend(handles, names, loc="upper center", fontsize=SMALL, frameon=False,
                       ncol=1 if k <= 4 else 2, title="class", title_fontsize=SMALL)
        self._accuracy = info_ax.text(0.5, 0.02, "training accuracy\n0 %", ha="center", va="bottom",
                                      fontsize=14, transform=info_ax.transAxes)
        self._contours: list = []
        self._canvas.freeze([self._image, self._points, *ax.spines.values(), self._title, self._cost_line,
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
        diverged = state.status == "diverged"
        accuracy = f"{100 * state.accuracy:.1f} %" if np.isfinite(state.accuracy) else "–"
        cost = _num(state.cost) if np.isfinite(state.cost) else "exploded"
        head = f"{state.label} · " if state.label else ""
        if diverged:
            self._title.set_text(f"{head}diverged at epoch {state.epoch:,} · cost {cost}")
        else:
            done = " · converged" if state.status == "converged" else ""
            self._title.set_text(f"{head}epoch {state.epoch:,} · cost {cost} · accuracy {accuracy}{done}")
        self._title.set_color(RED if diverged else GREEN if state.status == "converged" else BLACK)
        self._accuracy.set_text(f"training accuracy\n{accuracy}")
        _update_cost(self._cost_line, self._cost_marker, state, self._costs, diverged)
        return self._canvas.render([self._image, *self._contours, self._points, *self._ax.spines.values(),
                                    self._title, self._cost_line, self._cost_marker, self._accuracy])

    def _boundary(self, p: np.ndarray, colour) -> None:
        """The 0.5 contour of p, if p crosses 0.5 on the grid."""
        if not p.min() < 0.5 < p.max():
            return
        contours = self._ax.contour(self.xs, self.ys, p, levels=[0.5], colors=[colour], linewidths=2)
        # matplotlib >= 3.8 returns one artist; 3.7 a ContourSet holding one collection per level
        from matplotlib.artist import Artist

        self._contours.extend([contours] if isinstance(contours, Artist) else contours.collections)


# shared pieces


def _title(ax, text: str):
    """A title above the axes that changes every frame (Axes.set_title places animated titles wrongly).

    The layout reserves the height of `text`'s lines but not its width, through an invisible one-letter
    stand-in: a title wider than its column runs into the margins instead of squeezing the axes.
    """
    def annotate(text: str, **kwargs):
        return ax.annotate(text, xy=(0.5, 1), xycoords="axes fraction", xytext=(0, 5),
                           textcoords="offset points", ha="center", va="bottom", fontsize=TEXT,
                           annotation_clip=False, **kwargs)

    annotate("\n".join("Ag" for _ in text.split("\n")), alpha=0)
    title = annotate(text)
    title.set_in_layout(False)
    return title


def _span(lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] widened by MARGIN of its width (a unit around a single value)."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return (0.0, 1.0)
    pad = MARGIN * (hi - lo) if hi > lo else max(1.0, abs(lo)) * 0.5
    return (lo - pad, hi + pad)


def _tame(values, lo: float, hi: float) -> np.ndarray:
    """Values to draw: non-finite ones as nan (a gap), finite ones within FAR view ranges of [lo, hi]."""
    v = np.asarray(values, dtype=np.float64)
    reach = FAR * (hi - lo)
    return np.clip(np.where(np.isfinite(v), v, np.nan), lo - reach, hi + reach)


def _num(v: float) -> str:
    """Four significant digits, exponents short: 0.1604, 1.234e5, 5.6e-7."""
    text = f"{float(v):.4g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def _extent(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float]:
    """imshow's extent for values at the grid points: half a cell beyond the first and last."""
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2 or 0.5
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2 or 0.5
    return (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)


def _quiet_corner(px: np.ndarray, py: np.ndarray, xlim, ylim) -> str:
    """The corner of the axes with the fewest of the points (px, py) near it."""
    u = (np.asarray(px) - xlim[0]) / (xlim[1] - xlim[0])
    v = (np.asarray(py) - ylim[0]) / (ylim[1] - ylim[0])
    best, fewest = "upper left", math.inf
    for name, (cu, cv) in (("upper left", (0, 1)), ("lower right", (1, 0)), ("upper right", (1, 1)),
                           ("lower left", (0, 0))):
        with np.errstate(invalid="ignore"):
            count = int(np.sum((np.abs(u - cu) < 0.45) & (np.abs(v - cv) < 0.35)))
        if count < fewest:
            best, fewest = name, count
    return best


def _step_colours(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["plasma"]
    return [cmap(0.75 - 0.65 * i / max(n - 1, 1)) for i in range(n)]


def _cost_limits(cost_range: tuple[float, float]) -> tuple[float, float]:
    """Log-scale y-limits around (lowest, highest) expected cost, whatever they are."""
    lo, hi = (float(v) for v in cost_range)
    if not (np.isfinite(hi) and hi > 0):
        hi = 1.0
    if not (np.isfinite(lo) and lo > 0):
        lo = hi * 1e-6
    if lo >= hi:
        lo, hi = min(lo, hi) / 10, max(lo, hi) * 10
    return (lo / 1.6, hi * 1.6)


def _cost_axes(ax, epochs: int, limits: tuple[float, float], *, narrow: bool = False):
    """A log-cost against symlog-epoch axes with an empty history line and current-epoch marker."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.set_ylim(*limits)
    if math.log10(limits[1] / limits[0]) > 1.5:  # label the powers of ten only, at most four or five
        ax.yaxis.set_major_locator(LogLocator(numticks=4 if narrow else 6))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:  # a few plain numbers: 0.05, 0.1, 0.2 (or every digit when the range is narrower still)
        wide = math.log10(limits[1] / limits[0]) > 0.7
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if wide else np.arange(1.0, 10.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xscale("symlog", linthresh=1, linscale=0.5)
    ax.set_xlim(0, epochs * 1.3)
    decades = [10**k for k in range(int(math.log10(epochs)) + 1)]
    step = math.ceil(len(decades) / (2 if narrow else 4))
    major = [0, *decades[::-1][::step][::-1]] if len(decades) > 1 else [0, 1]
    ax.xaxis.set_major_locator(FixedLocator(major))
    ax.xaxis.set_minor_locator(FixedLocator([d for d in decades if d not in major]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _epochs(v)))
    ax.set_xlabel("epoch", fontsize=TEXT)
    ax.set_ylabel("cost J", fontsize=TEXT)
    ax.tick_params(labelsize=SMALL)
    ax.grid(alpha=0.3)
    (line,) = ax.plot([0], [limits[1]], color=MODEL, lw=1.8)
    (marker,) = ax.plot([0], [limits[1]], "o", color=MODEL, ms=6, clip_on=False, zorder=3)
    return line, marker


def _epochs(v: float) -> str:
    """An epoch tick: 0, 1, 10, 100, 1k, 10k, 100k, 1M, 10M, 100M, then 1e9..."""
    v = round(v)
    if v >= 10**9:
        return f"1e{round(math.log10(v))}" if v == 10 ** round(math.log10(v)) else f"{v:.0e}"
    for unit, suffix in ((10**6, "M"), (10**3, "k")):
        if v >= unit and v % unit == 0:
            return f"{v // unit}{suffix}"
    return str(v)


def _update_cost(line, marker, state, limits: tuple[float, float], diverged: bool) -> None:
    """The history so far and a marker at the current cost; non-finite costs at the top of the axes."""
    epochs, costs = (np.asarray(v, dtype=np.float64).ravel() for v in state.history)
    lo, hi = limits
    costs = np.clip(np.where(np.isfinite(costs), costs, hi), lo, hi)
    line.set_data(np.clip(np.nan_to_num(epochs), 0, None), costs)
    cost = float(state.cost)
    marker.set_data([max(float(state.epoch), 0.0)], [min(max(cost, lo), hi) if np.isfinite(cost) else hi])
    marker.set_color(RED if diverged else MODEL)
