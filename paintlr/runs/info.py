"""What `paintlr info` says of a painting before it runs: the image, the design, the stable and
best settings, and how long learning will take. Each kind of painting registers its own lines."""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch

from ..core.numerics import psnr
from ..core.tuning import (
    condition_number,
    gd_best,
    gd_max_rate,
    momentum_best,
    momentum_max_rate,
    nesterov_best,
)
from ..settings import MOMENTUM
from .advice import Advice, duration, literal
from .forecast import CLOSED_FORM, NOT_PREDICTED, epochs_with, forecast
from .painting import Painting
from .palette_painting import PalettePainting

Step = Callable[[str], None]


def info_report(painting: Painting | PalettePainting, name: str, on_step: Step | None = None) -> list[Advice]:
    """The report's lines on `painting` of the image called `name`; `on_step(what)` is called as each
    slow step (such as "timing") begins."""
    h, w, c = painting.shape
    head = Advice(f"image          {literal(name)}: {w} x {h} = {w * h:,} pixels, {c} channel{'s' * (c > 1)}")
    return [head, *_lines(painting, on_step or (lambda what: None))]


@singledispatch
def _lines(painting: Painting, on_step: Step) -> list[Advice]:
    """A linear painting: its design and optimizer, the spectrum and the forecast."""
    on_step("best settings")
    model = painting.model
    momentum = model.optimizer in ("momentum", "nesterov")
    lines = [
        Advice(f"design         {painting.design.feature_map or 'one-hot'!s}, "
               f"{painting.design.n_features + 1:,} weights per channel"),
        Advice(f"optimizer      {model.optimizer}"
               + (f", batch size {model.batch_size}" if model.optimizer == "sgd" else "")
               + (f", momentum {model.momentum:g}" if momentum else "")),
        Advice(f"stable rates   learning rate < {painting.max_stable_learning_rate:.6g}"),
        Advice(f"best possible  cost {painting.optimal_cost:.3g} (least-squares optimum, "
               f"{psnr(painting.optimal_cost):.1f} dB)"),
        *conditioning(painting, model.momentum if momentum else MOMENTUM),
    ]
    on_step("timing")
    return lines + forecast_lines(painting)


@_lines.register
def _(painting: PalettePainting, on_step: Step) -> list[Advice]:
    """A palette painting: its palette and stable rate; logistic regression is not forecast."""
    return [
        Advice(f"model          logistic, a palette of {len(painting.palette)} colours from the photo"
               + (", painted as the probability-weighted mix" if painting.soft else "")),
        Advice(f"design         {painting.design.feature_map or 'one-hot'!s}"),
        Advice(f"stable rates   learning rate < {painting.max_stable_learning_rate:.6g}"),
        Advice(f"learning rate  {painting.learning_rate:g}: epochs to cross-entropy {painting.max_cost:.4g} "
               f"not predicted (logistic regression has no closed form; at most {painting.max_epochs:,} "
               "epochs)"),
    ]


def forecast_lines(painting: Painting) -> list[Advice]:
    """The linear painting's forecast: epochs to its threshold and the time they take, or why not."""
    f = forecast(painting)
    rate, max_cost = painting.learning_rate, painting.max_cost
    if f.unstable:
        return [Advice(f"learning rate  {rate:g}: at or above the limit, the cost explodes")]
    if f.method == NOT_PREDICTED:
        return [Advice(f"learning rate  {rate:g}: epochs to cost {max_cost:g} not predicted "
                       f"for {painting.model.optimizer} on this design")]
    if f.epochs is None:
        return [Advice(f"learning rate  {rate:g}: does not reach cost {max_cost:g} "
                       f"within {painting.max_epochs:,} epochs")]
    lines = [Advice(f"learning rate  {rate:g}: {'' if f.method == CLOSED_FORM else 'about '}"
                    f"{f.epochs:,} epochs to cost {max_cost:g} ({psnr(max_cost):.1f} dB)"),
             Advice(f"iterate        {f.seconds_per_epoch * 1e3:.3g} ms per epoch, about "
                    f"{duration(f.seconds_per_epoch * f.epochs)} to the threshold")]
    if f.seconds_per_frame is not None:
        lines.append(Advice(f"exact engine   {f.seconds_per_frame * 1e3:.3g} ms per frame, any number of "
                            "epochs"))
    return lines


def conditioning(painting: Painting, beta: float) -> list[Advice]:
    """The lines on the design's spectrum: condition number, stable and best settings (momentum
    `beta` for the rate limits), and the epochs to the threshold at GD's best rate and at the
    optimal momentum pairs."""
    lam_min, lam_max = painting.design.extremes()
    gd, heavy, nesterov = (best(lam_min, lam_max) for best in (gd_best, momentum_best, nesterov_best))

    def epochs(optimizer: str, best) -> str:
        k = epochs_with(painting, optimizer, best.learning_rate, best.beta)
        return "beyond {max_epochs}" if k is None else f"{k:,} epochs"

    return [
        Advice(f"condition      kappa {condition_number(lam_min, lam_max):,.6g}: the Gram matrix's "
               f"eigenvalues run from {lam_min:.4g} to {lam_max:.6g}"),
        Advice(f"rate limits    gd < {gd_max_rate(lam_max):.6g}; momentum {beta:g} < "
               f"{momentum_max_rate(lam_max, beta):.6g}; nesterov {beta:g} < "
               f"{momentum_max_rate(lam_max, beta, True):.6g}"),
        Advice(f"best settings  gd rate {gd.learning_rate:.6g}; momentum rate {heavy.learning_rate:.6g}, "
               f"beta {heavy.beta:.6g}; nesterov rate {nesterov.learning_rate:.6g}, "
               f"beta {nesterov.beta:.6g}"),
        Advice(f"with them      gd {epochs('gd', gd)}, momentum {epochs('momentum', heavy)}, nesterov "
               f"{epochs('nesterov', nesterov)} to cost {painting.max_cost:g} "
               "({learning_rate} best, {momentum} best)"),
    ]
