"""A painting: linear regression learning a target image, frame by frame.

No I/O here: frames come out as float arrays; the CLI decides what to write.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .designs import OneHot
from .errors import DivergenceError
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
    """Train per-channel linear regression on `target` (h, w, c) and yield frames.

    `design` gives the samples for the h * w pixels (default: the seed's one-hot
    design). For batch GD the frame epochs are planned up front from the
    closed-form cost curve, the same for both engines; other optimizers draw a
    frame whenever the error has fallen by another equal step. `burst` gives
    fixed bursts of epochs instead, as in the seed. `render(model)` may draw the
    frames some other way, such as a feature model on a finer grid.

    Defaults: one-hot samples learn at the seed's rate 0.05 down to cost 1e-4;
    any other design at half its stable limit (1 / lambda_max, so no mode
    oscillates) down to 1.1 times its least-squares optimum (0.4 dB short of the
    best it can do), as the one-hot threshold is usually out of its reach.
    """

    def __init__(
        self,
        target: np.ndarray,
        *,
        design=None,
        learning_rate: float | None = None,
        init: str = "zeros",
        seed: int | None = None,
        max_cost: float | None = None,
        max_epochs: int = 10**9,
        frames: int = 60,
        burst: int | None = None,
        engine: str = "auto",
        optimizer: str = "gd",
        batch_size: int = 1,
        momentum: float = 0.9,
        render=None,
    ):
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.shape = target.shape
        h, w, c = target.shape
        self.design = OneHot(h * w) if design is None else design
        self.render = render
        self.y = np.ascontiguousarray(target.reshape(h * w, c).T, dtype=np.float64)
        self.max_epochs = max_epochs
        self.frames = frames
        self.options = dict(engine=engine, optimizer=optimizer, batch_size=batch_size,
                            momentum=momentum)
        self.model = LinearRegressionModel(seed=seed)
        theta = initial_params(self.y, self.design.n_features, init, seed,
                               one_hot=isinstance(self.design, OneHot))
        self.model.set_params(theta.T)
        self.max_stable_learning_rate = self.model.max_stable_learning_rate(
            self.design, optimizer, batch_size, momentum)
        one_hot = isinstance(self.design, OneHot)
        if learning_rate is None:
            learning_rate = 0.05 if one_hot else 0.5 * self.max_stable_learning_rate
        self.learning_rate = learning_rate

        traj = self.design.trajectory(theta, self.y, learning_rate)
        self.trajectory = traj  # batch GD's closed-form path from the start
        self.optimal_costs = traj.optimum_cost()
        if max_cost is None:
            max_cost = 1e-4 if one_hot else max(1e-4, 1.1 * self.optimal_cost)
        self.max_cost = max_cost

        def cost(k: int) -> float:
            return float(np.mean(traj.cost(k)))

        def detail_cost(k: int) -> float:
            return float(np.mean(traj.detail_cost(k)))

        self.planned = optimizer == "gd"
        if self.planned:
            end = threshold_epoch(cost, max_cost, max_epochs)
            self.planned_epochs: int | None = max_epochs if end is None else end
        else:
            self.planned_epochs = None
        if burst is not None:
            self.epochs = burst_frames(burst, self.planned_epochs or max_epochs)
        elif self.planned:
            self.epochs = plan_frames(cost, frames, max_cost, max_epochs, detail_cost)
        else:
            self.epochs = None

    @property
    def optimal_cost(self) -> float:
        """Mean cost of the least-squares optimum of this design: the best it can do."""
        return float(self.optimal_costs.mean())

    def optimum(self) -> Frame:
        """The least-squares solution as a frame, without gradient descent."""
        model = LinearRegressionModel().solve(self.design, self.y.T)
        return self._frame(0, model.cost(self.design, self.y.T, per_channel=True), model)

    def __iter__(self) -> Iterator[Frame]:
        first = self.model.cost(self.design, self.y.T, per_channel=True)
        yield self._frame(0, first)
        if self.epochs is None:
            yield from self._frames_as_error_falls(float(first.mean()))
            return
        if self.epochs is not None and self.planned and self.options["engine"] != "iterate":
            yield from self._frames_in_closed_form()
            return
        done = 0
        for planned in itertools.chain(self.epochs, [self.max_epochs]):
            target = min(planned, self.max_epochs)
            if done >= target:
                continue
            result = self._train(target - done)
            done += result.epochs
            yield self._frame(done, result.channel_costs)
            if result.converged:
                return

    def _frames_in_closed_form(self) -> Iterator[Frame]:
        """The exact engine: every planned frame read off the one trajectory from the start."""
        for planned in self.epochs:
            epoch = min(planned, self.planned_epochs)  # a burst may pass the threshold
            costs = self.trajectory.cost(epoch)
            if not np.all(np.isfinite(costs)):
                raise DivergenceError(self.learning_rate, self.max_stable_learning_rate)
            self.model.set_params(self.trajectory.theta(epoch).T)
            yield self._frame(epoch, costs)
            if epoch == self.planned_epochs:
                return

    def _frames_as_error_falls(self, cost0: float) -> Iterator[Frame]:
        """A frame each time the RMS error falls another 1 / (frames - 1) of the way to
        the threshold, or when a burst has doubled the epochs run without getting there."""
        start, goal = np.sqrt(cost0), np.sqrt(self.max_cost)
        step = max(start - goal, 0.0) / (self.frames - 1)
        done, rms = 0, start
        while done < self.max_epochs:
            level = start - step * (np.floor((start - rms) / step) + 1) if step > 0 else 0.0
            cap = max(1, done)

            def due(epoch: int, cost: float, level=level, cap=cap) -> bool:
                return epoch > 0 and (np.sqrt(cost) <= level or epoch >= cap)

            result = self._train(self.max_epochs - done, on_log=due)
            done += result.epochs
            rms = np.sqrt(result.cost)
            yield self._frame(done, result.channel_costs)
            if result.converged:
                return

    def _train(self, epochs: int, on_log=None):
        return self.model.train(self.design, self.y.T, learning_rate=self.learning_rate,
                                epochs=epochs, max_cost=self.max_cost, log_every=1 if on_log else 0,
                                on_log=on_log, **self.options)

    def _frame(self, epoch: int, costs: np.ndarray, model: LinearRegressionModel | None = None) -> Frame:
        model = self.model if model is None else model
        if self.render is not None:
            return Frame(epoch, costs, self.render(model))
        h, w, c = self.shape
        return Frame(epoch, costs, model.score(self.design).reshape(h, w, c))


def initial_params(y: np.ndarray, d: int, init: str, seed: int | None,
                   one_hot: bool = True) -> np.ndarray:
    """Starting parameters (c, d + 1) for targets y (c, n): zeros, the mean colour, or noise.

    On the one-hot design these paint black, a flat mean colour, or uniform noise.
    """
    c = y.shape[0]
    theta = np.zeros((c, d + 1))
    if init == "mean":
        theta[:, 0] = y.mean(axis=1)
    elif init == "random":
        theta[:, 1:] = np.random.default_rng(seed).random((c, d))
        if not one_hot:
            theta[:, 1:] = (theta[:, 1:] - 0.5) / np.sqrt(d)  # small weights for dense features
    return theta
