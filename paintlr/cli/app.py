"""The paintlr command line: parse flags, call the library, report. No math and no policy here.

Every flag is declared once and shared by the commands that take it; choice lists and
defaults come from paintlr.settings. numpy and Pillow are imported inside the commands
so that `paintlr --help` is instant.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

import click

from .. import __version__, settings
from ..errors import OptionError, PaintlrError, Terminated

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses nan and infinity."""

    def convert(self, value, param, ctx):
        value = super().convert(value, param, ctx)
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(f"{value} is not a finite number.", param, ctx)
        return value


def flag(option: str) -> str:
    """The command-line flag of a library keyword: max_cost -> --max-cost."""
    return "--" + option.replace("_", "-")


def one_line(text: str) -> str:
    """`text` as one printable line: a newline or other control character (in a file name,
    say) is shown escaped, so that no message spans lines."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def say(text: str) -> None:
    """One line on stderr, prefixed paintlr:."""
    click.echo(f"paintlr: {one_line(text)}", err=True)


def _terminate(signum, frame) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM raises Terminated, a KeyboardInterrupt: a run stops as for Ctrl-C, writes what it has."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class PaintlrCommand(click.Command):
    """A command whose summary in `paintlr --help` is its whole first sentence, not cut at 45 characters."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        return " ".join((self.help or "").split("\n\n")[0].split())


class _Stopped(Exception):
    """A KeyboardInterrupt (Ctrl-C or SIGTERM) carried past click, which would print a blank line
    and turn SIGTERM into a plain Abort."""

    def __init__(self, interrupt: KeyboardInterrupt):
        super().__init__()
        self.interrupt = interrupt


class PaintlrGroup(click.Group):
    """A click group whose every error is one line on stderr, without a traceback, and whose
    library warnings are shown one line each after the command."""

    command_class = PaintlrCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Stopped(exc) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        self.command_line = ["paintlr", *(sys.argv[1:] if args is None else args)]
        with warnings.catch_warnings(record=True) as caught, _sigterm_as_interrupt():
            warnings.simplefilter("default")
            code = self._run(args, prog_name, complete_var, **extra)
        for message in dict.fromkeys(str(w.message) for w in caught):
            say(f"warning: {message}")
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, complete_var, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NO_ARGS_IS_HELP as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            return exc.exit_code
        except SystemExit as exc:  # a command's own exit code (an interrupted run)
            return exc.code
        except _Stopped as exc:
            terminated = isinstance(exc.interrupt, Terminated)
            say("terminated" if terminated else "interrupted")
            return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        except Terminated:
            say("terminated")
            return EXIT_TERMINATED
        except (click.exceptions.Abort, KeyboardInterrupt):
            say("interrupted")
            return EXIT_INTERRUPTED
        except click.ClickException as exc:
            say(exc.format_message())
            return exc.exit_code
        except OptionError as exc:
            say(f"Invalid value for '{flag(exc.option)}': {exc}")
            return 2
        except PaintlrError as exc:
            say(f"error: {exc}")
            return 1


