"""The best learning rate and momentum for a quadratic cost, from the Gram matrix's extreme eigenvalues.

Everything here is a function of lam_min, the smallest eigenvalue that settles (the slowest
direction), and lam_max, the largest (the stability limit), or of a trajectory: how many epochs
until the cost or the error falls below a threshold. numpy only, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..errors import OptionError
from ..settings import BEST, EPOCHS_LIMIT
from .numerics import first_epoch_below, settling
from .trajectories import momentum_step_limit


class Tuning(NamedTuple):
    """A learning rate and momentum, and the factor by which the error then shrinks per epoch."""

    learning_rate: float
    beta: float
    factor: float


def one_hot_extremes(n: int) -> tuple[float, float]:
    """(lam_min, lam_max) of the one-hot design of n pixels: 1 / n (each pixel's detail) and
    (n + 1) / n (the mean, moved by the bias and every weight); the null direction never settles."""
    return 1.0 / n, (n + 1) / n


def settling_extremes(lam: np.ndarray) -> tuple[float, float]:
    """(lam_min, lam_max) from ascending eigenvalues (Dense.eigen[0]): the smallest that is
    distinguishable from zero, since GD never settles along the others, and the largest."""
    lam = np.asarray(lam, dtype=np.float64)
    moving = lam[settling(lam)]
    return float(moving[0]), float(lam[-1])


def condition_number(lam_min: float, lam_max: float) -> float:
    """kappa = lam_max / lam_min: how much slower the slowest direction is than the fastest."""
    return lam_max / lam_min


def gd_max_rate(lam_max: float) -> float:
    """Batch GD is stable iff alpha < 2 / lam_max."""
    return 2.0 / lam_max


def momentum_max_rate(lam_max: float, beta: float, nesterov: bool = False) -> float:
    """Momentum beta in [0, 1) is stable iff alpha < 2 (1 + beta) / lam_max (heavy ball) or
    (2 + 2 beta) / ((1 + 2 beta) lam_max) (Nesterov)."""
    return momentum_step_limit(beta, nesterov) / lam_max


def gd_best(lam_min: float, lam_max: float) -> Tuning:
    """alpha = 2 / (lam_max + lam_min): the slowest and fastest directions shrink alike, by
    (kappa - 1) / (kappa + 1) per epoch, the smallest worst case any rate achieves."""
    kappa = condition_number(lam_min, lam_max)
    return Tuning(2.0 / (lam_max + lam_min), 0.0, 1.0 - 2.0 / (kappa + 1.0))


def momentum_best(lam_min: float, lam_max: float) -> Tuning:
    """Polyak's heavy ball: alpha = 4 / (sqrt(lam_max) + sqrt(lam_min))^2 and
    beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2 damp both extreme directions critically,
    so every direction's roots have modulus sqrt(beta) = 1 - 2 / (sqrt(kappa) + 1)."""
    root = math.sqrt(condition_number(lam_min, lam_max))
    factor = 1.0 - 2.0 / (root + 1.0)
    return Tuning(4.0 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2, factor * factor, factor)


def nesterov_best(lam_min: float, lam_max: float) -> Tuning:
    """Nesterov's best pair on a quadratic (Lessard, Recht and Packard 2016): alpha = 4 / (3 lam_max
    + lam_min), beta = (sqrt(3 kappa + 1) - 2) / (sqrt(3 kappa + 1) + 2), factor 1 - 2 / sqrt(3 kappa + 1)."""
    root = math.sqrt(3.0 * condition_number(lam_min, lam_max) + 1.0)
    return Tuning(4.0 / (3.0 * lam_max + lam_min), (root - 2.0) / (root + 2.0), 1.0 - 2.0 / root)


def epochs_below(trajectory, threshold: float, error: bool = False, hi: int = EPOCHS_LIMIT) -> int | None:
    """First epoch from which every channel's cost (error=True: distance to the optimum) stays below
    threshold, or None if that is not so by epoch hi. Bisects the trajectory's envelope, which
    never rises (GD: the cost itself); momentum's own cost may dip below and rise again."""
    curve: Callable[[int], np.ndarray] = trajectory.distance_envelope if error else trajectory.envelope
    return first_epoch_below(lambda k: float(np.max(curve(k))), threshold, hi)


def best_settings(lam_min: float, lam_max: float, optimizer: str, learning_rate: float | str | None,
                  beta: float | str) -> tuple[float | None, float]:
    """The learning rate and momentum with BEST ("best") replaced by their values for this spectrum.

    gd: the best rate 2 / (lam_max + lam_min). momentum and nesterov with momentum best: the
    optimal pair (it sets the rate too, so a numeric rate alongside is refused); with a given
    beta, the rate at the centre of its stable range, limit(beta) / (lam_max + lam_min), which
    is GD's best at beta = 0. SGD has no best rate here.
    """
    if BEST not in (learning_rate, beta):
        return learning_rate, beta  # type: ignore[return-value]
    if beta == BEST and optimizer not in ("momentum", "nesterov"):
        raise OptionError("momentum", f"best is for optimizer momentum or nesterov, not {optimizer}")
    if optimizer == "gd":
        return gd_best(lam_min, lam_max).learning_rate, beta  # type: ignore[return-value]
    if optimizer not in ("momentum", "nesterov"):
        raise OptionError("learning_rate", f"best is known for gd, momentum and nesterov, not {optimizer}")
    nesterov = optimizer == "nesterov"
    if beta == BEST:
        if learning_rate not in (None, BEST):
            raise OptionError("momentum", "best chooses the learning rate too: give --learning-rate best "
                                          "or none")
        best = nesterov_best(lam_min, lam_max) if nesterov else momentum_best(lam_min, lam_max)
        return best.learning_rate, best.beta
    return momentum_step_limit(float(beta), nesterov) / (lam_max + lam_min), float(beta)
