"""paintlr fit: a line (or polynomial) fitted to a table by gradient descent, animated."""

from __future__ import annotations

import time

import click

import paintlr.cli.report as report  # the module (its progress bar replaceable); not the package: a cycle

from .. import settings
from .inputs import table, table_outputs
from .options import (
    POSITIVE,
    command,
    fps_option,
    frames_option,
    learning_rate_option,
    max_epochs_option,
    quiet_option,
    table_options,
)


@command()
@table_options
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Output file, repeatable, by extension as for learn; a .png/.jpg still shows the final "
                   "frame, or with --at the line after those epochs. [default: DATA's stem + -fit.gif]")
@click.option("--degree", type=click.IntRange(1, 12), default=1, show_default=True,
              help="Fit a polynomial of this degree in x (still linear regression).")
@click.option("--standardize/--no-standardize", default=False, show_default=True,
              help="Scale each feature to zero mean and unit variance for training; draw in the "
                   "original units.")
@learning_rate_option(multiple=True, default="half the stable limit 2 / lambda_max", best=False)
@click.option("--max-cost", type=POSITIVE, default=None,
              help="Stop below this cost. [default: once every parameter is within 1e-9 of least squares]")
@max_epochs_option(f"Stop here at the latest. [default: {settings.MAX_EPOCHS:,}]")
@frames_option
@fps_option
@click.option("--at", "at_epochs", type=click.IntRange(min=0), multiple=True, metavar="EPOCH",
              help="Draw the line after this many epochs in the still (.png/.jpg) output; repeatable, "
                   "as in 'after 10, 100 and 1000 steps'.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, cost, every parameter (intercept first) and status for every frame to "
                   "this CSV.")
@quiet_option
def fit(data: str | None, example: str | None, x_columns: tuple[str, ...], y_column: str | None,
        outputs: tuple[str, ...], degree: int, standardize: bool, learning_rates: tuple[float, ...],
        max_cost: float | None, max_epochs: int | None, frames: int, fps: float, at_epochs: tuple[int, ...],
        log_path: str | None, quiet: bool) -> None:
    """Fit a line (or polynomial) to DATA by gradient descent and write the progress as an animation.

    \b
    Examples:
      paintlr fit --example points                       # the seed notebook's line
      paintlr fit data.csv --x area --y price --standardize -o fit.html
      paintlr fit --example points --learning-rate 0.01 --at 10 --at 100 --at 1000 -o steps.png
    """
    started = time.perf_counter()
    stem, outputs = table_outputs(data, example, outputs, log_path, "fit")
    rows = table(data, example, x_columns, y_column, labels=False)

    from ..outputs import Outputs, commit_all, stills_at
    from ..render.pictures import fit_figure
    from ..runs.advice import fit_warnings
    from ..runs.line_fit import FitAnimation

    animation = FitAnimation(rows.x, rows.y, x_names=rows.x_names, y_name=rows.y_name,
                             learning_rates=learning_rates,
                             degree=degree, standardize=standardize, max_cost=max_cost, max_epochs=max_epochs,
                             frames=frames)
    report.warn(fit_warnings(animation.runs))
    first = animation.runs[0]
    stills, moving = stills_at(outputs, at_epochs)
    bar = report.progress(len(animation.epochs), quiet, unit="frame")
    figure = fit_figure(animation)

    def add(ticks) -> list:
        if moving or log_path:  # a still alone needs the run's end, not its frames
            out.add(figure.draw(ticks), animation.log_row(ticks))
        bar.update(1)
        return ticks

    best = ", ".join(f"{n} {v:.6g}" for n, v in zip(animation.names, animation.best, strict=True))
    with Outputs(moving, fps=fps, log=log_path, columns=animation.log_columns(),
                 page=report.page(f"paintlr fit {stem}", animation.live())) as out, Outputs(stills) as steps:
        if stills:
            steps.add(figure.still([(k, first.theta(k)) for k in sorted(set(at_epochs))]))
        ticks, interrupted = report.record(animation, add, bar)
        runs = "; ".join(animation.outcome(t) for t in ticks)
        summary = f"{runs}; least squares: {best}"
        written = commit_all(*([lambda: out.commit(summary)] if moving or log_path else []),
                             *([steps.commit] if stills else []))
    report.finish(summary, started, out.count if moving else 0, written, quiet, interrupted)
