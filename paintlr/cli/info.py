"""paintlr info: what a photo's run would be, before it runs."""

from __future__ import annotations

import click

import paintlr.cli.report as report  # the module (its progress bar replaceable); not the package: a cycle

from .inputs import load
from .options import (
    as_given,
    command,
    feature_detail_options,
    features_option,
    image_options,
    learning_rate_option,
    model_options,
    optimizer_option,
    training_options,
)


@command()
@image_options
@model_options
@features_option()
@feature_detail_options
@learning_rate_option()
@optimizer_option()
@training_options
def info(photo: str, size: int, background: str, **settings_) -> None:
    """Show PHOTO's working size, the stable learning rates, and how long learning will take.

    \b
    Examples:
      paintlr info photo.jpg
      paintlr info photo.jpg --features cosine --optimizer momentum
      paintlr info photo.jpg --model logistic --palette 8
    """
    target = load(photo, size, background)

    from ..runs.info import info_report
    from ..runs.recipe import make_painting

    steps = report.progress(3, False, unit="step", desc="design")  # the design's eigenvalues can take seconds
    painting, notes = make_painting(target, **as_given(settings_))
    for text in notes:
        report.note(text)

    def step(what: str) -> None:
        steps.update(1)
        steps.set_description(what)

    lines = info_report(painting, report.one_line(photo), on_step=step)
    steps.close()
    click.echo("\n".join(report.shown(line) for line in lines))