@click.group(cls=PaintlrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paintlr")
def cli() -> None:
    """Watch linear regression learn a picture, frame by frame."""


def _options(*decorators):
    def apply(f):
        for d in reversed(decorators):
            f = d(f)
        return f
    return apply


POSITIVE = FiniteFloatRange(min=0, min_open=True)

image_options = _options(
    click.argument("photo", type=click.Path(dir_okay=False)),
    click.option("--size", type=click.IntRange(min=1), default=settings.SIZE, show_default=True,
                 help="Shrink the long side to this many pixels (never enlarges)."),
    click.option("--background", default=settings.BACKGROUND, show_default=True,
                 help="Colour under transparent pixels (a name or #rrggbb)."),
)


def features_option(multiple: bool = False):
    return click.option(
        "--features", "feature_names" if multiple else "features", type=click.Choice(settings.FEATURES),
        multiple=multiple, default=() if multiple else settings.FEATURES[0], show_default=not multiple,
        help="Samples: one-hot pixels (the seed's), or a feature map of (x, y): the raw coordinates, "
             "Legendre polynomials, random Fourier features or a cosine grid."
             + (" Repeatable. [default: onehot]" if multiple else ""))


feature_detail_options = _options(
    click.option("--degree", type=click.IntRange(1, settings.MAX_DEGREE), default=settings.DEGREE,
                 show_default=True, help="Polynomial degree for --features poly."),
    click.option("--n-features", type=click.IntRange(2, settings.MAX_N_FEATURES),
                 default=settings.N_FEATURES, show_default=True,
                 help="Feature count for --features fourier (even) and cosine."),
    click.option("--sigma", type=POSITIVE, default=settings.SIGMA, show_default=True,
                 help="Spread of the random frequencies for --features fourier, in cycles per image width."),
)


PHOTO_RATES = (f"{settings.SEED_LEARNING_RATE:g}, the seed's, for one-hot linear; half the stable limit for "
               f"feature maps; {settings.LOGISTIC_RATE_FRACTION:g} of it for logistic")


class OrBest(click.ParamType):
    """A number of `inner`'s type, or the word best (worked out from the design's eigenvalues)."""

    def __init__(self, inner: click.ParamType):
        self.inner = inner
        self.name = f"{inner.name}|best"

    def convert(self, value, param, ctx):
        if value == settings.BEST:
            return value
        return self.inner.convert(value, param, ctx)


def learning_rate_option(multiple: bool = False, default: str = PHOTO_RATES, best: bool = True):
    return click.option(
        "--learning-rate", "learning_rates" if multiple else "learning_rate",
        type=OrBest(POSITIVE) if best else POSITIVE, multiple=multiple, default=() if multiple else None,
        help="Gradient-descent learning rate; the GD step is rate / samples"
             + ("; best: the fastest for the design (see info)" if best else "")
             + f". [default: {default}]" + (" Repeatable: one panel per rate." if multiple else ""))


def optimizer_option(multiple: bool = False):
    return click.option(
        "--optimizer", "optimizers" if multiple else "optimizer", type=click.Choice(settings.OPTIMIZERS),
        multiple=multiple, default=() if multiple else settings.OPTIMIZERS[0], show_default=not multiple,
        help="Batch GD (the seed's), shuffled SGD, heavy-ball momentum or Nesterov's."
             + (" Repeatable. [default: gd]" if multiple else ""))


def max_epochs_option(help: str):
    """--max-epochs, from 1 to settings.EPOCHS_LIMIT, for every command that trains."""
    return click.option("--max-epochs", type=click.IntRange(1, settings.EPOCHS_LIMIT), default=None,
                        help=help)


training_options = _options(
    click.option("--init", type=click.Choice(settings.INITS), default=settings.INITS[0],
                 show_default=True, help="Starting weights: black, flat mean colour, or noise."),
    click.option("--seed", type=click.IntRange(min=0), default=None,
                 help="Random seed for --init random, the SGD shuffle and random Fourier features."),
    click.option("--batch-size", type=click.IntRange(min=1), default=settings.BATCH_SIZE, show_default=True,
                 help="Samples per SGD step (1 = per-sample SGD)."),
    click.option("--momentum", type=OrBest(FiniteFloatRange(0, 1, max_open=True)), default=settings.MOMENTUM,
                 show_default=True, help="Momentum coefficient beta for --optimizer momentum or nesterov; "
                                         "best: with the learning rate, the optimal pair for the design."),
    click.option("--max-cost", type=POSITIVE, default=None,
                 help=f"Stop when the cost falls below this. [default: {settings.DEFAULT_MAX_COST:g} (37 dB) "
                      f"for one-hot linear; {settings.OPTIMUM_MARGIN:g} x the least-squares optimum for "
                      "feature maps; a quarter of the colour-frequency entropy for logistic]"),
    max_epochs_option(f"Stop here even if the cost is still above --max-cost. [default: "
                      f"{settings.MAX_EPOCHS:,} for linear, {settings.LOGISTIC_MAX_EPOCHS:,} for logistic]"),
    click.option("--engine", type=click.Choice(settings.ENGINES), default=settings.ENGINES[0],
                 show_default=True, help="exact jumps in closed form (gd, momentum, nesterov); iterate runs "
                                         "every epoch."),
)

frames_option = click.option(
    "--frames", type=click.IntRange(2, settings.MAX_FRAMES), default=settings.FRAMES, show_default=True,
    help="About this many frames, evenly spread over the fall of the error.")
fps_option = click.option(
    "--fps", type=FiniteFloatRange(min=settings.MIN_FPS, max=settings.MAX_FPS), default=settings.FPS,
    show_default=True, help="Animation frames per second.")
scale_option = click.option(
    "--scale", type=click.IntRange(min=1, max=settings.MAX_SCALE), default=1, show_default=True,
    help="Enlarge written frames this many times (nearest neighbour).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")


class Quality(click.ParamType):
    """1 to 100, or lossless."""

    name = "1-100|lossless"

    def convert(self, value, param, ctx):
        if value == "lossless" or (isinstance(value, int) and 1 <= value <= 100):
            return value
        if str(value).isdigit() and 1 <= int(value) <= 100:
            return int(value)
        self.fail(f"{value!r} is not a number from 1 to 100 or 'lossless'.", param, ctx)


quality_option = click.option(
    "--quality", type=Quality(), default=settings.QUALITY, show_default=True,
    help="WebP and JPEG quality, also of the frames in a page; lossless keeps every pixel (WebP "
         "lossless, JPEG at 100).")


model_options = _options(
    click.option("--model", type=click.Choice(settings.MODELS), default=settings.MODELS[0], show_default=True,
                 help="linear regression of the colours, or a logistic classifier of palette colours."),
    click.option("--palette", type=click.IntRange(min=2, max=256), default=None,
                 help=f"Colours in the palette (from the photo) for --model logistic. "
                      f"[default: {settings.DEFAULT_PALETTE}]"),
    click.option("--soft", is_flag=True,
                 help="--model logistic: paint the probability-weighted mix, not the likeliest colour."),
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


def _solver(ctx, param, value: str) -> str:
    """The old spelling --solver exact still works, with a note once the run is known to start."""
    if value == "exact":
        ctx.meta.setdefault("paintlr.notes", []).append("--solver exact is now --solver lstsq")
        return "lstsq"
    return value


def _check_output(path: str, source: str, hint: str, literal: bool = False) -> None:
    from ..outputs import check_output

    try:
        check_output(path, source, literal=literal)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _check_outputs(outputs: tuple[str, ...], photo: str, animation_only: bool = False) -> list[str]:
    from ..outputs import ANIMATIONS, VIDEO, output_kind, require_av

    hint = "'-o' / '--output'"
    for out in outputs:
        _check_output(out, photo, hint)
        if animation_only and output_kind(out) != "animation":
            raise click.BadParameter(f"{out}: a sweep is an animation ({', '.join(ANIMATIONS)})",
                                     param_hint=hint)
        if Path(out).suffix.lower() in VIDEO:
            require_av()  # before any training
    return list(outputs)


def _check_log(log_path: str | None, photo: str) -> None:
    if log_path is None:
        return
    if Path(log_path).suffix.lower() != ".csv":
        raise click.BadParameter(f"{log_path}: the log must be a .csv file", param_hint="'--log'")
    _check_output(log_path, photo, "'--log'", literal=True)


def _check_frames(outputs: list[str], width: int, height: int, hint: str) -> None:
    """Refuse frames larger than paintlr or a format writes, before any training."""
    from ..outputs import check_frame_size

    try:
        check_frame_size(outputs, width, height)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _default_output(source: str, suffix: str) -> str:
    from ..outputs import default_output

    return default_output(source, suffix)


def _warn_if_costly(seconds: float | None, outputs: list[str], width: int, height: int, frames: int) -> None:
    """One warning line before a run whose training takes over a minute or whose files pass 100 MB."""
    from ..outputs import estimated_bytes

    size = estimated_bytes(outputs, width, height, frames)
    if seconds is not None and seconds > 60:
        say(f"warning: this run will take about {_duration(seconds)}")
    if size > 100e6:
        say(f"warning: the outputs will be about {size / 1e6:,.0f} MB ({frames} frames of "
            f"{width:,} x {height:,})")


def _load(photo: str, size: int, background: str):
    from ..io.image import load_image, parse_colour

    try:
        parse_colour(background)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--background'") from None
    return load_image(photo, size, background)


def _note(text: str) -> None:
    say(f"note: {text}")


def _page(title: str, live: dict | None = None) -> dict:
    """What a player page shows besides the frames: a title, the command line, a closed form."""
    import shlex

    words = getattr(click.get_current_context().find_root().command, "command_line", ["paintlr"])
    return {"title": title, "command": shlex.join(words), "live": live}


class _LinearReport:
    """What the CLI says of a linear painting's frames: cost and PSNR."""

    def __init__(self, painting):
        self.optimal_cost = painting.optimal_cost

    def postfix(self, frame) -> str:
        return f"cost {frame.cost:.3g}, {frame.psnr:.1f} dB"

    def summary(self, frame) -> str:
        return f"cost {frame.cost:.3g} (optimum {self.optimal_cost:.3g}), PSNR {frame.psnr:.2f} dB"


class _PaletteReport:
    """What the CLI says of a palette painting's frames: cross-entropy and pixel accuracy."""

    def postfix(self, frame) -> str:
        return f"cost {frame.cost:.3g}, {100 * frame.accuracy:.1f} % right"

    def summary(self, frame) -> str:
        return f"cross-entropy {frame.cost:.3g}, {100 * frame.accuracy:.2f} % of pixels right"


@cli.command()
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
              help="Write epoch, costs and PSNR (or accuracy) for every frame to this CSV.")
@quiet_option
def learn(photo, outputs, size, background, fps, scale, output_size, render_size, quality, dither, log_path,
          quiet, **settings_) -> None:
    """Learn PHOTO by gradient descent and write the progress as an animation.

    \b
    Examples:
      paintlr learn photo.jpg                          # photo.gif
      paintlr learn photo.jpg -o run.html -o run.mp4   # a player page and a video
      paintlr learn photo.jpg --features cosine --output-size 1024 -o smooth.webp
    """
    started = time.perf_counter()
    outputs = _check_outputs(outputs or (_default_output(photo, ".gif"),), photo)
    _check_log(log_path, photo)
    notes = click.get_current_context().meta.get("paintlr.notes", [])
    if render_size is not None:
        notes.append("--render-size is now --output-size")
        output_size = output_size or render_size

    from ..core.pixels import to_uint8
    from ..outputs import Outputs, written_size
    from ..runs.forecast import forecast
    from ..runs.recipe import frame_scale, make_painting

    target = _load(photo, size, background)
    h, w = target.shape[:2]
    width, height = written_size(w, h, scale * (1 if output_size is None else output_size / max(h, w)))
    _check_frames(outputs, width, height, "'--output-size' / '--scale'")
    painting, more = make_painting(target, output_size=output_size, **settings_)
    del target  # the painting keeps no copy of it
    scale = frame_scale(painting, output_size, scale)
    for text in [*notes, *more]:
        _note(text)
    training = settings_["solver"] == "gd"
    linear = settings_["model"] == "linear"
    report = _LinearReport(painting) if linear else _PaletteReport()
    plan = forecast(painting, engine_only=True) if linear and training and not painting.unstable else None
    _warn_if_costly(plan.seconds(painting.frames) if plan else None, outputs, width, height, painting.frames)
    bar = _progress(_epochs_known(painting, plan), quiet)

    def add(frame) -> tuple:
        out.add(to_uint8(frame.image), painting.log_row(frame))
        bar.update(frame.epoch - bar.n)
        bar.set_postfix_str(report.postfix(frame), refresh=False)
        return frame.epoch, frame.cost, report.summary(frame)  # not the frame: its image would stay

    with Outputs(outputs, fps=fps, scale=scale, dither=dither, reference=to_uint8(painting.goal()),
                 log=log_path, columns=painting.log_columns(), quality=quality,
                 page=_page(f"paintlr learn {Path(photo).name}", painting.live())) as out:
        (epoch, cost, summary), interrupted = _record(painting, add, bar)
        what = f"{epoch:,} epochs" if training else "least-squares solution"
        written = out.commit(summary=f"{what}, {summary}")
    if training and painting.unstable:  # said after the run: a run that explodes says so itself
        say(f"warning: learning rate {painting.learning_rate:g} is at or above the largest "
            f"stable rate {painting.max_stable_learning_rate:.6g} for {settings_['optimizer']}; "
            f"the cost grows")
    if painting.truncated:
        say(f"warning: stopped at {settings.MAX_FRAMES} frames; use a larger --burst")
    elif not interrupted and training and cost >= painting.max_cost:
        say(f"warning: stopped at --max-epochs {painting.max_epochs:,} with cost "
            f"{cost:.3g} still above --max-cost {painting.max_cost:g}")
    _report(f"{what}, {summary}", started, out.count, written, quiet, interrupted)


def _epochs_known(painting, plan) -> int | None:
    """The epochs a run will take, for the progress bar: its forecast, else an explicit --max-epochs."""
    if plan is not None and plan.epochs is not None:
        return plan.epochs
    explicit = painting.max_epochs not in (settings.MAX_EPOCHS, settings.LOGISTIC_MAX_EPOCHS)
    return painting.max_epochs if explicit else None


@cli.command()
@image_options
@model_options
@features_option()
@feature_detail_options
@learning_rate_option()
@optimizer_option()
@training_options
def info(photo, size, background, **settings_) -> None:
    """Show PHOTO's working size, the stable learning rates, and how long learning will take.

    \b
    Examples:
      paintlr info photo.jpg
      paintlr info photo.jpg --features cosine --optimizer momentum
      paintlr info photo.jpg --model logistic --palette 8
    """
    target = _load(photo, size, background)

    from ..core.numerics import psnr
    from ..runs.forecast import CLOSED_FORM, NOT_PREDICTED, forecast
    from ..runs.recipe import make_painting

    steps = _progress(3, False, unit="step", desc="design")  # the design's eigenvalues can take seconds
    painting, notes = make_painting(target, **settings_)
    steps.update(1)
    for text in notes:
        _note(text)
    h, w, c = target.shape
    learning_rate, max_cost = painting.learning_rate, painting.max_cost
    head = [f"image          {one_line(photo)}: {w} x {h} = {w * h:,} pixels, {c} channel{'s' * (c > 1)}"]
    if settings_["model"] == "logistic":
        steps.close()
        click.echo("\n".join([
            *head,
            f"model          logistic, a palette of {len(painting.palette)} colours from the photo"
            + (", painted as the probability-weighted mix" if settings_["soft"] else ""),
            f"design         {painting.design.feature_map or 'one-hot'!s}",
            f"stable rates   learning rate < {painting.max_stable_learning_rate:.6g}",
            f"learning rate  {learning_rate:g}: epochs to cross-entropy {max_cost:.4g} not predicted "
            f"(logistic regression has no closed form; at most {painting.max_epochs:,} epochs)",
        ]))
        return
    steps.set_description("best settings")
    model = painting.model
    lines = [
        *head,
        f"design         {painting.design.feature_map or 'one-hot'!s}, "
        f"{painting.design.n_features + 1:,} weights per channel",
        f"optimizer      {model.optimizer}"
        + (f", batch size {model.batch_size}" if model.optimizer == "sgd" else "")
        + (f", momentum {model.momentum:g}" if model.optimizer in ("momentum", "nesterov") else ""),
        f"stable rates   learning rate < {painting.max_stable_learning_rate:.6g}",
        f"best possible  cost {painting.optimal_cost:.3g} (least-squares optimum, "
        f"{psnr(painting.optimal_cost):.1f} dB)",
        *_conditioning(painting, model.momentum if model.optimizer in ("momentum", "nesterov")
                       else settings.MOMENTUM),
    ]
    steps.update(1)
    steps.set_description("timing")
    f = forecast(painting)
    steps.close()
    if f.unstable:
        lines.append(f"learning rate  {learning_rate:g}: at or above the limit, the cost explodes")
    elif f.method == NOT_PREDICTED:
        lines.append(f"learning rate  {learning_rate:g}: epochs to cost {max_cost:g} not predicted "
                     f"for {model.optimizer} on this design")
    elif f.epochs is None:
        lines.append(f"learning rate  {learning_rate:g}: does not reach cost {max_cost:g} "
                     f"within {painting.max_epochs:,} epochs")
    else:
        lines.append(f"learning rate  {learning_rate:g}: {'' if f.method == CLOSED_FORM else 'about '}"
                     f"{f.epochs:,} epochs to cost {max_cost:g} ({psnr(max_cost):.1f} dB)")
        lines.append(f"iterate        {f.seconds_per_epoch * 1e3:.3g} ms per epoch, about "
                     f"{_duration(f.seconds_per_epoch * f.epochs)} to the threshold")
        if f.seconds_per_frame is not None:
            lines.append(f"exact engine   {f.seconds_per_frame * 1e3:.3g} ms per frame, any number of epochs")
    click.echo("\n".join(lines))


def _conditioning(painting, beta: float) -> list[str]:
    """info's lines on the design's spectrum: condition number, stable and best settings, and the
    epochs to the threshold at GD's best rate and at the optimal momentum pairs."""
    from ..core.tuning import (
        condition_number,
        gd_best,
        gd_max_rate,
        momentum_best,
        momentum_max_rate,
        nesterov_best,
    )
    from ..runs.forecast import epochs_with

    lam_min, lam_max = painting.design.extremes()
    gd, heavy, nesterov = (best(lam_min, lam_max) for best in (gd_best, momentum_best, nesterov_best))

    def epochs(optimizer: str, best) -> str:
        k = epochs_with(painting, optimizer, best.learning_rate, best.beta)
        return "beyond --max-epochs" if k is None else f"{k:,} epochs"

    return [
        f"condition      kappa {condition_number(lam_min, lam_max):,.6g}: the Gram matrix's eigenvalues "
        f"run from {lam_min:.4g} to {lam_max:.6g}",
        f"rate limits    gd < {gd_max_rate(lam_max):.6g}; momentum {beta:g} < "
        f"{momentum_max_rate(lam_max, beta):.6g}; nesterov {beta:g} < "
        f"{momentum_max_rate(lam_max, beta, True):.6g}",
        f"best settings  gd rate {gd.learning_rate:.6g}; momentum rate {heavy.learning_rate:.6g}, beta "
        f"{heavy.beta:.6g}; nesterov rate {nesterov.learning_rate:.6g}, beta {nesterov.beta:.6g}",
        f"with them      gd {epochs('gd', gd)}, momentum {epochs('momentum', heavy)}, nesterov "
        f"{epochs('nesterov', nesterov)} to cost {painting.max_cost:g} "
        "(--learning-rate best, --momentum best)",
    ]


def _duration(seconds: float) -> str:
    """A time in the unit a person reads it in: 42 s, 3.5 min, 2.1 h, 12 days, 3,400 years."""
    year = 31_557_600
    units = ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600), (2 * year, "days", 86400))
    for limit, unit, size in units:
        if seconds < limit:
            return f"{seconds / size:.3g} {unit}"
    years = seconds / year
    return f"{years:,.0f} years" if years < 1e15 else "longer than the universe is old"


