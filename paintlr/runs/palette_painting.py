"""Palette painting: a one-vs-rest logistic classifier learns each pixel's palette colour.

The photo is reduced to K colours, every pixel is labelled with its nearest one,
and logistic regression learns the labels from the one-hot design (or any dense
feature matrix with one row per pixel). No I/O here: frames are float arrays.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..core.designs import Design, OneHot, as_design
from ..core.numerics import log_loss, sigmoid
from ..core.palette import nearest, quantize
from ..errors import ImageError
from ..models.logistic import LogisticRegressionModel, max_stable_learning_rate
from ..models.rates import default_learning_rate
from ..models.training import TrainResult
from ..settings import DEFAULT_PALETTE, FRAMES, LOGISTIC_MAX_EPOCHS
from .clock import cost_levels, draw_as_cost_falls, epoch_budget
from .frame import Frame, FrameSource

COST_SHARE = 0.25  # default max_cost as a share of the bias-only cost


def bias_only_cost(counts: np.ndarray) -> float:
    """The lowest cost a model with biases only can reach: the mean binary entropy of the classes.

    From equal weights, gradient descent gets there within a few epochs (the bias is
    shared by all pixels); the picture itself only starts to emerge below it.
    """
    p = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(p > 0, p * np.log(p), 0.0) + np.where(p < 1, (1 - p) * np.log1p(-p), 0.0))
    return float(h.mean())


def mix_weights(z: np.ndarray) -> np.ndarray:
    """One-vs-rest probabilities sigmoid(z) (m, K) scaled to sum to one.

    Rows whose probabilities all underflow (every logit below about -700) are
    redone in log space, relative to their largest entry, instead of giving 0 / 0.
    """
    w = sigmoid(z)
    total = w.sum(axis=1, keepdims=True)
    tiny = total[:, 0] < 1e-250
    if tiny.any():
        log_p = -log_loss(z[tiny], np.ones(z[tiny].shape, dtype=bool))
        w[tiny] = np.exp(log_p - log_p.max(axis=1, keepdims=True))
        total[tiny] = w[tiny].sum(axis=1, keepdims=True)
    w /= total
    return w


class PalettePainting(FrameSource):
    """Classify every pixel of `target` (h, w, c) into a K-colour palette and yield frames.

    `palette` is a colour count (chosen from the photo by k-means) or an array of
    colours (k, c). Each frame paints every pixel its most probable colour, or with
    `soft` the probability-weighted mix. A frame is drawn each time the cost falls
    by another equal step towards `max_cost`, and at least every max_epochs / frames
    epochs; `burst` gives fixed bursts of epochs instead, as in the seed.
    `learning_rate=None` takes 3/4 of the largest stable rate for the design;
    `max_cost=None` stops at a quarter of the bias-only cost (see bias_only_cost):
    on the sample photos, at 2 to 16 colours, every pixel is right by then.
    """

    def __init__(
        self,
        target: np.ndarray,
        *,
        palette: int | np.ndarray | None = None,
        learning_rate: float | None = None,
        max_cost: float | None = None,
        max_epochs: int | None = None,
        frames: int = FRAMES,
        burst: int | None = None,
        soft: bool = False,
        design: Design | None = None,
        seed: int | None = None,
    ):
        if np.ndim(target) != 3:
            raise ValueError(f"target must be an (h, w, c) array, got shape {np.shape(target)}")
        h, w, _ = target.shape
        palette = DEFAULT_PALETTE if palette is None else palette
        if np.ndim(palette) == 0:
            colours, labels = quantize(target, int(palette), seed=0 if seed is None else seed)
        else:
            colours = np.array(palette, dtype=np.float64)
            labels = nearest(target, colours)
        if len(colours) < 2:
            raise ImageError("the image has a single colour: a palette painting needs two or more")
        self.shape = target.shape
        self.palette = colours
        self.labels = labels.reshape(-1)
        self.classes = np.arange(len(colours))
        self.design = OneHot(h * w) if design is None else as_design(design)
        if self.design.n_samples != h * w:
            raise ValueError(
                f"the design has {self.design.n_samples} rows but the image {h * w} pixels"
            )
        self.max_stable_learning_rate = max_stable_learning_rate(self.design)
        self.learning_rate = default_learning_rate(learning_rate, self.max_stable_learning_rate, self.design,
                                                   "logistic")
        self.max_epochs = epoch_budget(max_epochs, LOGISTIC_MAX_EPOCHS)
        self.frames = frames
        self.burst = burst
        self.soft = soft
        floor = bias_only_cost(np.bincount(self.labels, minlength=len(colours)))
        self.max_cost = COST_SHARE * floor if max_cost is None else float(max_cost)
        self.levels = None if burst is not None else cost_levels(float(np.log(2.0)), self.max_cost,
                                                                 frames, floor)
        self.model: LogisticRegressionModel | None = None  # made afresh by each iteration

    def goal(self) -> np.ndarray:
        """The picture the run heads for, known before it starts: every pixel its own palette colour."""
        return self.palette[self.labels].reshape(self.shape)

    def log_columns(self) -> list[str]:
        """The cross-entropy, per class (one for two classes), the share of pixels right and the status."""
        classes = self.palette.shape[0]
        return ["cost", *(f"cost_{k}" for k in range(1 if classes == 2 else classes)), "accuracy", "status"]

    def log_row(self, frame: Frame) -> tuple:
        return (frame.epoch, frame.cost, *frame.channel_costs, frame.accuracy, self.status(frame))

    @property
    def optimal_costs(self) -> np.ndarray:
        """Cross-entropy per cost column at the goal, where every pixel is its colour for sure."""
        return np.zeros(1 if len(self.palette) == 2 else len(self.palette))

    def _start(self) -> np.ndarray:
        """A fresh model with zero weights; its costs."""
        self.model = LogisticRegressionModel(learning_rate=self.learning_rate, max_cost=self.max_cost)
        shape = (self.design.n_features + 1,) + ((len(self.classes),) if len(self.classes) > 2 else ())
        self.model.set_params(np.zeros(shape), classes=self.classes)
        return np.atleast_1d(self.model.cost(self.design, self.labels, per_class=True))

    def _train(self, epochs: int, **logging) -> TrainResult:
        """From zero weights at first (the model's max_cost is the threshold)."""
        if self.model is None:
            self._start()
        return self.model.train(self.design, self.labels, epochs=epochs, classes=self.classes, **logging)

    def _frames(self) -> Iterator[Frame]:
        """Train from zero weights, yielding the first frame and one per step of the falling cost."""
        costs = self._start()
        yield self.frame(0, costs)
        cap = self.burst or max(1, -(-self.max_epochs // max(self.frames - 1, 1)))
        ticks = draw_as_cost_falls(lambda level, epochs: self.advance(epochs, level), self.levels,
                                   lambda done: cap, float(costs.mean()), self.max_cost, self.max_epochs)
        for epoch, result in ticks:
            yield self.frame(epoch, result.channel_costs)

    def frame(self, epoch: int, costs: np.ndarray) -> Frame:
        """Render the model: most probable colour per pixel, or the probability-weighted mix."""
        z = self.model.decision_function(self.design)
        if z.ndim == 1:
            index = (z > 0).astype(np.intp)
            z = np.stack([-z, z], axis=1)
        else:
            index = np.argmax(z, axis=1)
        if self.soft:
            pixels = np.einsum("nk,kc->nc", mix_weights(z), self.palette)  # no BLAS: K is small
        else:
            pixels = self.palette[index]
        accuracy = float(np.mean(index == self.labels))
        return Frame(epoch, costs, np.clip(pixels, 0.0, 1.0).reshape(self.shape), accuracy)

    optimizer = "gd"  # logistic regression trains by batch gradient descent only
    trains = True
    render = None  # frames are drawn pixel for pixel: the outputs enlarge them

    def summary(self, frame: Frame) -> str:
        """What a run ending at `frame` came to, in words: epochs, cross-entropy and pixels right."""
        return (f"{frame.epoch:,} epochs, cross-entropy {frame.cost:.3g}, "
                f"{100 * frame.accuracy:.2f} % of pixels right" + self.stopped(frame))

    def shortfall(self, frame: Frame) -> str:
        """The cross-entropy still above the threshold (the optimum's is 0)."""
        return f"cross-entropy {frame.cost - self.max_cost:.3g} above the threshold {self.max_cost:.3g}"
