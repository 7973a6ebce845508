"""Several paintings of one photo side by side on a shared epoch clock: the seed's
"drag the learning rate and watch" demo as one animation."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.designs import OneHot
from ..core.tuning import best_settings
from ..errors import DivergenceError, OptionError
from ..features.maps import feature_map
from ..settings import (
    BEST,
    CONVERGED,
    DIVERGED,
    FEATURES,
    FRAMES,
    MAX_EPOCHS,
    MOMENTUM,
    OPTIMIZERS,
    RUNNING,
    STOPPED,
)
from .clock import blown_up, epoch_budget, geometric_frames, one_side, shared_end
from .forecast import epochs_to_threshold
from .frame import Frame, FrameSource
from .painting import Painting
from .source import Playable, image_words

ONE_HOT_RATES = (0.05, 0.5, 2.5)  # slow, good and diverging on the one-hot design


@dataclass(frozen=True)
class Panel:
    """One run's latest frame at a tick of the shared clock, with its label and state."""

    label: str
    frame: Frame
    status: str  # settings.RUNNING, CONVERGED, STOPPED (at max_epochs, above the threshold) or DIVERGED
    note: str = ""  # what the run does that the picture may not make plain (momentum's overshoot)


def sweep_runs(shape: tuple[int, ...], *, features: Sequence[str] = (), optimizers: Sequence[str] = (),
               learning_rates: Sequence[float | str] = (),
               pairs: Sequence[tuple[str, float | str | None]] = (), momentum: float | str | None = None,
               degree: int | None = None, n_features: int | None = None, sigma: float | None = None,
               seed: int | None = None, model: str = "linear", init: str = "zeros",
               batch_size: int | None = None) -> tuple[list[tuple[str, dict]], list[str]]:
    """Every combination of design, optimizer and learning rate as (label, Painting options), for an
    image of `shape`, and notes for the user (feature counts lowered to the pixel count).

    Labels name only what varies. The defaults: the one-hot design and batch GD; without
    learning rates, one-hot alone compares ONE_HOT_RATES and any other set of designs
    each takes its own default rate. `pairs` of (optimizer, rate) replace the combinations
    of optimizers and rates with exactly those runs. A rate or momentum "best" is worked out
    for each design and optimizer (tuning.best_settings; momentum applies to momentum runs).
    A setting given (not None) that changes no run is refused (recipe.refuse_unused); `init`
    and `batch_size` are asked only for that.
    """
    if pairs and (optimizers or learning_rates):
        raise OptionError("pairs", "give runs one by one, or optimizers and learning rates to combine, "
                                   "not both")
    features = features or FEATURES[:1]
    _refuse_unused(features, optimizers, pairs, momentum=momentum, degree=degree, n_features=n_features,
                   sigma=sigma, seed=seed, model=model, init=init, batch_size=batch_size)
    momentum = MOMENTUM if momentum is None else momentum
    given = {k: v for k, v in dict(degree=degree, n_features=n_features, sigma=sigma).items()
             if v is not None}
    designs, notes = {}, []
    for name in features:
        fmap, note = feature_map(name, shape, seed=seed, **given)
        notes += [note] if note else []
        designs[name] = None if fmap is None else fmap.design(*shape[:2])
    if not pairs:
        optimizers = optimizers or OPTIMIZERS[:1]
        if not learning_rates:
            learning_rates = ONE_HOT_RATES if list(designs) == ["onehot"] and model == "linear" else (None,)
        pairs = [(opt, lr) for opt in optimizers for lr in learning_rates]
    if model != "linear" and (BEST == momentum or any(lr == BEST for _, lr in pairs)):
        raise OptionError("learning_rate", "best is for the linear model")
    several_optimizers = len({opt for opt, _ in pairs}) > 1
    several_rates = len({lr for _, lr in pairs}) > 1
    runs = []
    for name, design in designs.items():
        extremes = (design or OneHot(shape[0] * shape[1])).extremes
        for opt, lr in pairs:
            beta = momentum if opt in ("momentum", "nesterov") else MOMENTUM
            rate, beta = best_settings(*extremes(), opt, lr, beta) if BEST in (lr, beta) else (lr, beta)
            parts = [name if len(designs) > 1 else "",
                     opt if several_optimizers or several_rates else "",
                     _rate_label(lr, rate) if lr is not None and several_rates else "",
                     f"beta {beta:.3g}" if momentum == BEST and opt in ("momentum", "nesterov") else ""]
            label = " ".join(p for p in parts if p) or f"{name} {opt}"
            options = {"learning_rate": rate, "optimizer": opt, "design": design, "momentum": beta}
            runs.append((label, options))
    return runs, notes