@cli.command()
@image_options
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Animation to write (.gif, .webp, .apng, .html, .mp4 or .webm). "
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
@quiet_option
def sweep(photo, size, background, output, learning_rates, optimizers, pairs, feature_names, degree,
          n_features, sigma, frames, fps, scale, quality, quiet, engine, momentum, model, palette, soft,
          **common) -> None:
    """Compare learning rates, optimizers and designs side by side in one animation of PHOTO.

    \b
    Examples:
      paintlr sweep photo.jpg                 # the seed's rate, a good one and one that diverges
      paintlr sweep photo.jpg --run gd:0.05 --run gd:best --run momentum:best --momentum best
      paintlr sweep photo.jpg --features onehot --features poly --features cosine -o designs.html
    """
    started = time.perf_counter()
    output = output or _default_output(photo, "-sweep.gif")
    _check_outputs((output,), photo, animation_only=True)
    target = _load(photo, size, background)

    from ..outputs import Outputs
    from ..render.panels import compose_rows, composed_size, score
    from ..render.pictures import drawer
    from ..runs.recipe import sweep_painting
    from ..runs.sweep import Sweep, sweep_runs

    if pairs and (optimizers or learning_rates):
        raise click.UsageError("give --run, or --optimizer and --learning-rate, not both")
    runs, notes = sweep_runs(target.shape, features=feature_names, optimizers=optimizers,
                             learning_rates=learning_rates, pairs=pairs, momentum=momentum, degree=degree,
                             n_features=n_features, sigma=sigma, seed=common["seed"], model=model)
    for text in notes:
        _note(text)
    width, height = composed_size(len(runs), *target.shape[:2], scale)
    _check_frames([output], width, height, "'--scale'")  # before any design is prepared
    preparing = _progress(len(runs), quiet, unit="run", desc="preparing")
    comparison = Sweep(target, runs, frames=frames, engine=engine, scale=scale,
                       painting=sweep_painting(model, palette, soft), on_run=lambda: preparing.update(1),
                       **common)
    preparing.close()
    reference = compose_rows(comparison.goal_panels(), scale)
    bar = _progress(comparison.end_epoch, quiet)
    draw = drawer(comparison)

    def add(panels) -> list:
        out.add(draw(panels), comparison.log_row(panels))
        bar.update(max(p.frame.epoch for p in panels) - bar.n)
        return panels

    with Outputs([output], fps=fps, reference=reference, columns=comparison.log_columns(), quality=quality,
                 page=_page(f"paintlr sweep {Path(photo).name}")) as out:
        panels, interrupted = _record(comparison, add, bar)
        states = "; ".join(f"{p.label}: {p.status} at epoch {p.frame.epoch:,}"
                           + ("" if p.status == "diverged" else f", {score(p.frame)}") for p in panels)
        written = out.commit(states)
    _report(states, started, out.count, written, quiet, interrupted)


