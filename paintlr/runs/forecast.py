"""How long a painting will take: epochs to the threshold and time per epoch, before training."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import singledispatch

import numpy as np

from ..core.tuning import epochs_below
from ..models.linear import LinearRegressionModel
from ..models.optimizers import make_optimizer
from ..models.rates import is_unstable
from .painting import Painting, initial_params
from .palette_painting import PalettePainting

CLOSED_FORM, ESTIMATE, NOT_PREDICTED = "closed form", "estimate", "not predicted"


@dataclass(frozen=True)
class Forecast:
    """What `paintlr info` reports of a painting before it runs.

    `epochs` to the threshold is None when the run does not get there within
    max_epochs or cannot be predicted; `method` says how it was found. The times
    are measured on a copy of the model, and only when the run can finish.
    """

    unstable: bool
    epochs: int | None
    method: str  # CLOSED_FORM, ESTIMATE or NOT_PREDICTED
    seconds_per_epoch: float | None = None
    seconds_per_frame: float | None = None  # of the exact engine, if the painting uses it

    def seconds(self, frames: int) -> float | None:
        """Training time to the threshold: a jump per frame for the exact engine, else every
        epoch iterated (None when the run does not get there)."""
        if self.seconds_per_frame is not None:
            return self.seconds_per_frame * frames
        if self.epochs is None or self.seconds_per_epoch is None:
            return None
        return self.seconds_per_epoch * self.epochs


def forecast(painting: Painting | PalettePainting, engine_only: bool = False) -> Forecast:
    """Decide what can be said of `painting` before training, and measure its speed if it finishes:
    per iterated epoch and per exact frame, or with `engine_only` just what its own engine needs
    (a run about to start skips timing the epochs its exact engine will not iterate)."""
    epochs, method = epochs_to_threshold(painting)
    if painting.unstable or epochs is None:
        return Forecast(painting.unstable, epochs, method)
    jumps = painting.has_closed_form and painting.model.engine != "iterate"
    per_epoch = None if jumps and engine_only else seconds_per_epoch(painting)
    return Forecast(False, epochs, method, per_epoch, seconds_per_jump(painting) if jumps else None)


@singledispatch
def epochs_to_threshold(painting: Painting) -> tuple[int | None, str]:
    """(epochs to reach max_cost, how they were found); None if not within max_epochs.

    A function of each kind of painting: this one of a (linear) Painting; a model without a
    closed form registers its own (PalettePainting's, below: not predicted).

    Batch GD and momentum are exact (closed form; momentum's is where its cost stays
    below the threshold). On the one-hot design, SGD is estimated from each pixel's
    residual shrinking by 1 - alpha / B per visit, ignoring the noise of the shared
    bias. Other cases are not predicted.
    """
    if painting.has_closed_form:
        reached = float(np.mean(painting.trajectory.cost(painting.stop_epoch))) < painting.max_cost
        return (painting.stop_epoch if reached else None), CLOSED_FORM
    if not painting.design.one_weight_per_sample:
        return None, NOT_PREDICTED
    model = painting.model
    shrink = abs(1 - painting.learning_rate / model.batch_size)  # SGD visits each pixel once
    if float(np.mean(painting.trajectory.cost(0))) < painting.max_cost:
        return 0, ESTIMATE
    start = float(np.mean(painting.trajectory.detail_cost(0)))
    if not 0 <= shrink < 1:
        return None, ESTIMATE
    if not start > 0:  # a flat picture: only the mean colour to learn, within the first epoch
        return 1, ESTIMATE
    k = int(np.ceil(np.log(painting.max_cost / start) / (2 * np.log(shrink)))) if shrink > 0 else 1
    return (k if k <= painting.max_epochs else None), ESTIMATE



@epochs_to_threshold.register
def _(painting: PalettePainting) -> tuple[int | None, str]:
    """Not predicted: logistic regression has no closed form."""
    return None, NOT_PREDICTED


def plan(painting: Painting | PalettePainting) -> Forecast | None:
    """The forecast a run about to start needs (its epochs, for a progress bar; its training time,
    for a warning), timing only its own engine: None for a run that trains nothing or explodes."""
    if not painting.trains or painting.unstable:
        return None
    return forecast(painting, engine_only=True)


def epochs_known(plan: Forecast | None, max_epochs: int | None) -> int | None:
    """The epochs a run will take, as far as known before it starts: its forecast's, else the
    `max_epochs` the user gave (None if none was given: a default budget says nothing of the run)."""
    if plan is not None and plan.epochs is not None:
        return plan.epochs
    return max_epochs


def _probe(painting: Painting, engine: str) -> LinearRegressionModel:
    """A copy of the painting's model and state, to time without moving the painting."""
    m = painting.model
    probe = LinearRegressionModel(learning_rate=painting.learning_rate, max_cost=painting.max_cost,
                                  optimizer=m.optimizer, batch_size=m.batch_size, momentum=m.momentum,
                                  engine=engine, seed=0)
    probe.set_params(m.get_params())
    return probe


def seconds_per_epoch(painting: Painting, epochs: int = 3) -> float:
    """Wall time of one iterated epoch of the painting's optimizer, measured on a copy."""
    probe = _probe(painting, "iterate")
    start = time.perf_counter()
    probe.train(painting.design, painting.y.T, epochs=epochs, max_cost=0, log_every=0)
    return (time.perf_counter() - start) / epochs


def seconds_per_jump(painting: Painting) -> float:
    """Wall time of one closed-form jump (one frame of the exact engine), measured on a copy."""
    probe = _probe(painting, "exact")
    start = time.perf_counter()
    probe.train(painting.design, painting.y.T, epochs=max(1, painting.stop_epoch or 1), log_every=0)
    return time.perf_counter() - start


def epochs_with(painting: Painting, optimizer: str, learning_rate: float, beta: float = 0.0) -> int | None:
    """Epochs to the painting's threshold from its own start under other settings (gd, momentum or
    nesterov), in closed form; None if not within max_epochs or unstable."""
    opt = make_optimizer(optimizer, momentum=beta)
    if is_unstable(learning_rate, opt.max_stable_learning_rate(painting.design)):
        return None
    theta = initial_params(painting.y, painting.design, painting.init, painting.seed)
    return epochs_below(_Mean(opt.trajectory(painting.design, theta, painting.y, learning_rate)),
                        painting.max_cost, hi=painting.max_epochs)


class _Mean:
    """A trajectory whose envelope is the mean over channels: the threshold is on the mean cost."""

    def __init__(self, trajectory):
        self.trajectory = trajectory

    def envelope(self, k: int) -> np.ndarray:
        return np.mean(self.trajectory.envelope(k), keepdims=True)
