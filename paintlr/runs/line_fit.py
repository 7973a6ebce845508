"""Linear regression on a table, frame by frame: the seed's line sliding into the points.

Batch GD on a dense design has an exact closed form (`trajectories.EigenTrajectory`),
so every frame, and the whole path on the error surface, is read off it at any epoch.
No I/O and no drawing here: runs yield parameters and costs; `render.pictures` draws them
(matplotlib, `render.plots.FitFigure`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.designs import Dense
from ..core.numerics import least_squares
from ..errors import OptionError
from ..features.polynomial import polynomial_features, refuse_overflow
from ..models.optimizers import GradientDescent
from ..models.rates import default_learning_rate
from ..models.standardise import Standardiser
from ..settings import CONVERGED, DIVERGED, FRAMES, MAX_EPOCHS, RUNNING, STATUS_WORDS, STOPPED
from .clock import (
    blowup_epoch,
    check_frames,
    epoch_budget,
    geometric_frames,
    plan_frames,
    shared_end,
    stop_epoch,
)
from .source import Playable, Rated

PARAMETER_TOLERANCE = 1e-9  # default stop: parameters this close to least squares, relative to 1 + |theta*|
PATH_SAMPLES = 400  # points of the error-surface path between frames (GD's path curves between them)
MAX_LOGGED = 20  # parameters written to the log, beyond which only costs are


@dataclass(frozen=True)
class FitState:
    """One run at one frame, in the original units: what `render.plots.FitFigure` draws."""

    label: str  # e.g. "lr 0.05"; "" for a single run
    epoch: int
    theta: np.ndarray  # (p,) parameters, intercept first
    cost: float  # J = (1/2m) sum of squared errors; inf once diverged
    status: str  # settings.RUNNING, CONVERGED, STOPPED (at max_epochs, short of the threshold) or DIVERGED
    history: tuple[np.ndarray, np.ndarray]  # (epochs, costs) of the frames so far
    path: np.ndarray | None = None  # (k, 2) (intercept, slope) visited so far; two-parameter models only


class LineFit(Rated):
    """Batch gradient descent of y on polynomial features of x, in closed form at any epoch.

    `standardize` runs GD on features scaled to zero mean and unit variance; every
    parameter reported (`theta`, `best`) is in the original units. By default the run
    stops once every parameter is within PARAMETER_TOLERANCE of the least-squares
    answer (relative to 1 + |theta*|); `max_cost` stops it below that cost instead;
    short of either it stops at max_epochs, not `converged`. `best` is least squares
    itself (numerics.least_squares), whatever GD makes of badly scaled data.
    The default learning rate is the design's (half the stable limit, 1 / lambda_max).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, *, x_names: Sequence[str], degree: int = 1,
                 standardize: bool = False, learning_rate: float | None = None,
                 max_cost: float | None = None, max_epochs: int | None = None):
        self.degree, self.x_names = degree, list(x_names)
        features, self.names = polynomial_features(x, degree, x_names)
        refuse_overflow(features, self.names, x_names=self.x_names)
        self.scaling = Standardiser.fit(features, refuse_constant=True) if standardize \
            else Standardiser.identity(features.shape[1])
        self.features = features  # (m, p) raw, for `epochs_to_least_squares(standardize=True)`
        self.design = Dense(self.scaling.scale(features))
        self.y = np.asarray(y, dtype=np.float64)[None, :]
        self.max_stable_learning_rate = GradientDescent().max_stable_learning_rate(self.design)
        self.learning_rate = default_learning_rate(learning_rate, self.max_stable_learning_rate, self.design)
        self.max_epochs = epoch_budget(max_epochs, MAX_EPOCHS)
        start = np.zeros((1, self.design.n_features + 1))
        self.trajectory = self.design.trajectory(start, self.y, self.learning_rate)
        phi = np.c_[np.ones(self.design.n_samples), self.design.x]
        # least squares as GD sees it, and its slowest direction, from the design itself: the Gram
        # matrix's eigenbasis (the trajectory's) drops directions GD takes 1e20 epochs to settle along
        self.target, self.lambda_min = least_squares(phi, self.y[0])
        self.best = self.scaling.to_original(self.target)
        self.optimal_cost = float(np.mean((phi @ self.target - self.y[0]) ** 2) / 2)
        self.max_cost = None if max_cost is None else float(max_cost)
        if self.max_cost is not None and not self.max_cost > self.optimal_cost:
            raise OptionError("max_cost", f"{self.max_cost:g} is out of reach: the least-squares line has "
                                          f"cost {self.optimal_cost:.6g}")
        self.stop_epoch, self.converges = self._stop()

    def _stop(self) -> tuple[int | None, bool]:
        """Where the run stops (None if it diverges: see `diverges_at`) and whether it has converged
        there: below max_cost, or within PARAMETER_TOLERANCE of least squares; else it ran out of
        epochs, as GD does when its limit along the slow directions is out of reach."""
        if self.unstable:
            return None, False
        if self.max_cost is not None:
            end = stop_epoch(self.cost, self.max_cost, self.max_epochs)
            return end, self.cost(end) < self.max_cost
        tolerance = PARAMETER_TOLERANCE * (1 + np.linalg.norm(self.target))
        if np.linalg.norm(self.design.least_squares(self.y)[0] - self.target) > tolerance:
            return self.max_epochs, False
        end = stop_epoch(self.distance2, tolerance**2, self.max_epochs)
        return end, self.distance2(end) < tolerance**2

    @property
    def condition_number(self) -> float:
        """lambda_max / lambda_min of the Gram matrix GD sees: how much slower its slowest direction is."""
        return self.design.lambda_max / self.lambda_min

    def epochs_to_least_squares(self, standardize: bool = False) -> float:
        """Epochs for GD at this run's rate (with `standardize`: on standardised features, at their
        default rate) to shrink its slowest direction's error by PARAMETER_TOLERANCE, in closed form."""
        run, rate = self, self.learning_rate
        if standardize:
            if np.all(self.scaling.std == 1) and np.all(self.scaling.mean == 0):
                run = LineFit(self.features, self.y[0], x_names=self.names, standardize=True)
            rate = 0.5 * run.max_stable_learning_rate  # the default rate, 1 / lambda_max
        step = rate * run.lambda_min  # at most 1 for a stable rate; 1 settles in one epoch
        return 1.0 if step >= 1 else float(np.log(PARAMETER_TOLERANCE) / np.log1p(-step))

    def cost(self, k: int) -> float:
        """J = (1 / 2m) sum of squared errors after k epochs."""
        return float(self.trajectory.cost(k)[0])

    def distance2(self, k: int) -> float:
        """Squared distance of the parameters (as GD sees them) from least squares after k epochs."""
        return float(self.trajectory.distance(k)[0]) ** 2

    def theta(self, k: int) -> np.ndarray:
        """Parameters after k epochs in the original units, intercept first."""
        return self.scaling.to_original(self.trajectory.theta(k)[0])

    def diverges_at(self, start_cost: float | None = None) -> int | None:
        """The first epoch whose cost has blown up (clock.blown_up: BLOWUP times the start's, or not
        finite); None if stable."""
        if not self.unstable:
            return None
        return blowup_epoch(self.cost, self.cost(0) if start_cost is None else start_cost, self.max_epochs)

    def predict(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The model with parameters `theta` (original units, intercept first) at raw inputs x (n, d)."""
        features, _ = polynomial_features(np.asarray(x, dtype=np.float64).reshape(len(x), -1), self.degree,
                                          self.x_names)
        return theta[0] + features @ theta[1:]


class FitAnimation(Playable):
    """One or several LineFits (one per learning rate) on a shared epoch clock.

    One run: frames planned on its exact cost curve, each changing the line by a similar
    amount. Several: a log-spaced clock up to where the slowest converging run stops; a
    diverging run is marked at the first tick past its blow-up. Iterating yields one list
    of FitStates per frame.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, *, x_names: Sequence[str], y_name: str = "y",
                 learning_rates: Sequence[float | None] = (None,), degree: int = 1, standardize: bool = False,
                 max_cost: float | None = None, max_epochs: int | None = None, frames: int = FRAMES):
        check_frames(frames)
        rates = list(learning_rates) or [None]
        self.x, self.y, self.x_names, self.y_name = x, y, list(x_names), y_name
        self.runs = [LineFit(x, y, x_names=x_names, degree=degree, standardize=standardize, learning_rate=lr,
                             max_cost=max_cost, max_epochs=max_epochs) for lr in rates]
        self.labels = [f"lr {r.learning_rate:.4g}" if len(rates) > 1 else "" for r in self.runs]
        first = self.runs[0]
        self.names, self.best, self.optimal_cost = ["intercept", *first.names], first.best, first.optimal_cost
        self.two_parameters = len(self.best) == 2
        self.ends = [r.stop_epoch if r.stop_epoch is not None else r.diverges_at() for r in self.runs]
        # where the slowest stable run stops; if none is stable, where the last one blows up
        self.end = shared_end([r.stop_epoch for r in self.runs], shared_end(self.ends, first.max_epochs))
        if len(self.runs) == 1 and first.converges:
            # the cost is soon near its floor while the line still moves along the slow direction:
            # most frames follow the parameters' distance to least squares, a few the cost
            self.epochs = [0, *plan_frames(first.cost, frames, self.end, first.distance2)]
        else:
            self.epochs = [0, *geometric_frames(frames, max(self.end, 1))]

    @property
    def unstable(self) -> list[bool]:
        return [r.unstable for r in self.runs]

    def title(self) -> str:
        """What the fit is of, in words: "fitting y against x"."""
        return f"fitting {self.y_name} against {', '.join(self.x_names)}"

    def live(self) -> dict | None:
        """For a line (intercept and slope) in one x: the data, the 2 x 2 Gram matrix GD sees and
        the first run's settings, from which the player computes the line at any rate and epoch."""
        run = self.runs[0]
        if not (self.two_parameters and run.degree == 1 and len(self.x_names) == 1):
            return None
        y = run.y[0]
        return {"kind": "line", "x": np.asarray(self.x, dtype=np.float64).ravel(), "y": y,
                "names": [self.x_names[0], self.y_name], "gram": run.design.gram,
                "c": run.design.moments(run.y)[0], "yy": float(y @ y / y.size), "start": [0.0, 0.0],
                "mean": float(run.scaling.mean[0]), "std": float(run.scaling.std[0]),
                "standardized": bool(run.scaling.std[0] != 1 or run.scaling.mean[0] != 0),
                "rate": run.learning_rate, "maxStable": run.max_stable_learning_rate,
                "epoch": int(self.ends[0] or 0), "best": self.best, "box": self.path_box()}

    def __iter__(self) -> Iterator[list[FitState]]:
        histories: list[list[tuple[int, float]]] = [[] for _ in self.runs]
        done = [False] * len(self.runs)
        last: list[FitState | None] = [None] * len(self.runs)
        for tick in self.epochs:
            row = []
            for i, run in enumerate(self.runs):
                if done[i]:
                    row.append(last[i])
                    continue
                end = self.ends[i]
                epoch = tick if end is None else min(tick, end)
                diverged = run.unstable and end is not None and epoch >= end
                cost = run.cost(epoch)
                histories[i].append((epoch, cost))
                status = DIVERGED if diverged else RUNNING if epoch != run.stop_epoch \
                    else CONVERGED if run.converges else STOPPED
                done[i] = status != RUNNING
                epochs, costs = (np.array(v) for v in zip(*histories[i], strict=True))
                last[i] = FitState(self.labels[i], epoch, run.theta(epoch), cost, status, (epochs, costs),
                                  self._path(run, epoch) if self.two_parameters and not diverged else None)
                row.append(last[i])
            yield row
            if all(done):
                return

    def outcome(self, state: FitState) -> str:
        """Where a run stood at `state`, in words: its status, epoch and cost; stopped at the epoch
        limit, also how far its cost is above least squares'."""
        head = f"{state.label}: " if state.label else ""
        if state.status == DIVERGED:
            return f"{head}{STATUS_WORDS[DIVERGED]} at epoch {state.epoch:,}"
        if state.status == STOPPED:
            return (f"{head}{STATUS_WORDS[STOPPED]} ({state.epoch:,} epochs), cost {state.cost:.6g}, "
                    f"{state.cost - self.optimal_cost:.4g} above the optimum {self.optimal_cost:.6g}")
        return f"{head}{STATUS_WORDS[state.status]} at epoch {state.epoch:,}, cost {state.cost:.6g}"

    def path_box(self) -> tuple[float, float, float, float] | None:
        """(b_min, b_max, m_min, m_max) around every stable run's whole path and the optimum."""
        if not self.two_parameters:
            return None
        points = np.concatenate([self._path(r, end) for r, end in zip(self.runs, self.ends, strict=True)
                                 if not r.unstable and end is not None] + [self.best[None, :]])
        lo, hi = points.min(axis=0), points.max(axis=0)
        size = np.maximum(np.abs(lo), np.abs(hi))  # each axis in its own units: a slope may be 1e-8
        pad = 0.25 * np.maximum(hi - lo, 1e-3 * np.where(size > 0, size, 1.0))
        return lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]

    @staticmethod
    def _path(run: LineFit, epoch: int) -> np.ndarray:
        """(intercept, slope) after every epoch to 100, then on a log scale to `epoch`: GD's path."""
        ks = np.unique(np.concatenate([np.arange(min(epoch, 100) + 1),
                                       np.geomspace(1, max(epoch, 1), PATH_SAMPLES).round().astype(int)]))
        return np.array([run.theta(int(k)) for k in ks if k <= epoch])

    def log_columns(self) -> list[str]:
        """CSV columns after the epoch: each run's cost, up to MAX_LOGGED parameters, and its status."""
        params = self.names if len(self.names) <= MAX_LOGGED else []
        suffixes = [f" ({label})" if label else "" for label in self.labels]
        return [name + suffix for suffix in suffixes for name in ["cost", *params, "status"]]

    def log_row(self, ticks: list[FitState]) -> tuple:
        values: list[float | str] = []
        for t in ticks:
            values += [t.cost, *(t.theta if len(self.names) <= MAX_LOGGED else []), t.status]
        return (max(t.epoch for t in ticks), *values)
