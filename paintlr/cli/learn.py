"""paintlr learn: a photo learnt by gradient descent, written as an animation."""

from __future__ import annotations

import time
from pathlib import Path

import click

import paintlr.cli.report as report  # the module (its progress bar replaceable); not the package: a cycle

from .. import settings
from .inputs import check_frames, check_log, check_outputs, default_output, load
from .options import (
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


def _solver(ctx, param, value: str) -> str:
    """The old spelling --solver exact still works, with a note once the run is known to start."""
    if value == "exact":
        ctx.meta.setdefault("paintlr.notes", []).append("--solver exact is now --solver lstsq")
        return "lstsq"
    return value


@command()
@image_options
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Output file, repeatable; the extension picks the format: .gif/.webp/.apng "
                   "animation, .html player page, .mp4/.webm video, .png/.jpg final image, a name "
                   "with %04d one file per frame. "
                   "[default: PHOTO's stem + .gif]")
@model_options
@features_option()
@feature_detail_options
@click.option("--render-size", type=click.IntRange(min=1, max=settings.MAX_RENDER_SIZE), default=None,
              hidden=True, help="The old name of --output-size.")
@learning_rate_option()
@optimizer_option()
@training_options
@click.option("--solver", type=click.Choice([*settings.SOLVERS, "exact"]), default=settings.SOLVERS[0],
              show_default=True, callback=_solver,
              help="gd trains frame by frame; lstsq writes the least-squares optimum directly "
                   "('exact', its old name, still works).")
@frames_option
@click.option("--burst", type=click.IntRange(min=1), default=None,
              help="Fixed bursts of this many epochs per frame instead (as in the seed).")
@fps_option
@scale_option
@click.option("--output-size", type=click.IntRange(min=1, max=settings.MAX_RENDER_SIZE), default=None,
              metavar="PX", help="Write frames this many pixels on the long side, any size: one-hot "
                                 "pixels as blocks, a feature map's continuous model drawn at that size.")
@quality_option
@click.option("--dither/--no-dither", default=False, show_default=True,
              help="Floyd-Steinberg dithering when reducing GIF frames to 256 colours.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, costs, PSNR (or accuracy) and status for every frame to this CSV.")
@quiet_option
def learn(photo: str, outputs: tuple[str, ...], size: int, background: str, fps: float, scale: int,
          output_size: int | None, render_size: int | None, quality: int | str, dither: bool,
          log_path: str | None, quiet: bool, **settings_) -> None:
    """Learn PHOTO by gradient descent and write the progress as an animation.

    \b
    Examples:
      paintlr learn photo.jpg                          # photo.gif
      paintlr learn photo.jpg -o run.html -o run.mp4   # a player page and a video
      paintlr learn photo.jpg --features cosine --output-size 1024 -o smooth.webp
    """
    started = time.perf_counter()
    outputs = check_outputs(outputs or (default_output(photo, ".gif"),), photo)
    check_log(log_path, photo)
    notes = click.get_current_context().meta.get("paintlr.notes", [])
    if render_size is not None:
        notes.append("--render-size is now --output-size")
        output_size = output_size or render_size

    from ..core.pixels import to_uint8
    from ..outputs import Outputs, estimated_bytes, written_size
    from ..runs.advice import after_painting, costly
    from ..runs.forecast import epochs_known, plan
    from ..runs.recipe import STEPS, frame_scale, make_painting

    target = load(photo, size, background)
    h, w = target.shape[:2]
    width, height = written_size(w, h, scale * (1 if output_size is None else output_size / max(h, w)))
    check_frames(outputs, width, height, "'--output-size' / '--scale'")
    steps, step = report.steps(len(STEPS) + 1, quiet, "preparing")
    painting, more = make_painting(target, output_size=output_size, on_step=step, **as_given(settings_))
    del target  # the painting keeps no copy of it
    scale = frame_scale(painting, output_size, scale)
    forecast = plan(painting)
    step("forecast")
    steps.close()
    for text in [*notes, *more]:
        report.note(text)
    frames = painting.frames
    report.warn(costly(forecast and forecast.seconds(frames), estimated_bytes(outputs, width, height, frames),
                       width, height, frames))
    bar = report.progress(epochs_known(forecast, settings_["max_epochs"]), quiet)

    def add(frame) -> tuple:
        out.add(to_uint8(frame.image), painting.log_row(frame))
        bar.update(frame.epoch - bar.n)
        bar.set_postfix_str(f"cost {frame.cost:.3g}, {frame.score()}", refresh=False)
        return frame.cost, frame.epoch, painting.summary(frame)  # not the frame: its image would stay

    with Outputs(outputs, fps=fps, scale=scale, dither=dither, reference=to_uint8(painting.goal()),
                 log=log_path, columns=painting.log_columns(), quality=quality,
                 page=report.page(f"paintlr learn {Path(photo).name}", painting.live())) as out:
        (cost, epoch, summary), interrupted = report.record(painting, add, bar)
        if interrupted is not None:
            summary = painting.interrupted(epoch, summary)
        written = out.commit(summary=summary)
    report.warn(after_painting(painting, cost, interrupted is not None))
    report.finish(summary, started, out.count, written, quiet, interrupted)
