"""`paintlr fit` and `paintlr classify` with default settings, built as cli.fit and cli.classify build them.

Shared by bench_tables.py (in-process drawing and encoding) and tables_child.py (a
fresh interpreter: imports, first figure, first frame). Every call and every
argument below is the CLI's with its defaults (read paintlr/cli.py `fit` and
`classify`): the table from `tabular.load_example` / `load_table` (what `cli._table`
calls), `fitting.FitAnimation` or `classifying.Classification`, then
`plots.FitFigure` or `plots.ClassifyFigure` at their default size, and
`outputs.Outputs` with the CLI's fps, reference and log columns. The section
checks the copy: the GIF it writes from these must be byte for byte the CLI's.
No matplotlib import here: the figures' constructors import it, as in the CLI.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from paintlr import settings
from paintlr.io.tabular import load_example, load_table
from paintlr.outputs import Outputs
from paintlr.render.classify_figure import ClassifyFigure
from paintlr.render.fit_figure import FitFigure
from paintlr.runs.classification import Classification
from paintlr.runs.line_fit import FitAnimation


@dataclass
class Job:
    """One command's figure, the states it draws (in the CLI's order), and how it writes them."""

    name: str
    figure: object
    states: list  # what `figure.draw` gets per frame: FitState lists (fit) or ClassifyStates
    rows: list  # the log row the CLI passes with each frame
    reference: np.ndarray | None  # what the CLI passes to Outputs as reference=
    columns: list[str]
    times: dict = field(default_factory=dict)  # seconds: table, plan, figure, reference draw, states

    def outputs(self, path: Path) -> Outputs:
        """The CLI's Outputs for one GIF (its default -o), no log."""
        return Outputs([str(path)], fps=settings.FPS, reference=self.reference, log=None,
                       columns=self.columns)


def _timed(times: dict, key: str, fn):
    start = time.perf_counter()
    result = fn()
    times[key] = time.perf_counter() - start
    return result


def fit_job(name: str, data: str | None = None, example: str | None = None, keep_states: bool = True) -> Job:
    """cli.fit with default flags: `paintlr fit DATA` or `paintlr fit --example NAME`."""
    t: dict = {}
    table = _timed(t, "table", lambda: load_example(example, x=(), y=None, labels=False) if example
                   else load_table(data, x=(), y=None, labels=False))
    animation = _timed(t, "plan", lambda: FitAnimation(
        table.x, table.y, x_names=table.x_names, learning_rates=(), degree=1, standardize=False,
        max_cost=None, max_epochs=None, frames=settings.FRAMES))
    first = animation.runs[0]
    start = max(r.cost(0) for r in animation.runs)
    figure = _timed(t, "figure", lambda: FitFigure(
        table.x, table.y, x_names=table.x_names, y_name=table.y_name, predict=first.predict,
        best=animation.best, labels=animation.labels, epochs=max(animation.end, 1),
        cost_range=(animation.optimal_cost, start), surface=animation.path_box()))
    states = _timed(t, "states", lambda: list(animation)) if keep_states else animation
    rows = [animation.log_row(s) for s in states] if keep_states else []
    return Job(name, figure, states, rows, None, animation.log_columns(), t)


def classify_job(name: str, data: str | None = None, example: str | None = None,
                 keep_states: bool = True) -> Job:
    """cli.classify with default flags: `paintlr classify DATA` or `--example NAME`."""
    t: dict = {}
    table = _timed(t, "table", lambda: load_example(example, x=(), y=None, labels=True) if example
                   else load_table(data, x=(), y=None, labels=True))
    run = _timed(t, "setup", lambda: Classification(
        table.x, table.y, x_names=table.x_names, degree=1, standardize=True, learning_rate=None,
        max_cost=None, max_epochs=None, frames=settings.FRAMES))
    epochs = _timed(t, "plan", lambda: run.epochs)  # the undrawn probe pass the figure's epochs= triggers
    t["plan"] += t.pop("setup")
    figure = _timed(t, "figure", lambda: ClassifyFigure(
        table.x, table.y, classes=run.classes, x_names=table.x_names, grid=run.grid,
        epochs=max(epochs[-1], 1), cost_range=(1e-3, 1.0)))
    reference = _timed(t, "reference", lambda: figure.draw(run.every_colour()))
    states = _timed(t, "states", lambda: list(run)) if keep_states else run
    rows = [run.log_row(s) for s in states] if keep_states else []
    return Job(name, figure, states, rows, reference, run.log_columns(), t)


def build(name: str, folder: Path, keep_states: bool = True) -> Job:
    """One of the benchmark's three commands by name (rows.csv must be in `folder`)."""
    if name == "points":
        return fit_job(name, example="points", keep_states=keep_states)
    if name == "rows":
        return fit_job(name, data=str(folder / "rows.csv"), keep_states=keep_states)
    if name == "admissions":
        return classify_job(name, example="admissions", keep_states=keep_states)
    raise ValueError(f"unknown job {name!r}")
