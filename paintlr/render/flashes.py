"""Flashes in an animation, as WCAG 2.3.1 counts them, and the frame durations that keep them few.

A flash is a pair of opposing changes in relative luminance (WCAG's, from sRGB) of FLASH_STEP
or more over FLASH_AREA or more of the frame; an animation may have at most MAX_FLASHES in any
one second. `flashes_per_second` counts them in uint8 frames shown for given milliseconds (looping
back to the first frame); `FlashLimiter` lengthens a frame's time where the next change would make
one too many, as frames come.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

FLASH_STEP = 0.1  # a change of relative luminance of at least this much ...
FLASH_AREA = 0.25  # ... over at least this share of the frame
MAX_FLASHES = 3  # flashes allowed in any one second
WINDOW_MS = 1000
UP, DOWN = 1, 2  # the directions of a change, as bits: UP | DOWN both ways at once

_SRGB = np.arange(256) / 255.0
_LINEAR = np.where(_SRGB <= 0.04045, _SRGB / 12.92, ((_SRGB + 0.055) / 1.055) ** 2.4)  # WCAG's transfer
_WEIGHTED = [(w * _LINEAR).astype(np.float32) for w in (0.2126, 0.7152, 0.0722)]  # each primary's share


def relative_luminance(frame: np.ndarray) -> np.ndarray:
    """WCAG relative luminance (0 to 1) of each pixel of a uint8 frame, grey (h, w) or colour (h, w, c)."""
    a = np.asarray(frame)
    if a.ndim == 2 or a.shape[2] < 3:
        return _LINEAR.astype(np.float32)[a if a.ndim == 2 else a[:, :, 0]]
    lum = _WEIGHTED[0][a[:, :, 0]]  # float32, a primary at a time: little memory beside a frame
    lum += _WEIGHTED[1][a[:, :, 1]]
    lum += _WEIGHTED[2][a[:, :, 2]]
    return lum


def change(before: np.ndarray, after: np.ndarray) -> int:
    """The flash-sized change from one luminance map to the next: UP, DOWN, both (UP | DOWN) or 0."""
    d = after - before
    up = np.count_nonzero(d >= FLASH_STEP) >= FLASH_AREA * d.size
    down = np.count_nonzero(d <= -FLASH_STEP) >= FLASH_AREA * d.size
    return (UP if up else 0) | (DOWN if down else 0)


def _opposed(first: int, then: int) -> bool:
    return bool((first & UP and then & DOWN) or (first & DOWN and then & UP))


def most_in_a_second(changes: Sequence[tuple[float, int]]) -> int:
    """The most flashes in any one second among (time in ms, direction) changes in time order: from
    each change on, each change opposing the one before it that is not yet paired completes a flash."""
    most = 0
    for i, (start, _) in enumerate(changes):
        count, open_ = 0, 0
        for time, way in changes[i:]:
            if time >= start + WINDOW_MS:
                break
            if way and open_ and _opposed(open_, way):
                count, open_ = count + 1, 0
            elif way:
                open_ = way
        most = max(most, count)
    return most


def flashes_per_second(frames: Sequence[np.ndarray], durations_ms: Sequence[float], loop: bool = True) -> int:
    """The most flashes in any one second of uint8 `frames`, each shown for its duration in ms; with
    `loop`, the animation starts again after the last frame (the change back to the first counts)."""
    lum = [relative_luminance(f) for f in frames]
    ends = np.cumsum(durations_ms)
    changes = [(float(ends[i]), change(lum[i], lum[i + 1])) for i in range(len(lum) - 1)]
    if loop and len(lum) > 1:  # round again, as often as a second's window can reach
        total = float(ends[-1])
        cycle = [*changes, (total, change(lum[-1], lum[0]))]
        changes = [(t + n * total, w) for n in range(2 + math.ceil(WINDOW_MS / total)) for t, w in cycle]
    return most_in_a_second([c for c in changes if c[1]])


class FlashLimiter:
    """Durations for frames as they come, each `step_ms` or longer where the change to the next frame
    would be one flash too many in a second. Times are counted in whole hundredths of a second, as
    GIF keeps them (the shortest any format shows a frame), and the frame before an animation's
    first counts as opposite to anything (it loops back)."""

    def __init__(self, step_ms: int):
        self.step = step_ms
        self.clock = 0  # when the last frame given appears
        self.changes: list[tuple[float, int]] = [(0, UP | DOWN)]
        self.last: np.ndarray | None = None

    def duration(self, frame: np.ndarray) -> int | None:
        """How long the frame before `frame` is shown, in ms (None for the first frame)."""
        lum = relative_luminance(frame)
        last, self.last = self.last, lum
        if last is None:
            return None
        way = change(last, lum)
        shown = _in_gif(self.step)
        if way:
            recent = [c for c in self.changes if c[0] > self.clock + shown - 2 * WINDOW_MS]
            # a hundredth past a second after an earlier change: clear of it after any rounding
            for at in sorted({self.clock + shown, *(t + WINDOW_MS + 10 for t, _ in recent)}):
                if at >= self.clock + shown and most_in_a_second([*recent, (at, way)]) <= MAX_FLASHES:
                    break
            shown = _in_gif(math.ceil((at - self.clock) / 10) * 10)
            self.changes = [*recent, (self.clock + shown, way)]
        self.clock += shown
        return max(self.step, shown)


def _in_gif(ms: float) -> int:
    """A duration as GIF stores it: whole hundredths of a second, rounded down."""
    return int(ms // 10) * 10
