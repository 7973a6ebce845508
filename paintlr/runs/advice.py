"""What paintlr advises about a run, in words: the warnings before and after it and the rules that
decide them, the same for the command line and the Python API.

A message is an `Advice`, a string that names settings by their keywords (max_epochs); its
`template` holds each as {max_epochs}, so that the command line can name its flag instead
(--max-epochs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from ..errors import DivergenceError, OptionError, fill_names
from ..settings import MAX_EPOCHS, MAX_FRAMES
from .classification import Classification
from .line_fit import LineFit
from .painting import Painting
from .palette_painting import PalettePainting

COSTLY_SECONDS = 60  # a run whose training takes longer is announced
COSTLY_BYTES = 100e6  # and one whose files are larger


class Advice(str):
    """A message naming settings by keyword: as a string, each is its keyword (max_epochs);
    `text(name)` shows each as name(keyword) instead, such as a command-line flag."""

    template: str

    def __new__(cls, template: str) -> Advice:
        advice = super().__new__(cls, _fill(template, str))
        advice.template = template
        return advice

    def text(self, name: Callable[[str], str]) -> str:
        """The message with each setting it names shown as name(keyword)."""
        return _fill(self.template, name)


_fill = fill_names


def literal(text: str) -> str:
    """`text` (a file name, say) as part of an Advice template: its braces name no setting."""
    return str(text).replace("{", "{{").replace("}", "}}")


class Rated(Protocol):
    """A run with a learning rate and its stable limit: a painting, a LineFit, a Classification."""

    learning_rate: float
    max_stable_learning_rate: float

    @property
    def unstable(self) -> bool: ...


def unstable_rate(run: Rated, optimizer: str | None = None) -> Advice | None:
    """The one warning for a learning rate at or above the run's stable limit (for `optimizer`,
    when named), saying what follows; None for a stable run.

    Least squares explodes; logistic regression cannot (its gradient is bounded, so each step is
    too): GD overshoots, and the cost oscillates or stalls above the minimum instead of settling.
    """
    if not run.unstable:
        return None
    where = f" for {optimizer}" if optimizer else ""
    logistic = isinstance(run, Classification | PalettePainting)
    then = ("the cost oscillates or stalls above its minimum instead of settling" if logistic
            else "the cost grows without bound")
    return Advice(f"learning rate {run.learning_rate:g} is at or above the largest stable rate "
                  f"{run.max_stable_learning_rate:.6g}{where}; {then}")


def unstable_rates(runs: Sequence[Rated]) -> list[Advice]:
    """The unstable-rate warning of each run that has one."""
    return [w for w in (unstable_rate(run) for run in runs) if w is not None]


def fit_warnings(runs: Sequence[LineFit]) -> list[Advice]:
    """The warnings before a fit of these runs (one per learning rate): each unstable rate's.

    A single run at an unstable rate shows nothing but its explosion: DivergenceError instead,
    naming the limit and the epoch it blows up at.
    """
    if len(runs) == 1 and runs[0].unstable:
        run = runs[0]
        raise DivergenceError(run.learning_rate, run.max_stable_learning_rate, run.diverges_at())
    return unstable_rates(runs) + [w for w in map(ill_conditioned, runs) if w is not None]


def ill_conditioned(run: LineFit) -> Advice | None:
    """The warning for a stable fit whose GD needs more than max_epochs, and than the default budget
    MAX_EPOCHS, to reach least squares (its slowest direction, from the Gram matrix's condition
    number, in closed form); None otherwise."""
    if run.unstable:
        return None
    epochs = run.epochs_to_least_squares()
    if not epochs > max(run.max_epochs, MAX_EPOCHS):  # out of reach of any budget but an absurd one
        return None
    instead = ""
    if not (np.any(run.scaling.std != 1) or np.any(run.scaling.mean != 0)):
        try:
            scaled = run.epochs_to_least_squares(standardize=True)
            instead = f"; {{standardize}} would take {_epochs(scaled)} instead"
        except OptionError:  # a constant feature: nothing to standardize
            pass
    return Advice(f"gradient descent is ill-conditioned here (condition number {run.condition_number:.3g}): "
                  f"at learning rate {run.learning_rate:.3g} it needs {_epochs(epochs)} to reach least "
                  f"squares, past {{max_epochs}} {run.max_epochs:,}{instead}; the dashed line is least "
                  f"squares itself")


def _epochs(count: float) -> str:
    """A number of epochs, whole and with separators while a person can read it so."""
    whole = max(1, math.ceil(count)) if math.isfinite(count) else count
    return f"{whole:,} epoch{'' if whole == 1 else 's'}" if whole < 1e15 else f"{whole:.3g} epochs"


def costly(seconds: float | None, output_bytes: float, width: int, height: int, frames: int) -> list[Advice]:
    """Warnings before a run whose training takes over a minute (`seconds`, None when unknown) or
    whose files (`output_bytes`, of `frames` frames of width x height) pass 100 MB."""
    found = []
    if seconds is not None and seconds > COSTLY_SECONDS:
        found.append(Advice(f"this run will take about {duration(seconds)}"))
    if output_bytes > COSTLY_BYTES:
        found.append(Advice(f"the outputs will be about {output_bytes / 1e6:,.0f} MB ({frames} frames of "
                            f"{width:,} x {height:,})"))
    return found


def after_painting(painting: Painting | PalettePainting, cost: float, interrupted: bool) -> list[Advice]:
    """Warnings after a painting's run that ended at `cost`: an unstable rate (said after the run:
    one that explodes says so itself), frames cut at MAX_FRAMES, or max_epochs reached with the
    cost still above max_cost (not said of an interrupted run)."""
    found = [w for w in [unstable_rate(painting, painting.optimizer)] if w is not None and painting.trains]
    if painting.truncated:
        found.append(Advice(f"stopped at {MAX_FRAMES} frames; use a larger {{burst}}"))
    elif not interrupted and painting.trains and cost >= painting.max_cost:
        found.append(Advice(f"stopped at {{max_epochs}} {painting.max_epochs:,} with cost {cost:.3g} "
                            f"still above {{max_cost}} {painting.max_cost:g}"))
    return found


def duration(seconds: float) -> str:
    """A time in the unit a person reads it in: 42 s, 3.5 min, 2.1 h, 12 days, 3,400 years."""
    year = 31_557_600
    units = ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600), (2 * year, "days", 86400))
    for limit, unit, size in units:
        if seconds < limit:
            return f"{seconds / size:.3g} {unit}"
    years = seconds / year
    return f"{years:,.0f} years" if years < 1e15 else "longer than the universe is old"