def _table(data: str | None, example: str | None, x: tuple[str, ...], y: str | None, labels: bool):
    """The table named by DATA or --example, with its columns picked: exactly one of the two."""
    from ..io.tabular import load_example, load_table

    if example is not None:
        return load_example(example, x=x, y=y, labels=labels)
    return load_table(data, x=x, y=y, labels=labels)


def _table_outputs(data: str | None, example: str | None, outputs: tuple[str, ...], log_path: str | None,
                   command: str) -> tuple[str, list[str]]:
    """The table's name and the checked outputs (default: the name + -COMMAND.gif); the log checked too."""
    if (data is None) == (example is None):
        raise click.UsageError("give a DATA file or --example NAME (one of the two)")
    stem = Path(data).stem if data else example
    _check_log(log_path, data or "")
    return stem, _check_outputs(outputs or (_default_output(data or example, f"-{command}.gif"),), data or "")


table_options = _options(
    click.argument("data", required=False, type=click.Path(dir_okay=False)),
    click.option("--example", type=click.Choice(settings.EXAMPLES), default=None,
                 help="Use a bundled table instead of DATA: the seed notebook's five points, the "
                      "student-admission data, or Fisher's iris (two petal measurements)."),
    click.option("--x", "x_columns", multiple=True, metavar="COL",
                 help="A feature column, by name or 0-based index; repeatable. [default: all but --y]"),
    click.option("--y", "y_column", default=None, metavar="COL",
                 help="The column to predict, by name or 0-based index. [default: the last]"),
)


