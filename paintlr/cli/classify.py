"""paintlr classify: a table's rows classified by logistic regression, animated."""

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
              help="Output file, repeatable, by extension as for learn. "
                   "[default: DATA's stem + -classify.gif]")
@click.option("--degree", type=click.IntRange(1, 12), default=1, show_default=True,
              help="Polynomial features of the two inputs up to this degree, so the boundary can curve.")
@click.option("--standardize/--no-standardize", default=True, show_default=True,
              help="Scale each feature to zero mean and unit variance for training (reported in the "
                   "original units); without it, inputs such as exam scores make plain GD crawl.")
@learning_rate_option(default=f"{settings.LOGISTIC_RATE_FRACTION:g} of the stable limit", best=False)
@click.option("--max-cost", type=POSITIVE, default=None,
              help="Stop below this cross-entropy. [default: none]")
@max_epochs_option(f"Stop here at the latest. [default: {settings.CLASSIFY_EPOCHS:,}]")
@frames_option
@fps_option
@click.option("--predict", "point", default=None, metavar="X1,X2",
              help="Also print each class's probability at this point, e.g. --predict 45,85.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, cost, accuracy and status for every frame to this CSV.")
@quiet_option
def classify(data: str | None, example: str | None, x_columns: tuple[str, ...], y_column: str | None,
             outputs: tuple[str, ...], degree: int, standardize: bool, learning_rate: float | None,
             max_cost: float | None, max_epochs: int | None, frames: int, fps: float, point: str | None,
             log_path: str | None, quiet: bool) -> None:
    """Classify DATA's rows by logistic regression (one-vs-rest for 3+ classes), animated.

    \b
    Examples:
      paintlr classify --example admissions --predict 45,85
      paintlr classify --example iris -o iris.html
      paintlr classify data.csv --x score1 --x score2 --y admitted --degree 3
    """
    started = time.perf_counter()
    stem, outputs = table_outputs(data, example, outputs, log_path, "classify")
    at = _point(point)
    rows = table(data, example, x_columns, y_column, labels=True)

    from ..outputs import Outputs
    from ..render.pictures import classify_figure
    from ..runs.advice import unstable_rates
    from ..runs.classification import Classification

    run = Classification(rows.x, rows.y, x_names=rows.x_names, degree=degree, standardize=standardize,
                         learning_rate=learning_rate, max_cost=max_cost, max_epochs=max_epochs, frames=frames)
    report.warn(unstable_rates([run]))
    bar = report.progress(len(run.epochs), quiet, unit="frame")
    draw = classify_figure(run, predicted=at).draw
    reference = draw(run.every_colour())

    def add(tick):
        out.add(draw(tick), run.log_row(tick))
        bar.update(1)
        return run.outcome(tick)

    with Outputs(outputs, fps=fps, reference=reference, log=log_path, columns=run.log_columns(),
                 page=report.page(f"paintlr classify {stem}")) as out:
        line, interrupted = report.record(run, add, bar)
        line += _parameters(run)
        answer = None
        if at is not None:
            where = ", ".join(f"{n} {v:g}" for n, v in zip(rows.x_names, at, strict=True))
            probs = zip(run.classes, run.probabilities(at), strict=True)
            answer = f"at {where}: " + ", ".join(f"P({c}) = {p:.3f}" for c, p in probs)
            line += f"; {answer}"
        written = out.commit(line)
    if quiet and answer is not None:  # the answer is the output: -q hides the summary, not it
        click.echo(answer)
    report.finish(line, started, out.count, written, quiet, interrupted)


def _parameters(run) -> str:
    """The summary's parameters, for two classes: ", theta (...) for (intercept, x1, ...)"; for
    one-vs-rest (a column per class) nothing."""
    params = run.model.get_params()  # (p,) for two classes, (p, K) one-vs-rest
    if params.ndim != 1:
        return ""
    values = ", ".join(f"{v:.5g}" for v in params)
    return f", theta ({values}) for (intercept, {', '.join(run.names)})"


def _point(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 2 or not all(v == v and abs(v) != float("inf") for v in values):
        raise click.BadParameter(f"{text!r}: give two numbers such as 45,85", param_hint="'--predict'")
    return values

