"""Optimizers: batch GD, heavy-ball or Nesterov momentum, or (mini-batch) SGD, and where each is stable.

Each starts a run on a design (see `designs.DescentRun`) and states its own stable
learning rate from the design's eigenvalue bounds; what depends on the design's
structure (a faster epoch for one-hot samples) the design itself provides.
"""

from __future__ import annotations

import numpy as np

from ..core.designs import DescentRun, Design
from ..core.trajectories import momentum_step_limit
from ..errors import OptionError, check_choice
from ..settings import BATCH_SIZE, ENGINES, MOMENTUM, OPTIMIZERS


class GradientDescent:
    """The seed's batch gradient descent: theta -= (alpha / m) [1, X]^T r."""

    name = "gd"
    has_closed_form = True

    def start(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        return design.descent(theta, y, learning_rate)

    def trajectory(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """Batch GD from theta in closed form."""
        return design.trajectory(theta, y, learning_rate)

    def closed_form(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """(trajectory, epoch on it) of the current state: GD has no memory, so a fresh one from theta."""
        return self.trajectory(design, theta, y, learning_rate), 0

    def jumped(self, epoch: int) -> None:
        """The state was moved to `epoch` of the trajectory closed_form gave: nothing to remember."""

    def max_stable_learning_rate(self, design: Design) -> float:
        """GD on a quadratic is stable iff alpha lambda_max < 2 (one-hot: alpha < 2n / (n + 1))."""
        return 2.0 / design.lambda_max


class Momentum:
    """Heavy-ball GD, v = beta v - alpha grad J(theta); theta += v, or with `nesterov` the gradient
    at theta + beta v. The velocity lasts across calls and starts at zero."""

    has_closed_form = True

    def __init__(self, beta: float = MOMENTUM, nesterov: bool = False):
        if not 0 <= beta < 1:
            raise ValueError(f"momentum must be in [0, 1), got {beta!r}")
        self.beta, self.nesterov = beta, nesterov
        self.name = "nesterov" if nesterov else "momentum"
        self.velocity: np.ndarray | None = None
        self._path: tuple | None = None  # (key, trajectory, epoch) of the state after a jump

    def start(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        if self.velocity is None or self.velocity.shape != theta.shape:
            self.velocity = np.zeros_like(theta)
        self._path = None  # iterating moves the state off any trajectory
        return DescentRun(design, theta, y, learning_rate, self._update)

    def trajectory(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """This momentum from theta at rest, in closed form."""
        return design.trajectory(theta, y, learning_rate, beta=self.beta, nesterov=self.nesterov)

    def closed_form(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        """(trajectory, epoch on it) of the current state: the one a jump left it on, or a fresh one
        from rest; None when iterating has given it a velocity no trajectory here starts from."""
        key = (id(design), learning_rate, y.__array_interface__["data"][0], y.shape)
        if self._path is not None and self._path[0] == key:
            return self._path[1], self._path[2]
        if self.velocity is not None and np.any(self.velocity):
            return None
        self._path = (key, self.trajectory(design, theta, y, learning_rate), 0)
        return self._path[1], 0

    def jumped(self, epoch: int) -> None:
        """The state is now `epoch` of the last closed_form trajectory: remember it, with the velocity
        there, so the next call (exact or iterated) carries on from it."""
        key, trajectory, _ = self._path
        self._path = (key, trajectory, epoch)
        self.velocity = trajectory.velocity(epoch)

    def _update(self, design: Design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
        v, eta = self.velocity, lr / y.shape[1]
        v *= self.beta
        if self.nesterov:  # the gradient where the velocity is about to carry theta
            ahead = theta + v
            design.residual_into(ahead[:, 1:], ahead[:, 0], y, r)
        v[:, 0] -= eta * r.sum(axis=1)
        g = design.transpose_dot(r)
        g *= eta
        v[:, 1:] -= g
        theta += v

    def max_stable_learning_rate(self, design: Design) -> float:
        """Stable iff alpha lambda_max < 2 (1 + beta) (heavy ball), (2 + 2 beta) / (1 + 2 beta) (Nesterov)."""
        return momentum_step_limit(self.beta, self.nesterov) / design.lambda_max


class StochasticGD:
    """SGD over a fresh shuffle each epoch; batch_size > 1 averages the gradient of a batch.

    The step for a batch B is (alpha / |B|) * sum of its per-sample gradients, so a
    batch of every sample is batch gradient descent.
    """

    name = "sgd"
    has_closed_form = False

    def __init__(self, batch_size: int = BATCH_SIZE, rng: np.random.Generator | None = None):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.rng = rng if rng is not None else np.random.default_rng()

    def start(self, design: Design, theta: np.ndarray, y: np.ndarray, learning_rate: float):
        return DescentRun(design, theta, y, learning_rate, self._update)

    def _update(self, design: Design, theta: np.ndarray, y: np.ndarray, r: np.ndarray, lr: float) -> None:
        design.sgd_epoch(theta, y, r, self.rng.permutation(y.shape[1]), lr, self.batch_size)

    def max_stable_learning_rate(self, design: Design) -> float:
        """Each step must contract on its own batch: alpha < 2 / lambda_max of the batch's Gram.

        One-hot: 2b / (b + 1) for the smallest batch b (per-sample SGD: 1; a batch of all
        n pixels: batch GD's 2n / (n + 1)). Dense: 2 / max(1 + |x_i|^2), a safe bound.
        """
        return 2.0 / design.batch_lambda_max(self.batch_size)


def check_engine(engine: str, optimizer) -> None:
    """Refuse an engine the optimizer cannot run: the exact engine needs a closed form (GD, momentum)."""
    check_choice("engine", engine, ENGINES)
    if engine == "exact" and not optimizer.has_closed_form:
        raise OptionError("engine", f"the exact engine needs optimizer gd, momentum or nesterov, "
                                    f"not {optimizer.name}")


def make_optimizer(name: str, *, batch_size: int = BATCH_SIZE, momentum: float = MOMENTUM,
                   rng: np.random.Generator | None = None):
    """The optimizer called `name`: one of OPTIMIZERS."""
    check_choice("optimizer", name, OPTIMIZERS)
    if name == "gd":
        return GradientDescent()
    if name in ("momentum", "nesterov"):
        return Momentum(momentum, nesterov=name == "nesterov")
    return StochasticGD(batch_size, rng)
