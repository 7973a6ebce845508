"""The fit animation's figure: linear regression on a table drawn frame by frame with matplotlib.

No training and no I/O here: `runs.line_fit` yields the states (`FitState`), the outputs
write the frames. matplotlib is imported inside the constructor, never at the top (see
`render.canvas`, which also tells how a frame is drawn over a background kept once).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..runs.classification import MARGIN
from ..runs.line_fit import FitState
from ..settings import CONVERGED, DIVERGED, FIT_SIZE, RUNNING, STATUS_WORDS, STOPPED
from .canvas import BLACK, GREY, MODEL, RED, SMALL, TEXT, Canvas, moving_title, number, status_colour
from .cost_curve import cost_axes, cost_limits, update_cost

FAR = 1e6  # finite values further than this many view ranges outside the view are pulled in before drawing
CURVE_SAMPLES = 200  # x values at which the model's curve is drawn
SURFACE_SAMPLES = 160  # grid of the error surface along each axis
PATH = "#e8710a"  # the model's path on the error surface
_LEGEND_ORDER = ("data", "gradient descent", "least squares", "predicted = actual")


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
                 size: tuple[int, int] = FIT_SIZE) -> None:
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
        self._costs = cost_limits(cost_range)
        self._canvas = Canvas(size)
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
        canvas = Canvas(self.size)
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
                         label=f"least squares, J {number(best_cost)}")
        else:
            self._parity_axes(data_ax, best_label=f"least squares, J {number(best_cost)}")
        for (epoch, theta), colour in zip(steps, colours):
            text = f"after {epoch:,} step{'s' if epoch != 1 else ''}, J {number(self._cost_of(theta))}"
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
        n = len(self.labels)
        data_ax, cost_ax, surface_ax = self._column_axes(outer)
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
        column["legend"] = self._legend(data_ax) if first else None  # with several runs, the first column's
        placeholder = FitState(label, 0, self.best, 0.0, RUNNING, ((), ()))
        column["title"] = moving_title(data_ax, self._heading(placeholder))
        column["cost_line"], column["cost_marker"] = cost_axes(cost_ax, self.epochs, self._costs,
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

    def _column_axes(self, outer) -> tuple:
        """(data, cost, surface or None) axes of one column, laid out for the number of columns."""
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
        return data_ax, cost_ax, surface_ax

    def _legend(self, data_ax):
        """The data axes' legend in its quietest corner, its entries in _LEGEND_ORDER (short when narrow)."""
        handles, names = data_ax.get_legend_handles_labels()
        order = sorted(range(len(names)), key=lambda j: _LEGEND_ORDER.index(names[j]))
        short = {"gradient descent": "GD", "least squares": "least sq.", "predicted = actual": "y = ŷ"}
        names = [short.get(name, name) if len(self.labels) > 3 else name for name in names]
        legend = data_ax.legend([handles[j] for j in order], [names[j] for j in order],
                                loc=self._corner(), fontsize=SMALL, framealpha=1)
        legend.set_in_layout(False)  # in the axes' corner; if it is wider, the axes stay put
        return legend

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
        diverged = state.status == DIVERGED
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
        column["title"].set_color(status_colour(state.status))
        whole = self._canvas.figure.bbox
        i, n = self._columns.index(column), len(self._columns)
        _keep_within(column["title"], (whole.x0 + i * whole.width / n, whole.x0 + (i + 1) * whole.width / n))
        update_cost(column["cost_line"], column["cost_marker"], state, self._costs, diverged)
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
        if state.status == DIVERGED:
            return f"{head}{STATUS_WORDS[DIVERGED]} at epoch {state.epoch:,}\ncost exploded"
        theta = np.asarray(state.theta, dtype=np.float64)
        done = f" · {STATUS_WORDS[state.status]}" if state.status in (CONVERGED, STOPPED) else ""
        cost = f"cost {number(state.cost)}"
        if state.status == STOPPED:  # short of least squares (the cost curve's floor): by how much
            cost += f" = optimum + {number(state.cost - self.cost_range[0])}"
        params = self._params(theta) if np.isfinite(theta).all() else "parameters not finite"
        join = "\n" if len(self.labels) > 1 else " · "
        first = f"{head}epoch {state.epoch:,}{done}"
        if state.status == STOPPED and len(self.labels) > 1:  # a narrow column: the limit is the epoch
            first = f"{head}{STATUS_WORDS[STOPPED]}"
        return f"{first}\n{cost}{join}{params}"

    def _params(self, theta: np.ndarray) -> str:
        theta = np.asarray(theta, dtype=np.float64).ravel()
        if self.d == 1 and theta.size == 2:
            if len(self.labels) > 3:
                return f"b {number(theta[0])}, m {number(theta[1])}"
            return f"intercept {number(theta[0])}, slope {number(theta[1])}"
        shown = ", ".join(number(v) for v in theta[:4])
        return f"θ ({shown})" if theta.size <= 4 else f"θ ({shown}, … {theta.size} in all)"




def _keep_within(title, span: tuple[float, float], pad: float = 3.0) -> None:
    """Shrink a column's title to the column's width `span` (pixels, left and right) if wider, and
    slide it sideways to lie within it: no title is cut at the figure's edge or runs into the next."""
    figure = title.get_figure()
    renderer = figure.canvas.get_renderer()
    title.set_fontsize(TEXT)
    title.xyann = (0, title.xyann[1])
    room = span[1] - span[0] - 2 * pad
    box = title.get_window_extent(renderer)
    if box.width > room:
        title.set_fontsize(0.98 * TEXT * room / box.width)
        box = title.get_window_extent(renderer)
    shift = min(0.0, span[1] - pad - box.x1) or max(0.0, span[0] + pad - box.x0)
    title.xyann = (shift * 72 / figure.dpi, title.xyann[1])


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
