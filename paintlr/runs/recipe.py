"""From settings to a run: the painting a command's flags describe, checked as a whole.

Everything the command line needs decided (which design, which painting, which
combinations of settings contradict each other) is decided here, so the CLI only
parses and reports. A contradiction raises OptionError naming the setting.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.designs import OneHot
from ..core.tuning import best_settings
from ..errors import OptionError
from ..features.maps import feature_map, renderer
from ..settings import BATCH_SIZE, BEST, FRAMES, MODELS, MOMENTUM
from .painting import Painting
from .palette_painting import PalettePainting


def make_painting(target: np.ndarray, *, model: str = "linear", features: str = "onehot",
                  degree: int | None = None, n_features: int | None = None, sigma: float | None = None,
                  render_size: int | None = None, output_size: int | None = None,
                  palette: int | None = None, soft: bool = False,
                  learning_rate: float | str | None = None, init: str = "zeros", seed: int | None = None,
                  optimizer: str = "gd", batch_size: int = BATCH_SIZE, momentum: float | str = MOMENTUM,
                  max_cost: float | None = None, max_epochs: int | None = None, engine: str = "auto",
                  solver: str = "gd", frames: int = FRAMES,
                  burst: int | None = None) -> tuple[Painting | PalettePainting, list[str]]:
    """The painting these settings describe, and notes for the user (a count that was lowered).

    `output_size` (pixels on the long side of the written frames) makes a linear feature
    model draw its frames at that size itself (as `render_size`); other paintings' frames
    are enlarged by the outputs (see `frame_scale`). A learning rate or momentum of "best"
    takes its value from the design's spectrum (see `tuning.best_settings`).
    """
    if model not in MODELS:
        raise OptionError("model", f"model must be one of {', '.join(MODELS)}, not {model!r}")
    given = {k: v for k, v in dict(degree=degree, n_features=n_features, sigma=sigma).items()
             if v is not None}
    fmap, note = feature_map(features, target.shape, seed=seed, **given)
    notes = [note] if note else []
    design = None if fmap is None else fmap.design(*target.shape[:2])
    if output_size is not None and fmap is not None and model == "linear":
        render_size = output_size
    if BEST in (learning_rate, momentum):
        if model != "linear":
            raise OptionError("learning_rate", "best is for the linear model")
        lam_min, lam_max = (design or OneHot(target.shape[0] * target.shape[1])).extremes()
        learning_rate, momentum = best_settings(lam_min, lam_max, optimizer, learning_rate, momentum)
    if model == "linear":
        _check_linear(palette, soft)
        render = None if render_size is None else renderer(fmap, render_size, target.shape)
        painting = Painting(target, design=design, learning_rate=learning_rate, init=init, seed=seed,
                            max_cost=max_cost, max_epochs=max_epochs, frames=frames, burst=burst,
                            engine=engine, optimizer=optimizer, batch_size=batch_size, momentum=momentum,
                            solver=solver, render=render)
        return painting, notes
    if render_size is not None:
        raise OptionError("render_size", "is for the linear model")
    _check_logistic(optimizer, engine, solver)
    painting = PalettePainting(target, palette=palette, soft=soft, learning_rate=learning_rate,
                               max_cost=max_cost, max_epochs=max_epochs, frames=frames, burst=burst,
                               seed=seed, design=design)
    return painting, notes


def _check_linear(palette: int | None, soft: bool) -> None:
    for option, given_flag in (("palette", palette is not None), ("soft", soft)):
        if given_flag:
            raise OptionError(option, "is for the logistic model")


def _check_logistic(optimizer: str, engine: str, solver: str = "gd") -> None:
    for option, value, allowed in (("optimizer", optimizer, "gd"), ("engine", engine, "auto"),
                                   ("solver", solver, "gd")):
        if value != allowed:
            raise OptionError(option, f"the logistic model trains by batch gradient descent only "
                                      f"({option} {value})")


def sweep_painting(model: str = "linear", palette: int | None = None,
                   soft: bool = False) -> Callable[..., Painting | PalettePainting]:
    """How a sweep makes each run's painting from its target and options: a Painting, or for the
    logistic model a PalettePainting (batch GD only; the linear-only options are ignored)."""
    if model not in MODELS:
        raise OptionError("model", f"model must be one of {', '.join(MODELS)}, not {model!r}")
    if model == "linear":
        _check_linear(palette, soft)
        return Painting

    def palette_painting(target: np.ndarray, *, design=None, learning_rate=None, optimizer="gd",
                         engine="auto", max_cost=None, max_epochs=None, frames=FRAMES, seed=None,
                         **linear_only) -> PalettePainting:
        _check_logistic(optimizer, engine)
        return PalettePainting(target, palette=palette, soft=soft, learning_rate=learning_rate,
                               max_cost=max_cost, max_epochs=max_epochs, frames=frames, seed=seed,
                               design=design)

    return palette_painting


def frame_scale(painting: Painting | PalettePainting, output_size: int | None = None,
                scale: int = 1) -> float:
    """How many times the outputs enlarge the painting's frames: to output_size pixels on the
    long side (not at all where the painting draws at that size itself), then `scale` times."""
    if output_size is None or getattr(painting, "render", None) is not None:
        return scale
    return output_size / max(painting.shape[:2]) * scale