def _refuse_unused(features: Sequence[str], optimizers: Sequence[str],
                   pairs: Sequence[tuple[str, float | str | None]], *, model: str, init: str,
                   **given) -> None:
    """recipe.refuse_unused over every run the sweep makes."""
    from .recipe import refuse_unused  # the recipe's rule; imported here, as the recipe imports runs

    used = {opt for opt, _ in pairs} or set(optimizers or OPTIMIZERS[:1])
    refuse_unused(given, {"optimizer": used, "features": set(features), "model": {model}, "init": {init}})


def _rate_label(given: float | str, rate: float) -> str:
    return f"lr {rate:.3g} (best)" if given == BEST else f"lr {rate:g}"


@dataclass
class _Run:
    label: str
    painting: Painting
    start_cost: float
    frame: Frame
    status: str = RUNNING


class Sweep(Playable):
    """Paintings of `target`, one per (label, options) run, side by side on a log-spaced epoch clock.

    Iterating yields one list of Panels per tick. The clock ends where the slowest
    converging run reaches the threshold (capped by max_epochs), so slow, good and
    diverging rates can be compared in one view.
    """

    def __init__(self, target: np.ndarray, runs: list[tuple[str, dict]], *, frames: int = FRAMES,
                 max_epochs: int | None = None, scale: int = 1, on_run: Callable[[], None] | None = None,
                 painting: Callable[..., FrameSource] = Painting, **common):
        common = {k: v for k, v in common.items() if v is not None}  # None: the painting's default
        self.frames, self.scale = frames, scale
        self.max_epochs = epoch_budget(max_epochs, MAX_EPOCHS)
        self.runs = []
        for label, options in runs:  # each may take a while (a feature design's eigendecomposition)
            self.runs.append((label, painting(target, max_epochs=self.max_epochs, frames=frames, **common,
                                              **options)))
            if on_run is not None:
                on_run()
        ends = [epochs_to_threshold(p)[0] for _, p in self.runs]
        # the clock's end: where the slowest converging run gets there (an estimate may fall short)
        self.end_epoch = min(shared_end(ends, self.max_epochs), self.max_epochs)

    def title(self) -> str:
        """What the sweep is of, in words: "3 runs side by side on a 12 x 16 colour image"."""
        return f"{len(self.runs)} runs side by side on {image_words(self.runs[0][1].shape)}"

    def log_columns(self) -> list[str]:
        """Each run's cost, by its label."""
        return [f"cost ({label})" for label, _ in self.runs]

    def log_row(self, panels: list[Panel]) -> tuple:
        return (max(p.frame.epoch for p in panels), *(p.frame.cost for p in panels))

    def goal_panels(self) -> list[list[Panel]]:
        """Panels known before the run: each one's goal picture, and each one diverged (for palettes)."""
        goals = [Panel(label, Frame(0, p.optimal_costs, p.goal()), CONVERGED) for label, p in self.runs]
        return [goals, [Panel(g.label, g.frame, DIVERGED) for g in goals]]

    def __iter__(self) -> Iterator[list[Panel]]:
        states = []
        for label, painting in self.runs:
            first = next(iter(painting))
            states.append(_Run(label, painting, first.cost, first))
        yield [_panel(s) for s in states]
        ticks = geometric_frames(self.frames, max(self.end_epoch, 1))
        for _, painting in self.runs:  # a mean colour swinging about the target drawn on one side
            if getattr(painting, "has_closed_form", False) and hasattr(painting, "brightness"):
                ticks = one_side(ticks, painting.brightness, ticks[-1])
        while ticks:
            for tick in ticks:
                for s in states:
                    if s.status == RUNNING:
                        _advance(s, tick)
                yield [_panel(s) for s in states]
                if all(s.status != RUNNING for s in states):
                    return
            # an estimate fell short: carry on, doubling, until every run stops or max_epochs
            ticks = [min(2 * ticks[-1], self.max_epochs)] if ticks[-1] < self.max_epochs else []


def _advance(s: _Run, tick: int) -> None:
    p = s.painting
    try:
        result = p.advance(tick - s.frame.epoch)
    except DivergenceError:
        s.status = DIVERGED
        s.frame = Frame(tick, np.full_like(s.frame.channel_costs, np.inf), s.frame.image)
        return
    s.frame = p.frame(s.frame.epoch + result.epochs, result.channel_costs)
    if result.converged:
        s.status = CONVERGED
    elif blown_up(s.frame.cost, s.start_cost):
        s.status = DIVERGED
    elif s.frame.epoch >= p.max_epochs:
        s.status = STOPPED


def _panel(s: _Run) -> Panel:
    overshoot = getattr(s.painting, "overshoot", 0.0)
    return Panel(s.label, s.frame, s.status, "the mean colour overshoots and swings" if overshoot else "")
