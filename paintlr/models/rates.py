"""Learning rates: the one a run takes when none is given, and whether a rate is stable."""

from __future__ import annotations

from ..core.designs import Design
from ..errors import check_choice
from ..settings import LOGISTIC_RATE_FRACTION, MODELS


def default_learning_rate(given: float | None, max_stable: float, design: Design,
                          model: str = "linear") -> float:
    """`given` as a float, or if None the default rule for `model` on `design`, stable below `max_stable`.

    linear: the design's own (`Design.default_learning_rate`: the seed's 0.05 on one-hot samples,
    half the stable limit on any other design, 1 / lambda_max for batch GD, where no mode
    oscillates); logistic: LOGISTIC_RATE_FRACTION of the stable limit.
    """
    if given is not None:
        return float(given)
    check_choice("model", model, MODELS)
    if model == "logistic":
        return float(LOGISTIC_RATE_FRACTION * max_stable)
    return float(design.default_learning_rate(max_stable))


def is_unstable(learning_rate: float, max_stable: float) -> bool:
    """True if the learning rate is at or above the stable limit: the cost explodes."""
    return learning_rate >= max_stable
