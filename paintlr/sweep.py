"""Several paintings of one photo side by side on a shared epoch clock: the seed's
"drag the learning rate and watch" demo as one animation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .errors import DivergenceError
from .forecast import epochs_to_threshold
from .painting import Painting, psnr
from .schedule import geometric_frames

BLOWUP = 1e3  # a cost this many times its start counts as diverged, before it overflows


@dataclass(frozen=True)
class Panel:
    """One run's state at a tick of the shared clock."""

    label: str
    image: np.ndarray
    epoch: int
    cost: float
    status: str  # "running", "converged" or "diverged"

    @property
    def psnr(self) -> float:
        return psnr(self.cost)


@dataclass
class _Run:
    label: str
    painting: Painting
    start_cost: float
    epoch: int = 0
    cost: float = float("nan")
    status: str = "running"
    image: np.ndarray | None = None


def sweep(target: np.ndarray, runs: list[tuple[str, dict]], *, frames: int = 60,
          max_epochs: int = 10**9, **common) -> Iterator[list[Panel]]:
    """Yield, per tick of a log-spaced epoch clock, one Panel per (label, options) run.

    The clock ends where the slowest converging run reaches the threshold (capped by
    max_epochs), so slow, good and diverging rates can be compared in one view.
    """
    states = []
    for label, options in runs:
        painting = Painting(target, max_epochs=max_epochs, frames=frames, **common, **options)
        first = next(iter(painting))
        states.append(_Run(label, painting, first.cost, 0, first.cost, "running", first.image))
    ends = [epochs_to_threshold(s.painting)[0] for s in states]
    end = min(max([e for e in ends if e is not None], default=max_epochs), max_epochs)
    yield [_panel(s) for s in states]
    ticks = geometric_frames(frames, max(end, 1))
    while ticks:
        for tick in ticks:
            for s in states:
                if s.status == "running":
                    _advance(s, tick)
            yield [_panel(s) for s in states]
            if all(s.status != "running" for s in states):
                return
        # an estimate fell short: carry on, doubling, until every run stops or max_epochs
        ticks = [min(2 * ticks[-1], max_epochs)] if ticks[-1] < max_epochs else []


def _advance(s: _Run, tick: int) -> None:
    p = s.painting
    try:
        result = p.model.train(p.design, p.y.T, learning_rate=p.learning_rate, epochs=tick - s.epoch,
                               max_cost=p.max_cost, log_every=0, **p.options)
    except DivergenceError:
        s.status, s.cost, s.epoch = "diverged", float("inf"), tick
        return
    s.epoch += result.epochs
    s.cost = result.cost
    s.image = p.model.score(p.design).reshape(p.shape)
    if result.converged:
        s.status = "converged"
    elif not s.cost < BLOWUP * s.start_cost:
        s.status = "diverged"


def _panel(s: _Run) -> Panel:
    return Panel(s.label, s.image, s.epoch, s.cost, s.status)
