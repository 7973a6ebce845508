"""A painting: linear regression learning a target image, frame by frame.

No I/O here: frames come out as float arrays; the caller decides what to write.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterator

import numpy as np

from ..core.designs import Design, OneHot
from ..core.numerics import psnr
from ..core.pixels import as_image, to_uint8
from ..errors import DivergenceError, OptionError, check_choice
from ..models.linear import LinearRegressionModel
from ..models.optimizers import check_engine, make_optimizer
from ..models.rates import default_learning_rate
from ..models.training import TrainResult
from ..settings import (
    BATCH_SIZE,
    DEFAULT_MAX_COST,
    FRAMES,
    INITS,
    MAX_EPOCHS,
    MOMENTUM,
    OPTIMUM_MARGIN,
    SOLVERS,
)
from .clock import (
    ABOUT_FRAMES,
    burst_frames,
    check_frames,
    cost_levels,
    draw_as_cost_falls,
    epoch_budget,
    one_side,
    overshoot,
    plan_frames,
    stop_epoch,
)
from .frame import Frame, FrameSource


class Painting(FrameSource):
    """Train per-channel linear regression on `target` (h, w, c) and yield frames.

    `design` gives the samples for the h * w pixels (default: the seed's one-hot
    design). For batch GD and momentum (heavy ball or Nesterov) the frame epochs
    are planned up front from the closed-form cost curve, the same for both
    engines; SGD, which has none, draws a frame whenever the error has fallen by
    another equal step. `burst` gives
    fixed bursts of epochs instead, as in the seed. `render(model)` may draw the
    frames some other way, such as a feature model on a finer grid.
    `solver="lstsq"` trains nothing: its one frame is the least-squares optimum.

    Defaults: the design's own learning rate (the seed's 0.05 on one-hot samples,
    half the stable limit on any other design: 1 / lambda_max for GD, where no mode
    oscillates) and a threshold of cost 1e-4, or 1.1 times the design's
    least-squares optimum where that is out of reach.
    """

    def __init__(
        self,
        target: np.ndarray,
        *,
        design: Design | None = None,
        learning_rate: float | None = None,
        init: str = "zeros",
        seed: int | None = None,
        max_cost: float | None = None,
        max_epochs: int | None = None,
        frames: int = FRAMES,
        burst: int | None = None,
        engine: str = "auto",
        optimizer: str = "gd",
        batch_size: int = BATCH_SIZE,
        momentum: float = MOMENTUM,
        solver: str = "gd",
        render: Callable[[LinearRegressionModel], np.ndarray] | None = None,
    ):
        check_choice("init", init, INITS)
        check_choice("solver", solver, SOLVERS)
        opt = make_optimizer(optimizer, batch_size=batch_size, momentum=momentum)
        check_engine(engine, opt)
        if solver == "lstsq":
            _refuse_beside_lstsq(optimizer=optimizer != "gd", engine=engine == "iterate",
                                 burst=burst is not None)
        check_frames(frames)
        self.shape = target.shape
        self.init, self.seed = init, seed  # the start, which forecasts for other settings rebuild
        h, w, c = target.shape
        self.design = OneHot(h * w) if design is None else design
        self.render = render
        self.solver = solver
        self.y = np.ascontiguousarray(target.reshape(h * w, c).T, dtype=np.float64)
        self.max_epochs = epoch_budget(max_epochs, MAX_EPOCHS)
        self.frames = frames
        self.model = LinearRegressionModel(optimizer=optimizer, batch_size=batch_size, momentum=momentum,
                                           engine=engine, seed=seed)
        theta = initial_params(self.y, self.design, init, seed)
        self.model.set_params(theta.T, copy=False)
        self._theta = theta  # the model's own parameters, which closed-form frames overwrite
        self._start = (theta[:, 0].copy(), not np.any(theta[:, 1:]))  # bias, and whether it starts flat
        self.max_stable_learning_rate = opt.max_stable_learning_rate(self.design)
        self.learning_rate = default_learning_rate(learning_rate, self.max_stable_learning_rate, self.design)

        # the closed-form path from the start: batch GD's, or momentum's if that is the optimizer
        traj = opt.trajectory(self.design, theta, self.y, self.learning_rate) if opt.has_closed_form \
            else self.design.trajectory(theta, self.y, self.learning_rate)
        self.trajectory = traj
        self.optimal_costs = traj.optimum_cost()
        if max_cost is None:
            max_cost = max(DEFAULT_MAX_COST, OPTIMUM_MARGIN * self.optimal_cost)
        self.max_cost = float(max_cost)
        if solver == "gd" and not self.max_cost > self.optimal_cost:
            raise OptionError("max_cost", f"{self.max_cost:g} is out of reach: the best this design "
                                          f"can do is cost {self.optimal_cost:.4g}")
        self.has_closed_form = opt.has_closed_form
        self._plan(burst)

    def _plan(self, burst: int | None) -> None:
        """Where the run stops and which epochs become frames, from the closed-form path if any."""

        def cost(k: int) -> float:  # momentum: a bound on every later cost, so never rising
            return float(np.mean(self.trajectory.envelope(k)))

        def detail_cost(k: int) -> float:
            return float(np.mean(self.trajectory.detail_envelope(k)))

        # where the run stops (threshold or max_epochs), read off the closed form of batch GD or
        # momentum; None for SGD, which has none
        self.stop_epoch = stop_epoch(cost, self.max_cost, self.max_epochs) if self.has_closed_form else None
        self.frame_epochs: list[int] | range | None = None  # planned frames; None: as the cost falls
        self.overshoot = 0.0  # how far the drawn mean colour goes past the target (see clock.overshoot)
        self._merged = 0
        if self.solver == "lstsq":
            self.frame_epochs = []
        elif burst is not None:
            self.frame_epochs = burst_frames(burst, self.stop_epoch or self.max_epochs)
        elif self.has_closed_form:
            planned = plan_frames(cost, self.frames, self.stop_epoch, detail_cost)
            self.frame_epochs = one_side(planned, self.brightness, self.stop_epoch)
            self.overshoot = overshoot(self.frame_epochs, self.brightness)
            self._merged = len(planned) - len(self.frame_epochs)  # frames one side of the swing shares

    def brightness(self, k: int) -> float:
        """How much too bright (> 0) or too dark the closed-form run's mean colour is after k epochs."""
        return float(np.mean(self.trajectory.mean_error(k)))

    @property
    def optimal_cost(self) -> float:
        """Mean cost of the least-squares optimum of this design: the best it can do."""
        return float(self.optimal_costs.mean())

    def goal(self) -> np.ndarray:
        """The picture the run heads for, known before it starts: the target (a view, no copy)."""
        return as_image(self.y, *self.shape[:2])

    def optimum(self) -> Frame:
        """The least-squares solution as a frame, without gradient descent."""
        model = LinearRegressionModel().solve(self.design, self.y.T)
        return self.frame(0, model.cost(self.design, self.y.T, per_channel=True), model)

    def _frames(self) -> Iterator[Frame]:
        """The first frame, then one per planned epoch or per step of the falling cost."""
        if self.solver == "lstsq":
            yield self.optimum()
            return
        first = self.trajectory.cost(0)  # the start, without a full-size residual
        yield self.frame(0, first)
        if self.frame_epochs is None:
            yield from self._frames_as_cost_falls(float(first.mean()))
        elif self.has_closed_form and self.model.engine != "iterate":
            yield from self._frames_in_closed_form()
        else:
            yield from self._frames_iterated()

    def _frames_in_closed_form(self) -> Iterator[Frame]:
        """The exact engine: every planned frame read off the one trajectory from the start."""
        for planned in self.frame_epochs:
            epoch = min(planned, self.stop_epoch)  # a burst may pass the threshold
            costs = self.trajectory.cost(epoch)
            if not np.all(np.isfinite(costs)):
                raise DivergenceError(self.learning_rate, self.max_stable_learning_rate)
            self.model.set_params(self.trajectory.theta(epoch, out=self._theta).T, copy=False)
            self.epochs_trained = epoch
            yield self.frame(epoch, costs)
            if epoch == self.stop_epoch:
                return

    def _frames_iterated(self) -> Iterator[Frame]:
        """Every epoch run, up to each planned frame in turn."""
        done = 0
        for planned in itertools.chain(self.frame_epochs, [self.max_epochs]):
            target = min(planned, self.max_epochs)
            if done >= target:
                continue
            result = self.advance(target - done)
            done += result.epochs
            yield self.frame(done, result.channel_costs)
            if result.converged:
                return

    def _frames_as_cost_falls(self, cost0: float) -> Iterator[Frame]:
        """A frame each time the RMS error falls another 1 / (frames - 1) of the way to the
        threshold, or when a burst has doubled the epochs run without getting there."""
        rms = cost_levels(np.sqrt(cost0), np.sqrt(self.max_cost), self.frames)
        for epoch, result in draw_as_cost_falls(lambda level, epochs: self.advance(epochs, level), rms * rms,
                                                lambda done: max(1, done), cost0, self.max_cost,
                                                self.max_epochs):
            yield self.frame(epoch, result.channel_costs)

    def _train(self, epochs: int, **logging) -> TrainResult:
        return self.model.train(self.design, self.y.T, learning_rate=self.learning_rate, epochs=epochs,
                                max_cost=self.max_cost, **logging)

    def picture(self, model: LinearRegressionModel | None = None) -> np.ndarray:
        """The model's image (h, w, c) as floats, unclipped: drawn by `render` if given."""
        model = self.model if model is None else model
        if self.render is not None:
            return self.render(model)
        return as_image(model.predict(self.design).T, *self.shape[:2])  # .T: predict's own array

    def frame(self, epoch: int, costs: np.ndarray, model: LinearRegressionModel | None = None) -> Frame:
        return Frame(epoch, costs, self.picture(model))

    def log_columns(self) -> list[str]:
        """The mean cost, the cost per channel, PSNR, the distance from the best cost and the status."""
        channels = "L" if self.shape[2] == 1 else "RGB"
        return ["cost", *(f"cost_{c}" for c in channels), "psnr_db", "excess_cost", "status"]

    def log_row(self, frame: Frame) -> tuple:
        return (frame.epoch, frame.cost, *frame.channel_costs, frame.psnr, frame.cost - self.optimal_cost,
                self.status(frame))

    def live(self) -> dict | None:
        """For batch GD on one-hot samples from a flat colour, drawn pixel for pixel: the target,
        the start and the rates the player's closed form needs; None for any other run."""
        bias, flat = self._start
        if not (self.design.one_weight_per_sample and self.model.optimizer == "gd" and self.solver == "gd"
                and self.render is None and flat):
            return None
        h, w, c = self.shape
        target = to_uint8(self.goal())
        return {"kind": "onehot", "width": w, "height": h, "channels": c,
                "target": base64.b64encode(np.ascontiguousarray(target).tobytes()).decode("ascii"),
                "start": bias.tolist(), "rate": self.learning_rate,
                "maxStable": self.max_stable_learning_rate, "epoch": int(self.stop_epoch)}

    @property
    def optimizer(self) -> str:
        """The optimizer's name: its stable rates are the ones `max_stable_learning_rate` gives."""
        return self.model.optimizer

    @property
    def trains(self) -> bool:
        """True for gradient descent; False for the least-squares solver, which trains nothing."""
        return self.solver == "gd"

    def summary(self, frame: Frame) -> str:
        """What a run ending at `frame` came to, in words: epochs (or solver), cost, PSNR, overshoot."""
        what = f"{frame.epoch:,} epochs" if self.trains else "least-squares solution"
        swing = "" if not self.overshoot else (
            f"; the mean colour overshoots (up to {self.overshoot:.3g} x the colour range past the target)"
            " and swings back and forth: frames show the overshooting side"
            + (f", so {self._merged} fewer frames" if self._merged > (1 - ABOUT_FRAMES) * self.frames
               else ""))
        return (f"{what}, cost {frame.cost:.3g} (optimum {self.optimal_cost:.3g}), PSNR {frame.psnr:.2f} dB"
                + swing + self.stopped(frame))

    def shortfall(self, frame: Frame) -> str:
        """The PSNR gap to the optimum's, or where that is perfect (one-hot samples), to the threshold's."""
        best, goal = psnr(self.optimal_cost), "the optimum's"
        if not np.isfinite(best):
            best, goal = psnr(self.max_cost), "the threshold's"
        return f"PSNR {best - frame.psnr:.2f} dB below {goal} {best:.2f} dB"


def initial_params(y: np.ndarray, design: Design, init: str, seed: int | None) -> np.ndarray:
    """Starting parameters (c, d + 1) for targets y (c, n): zeros, the mean colour, or noise.

    On the one-hot design these paint black, a flat mean colour, or uniform noise.
    """
    c = y.shape[0]
    theta = np.zeros((c, design.n_features + 1))
    if init == "mean":
        theta[:, 0] = y.mean(axis=1)
    elif init == "random":
        theta[:, 1:] = design.random_weights(np.random.default_rng(seed), c)
    return theta


def _refuse_beside_lstsq(**ignored: bool) -> None:
    """Refuse the first option that is set (True) but does nothing with the least-squares solver."""
    for option, set_ in ignored.items():
        if set_:
            raise OptionError(option, "has no effect with the least-squares solver, which trains nothing")