@cli.command()
@table_options
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Output file, repeatable, by extension as for learn; a .png/.jpg still shows the final "
                   "frame, or with --at the line after those epochs. [default: DATA's stem + -fit.gif]")
@click.option("--degree", type=click.IntRange(1, 12), default=1, show_default=True,
              help="Fit a polynomial of this degree in x (still linear regression).")
@click.option("--standardize", is_flag=True,
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
              help="Write epoch, cost and every parameter (intercept first) for every frame to this CSV.")
@quiet_option
def fit(data, example, x_columns, y_column, outputs, degree, standardize, learning_rates, max_cost,
        max_epochs, frames, fps, at_epochs, log_path, quiet) -> None:
    """Fit a line (or polynomial) to DATA by gradient descent and write the progress as an animation.

    \b
    Examples:
      paintlr fit --example points                       # the seed notebook's line
      paintlr fit data.csv --x area --y price --standardize -o fit.html
      paintlr fit --example points --learning-rate 0.01 --at 10 --at 100 --at 1000 -o steps.png
    """
    started = time.perf_counter()
    stem, outputs = _table_outputs(data, example, outputs, log_path, "fit")
    table = _table(data, example, x_columns, y_column, labels=False)

    from ..errors import DivergenceError
    from ..outputs import Outputs, commit_all, output_kind
    from ..render.pictures import fit_figure
    from ..runs.line_fit import FitAnimation

    animation = FitAnimation(table.x, table.y, x_names=table.x_names, y_name=table.y_name,
                             learning_rates=learning_rates,
                             degree=degree, standardize=standardize, max_cost=max_cost, max_epochs=max_epochs,
                             frames=frames)
    if len(animation.runs) == 1 and animation.runs[0].unstable:
        run = animation.runs[0]
        raise DivergenceError(run.learning_rate, run.max_stable_learning_rate, run.diverges_at())
    for run in animation.runs:
        if run.unstable:
            say(f"warning: learning rate {run.learning_rate:g} is at or above the largest "
                       f"stable rate {run.max_stable_learning_rate:.6g}; the cost will explode")
    first = animation.runs[0]
    stills = [o for o in outputs if at_epochs and output_kind(o) == "still"]
    moving = [o for o in outputs if o not in stills]
    bar = _progress(len(animation.epochs), quiet, unit="frame")
    figure = fit_figure(animation)

    def add(ticks) -> list:
        if moving or log_path:  # a still alone needs the run's end, not its frames
            out.add(figure.draw(ticks), animation.log_row(ticks))
        bar.update(1)
        return ticks

    best = ", ".join(f"{n} {v:.6g}" for n, v in zip(animation.names, animation.best, strict=True))
    with Outputs(moving, fps=fps, log=log_path, columns=animation.log_columns(),
                 page=_page(f"paintlr fit {stem}", animation.live())) as out, Outputs(stills) as steps:
        if stills:
            steps.add(figure.still([(k, first.theta(k)) for k in sorted(set(at_epochs))]))
        ticks, interrupted = _record(animation, add, bar)
        runs = "; ".join(f"{t.label + ': ' if t.label else ''}{t.status} at epoch {t.epoch:,}"
                         + ("" if t.status == "diverged" else f", cost {t.cost:.6g}") for t in ticks)
        summary = f"{runs}; least squares: {best}"
        written = commit_all(*([lambda: out.commit(summary)] if moving or log_path else []),
                             *([steps.commit] if stills else []))
    _report(summary, started, out.count if moving else 0, written, quiet, interrupted)


