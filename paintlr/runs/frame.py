"""Frame: one picture of a run, the model's image after some epochs with its costs; and what
every painting shares as a source of frames, its notebook display included."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..core.numerics import psnr
from ..models.training import TrainResult
from ..settings import CONVERGED, MAX_FRAMES, RUNNING, STATUS_WORDS, STOPPED
from .source import Playable, Rated, image_words


@dataclass(frozen=True)
class Frame:
    """The model's picture after `epoch` epochs: per-column costs, the image (h, w, c) as
    floats, and for a classifier the share of samples it gets right."""

    epoch: int
    channel_costs: np.ndarray
    image: np.ndarray
    accuracy: float | None = None

    @property
    def cost(self) -> float:
        return float(self.channel_costs.mean())

    @property
    def psnr(self) -> float:
        """PSNR in dB of a least-squares frame (its cost is half the mean squared error)."""
        return psnr(self.cost)

    def score(self) -> str:
        """How close the frame is, in words: its PSNR, or for a classifier the share of samples right.
        The one place a frame's quality is put in words."""
        return f"{self.psnr:.1f} dB" if self.accuracy is None else f"{100 * self.accuracy:.1f} % right"


class FrameSource(Playable, Rated):
    """Base of the paintings: iterating yields at most MAX_FRAMES frames of `_frames()`.

    `truncated` tells afterwards whether that cap cut a run short of its threshold.
    A painting is `Playable`: in Jupyter it shows itself as paintlr's player; and `Rated`.
    """

    max_cost: float
    max_epochs: int
    truncated = False
    trains = True  # False for a solver that writes its answer without training
    epochs_trained = 0  # so far, an interrupted frame's epochs included: what the model has run

    def status(self, frame: Frame) -> str:
        """The run's status at `frame`: converged below the threshold (or at the optimum, for a solver),
        stopped at max_epochs above it, else running."""
        if not self.trains or frame.cost < self.max_cost:
            return CONVERGED
        return STOPPED if frame.epoch >= self.max_epochs else RUNNING

    def stopped(self, frame: Frame) -> str:
        """The end of a summary: at a `frame` stopped by max_epochs, that and how far short it is."""
        if self.status(frame) != STOPPED:
            return ""
        return f"; {STATUS_WORDS[STOPPED]}, {self.shortfall(frame)}"

    def shortfall(self, frame: Frame) -> str:
        """How far short of its threshold (or optimum) a run stopped at `frame` is, in words."""
        raise NotImplementedError

    def interrupted(self, epoch: int, last: str) -> str:
        """The summary of a run interrupted after its frame at `epoch`, summarised as `last`: the
        epochs trained come first, since training goes on past the last frame drawn."""
        if not self.trains or self.epochs_trained <= epoch:
            return last
        return f"{self.epochs_trained:,} epochs trained when interrupted; last frame after {last}"

    def title(self) -> str:
        """What the run is of, in words: "painting a 12 x 16 colour image"."""
        return f"painting {image_words(self.shape)}"

    def _frames(self) -> Iterator[Frame]:
        raise NotImplementedError

    def advance(self, epochs: int, level: float | None = None) -> TrainResult:
        """Train on from the current state for at most `epochs` epochs, stopping below the
        threshold or, with `level`, as soon as the cost is below that."""
        due = None if level is None else (lambda _, cost: cost < level)
        start, model = self.epochs_trained, getattr(self, "model", None)
        if model is not None:
            model.n_iter_ = 0  # what this call runs, even if interrupted before its loop
        try:
            return self._train(epochs, log_every=1 if due else 0, on_log=due)
        finally:
            model = getattr(self, "model", None)  # a palette painting's is made by its first call
            self.epochs_trained = start + ((model.n_iter_ or 0) if model is not None else 0)

    def _train(self, epochs: int, **logging) -> TrainResult:
        """The model's own `train` for at most `epochs` epochs, with `log_every` and `on_log`."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Frame]:
        count = 0  # not enumerate(): its reused result tuple would hold the previous frame
        self.epochs_trained = 0
        for frame in itertools.islice(self._frames(), MAX_FRAMES):
            count += 1
            self.truncated = count == MAX_FRAMES and not frame.cost < self.max_cost
            yield frame
            del frame  # the next frame is computed without this one's image held here
