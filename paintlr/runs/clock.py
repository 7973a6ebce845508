"""Every frame clock: which epochs of a run become frames.

A run with a closed form is planned up front on its cost curve (`plan_frames`);
one without draws a frame each time its cost crosses the next of a list of
levels (`draw_as_cost_falls`); `burst_frames` is the seed's fixed bursts and
`geometric_frames` a log-spaced clock: the clock of several runs side by side, which ends
where the slowest of them stops (`shared_end`) and marks a run diverged once its cost has
blown up (`blown_up`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from ..core.numerics import first_epoch_below
from ..errors import OptionError
from ..models.training import TrainResult
from ..settings import EPOCHS_LIMIT, MAX_FRAMES

EARLY_SHARE = 6  # one frame in this many follows the quick early fall, the rest the picture emerging
ABOUT_FRAMES = 0.8  # a plan draws at least this share of the frames asked for, or says why not
SWING = 0.02  # a mean colour this far from the target (0 to 1) is visibly too dark or too bright
BLOWUP = 1e3  # a cost this many times its start counts as diverged, before it overflows


def check_frames(frames: int) -> None:
    """Refuse a frame count a run cannot draw: from 2 (the start and one more) to MAX_FRAMES."""
    if not 2 <= frames <= MAX_FRAMES:
        raise OptionError("frames", f"frames must be between 2 and {MAX_FRAMES}, got {frames}")


def epoch_budget(max_epochs: int | None, default: int) -> int:
    """A run's max_epochs: `default` if None, else a whole number from 1 to EPOCHS_LIMIT."""
    if max_epochs is None:
        return default
    if int(max_epochs) != max_epochs or not 1 <= max_epochs <= EPOCHS_LIMIT:
        raise OptionError("max_epochs", f"max_epochs must be a whole number from 1 to {EPOCHS_LIMIT:.0e}, "
                                        f"not {max_epochs!r}")
    return int(max_epochs)


