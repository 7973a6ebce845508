"""How long a painting will take: epochs to the threshold and time per epoch, before training."""

from __future__ import annotations

import time

import numpy as np

from .designs import OneHot
from .model import LinearRegressionModel


def epochs_to_threshold(painting) -> tuple[int | None, bool]:
    """(epochs to reach max_cost, exact?) for a painting; None if not within max_epochs.

    Batch GD is exact (closed form). On the one-hot design, momentum is estimated from
    its slow modes, which move like GD at rate alpha / (1 - beta), and SGD from each
    pixel's residual shrinking by 1 - alpha / B per visit, ignoring the noise of the
    shared bias. Other cases are not predicted.
    """
    opts = painting.options
    if opts["optimizer"] == "gd":
        return painting.planned_epochs if _reached(painting) else None, True
    if not isinstance(painting.design, OneHot):
        return None, False
    n = painting.design.n
    if opts["optimizer"] == "momentum":  # slow modes: 1 - (alpha / n) / (1 - beta) per epoch
        shrink = 1 - painting.learning_rate / n / (1 - opts["momentum"])
    else:  # SGD visits each pixel once: its residual shrinks by 1 - alpha / B
        shrink = abs(1 - painting.learning_rate / opts["batch_size"])
    if float(np.mean(painting.trajectory.cost(0))) < painting.max_cost:
        return 0, False
    start = float(np.mean(painting.trajectory.detail_cost(0)))
    if not 0 <= shrink < 1:
        return None, False
    k = int(np.ceil(np.log(painting.max_cost / start) / (2 * np.log(shrink)))) if shrink > 0 else 1
    return (k if k <= painting.max_epochs else None), False


def _reached(painting) -> bool:
    return float(np.mean(painting.trajectory.cost(painting.planned_epochs))) < painting.max_cost


def seconds_per_epoch(painting, epochs: int = 3) -> float:
    """Wall time of one iterated epoch of the painting's optimizer, measured on a copy."""
    probe = LinearRegressionModel(seed=0)
    probe.set_params(painting.model.get_params())
    opts = {**painting.options, "engine": "iterate"}
    start = time.perf_counter()
    probe.train(painting.design, painting.y.T, learning_rate=painting.learning_rate, epochs=epochs,
                max_cost=0, log_every=0, **opts)
    return (time.perf_counter() - start) / epochs


def seconds_per_jump(painting) -> float:
    """Wall time of one closed-form jump (one frame of the exact engine), measured on a copy."""
    probe = LinearRegressionModel()
    probe.set_params(painting.model.get_params())
    start = time.perf_counter()
    probe.train(painting.design, painting.y.T, learning_rate=painting.learning_rate,
                epochs=max(1, painting.planned_epochs or 1), max_cost=painting.max_cost,
                log_every=0, engine="exact")
    return time.perf_counter() - start
