"""Palette painting: a one-vs-rest logistic classifier learns each pixel's palette colour.

The photo is reduced to K colours, every pixel is labelled with its nearest one,
and logistic regression learns the labels from the one-hot design (or any dense
feature matrix with one row per pixel). No I/O here: frames are float arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .designs import OneHot, as_design
from .errors import ImageError
from .logistic import LogisticRegressionModel, log_loss, max_stable_learning_rate, sigmoid
from .palette import nearest, quantize

RATE_FRACTION = 0.75  # default learning rate as a share of the largest stable one
FAST_SHARE = 6  # one frame in this many follows the quick fall to the bias-only cost
COST_SHARE = 0.25  # default max_cost as a share of the bias-only cost


@dataclass(frozen=True)
class PaletteFrame:
    """The classifier's picture after `epoch` epochs, with its costs and pixel accuracy."""

    epoch: int
    channel_costs: np.ndarray  # cross-entropy of each binary problem: 1 for two colours, else K
    image: np.ndarray  # (h, w, c) float in [0, 1]
    accuracy: float  # share of pixels painted their own palette colour

    @property
    def cost(self) -> float:
        return float(self.channel_costs.mean())


def bias_only_cost(counts: np.ndarray) -> float:
    """The lowest cost a model with biases only can reach: the mean binary entropy of the classes.

    From equal weights, gradient descent gets there within a few epochs (the bias is
    shared by all pixels); the picture itself only starts to emerge below it.
    """
    p = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    p = p[1:] if p.size == 2 else p
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


def cost_levels(start: float, floor: float, end: float, frames: int) -> np.ndarray:
    """Decreasing costs at which to draw frames: a few down to `floor`, the rest on to `end`.

    Equal steps of cost, so each frame changes the picture by about as much as the
    last; the quick fall from `start` to the bias-only `floor` gets a sixth of them.
    """
    steps = max(frames - 1, 1)
    fast = max(1, steps // FAST_SHARE) if steps > 1 else 0
    top = float(np.clip(floor, end, start))
    return np.concatenate([
        np.linspace(start, top, fast + 1)[1:],
        np.linspace(top, end, steps - fast + 1)[1:],
    ])


class PalettePainting:
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
        palette: int | np.ndarray = 8,
        learning_rate: float | None = None,
        max_cost: float | None = None,
        max_epochs: int = 10**6,
        frames: int = 60,
        burst: int | None = None,
        soft: bool = False,
        design=None,
        seed: int = 0,
    ):
        if np.ndim(target) != 3:
            raise ValueError(f"target must be an (h, w, c) array, got shape {np.shape(target)}")
        h, w, _ = target.shape
        if np.ndim(palette) == 0:
            colours, labels = quantize(target, int(palette), seed=seed)
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
        bound = getattr(self.design, "max_stable_learning_rate", None)
        self.max_stable_learning_rate = max_stable_learning_rate(self.design) if bound else float("inf")
        if learning_rate is None:
            if bound is None:
                raise ValueError("this design has no stable bound: give a learning_rate")
            learning_rate = RATE_FRACTION * self.max_stable_learning_rate
        self.learning_rate = float(learning_rate)
        self.max_epochs = int(max_epochs)
        self.frames = frames
        self.burst = burst
        self.soft = soft
        floor = bias_only_cost(np.bincount(self.labels, minlength=len(colours)))
        self.max_cost = COST_SHARE * floor if max_cost is None else float(max_cost)
        self.levels = cost_levels(float(np.log(2.0)), floor, self.max_cost, frames)
        self.model = LogisticRegressionModel()

    def __iter__(self) -> Iterator[PaletteFrame]:
        """Train from zero weights, yielding the first frame and one per burst."""
        model = self.model = LogisticRegressionModel()
        shape = (self.design.n_features + 1,) + ((len(self.classes),) if len(self.classes) > 2 else ())
        model.set_params(np.zeros(shape), classes=self.classes)
        costs = np.atleast_1d(model.cost(self.design, self.labels, per_class=True))
        yield self._frame(0, costs)
        done, level = 0, 0
        cap = self.burst or max(1, -(-self.max_epochs // max(self.frames - 1, 1)))
        while done < self.max_epochs and not costs.mean() < self.max_cost:
            while level < len(self.levels) and not costs.mean() >= self.levels[level]:
                level += 1
            threshold = self.levels[level] if self.burst is None and level < len(self.levels) else None
            result = model.train(
                self.design, self.labels, learning_rate=self.learning_rate,
                epochs=min(cap, self.max_epochs - done), max_cost=self.max_cost,
                log_every=1 if threshold is not None else 0,
                on_log=None if threshold is None else (lambda _, cost, t=threshold: cost < t),
                classes=self.classes,
            )
            if result.epochs == 0:
                return
            done += result.epochs
            costs = result.channel_costs
            yield self._frame(done, costs)

    def _frame(self, epoch: int, costs: np.ndarray) -> PaletteFrame:
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
        return PaletteFrame(epoch, costs, np.clip(pixels, 0.0, 1.0).reshape(self.shape), accuracy)
