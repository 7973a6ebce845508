"""Which epochs become frames: the burst schedule of a painting."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine import first_epoch_below


def threshold_epoch(cost: Callable[[int], float], max_cost: float, max_epochs: int) -> int | None:
    """First epoch whose cost is below max_cost, or None if not within max_epochs."""
    return first_epoch_below(cost, max_cost, max_epochs)


def plan_frames(
    cost: Callable[[int], float],
    frames: int,
    max_cost: float,
    max_epochs: int,
    detail_cost: Callable[[int], float] | None = None,
) -> list[int]:
    """Epochs (after the initial frame) at which to draw about `frames` frames in all.

    Frames split the fall of the RMS error (sqrt of the cost) into equal steps, so
    each one changes the picture by about as much as the last, instead of a few
    big jumps and then near-identical frames. With `detail_cost` (the error left
    once each channel's mean is right), most frames split that instead and a sixth
    follow the whole cost: learning the average colour is quick and gets a few
    frames, the picture itself emerging gets the rest. The run ends at the first
    epoch below max_cost, or at max_epochs.
    """
    end = threshold_epoch(cost, max_cost, max_epochs)
    end = max_epochs if end is None else end
    if end == 0:
        return []
    if detail_cost is None:
        parts = [_even_rms_steps(cost, frames - 1, end)]
    else:
        overall = max(1, (frames - 1) // 6)
        parts = [_even_rms_steps(cost, overall, end),
                 _even_rms_steps(detail_cost, frames - 1 - overall, end)]
    if any(part is None for part in parts):
        return geometric_frames(frames, end)
    return sorted(set().union(*parts) | {end})


def _even_rms_steps(cost: Callable[[int], float], steps: int, end: int) -> set[int] | None:
    """Epochs where sqrt(cost) has fallen by 1, 2, ..., steps equal parts of its fall to `end`."""
    start_rms, end_rms = np.sqrt(cost(0)), np.sqrt(cost(end))
    if not (np.isfinite(start_rms) and np.isfinite(end_rms)) or end_rms >= start_rms:
        return None
    levels = np.linspace(start_rms, end_rms, steps + 1)[1:]
    return {first_epoch_below(cost, level * level * (1 + 1e-12), end) or end for level in levels}


def geometric_frames(frames: int, end: int) -> list[int]:
    """Epochs spaced evenly on a log scale up to `end`: for runs whose cost cannot be predicted."""
    return sorted({int(k) for k in np.geomspace(1, end, max(frames - 1, 1)).round()} | {end})


def burst_frames(burst: int, end: int) -> range:
    """Fixed bursts of `burst` epochs, as in the seed, up to the first multiple >= `end`."""
    return range(burst, end + burst, burst)
