"""Logistic regression on a table, frame by frame: the decision boundary moving into place.

Two classes: one logistic regression; more: one-vs-rest, one per class. No I/O and no
drawing here: the run yields costs, accuracy and probabilities on a grid; `render.pictures`
draws them (matplotlib, `render.plots.ClassifyFigure`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.designs import Dense
from ..errors import DivergenceError, OptionError
from ..features.polynomial import polynomial_features, refuse_overflow
from ..models.logistic import LogisticRegressionModel, max_stable_learning_rate
from ..models.rates import default_learning_rate
from ..models.standardise import Standardiser
from ..settings import CLASSIFY_EPOCHS, CONVERGED, FRAMES, MAX_CLASSES, RUNNING, STATUS_WORDS, STOPPED
from .clock import check_frames, epoch_budget, plan_frames, stop_epoch
from .source import Playable, Rated

GRID = 160  # background samples along each axis
SETTLED = 1e-12  # a run ends once its cost has made all but this share of its fall
MARGIN = 0.08  # of the data's range, around the points


@dataclass(frozen=True)
class ClassifyState:
    """The run at one frame: what `render.plots.ClassifyFigure` draws."""

    label: str
    epoch: int
    cost: float  # mean cross-entropy
    accuracy: float  # share of training points predicted right
    status: str  # settings.RUNNING, CONVERGED or STOPPED (at max_epochs, unsettled); DIVERGED raises instead
    history: tuple[np.ndarray, np.ndarray]  # (epochs, costs) so far
    scores: np.ndarray  # on the grid: (gh, gw) P(classes[1]), or (gh, gw, K) each class's own probability


class Classification(Playable, Rated):
    """Batch GD of a logistic classifier on polynomial features of two inputs, frame by frame.

    `standardize` (the default) runs GD on features scaled to zero mean and unit variance
    and reports parameters in the original units: exam scores around 50 with a bias make
    plain GD crawl. The default learning rate is 3/4 of the stable limit on the features
    GD sees. The run ends once settled, below `max_cost`, or at `max_epochs` (see `epochs`).
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, *, x_names: Sequence[str], degree: int = 1,
                 standardize: bool = True, learning_rate: float | None = None, max_cost: float | None = None,
                 max_epochs: int | None = None, frames: int = FRAMES):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != 2:
            columns = x.shape[1] if x.ndim == 2 else 1
            raise OptionError("x", f"classify draws two input columns, got {columns}")
        check_frames(frames)
        labels = np.asarray(labels)
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)  # 0/1 read from a file: shown as 0 and 1, not 0.0 and 1.0
        self.x, self.labels, self.x_names, self.degree = x, labels, list(x_names), degree
        self.features, self.names = polynomial_features(x, degree, x_names)
        refuse_overflow(self.features, self.names, x_names=self.x_names)
        self.classes = np.unique(self.labels)
        if self.classes.size < 2:
            raise OptionError("y", "classify needs two or more classes")
        if self.classes.size > MAX_CLASSES:
            raise OptionError("y", f"y holds {self.classes.size} distinct values: classify takes at most "
                                   f"{MAX_CLASSES} classes (a continuous target is for paintlr fit)")
        seen = Dense(Standardiser.fit(self.features).scale(self.features) if standardize else self.features)
        self.max_stable_learning_rate = max_stable_learning_rate(seen)
        self.learning_rate = default_learning_rate(learning_rate, self.max_stable_learning_rate, seen,
                                                   "logistic")
        self.max_cost = 0.0 if max_cost is None else float(max_cost)
        self.max_epochs = epoch_budget(max_epochs, CLASSIFY_EPOCHS)
        self.model = LogisticRegressionModel(learning_rate=self.learning_rate, max_cost=self.max_cost,
                                             standardize=standardize)
        self.frames = frames
        self._epochs: list[int] | None = None
        lo, hi = x.min(axis=0), x.max(axis=0)
        pad = MARGIN * np.where(hi > lo, hi - lo, 1.0)
        self.grid = (np.linspace(lo[0] - pad[0], hi[0] + pad[0], GRID),
                     np.linspace(lo[1] - pad[1], hi[1] + pad[1], GRID))
        gx, gy = np.meshgrid(*self.grid)
        self._grid_features, _ = polynomial_features(np.column_stack([gx.ravel(), gy.ravel()]), degree,
                                                     self.x_names)

    @property
    def epochs(self) -> list[int]:
        """The epochs drawn: planned on the run's own cost curve, measured by a first, undrawn pass
        (logistic GD has no closed form). The run ends below max_cost, or once the cost has made
        all but SETTLED of its fall within max_epochs; frames split that fall into equal steps."""
        if self._epochs is None:
            probe = LogisticRegressionModel(learning_rate=self.learning_rate, max_cost=self.max_cost,
                                            standardize=self.model.standardize)
            costs: list[float] = []
            try:
                probe.train(self.features, self.labels, epochs=self.max_epochs, log_every=1,
                            on_log=lambda _, cost: costs.append(cost), classes=self.classes)
            except DivergenceError:
                pass  # the drawing pass raises it again, at its epoch
            curve = np.array(costs)
            finite = curve[np.isfinite(curve)]
            floor = float(finite.min()) if finite.size else 0.0

            def excess(k: int) -> float:
                return float(curve[min(k, curve.size - 1)] - floor)

            end = curve.size - 1
            if end > 0 and not curve[-1] < self.max_cost and excess(0) > 0:
                end = stop_epoch(excess, SETTLED * excess(0), end) or 1
            self._epochs = [0, *plan_frames(excess, self.frames, end)] if end > 0 else [0]
        return self._epochs

    def __iter__(self) -> Iterator[ClassifyState]:
        """Train from zero weights, yielding the state at each tick of the clock."""
        model = self.model
        model.train(self.features, self.labels, epochs=0, classes=self.classes)
        history: list[tuple[int, float]] = []
        done, status, last = 0, RUNNING, self.epochs[-1]
        for tick in self.epochs:
            if tick > done:
                try:
                    result = model.train(self.features, self.labels, epochs=tick - done, log_every=0,
                                         classes=self.classes)
                except DivergenceError as exc:
                    raise DivergenceError(self.learning_rate, self.max_stable_learning_rate,
                                          done + (exc.epoch or 0)) from None
                done += result.epochs
                settled = done == last and last < self.max_epochs
                status = CONVERGED if result.converged or settled else STOPPED if done >= self.max_epochs \
                    else status
            cost = float(model.cost(self.features, self.labels))
            history.append((done, cost))
            epochs, costs = (np.array(v) for v in zip(*history, strict=True))
            yield ClassifyState("", done, cost, self.accuracy(), status, (epochs, costs), self.scores())
            if status != RUNNING:
                return

    def accuracy(self) -> float:
        """Share of the training points whose predicted class is their own."""
        return float(np.mean(self.model.predict(self.features) == self.labels))

    def scores(self) -> np.ndarray:
        """The model's probabilities on the background grid, (gh, gw) or (gh, gw, K)."""
        p = self.model.score(self._grid_features)
        return p.reshape(GRID, GRID, *p.shape[1:])

    def every_colour(self) -> ClassifyState:
        """A made-up tick whose background takes every colour a real one can (each class's
        probability from 0 to 1): what a GIF palette is chosen from before the first frame."""
        ramp = np.broadcast_to(np.linspace(0.0, 1.0, GRID), (GRID, GRID))
        if self.classes.size == 2:
            scores = ramp
        else:
            band = np.minimum(np.arange(GRID) * self.classes.size // GRID, self.classes.size - 1)
            scores = (band[:, None, None] == np.arange(self.classes.size)) * ramp[..., None]
        epochs = np.array([0, self.max_epochs])
        return ClassifyState("", self.max_epochs, 0.5, 1.0, CONVERGED, (epochs, np.array([np.log(2), 0.1])),
                            scores)

    def probabilities(self, point: Sequence[float]) -> np.ndarray:
        """Each class's normalised probability at one input point (two raw values)."""
        point = np.asarray(point, dtype=np.float64)[None, :]
        features, _ = polynomial_features(point, self.degree, self.x_names)
        p = self.model.score(features, normalize=True)[0]
        return np.array([1.0 - p, p]) if np.ndim(p) == 0 else p

    def title(self) -> str:
        """What the run is of, in words: "classifying by exam1 and exam2"."""
        return "classifying by " + " and ".join(self.x_names)

    def log_columns(self) -> list[str]:
        return ["cost", "accuracy", "status"]

    def log_row(self, tick: ClassifyState) -> tuple:
        return (tick.epoch, tick.cost, tick.accuracy, tick.status)

    def outcome(self, tick: ClassifyState) -> str:
        """Where the run stood at `tick`, in words: converged or stopped at the epoch limit (or, cut
        short, just its epochs), its cost and the share of points right."""
        ended = {CONVERGED: f"{STATUS_WORDS[CONVERGED]} at epoch {tick.epoch:,}",
                 STOPPED: f"{STATUS_WORDS[STOPPED]} ({tick.epoch:,} epochs)"}
        return (f"{ended.get(tick.status, f'{tick.epoch:,} epochs')}, cost {tick.cost:.4f}, "
                f"{100 * tick.accuracy:.1f} % right")
