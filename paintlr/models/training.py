"""Training: the one descent loop every model and optimizer runs, and its closed-form jump.

`descend` drives any run (a state with costs(), step() and finish(): linear
regression under any optimizer, logistic regression) through the same epochs:
cost, divergence check, on_log, early stop below max_cost. `jump` lands where
`descend` would stop for batch GD, in closed form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..core.numerics import first_epoch_below
from ..errors import DivergenceError

LogCallback = Callable[[int, float], "bool | None"]


class Run(Protocol):
    def costs(self) -> np.ndarray:
        """Per-column costs of the current state."""

    def step(self) -> None:
        """Move one epoch on from the state costs() last saw."""

    def finish(self) -> None:
        """Leave the model's parameters at the current state."""


@dataclass(frozen=True)
class TrainResult:
    """What one call to `train` did: epochs run, the final per-column costs, and whether
    their mean is below max_cost (the test that stopped the loop)."""

    epochs: int
    channel_costs: np.ndarray
    converged: bool

    @property
    def cost(self) -> float:
        return float(self.channel_costs.mean())


def descend(run: Run, *, epochs: int, max_cost: float, learning_rate: float,
            max_stable: Callable[[], float], log_every: int = 0,
            on_log: LogCallback | None = None, reached: Callable[[int], None] | None = None) -> TrainResult:
    """Step `run` until its mean cost is below max_cost, `epochs` epochs have run, or
    on_log(epoch, cost), called at epochs 0, log_every, ..., returns True.

    A NaN or infinite cost raises DivergenceError naming max_stable() as the limit.
    `reached(epochs)` is told the epochs stepped however the loop ends, an interrupt included.
    """
    epoch = 0
    try:
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for epoch in range(epochs + 1):
                costs = run.costs()
                cost = float(costs.mean())
                if not np.isfinite(cost):
                    raise DivergenceError(learning_rate, max_stable(), epoch)
                stop = cost < max_cost or epoch == epochs
                if on_log is not None and log_every and epoch % log_every == 0:
                    stop = bool(on_log(epoch, cost)) or stop
                if stop:
                    return TrainResult(epoch, costs, cost < max_cost)
                run.step()
    finally:
        run.finish()
        if reached is not None:
            reached(epoch)
    raise AssertionError("unreachable")


def jump(trajectory, theta: np.ndarray, *, epochs: int, max_cost: float, learning_rate: float,
         max_stable: Callable[[], float], log_every: int = 0, on_log: LogCallback | None = None,
         start: int = 0, reached: Callable[[int], None] | None = None) -> TrainResult:
    """Move theta in place from epoch `start` of a closed-form trajectory to where the run stops:
    where `descend` would stop batch GD; for momentum, whose cost can dip and rise again, the
    first epoch from which the cost stays below max_cost (its envelope is below it)."""

    def mean_cost(k: int) -> float:
        return float(np.mean(trajectory.cost(start + k)))

    def bound(k: int) -> float:
        return float(np.mean(trajectory.envelope(start + k)))

    stop = first_epoch_below(bound, max_cost, epochs)
    stop = epochs if stop is None else stop
    if not np.isfinite(mean_cost(stop)):
        raise DivergenceError(learning_rate, max_stable())
    if on_log is not None and log_every:
        for k in range(0, stop + 1, log_every):
            if on_log(k, mean_cost(k)):
                stop = k
                break
    theta[...] = trajectory.theta(start + stop)
    if reached is not None:
        reached(stop)
    costs = trajectory.cost(start + stop)
    return TrainResult(stop, costs, float(costs.mean()) < max_cost)