@cli.command()
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
              help="Write epoch, cost and accuracy for every frame to this CSV.")
@quiet_option
def classify(data, example, x_columns, y_column, outputs, degree, standardize, learning_rate, max_cost,
             max_epochs, frames, fps, point, log_path, quiet) -> None:
    """Classify DATA's rows by logistic regression (one-vs-rest for 3+ classes), animated.

    \b
    Examples:
      paintlr classify --example admissions --predict 45,85
      paintlr classify --example iris -o iris.html
      paintlr classify data.csv --x score1 --x score2 --y admitted --degree 3
    """
    started = time.perf_counter()
    stem, outputs = _table_outputs(data, example, outputs, log_path, "classify")
    at = _point(point)
    table = _table(data, example, x_columns, y_column, labels=True)

    from ..outputs import Outputs
    from ..render.pictures import drawer
    from ..runs.classification import Classification

    run = Classification(table.x, table.y, x_names=table.x_names, degree=degree, standardize=standardize,
                         learning_rate=learning_rate, max_cost=max_cost, max_epochs=max_epochs, frames=frames)
    if run.unstable:
        say(f"warning: learning rate {run.learning_rate:g} is at or above the largest stable "
                   f"rate {run.max_stable_learning_rate:.6g}; the cost will explode")
    bar = _progress(len(run.epochs), quiet, unit="frame")
    draw = drawer(run)
    reference = draw(run.every_colour())

    def add(tick):
        out.add(draw(tick), run.log_row(tick))
        bar.update(1)
        return tick.epoch, tick.cost, tick.accuracy

    with Outputs(outputs, fps=fps, reference=reference, log=log_path, columns=run.log_columns(),
                 page=_page(f"paintlr classify {stem}")) as out:
        (epoch, cost, accuracy), interrupted = _record(run, add, bar)
        params = run.model.get_params()  # (p,) for two classes, (p, K) one-vs-rest
        line = f"{epoch:,} epochs, cost {cost:.4f}, {100 * accuracy:.1f} % right"
        if params.ndim == 1:
            values = ", ".join(f"{v:.5g}" for v in params)
            line += f", theta ({values}) for (intercept, {', '.join(run.names)})"
        if at is not None:
            where = ", ".join(f"{n} {v:g}" for n, v in zip(table.x_names, at, strict=True))
            probs = zip(run.classes, run.probabilities(at), strict=True)
            line += f"; at {where}: " + ", ".join(f"P({c}) = {p:.3f}" for c, p in probs)
        written = out.commit(line)
    _report(line, started, out.count, written, quiet, interrupted)


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