def early_frames(steps: int) -> int:
    """How many of `steps` frames go to the quick early fall (the mean colour, the bias)."""
    return max(1, steps // EARLY_SHARE) if steps > 1 else 0


def stop_epoch(cost: Callable[[int], float], max_cost: float, max_epochs: int) -> int:
    """Where a run with a known, non-increasing cost curve stops: the first epoch below
    max_cost, or max_epochs if it does not get there."""
    end = first_epoch_below(cost, max_cost, max_epochs)
    return max_epochs if end is None else end


def plan_frames(cost: Callable[[int], float], frames: int, end: int,
                detail_cost: Callable[[int], float] | None = None) -> list[int]:
    """Epochs (after the initial frame, up to `end`) at which to draw about `frames` frames in all.

    Frames split the fall of the RMS error (sqrt of the cost) into equal steps, so
    each one changes the picture by about as much as the last. With `detail_cost`
    (the error left once each channel's mean is right), most frames split that
    instead and a few (`early_frames`) follow the whole cost: the average colour is
    learned quickly and gets a few frames, the picture emerging gets the rest.
    """
    if end == 0:
        return []
    if detail_cost is None:
        parts = [_even_rms_steps(cost, frames - 1, end)]
    else:
        early = early_frames(frames - 1)
        parts = [_even_rms_steps(cost, early, end), _even_rms_steps(detail_cost, frames - 1 - early, end)]
    if any(part is None for part in parts):
        return geometric_frames(frames, end)
    return sorted(set().union(*parts) | {end})


def one_side(epochs: list[int], brightness: Callable[[int], float], end: int) -> list[int]:
    """Planned epochs moved by one where the mean colour, once past the target, would swing back
    (`brightness(k)`: how much too bright epoch k is): momentum's mean colour can overshoot and
    swing about the target every epoch, which frames drawn at random phases show as strobing
    light and dark; drawn on the overshooting side, it fades."""
    start = brightness(0)
    side = -np.sign(start)  # the overshoot: past the target, away from the start
    moved, overshot, last = [], False, 0
    for epoch in epochs:
        if 0 < epoch < end and overshot and _swung_back(brightness(epoch), side):
            epoch = next((k for k in (epoch + 1, epoch - 1) if last < k < end
                          and not _swung_back(brightness(k), side)), epoch)
        overshot = overshot or brightness(epoch) * side > SWING
        moved.append(epoch)
        last = epoch
    return sorted(set(moved))


def overshoot(epochs: Iterable[int], brightness: Callable[[int], float]) -> float:
    """How far past the target, away from the start, the mean colour goes at `epochs` (0: not visibly)."""
    side = -np.sign(brightness(0))
    most = max((brightness(k) * side for k in epochs), default=0.0)
    return float(most) if most > SWING else 0.0


def _swung_back(error: float, side: float) -> bool:
    return error * side < -SWING


def _even_rms_steps(cost: Callable[[int], float], steps: int, end: int) -> set[int] | None:
    """Epochs where sqrt(cost) has fallen by 1, 2, ..., steps equal parts of its fall to `end`.

    Where one epoch falls by several parts (a feature map learns much of the picture in its
    first), they would be one frame: the fall left after each frame is split again among the
    frames left instead (`_resplit_rms_steps`), so about `steps` frames are still drawn.
    """
    start_rms, end_rms = np.sqrt(cost(0)), np.sqrt(cost(end))
    if not (np.isfinite(start_rms) and np.isfinite(end_rms)) or end_rms >= start_rms:
        return None
    levels = np.linspace(start_rms, end_rms, steps + 1)[1:]
    epochs = {first_epoch_below(cost, level * level * (1 + 1e-12), end) or end for level in levels}
    return epochs if len(epochs) == min(steps, end) else _resplit_rms_steps(cost, steps, end)


def _resplit_rms_steps(cost: Callable[[int], float], steps: int, end: int) -> set[int]:
    """Epochs, one frame after another, each where sqrt(cost) has fallen by an equal part of the
    fall left to `end` among the frames left: at least one epoch apart."""
    end_rms, epochs, k = np.sqrt(cost(end)), set(), 0
    for left in range(steps, 0, -1):
        if k >= end:
            break
        rms = np.sqrt(cost(k))
        level = rms - (rms - end_rms) / left
        k = max(k + 1, first_epoch_below(cost, level * level * (1 + 1e-12), end) or end)
        epochs.add(min(k, end))
    return epochs


def geometric_frames(frames: int, end: int) -> list[int]:
    """Epochs spaced evenly on a log scale up to `end`: for runs whose cost cannot be predicted."""
    return sorted({int(k) for k in np.geomspace(1, end, max(frames - 1, 1)).round()} | {end})


def shared_end(stops: Iterable[int | None], otherwise: int) -> int:
    """Where the clock of several runs side by side ends: the last of their stopping epochs
    (None: that run does not stop), or `otherwise` if none stops."""
    return max((stop for stop in stops if stop is not None), default=otherwise)


def blown_up(cost: float, start_cost: float) -> bool:
    """True once a run's cost is BLOWUP times its start, or not finite: it has diverged."""
    return not cost < BLOWUP * start_cost


def blowup_epoch(cost: Callable[[int], float], start_cost: float, max_epochs: int) -> int | None:
    """The first epoch at which a run with a known cost curve has blown up (see `blown_up`), for a
    run that stays blown up once it is; None if not by max_epochs."""
    return first_epoch_below(lambda k: 0.0 if blown_up(cost(k), start_cost) else 1.0, 0.5, max_epochs)


def burst_frames(burst: int, end: int) -> range:
    """Fixed bursts of `burst` epochs, as in the seed, up to the first multiple >= `end`."""
    epochs = range(burst, end + burst, burst)
    if len(epochs) > MAX_FRAMES:
        raise OptionError("burst", f"--burst {burst} would make about {len(epochs):,} frames (the run "
                                   f"needs {end:,} epochs); use a larger --burst")
    return epochs


def cost_levels(start: float, end: float, frames: int, floor: float | None = None) -> np.ndarray:
    """Decreasing costs at which to draw frames, in equal steps from `start` to `end`.

    With `floor`, the quick fall from `start` to `floor` (a bias-only model's cost)
    gets `early_frames` of them and the rest go on from `floor` to `end`.
    """
    steps = max(frames - 1, 1)
    if floor is None:
        return np.linspace(start, end, steps + 1)[1:]
    early = early_frames(steps)
    top = float(np.clip(floor, end, start))
    return np.concatenate([np.linspace(start, top, early + 1)[1:],
                           np.linspace(top, end, steps - early + 1)[1:]])


def draw_as_cost_falls(advance: Callable[[float | None, int], TrainResult], levels: np.ndarray | None,
                       cap: Callable[[int], int], cost: float, max_cost: float,
                       max_epochs: int) -> Iterator[tuple[int, TrainResult]]:
    """The clock of a run without a closed form: yields (epoch, result) for each frame to draw.

    `advance(level, epochs)` trains at most `epochs` epochs, stopping early once the
    cost is below `level` (None: no level). A frame is due when the cost crosses the
    next level below it, or after cap(epochs so far) epochs without one; the run
    ends below max_cost or at max_epochs.
    """
    done = 0
    while done < max_epochs and not cost < max_cost:
        below = [] if levels is None else levels[levels < cost]
        result = advance(float(below[0]) if len(below) else None, min(cap(done), max_epochs - done))
        if result.epochs == 0:
            return
        done += result.epochs
        cost = result.cost
        yield done, result
