"""From settings to a run: the painting a command's flags describe, checked as a whole.

Everything the command line needs decided (which design, which painting, which
combinations of settings contradict each other) is decided here, so the CLI only
parses and reports. A contradiction raises OptionError naming the setting. Each model
is an entry of MODELS: its painting, what it refuses and whether it draws at any size.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.designs import OneHot
from ..core.tuning import best_settings
from ..errors import OptionError, check_choice
from ..features.maps import feature_map, renderer
from ..settings import BATCH_SIZE, BEST, FRAMES, MODELS, MOMENTUM
from .painting import Painting
from .palette_painting import PalettePainting


@dataclass(frozen=True)
class Model:
    """What a model needs of the recipe: the painting that learns it, the refusal of settings it
    does not take (`refuse(**settings)` raises OptionError naming one), and whether its painting
    draws a feature model at any size itself (`render`)."""

    painting: type[Painting] | type[PalettePainting]
    refuse: Callable[..., None]
    renders: bool

    def make(self, target: np.ndarray, **settings) -> Painting | PalettePainting:
        """The painting of `target` under `settings` (refused before, by `refuse`). A setting of
        another model's painting only (the linear model's init and batch size, say, for a palette)
        is left out; one no painting takes is passed on, a TypeError."""
        accepted = _parameters(self.painting)
        other = set().union(*(_parameters(m.painting) for m in MODEL_TABLE.values())) - accepted
        return self.painting(target, **{k: v for k, v in settings.items() if k not in other})


def _parameters(painting: type) -> set[str]:
    return set(inspect.signature(painting).parameters)


def _refuse_for_linear(*, palette: int | None = None, soft: bool = False, **settings) -> None:
    for option, given in (("palette", palette is not None), ("soft", soft)):
        if given:
            raise OptionError(option, f"{{{option}}} needs {{model}} logistic")


NEEDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    # a setting -> the (setting, values) under any one of which it changes a run
    "momentum": (("optimizer", ("momentum", "nesterov")),),
    "batch_size": (("optimizer", ("sgd",)),),
    "degree": (("features", ("poly",)),),
    "n_features": (("features", ("fourier", "cosine")),),
    "sigma": (("features", ("fourier",)),),
    "palette": (("model", ("logistic",)),),
    "soft": (("model", ("logistic",)),),
    "seed": (("init", ("random",)), ("optimizer", ("sgd",)), ("features", ("fourier",)),
             ("model", ("logistic",))),  # a palette's colours are picked by seeded k-means
}


def refuse_unused(given: dict[str, object], in_use: dict[str, set[str]]) -> None:
    """Refuse a setting given (not None, not False) that cannot change the run: its NEEDS are
    met by no run's settings (`in_use`: each setting's values over the runs). The message
    names what it needs, such as "{momentum} needs {optimizer} momentum or nesterov"."""
    for option, needs in NEEDS.items():
        if given.get(option) is None or given.get(option) is False:  # a seed of 0 is given
            continue
        if not any(in_use[setting] & set(values) for setting, values in needs):
            wanted = ", ".join(f"{{{setting}}} {' or '.join(values)}" for setting, values in needs)
            raise OptionError(option, f"{{{option}}} needs " + " or ".join(wanted.rsplit(", ", 1)))
    if given.get("burst") is not None and given.get("frames") is not None:
        raise OptionError("frames", "{frames} cannot go with {burst}: bursts of epochs set the frames")


def _refuse_for_logistic(*, optimizer: str = "gd", engine: str = "auto", solver: str = "gd",
                         render_size: int | None = None, learning_rate: float | str | None = None,
                         momentum: float | str = MOMENTUM, **settings) -> None:
    if BEST in (learning_rate, momentum):
        raise OptionError("learning_rate", "best is for the linear model")
    if render_size is not None:
        raise OptionError("render_size", "is for the linear model")
    for option, value, allowed in (("optimizer", optimizer, "gd"), ("engine", engine, "auto"),
                                   ("solver", solver, "gd")):
        if value != allowed:
            raise OptionError(option, f"the logistic model trains by batch gradient descent only "
                                      f"({option} {value})")


STEPS = ("design", "painting")  # what make_painting prepares, in order (see its on_step)

MODEL_TABLE: dict[str, Model] = {
    "linear": Model(Painting, _refuse_for_linear, renders=True),
    "logistic": Model(PalettePainting, _refuse_for_logistic, renders=False),
}


def model_named(name: str) -> Model:
    """The entry of MODEL_TABLE for `name`; OptionError if there is none."""
    check_choice("model", name, MODELS)
    return MODEL_TABLE[name]


def make_painting(target: np.ndarray, *, model: str = "linear", features: str = "onehot",
                  degree: int | None = None, n_features: int | None = None, sigma: float | None = None,
                  render_size: int | None = None, output_size: int | None = None,
                  palette: int | None = None, soft: bool = False,
                  learning_rate: float | str | None = None, init: str = "zeros", seed: int | None = None,
                  optimizer: str = "gd", batch_size: int | None = None, momentum: float | str | None = None,
                  max_cost: float | None = None, max_epochs: int | None = None, engine: str = "auto",
                  solver: str = "gd", frames: int | None = None, burst: int | None = None,
                  on_step: Callable[[str], None] | None = None
                  ) -> tuple[Painting | PalettePainting, list[str]]:
    """The painting these settings describe, and notes for the user (a count that was lowered).

    A setting left None takes its default (settings.BATCH_SIZE, MOMENTUM, FRAMES, ...); one
    given that cannot change this run (momentum without a momentum optimizer, say) is refused
    (`refuse_unused`).

    `output_size` (pixels on the long side of the written frames) makes a model that draws
    at any size (the linear one, on a feature map) draw its frames at that size itself (as
    `render_size`); other paintings' frames are enlarged by the outputs (see `frame_scale`).
    A learning rate or momentum of "best" takes its value from the design's spectrum (see
    `tuning.best_settings`). `on_step(name)` is told as each of STEPS ends (a feature design
    can take many seconds to prepare).
    """
    on_step = on_step or (lambda name: None)
    kind = model_named(model)
    refuse_unused(dict(momentum=momentum, batch_size=batch_size, degree=degree, n_features=n_features,
                       sigma=sigma, palette=palette, soft=soft, seed=seed, burst=burst, frames=frames),
                  {"optimizer": {optimizer}, "features": {features}, "model": {model}, "init": {init}})
    batch_size = BATCH_SIZE if batch_size is None else batch_size
    momentum = MOMENTUM if momentum is None else momentum
    frames = FRAMES if frames is None else frames
    given = {k: v for k, v in dict(degree=degree, n_features=n_features, sigma=sigma).items()
             if v is not None}
    fmap, note = feature_map(features, target.shape, seed=seed, **given)
    notes = [note] if note else []
    design = None if fmap is None else fmap.design(*target.shape[:2])
    on_step(STEPS[0])
    kind.refuse(palette=palette, soft=soft, optimizer=optimizer, engine=engine, solver=solver,
                render_size=render_size, learning_rate=learning_rate, momentum=momentum)
    if output_size is not None and fmap is not None and kind.renders:
        render_size = output_size
    if BEST in (learning_rate, momentum):
        lam_min, lam_max = (design or OneHot(target.shape[0] * target.shape[1])).extremes()
        learning_rate, momentum = best_settings(lam_min, lam_max, optimizer, learning_rate, momentum)
    render = None if render_size is None else renderer(fmap, render_size, target.shape)
    painting = kind.make(target, design=design, palette=palette, soft=soft, learning_rate=learning_rate,
                         init=init, seed=seed, optimizer=optimizer, batch_size=batch_size, momentum=momentum,
                         max_cost=max_cost, max_epochs=max_epochs, engine=engine, solver=solver,
                         frames=frames, burst=burst, render=render)
    on_step(STEPS[1])
    return painting, notes


def sweep_painting(model: str = "linear", palette: int | None = None,
                   soft: bool = False) -> Callable[..., Painting | PalettePainting]:
    """How a sweep makes each run's painting from its target and options: the model's painting,
    each run's options refused as for `make_painting` (a palette trains by batch GD only, and
    leaves out the linear-only options)."""
    kind = model_named(model)
    kind.refuse(palette=palette, soft=soft)

    def painting(target: np.ndarray, **options) -> Painting | PalettePainting:
        kind.refuse(**options)
        return kind.make(target, palette=palette, soft=soft, **options)

    return painting


def frame_scale(painting: Painting | PalettePainting, output_size: int | None = None,
                scale: int = 1) -> float:
    """How many times the outputs enlarge the painting's frames: to output_size pixels on the
    long side (not at all where the painting draws at that size itself), then `scale` times."""
    if output_size is None or painting.render is not None:
        return scale
    return output_size / max(painting.shape[:2]) * scale
