"""paintlr sweep: learning rates, optimizers and designs of one photo side by side in one animation."""

from __future__ import annotations

import time
from pathlib import Path

import click

import paintlr.cli.report as report  # the module (its progress bar replaceable); not the package: a cycle

from .. import settings
from .inputs import check_frames, check_log, check_outputs, default_output, load
from .options import (
    POSITIVE,
    OrBest,
    as_given,
    command,
    feature_detail_options,
    features_option,
    fps_option,
    frames_option,
    image_options,
    learning_rate_option,
    model_options,
    optimizer_option,
    quality_option,
    quiet_option,
    scale_option,
    training_options,
)


def _pairs(ctx, param, values: tuple[str, ...]) -> list[tuple[str, float | str | None]]:
    """--run gd:0.05 --run momentum:best -> [("gd", 0.05), ("momentum", "best")]."""
    pairs = []
    for value in values:
        name, _, rate = value.partition(":")
        if name not in settings.OPTIMIZERS:
            choices = ", ".join(settings.OPTIMIZERS)
            raise click.BadParameter(f"{value!r}: the optimizer must be one of {choices}", ctx, param)
        pairs.append((name, OrBest(POSITIVE).convert(rate, param, ctx) if rate else None))
    return pairs



@command()
@image_options
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Animation to write (.gif, .webp, .apng, .html, .mp4 or .webm); repeatable. "
                   "[default: PHOTO's stem + -sweep.gif]")
@learning_rate_option(multiple=True)
@optimizer_option(multiple=True)
@model_options
@click.option("--run", "pairs", multiple=True, metavar="OPTIMIZER[:RATE]", callback=_pairs,
              help="One panel of this optimizer at this rate (a number or best); repeatable, instead of "
                   "every --optimizer at every --learning-rate. e.g. --run gd:0.05 --run gd:best "
                   "--run momentum:best --momentum best")
@features_option(multiple=True)
@feature_detail_options
@training_options
@frames_option
@fps_option
@scale_option
@quality_option
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write the epoch and each run's cost for every frame to this CSV.")
@quiet_option
def sweep(photo: str, size: int, background: str, outputs: tuple[str, ...], learning_rates: tuple,
          optimizers: tuple, pairs: list, feature_names: tuple[str, ...], degree: int, n_features: int,
          sigma: float, frames: int, fps: float, scale: int, quality: int | str, log_path: str | None,
          quiet: bool, engine: str, momentum: float | str, model: str, palette: int | None, soft: bool,
          **common) -> None:
    """Compare learning rates, optimizers and designs side by side in one animation of PHOTO.

    \b
    Examples:
      paintlr sweep photo.jpg                 # the seed's rate, a good one and one that diverges
      paintlr sweep photo.jpg --run gd:0.05 --run gd:best --run momentum:best --momentum best
      paintlr sweep photo.jpg --features onehot --features poly --features cosine -o designs.html
    """
    started = time.perf_counter()
    outputs = check_outputs(outputs or (default_output(photo, "-sweep.gif"),), photo, animation_only=True)
    check_log(log_path, photo)
    target = load(photo, size, background)

    from ..outputs import Outputs
    from ..render.panels import compose_rows, composed_size
    from ..render.pictures import drawer
    from ..runs.recipe import sweep_painting
    from ..runs.sweep import Sweep, sweep_runs

    given = as_given(dict(momentum=momentum, degree=degree, n_features=n_features, sigma=sigma, **common))
    runs, notes = sweep_runs(target.shape, features=feature_names, optimizers=optimizers,
                             learning_rates=learning_rates, pairs=pairs, momentum=given["momentum"],
                             degree=given["degree"], n_features=given["n_features"], sigma=given["sigma"],
                             seed=common["seed"], model=model, init=common["init"],
                             batch_size=given["batch_size"])
    common["batch_size"] = given["batch_size"]
    for text in notes:
        report.note(text)
    width, height = composed_size(len(runs), *target.shape[:2], scale)
    check_frames(outputs, width, height, "'--scale'")  # before any design is prepared
    preparing = report.progress(len(runs), quiet, unit="run", desc="preparing")
    comparison = Sweep(target, runs, frames=frames, engine=engine, scale=scale,
                       painting=sweep_painting(model, palette, soft), on_run=lambda: preparing.update(1),
                       **common)
    preparing.close()
    reference = compose_rows(comparison.goal_panels(), scale)
    bar = report.progress(comparison.end_epoch, quiet)
    draw = drawer(comparison)

    def add(panels) -> list:
        out.add(draw(panels), comparison.log_row(panels))
        bar.update(max(p.frame.epoch for p in panels) - bar.n)
        return panels

    with Outputs(outputs, fps=fps, reference=reference, log=log_path, columns=comparison.log_columns(),
                 quality=quality,
                 page=report.page(f"paintlr sweep {Path(photo).name}")) as out:
        panels, interrupted = report.record(comparison, add, bar)
        states = "; ".join(f"{p.label}: {settings.STATUS_WORDS[p.status]} at epoch {p.frame.epoch:,}"
                           + ("" if p.status == settings.DIVERGED else f", {p.frame.score()}")
                           + (f" ({p.note})" if p.note else "") for p in panels)
        written = out.commit(states)
    report.finish(states, started, out.count, written, quiet, interrupted)