def _record(items, add, bar=None) -> tuple[object, KeyboardInterrupt | None]:
    """Feed every item of a run to add(item), which writes its frame and returns what to keep of it.

    Ctrl-C (or SIGTERM) stops the run and keeps the frames before it; with none yet it is
    raised on (exit 130 or 143, nothing written). Returns (what add returned last, the
    interrupt or None).
    """
    last, count, interrupted = None, 0, None
    try:
        for item in items:
            last = add(item)
            count += 1
            del item  # the next item is computed without this one held here
    except KeyboardInterrupt as exc:
        interrupted = exc
    finally:
        if bar is not None:
            bar.close()
    if count == 0:
        raise interrupted or click.exceptions.Abort()
    return last, interrupted


def _report(head: str, started: float, count: int, written: list[str], quiet: bool,
            interrupted: KeyboardInterrupt | None) -> None:
    """The summary line (unless quiet), then exit 130 (143 for SIGTERM) if the run was interrupted."""
    if not quiet:
        shown = [one_line(name) for name in written]
        shown = shown if len(shown) <= 3 else [*shown[:2], f"... ({len(written)} files)"]
        frames = f", {count} frames" if count else ""
        click.echo(f"{head}, {time.perf_counter() - started:.2f} s{frames} -> {', '.join(shown)}")
    if interrupted is not None:
        terminated = isinstance(interrupted, Terminated)
        say(f"{'terminated' if terminated else 'interrupted'}; wrote the frames so far")
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)


def _progress(total: int | None, quiet: bool, unit: str = "epoch", desc: str | None = None):
    """A progress bar on stderr (shown only on a terminal), with an ETA when the total is known."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, disable=True if quiet else None, leave=False,
                dynamic_ncols=True, file=sys.stderr, desc=desc)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="paintlr")
