"""A painting: one-hot linear regression learning a target image, frame by frame.

No I/O here: frames come out as float arrays; the CLI decides what to write.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .designs import OneHot
from .model import LinearRegressionModel
from .schedule import burst_frames, plan_frames, threshold_epoch

INITS = ("zeros", "mean", "random")


def psnr(cost: float) -> float:
    """PSNR in dB for pixel values in [0, 1]: the mean squared error is 2 * cost."""
    return float("inf") if cost <= 0 else float(10.0 * np.log10(1.0 / (2.0 * cost)))


@dataclass(frozen=True)
class Frame:
    """The model's picture after `epoch` epochs, with its per-channel cost."""

    epoch: int
    channel_costs: np.ndarray
    image: np.ndarray  # (h, w, c) float, unclipped model output

    @property
    def cost(self) -> float:
        return float(self.channel_costs.mean())

    @property
    def psnr(self) -> float:
        return psnr(self.cost)


class Painting:
    """Train per-channel one-hot regression on `target` (h, w, c) and yield frames.

    The frame epochs are planned up front from the closed-form cost curve (the same
    for both engines); `burst` gives fixed bursts instead.
    """

    def __init__(
        self,
        target: np.ndarray,
        *,
        learning_rate: float = 0.05,
        init: str = "zeros",
        seed: int | None = None,
        max_cost: float = 1e-4,
        max_epochs: int = 10**9,
        frames: int = 60,
        burst: int | None = None,
        engine: str = "auto",
    ):
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.shape = target.shape
        h, w, c = target.shape
        self.design = OneHot(h * w)
        self.y = np.ascontiguousarray(target.reshape(h * w, c).T, dtype=np.float64)
        self.learning_rate = learning_rate
        self.max_cost = max_cost
        self.max_epochs = max_epochs
        self.engine = engine
        self.model = LinearRegressionModel()
        self.model.set_params(initial_params(self.y, init, seed).T)
        self.max_stable_learning_rate = self.design.max_stable_learning_rate()

        theta = self.model.get_params().T
        traj = self.design.trajectory(theta, self.y, learning_rate)

        def cost(k: int) -> float:
            return float(np.mean(traj.cost(k)))

        def detail_cost(k: int) -> float:
            return float(np.mean(traj.detail_cost(k)))

        end = threshold_epoch(cost, max_cost, max_epochs)
        self.reaches_threshold = end is not None
        self.planned_epochs = max_epochs if end is None else end
        if burst is None:
            self.epochs = plan_frames(cost, frames, max_cost, max_epochs, detail_cost)
        else:
            self.epochs = burst_frames(burst, self.planned_epochs)

    def __iter__(self) -> Iterator[Frame]:
        yield self._frame(0, self.model.cost(self.design, self.y.T, per_channel=True))
        done = 0
        for planned in itertools.chain(self.epochs, [self.max_epochs]):
            target = min(planned, self.max_epochs)
            if done >= target:
                continue
            result = self.model.train(
                self.design, self.y.T, learning_rate=self.learning_rate, epochs=target - done,
                max_cost=self.max_cost, log_every=0, engine=self.engine,
            )
            done += result.epochs
            yield self._frame(done, result.channel_costs)
            if result.converged:
                return

    def _frame(self, epoch: int, costs: np.ndarray) -> Frame:
        h, w, c = self.shape
        return Frame(epoch, costs, self.model.score(self.design).reshape(h, w, c))


def initial_params(y: np.ndarray, init: str, seed: int | None) -> np.ndarray:
    """Starting parameters (c, n + 1) for targets y (c, n): black, flat mean colour, or noise."""
    c, n = y.shape
    theta = np.zeros((c, n + 1))
    if init == "mean":
        theta[:, 0] = y.mean(axis=1)
    elif init == "random":
        theta[:, 1:] = np.random.default_rng(seed).random((c, n))
    return theta
