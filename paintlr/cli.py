"""The paintlr command line: parse flags, call the library, report. No math and no policy here.

Every flag is declared once and shared by the commands that take it; choice lists and
defaults come from paintlr.settings. numpy and Pillow are imported inside the commands
so that `paintlr --help` is instant.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__, settings
from .errors import OptionError, PaintlrError

EXIT_INTERRUPTED = 130
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


class PaintlrGroup(click.Group):
    """A click group whose every error is one line on stderr, without a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NO_ARGS_IS_HELP as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = exc.exit_code
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("paintlr: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except click.ClickException as exc:
            click.echo(f"paintlr: {exc.format_message()}", err=True)
            code = exc.exit_code
        except OptionError as exc:
            click.echo(f"paintlr: Invalid value for '{flag(exc.option)}': {exc}", err=True)
            code = 2
        except PaintlrError as exc:
            click.echo(f"paintlr: error: {exc}", err=True)
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


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


def learning_rate_option(multiple: bool = False):
    return click.option(
        "--learning-rate", "learning_rates" if multiple else "learning_rate", type=POSITIVE,
        multiple=multiple, default=() if multiple else None,
        help="Gradient-descent learning rate; the GD step is rate / samples. [default: "
             f"{settings.SEED_LEARNING_RATE:g}, the seed's, for one-hot linear; half the stable limit for "
             f"feature maps; {settings.LOGISTIC_RATE_FRACTION:g} of it for logistic]"
             + (" Repeatable: one panel per rate." if multiple else ""))


def optimizer_option(multiple: bool = False):
    return click.option(
        "--optimizer", "optimizers" if multiple else "optimizer", type=click.Choice(settings.OPTIMIZERS),
        multiple=multiple, default=() if multiple else settings.OPTIMIZERS[0], show_default=not multiple,
        help="Batch GD (the seed's), shuffled SGD, or heavy-ball momentum."
             + (" Repeatable. [default: gd]" if multiple else ""))


training_options = _options(
    click.option("--init", type=click.Choice(settings.INITS), default=settings.INITS[0],
                 show_default=True, help="Starting weights: black, flat mean colour, or noise."),
    click.option("--seed", type=int, default=None,
                 help="Random seed for --init random, the SGD shuffle and random Fourier features."),
    click.option("--batch-size", type=click.IntRange(min=1), default=settings.BATCH_SIZE, show_default=True,
                 help="Samples per SGD step (1 = per-sample SGD)."),
    click.option("--momentum", type=FiniteFloatRange(0, 1, max_open=True), default=settings.MOMENTUM,
                 show_default=True, help="Momentum coefficient for --optimizer momentum."),
    click.option("--max-cost", type=POSITIVE, default=None,
                 help=f"Stop when the cost falls below this. [default: {settings.DEFAULT_MAX_COST:g} (37 dB) "
                      f"for one-hot linear; {settings.OPTIMUM_MARGIN:g} x the least-squares optimum for "
                      "feature maps; a quarter of the colour-frequency entropy for logistic]"),
    click.option("--max-epochs", type=click.IntRange(min=1), default=None,
                 help="Stop here even if the cost is still above --max-cost. [default: "
                      f"{settings.MAX_EPOCHS:,} for linear, {settings.LOGISTIC_MAX_EPOCHS:,} for "
                      "logistic]"),
    click.option("--engine", type=click.Choice(settings.ENGINES), default=settings.ENGINES[0],
                 show_default=True, help="exact jumps in closed form (gd only); iterate runs every epoch."),
)

frames_option = click.option(
    "--frames", type=click.IntRange(2, settings.MAX_FRAMES), default=settings.FRAMES, show_default=True,
    help="About this many frames, evenly spread over the fall of the error.")
fps_option = click.option(
    "--fps", type=FiniteFloatRange(min=0, min_open=True, max=settings.MAX_FPS), default=settings.FPS,
    show_default=True, help="Animation frames per second.")
scale_option = click.option(
    "--scale", type=click.IntRange(min=1, max=settings.MAX_SCALE), default=1, show_default=True,
    help="Enlarge written frames this many times (nearest neighbour).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")


def _solver(ctx, param, value: str) -> str:
    """The old spelling --solver exact still works, with a note once the run is known to start."""
    if value == "exact":
        ctx.meta.setdefault("paintlr.notes", []).append("--solver exact is now --solver lstsq")
        return "lstsq"
    return value


def _check_writable(path: str, photo: str, hint: str) -> None:
    folder = Path(path).parent
    if not folder.is_dir():
        raise click.BadParameter(f"{path}: folder {folder} does not exist", param_hint=hint)
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"{path}: folder {folder} is not writable", param_hint=hint)
    if Path(path).is_dir():
        raise click.BadParameter(f"{path}: is a folder", param_hint=hint)
    if Path(path).exists() and Path(photo).exists() and Path(path).samefile(photo):
        raise click.BadParameter(f"{path}: refusing to overwrite the input", param_hint=hint)


def _check_outputs(outputs: tuple[str, ...], photo: str, animation_only: bool = False) -> list[str]:
    from .animation import frame_files, output_kind

    hint = "'-o' / '--output'"
    for out in outputs:
        try:
            kind = output_kind(out)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint=hint) from None
        if animation_only and kind != "animation":
            raise click.BadParameter(f"{out}: a sweep is an animation (.gif, .webp or .apng)",
                                     param_hint=hint)
        _check_writable(out, photo, hint)
        if kind == "sequence" and Path(photo).exists() and frame_files(out).fullmatch(Path(photo).name) \
                and Path(out).parent.resolve() == Path(photo).resolve().parent:
            raise click.BadParameter(f"{out}: frame files could overwrite the input", param_hint=hint)
    return list(outputs)


def _check_log(log_path: str | None, photo: str) -> None:
    if log_path is None:
        return
    if Path(log_path).suffix.lower() != ".csv":
        raise click.BadParameter(f"{log_path}: the log must be a .csv file", param_hint="'--log'")
    _check_writable(log_path, photo, "'--log'")


def _load(photo: str, size: int, background: str):
    from .image import load_image, parse_colour

    try:
        parse_colour(background)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--background'") from None
    return load_image(photo, size, background)


def _note(text: str) -> None:
    click.echo(f"paintlr: note: {text}", err=True)


class _LinearReport:
    """What the CLI shows of a linear painting: cost per channel, PSNR, distance from the optimum."""

    def __init__(self, painting, channels: int):
        self.optimal_cost = painting.optimal_cost
        self.columns = ["cost", *(f"cost_{c}" for c in ("L" if channels == 1 else "RGB")), "psnr_db",
                        "excess_cost"]

    def row(self, frame) -> tuple:
        return (frame.cost, *frame.channel_costs, frame.psnr, frame.cost - self.optimal_cost)

    def postfix(self, frame) -> str:
        return f"cost {frame.cost:.3g}, {frame.psnr:.1f} dB"

    def summary(self, frame) -> str:
        return f"cost {frame.cost:.3g} (optimum {self.optimal_cost:.3g}), PSNR {frame.psnr:.2f} dB"


class _PaletteReport:
    """What the CLI shows of a palette painting: cross-entropy per class and pixel accuracy."""

    def __init__(self, painting):
        classes = painting.palette.shape[0]
        self.columns = ["cost", *(f"cost_{k}" for k in range(1 if classes == 2 else classes)),
                        "accuracy"]

    def row(self, frame) -> tuple:
        return (frame.cost, *frame.channel_costs, frame.accuracy)

    def postfix(self, frame) -> str:
        return f"cost {frame.cost:.3g}, {100 * frame.accuracy:.1f} % right"

    def summary(self, frame) -> str:
        return f"cross-entropy {frame.cost:.3g}, {100 * frame.accuracy:.2f} % of pixels right"


@cli.command()
@image_options
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Output file, repeatable; the extension picks the format: .gif/.webp/.apng "
                   "animation, .png/.jpg final image, a name with %04d one file per frame. "
                   "[default: PHOTO's stem + .gif]")
@click.option("--model", type=click.Choice(settings.MODELS), default=settings.MODELS[0], show_default=True,
              help="linear regression of the colours, or a logistic classifier of palette colours.")
@click.option("--palette", type=click.IntRange(min=2, max=256), default=None,
              help=f"Colours in the palette (from the photo) for --model logistic. "
                   f"[default: {settings.DEFAULT_PALETTE}]")
@click.option("--soft", is_flag=True,
              help="--model logistic: paint the probability-weighted mix, not the likeliest colour.")
@features_option()
@feature_detail_options
@click.option("--render-size", type=click.IntRange(min=1, max=settings.MAX_RENDER_SIZE), default=None,
              help="Draw every frame at this many pixels on the long side from the continuous "
                   "feature model (coordinate features only).")
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
@click.option("--dither/--no-dither", default=False, show_default=True,
              help="Floyd-Steinberg dithering when reducing GIF frames to 256 colours.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, costs and PSNR (or accuracy) for every frame to this CSV.")
@quiet_option
def learn(photo, outputs, size, background, fps, scale, dither, log_path, quiet, **settings_) -> None:
    """Learn PHOTO by gradient descent and write the progress as an animation."""
    started = time.perf_counter()
    outputs = _check_outputs(outputs or (Path(photo).stem + ".gif",), photo)
    _check_log(log_path, photo)

    from .animation import Outputs
    from .image import to_uint8
    from .job import make_painting

    painting, notes = make_painting(_load(photo, size, background), **settings_)  # keeps no copy of it
    for text in [*click.get_current_context().meta.get("paintlr.notes", []), *notes]:
        _note(text)
    training = settings_["solver"] == "gd"
    if settings_["model"] == "linear":
        report, total = _LinearReport(painting, painting.shape[2]), painting.stop_epoch
    else:
        report, total = _PaletteReport(painting), None
    if training and painting.unstable:
        click.echo(f"paintlr: warning: learning rate {painting.learning_rate:g} is at or above the largest "
                   f"stable rate {painting.max_stable_learning_rate:.6g} for {settings_['optimizer']}; "
                   f"the cost will explode", err=True)
    last, count, interrupted = None, 0, False
    bar = _progress(total, quiet)
    with Outputs(outputs, fps=fps, scale=scale, dither=dither, reference=to_uint8(painting.goal()),
                 log=log_path, columns=report.columns) as out:
        try:
            for frame in painting:
                out.add(to_uint8(frame.image), (frame.epoch, *report.row(frame)))
                count += 1
                bar.update(frame.epoch - bar.n)
                bar.set_postfix_str(report.postfix(frame), refresh=False)
                last = (frame.epoch, frame.cost, report.summary(frame))
                del frame  # the next frame is computed without this one's image held here
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
        if last is None:
            raise click.exceptions.Abort()
        written = out.commit()
    epoch, cost, summary = last
    if painting.truncated:
        click.echo(f"paintlr: warning: stopped at {settings.MAX_FRAMES} frames; use a larger --burst",
                   err=True)
    elif not interrupted and training and cost >= painting.max_cost:
        click.echo(f"paintlr: warning: stopped at --max-epochs {painting.max_epochs:,} with cost "
                   f"{cost:.3g} still above --max-cost {painting.max_cost:g}", err=True)
    if not quiet:
        shown = written if len(written) <= 3 else [*written[:2], f"... ({len(written)} files)"]
        what = f"{epoch:,} epochs" if training else "least-squares solution"
        click.echo(f"{what}, {summary}, {time.perf_counter() - started:.2f} s, "
                   f"{count} frames -> {', '.join(shown)}")
    if interrupted:
        click.echo("paintlr: interrupted; wrote the frames learned so far", err=True)
        sys.exit(EXIT_INTERRUPTED)


@cli.command()
@image_options
@features_option()
@feature_detail_options
@learning_rate_option()
@optimizer_option()
@training_options
def info(photo, size, background, **settings_) -> None:
    """Show PHOTO's working size, the stable learning rates, and how long learning will take."""
    target = _load(photo, size, background)

    from .forecast import CLOSED_FORM, NOT_PREDICTED, forecast
    from .job import make_painting
    from .numerics import psnr

    painting, notes = make_painting(target, **settings_)
    for text in notes:
        _note(text)
    h, w, c = target.shape
    model = painting.model
    learning_rate, max_cost = painting.learning_rate, painting.max_cost
    lines = [
        f"image          {photo}: {w} x {h} = {w * h:,} pixels, {c} channel{'s' * (c > 1)}",
        f"design         {painting.design.feature_map or 'one-hot'!s}, "
        f"{painting.design.n_features + 1:,} weights per channel",
        f"optimizer      {model.optimizer}"
        + (f", batch size {model.batch_size}" if model.optimizer == "sgd" else "")
        + (f", momentum {model.momentum:g}" if model.optimizer == "momentum" else ""),
        f"stable rates   learning rate < {painting.max_stable_learning_rate:.6g}",
        f"best possible  cost {painting.optimal_cost:.3g} (least-squares optimum, "
        f"{psnr(painting.optimal_cost):.1f} dB)",
    ]
    f = forecast(painting)
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


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    if seconds < 172800:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 86400:.3g} days"


@cli.command()
@image_options
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Animation to write (.gif, .webp or .apng). [default: PHOTO's stem + -sweep.gif]")
@learning_rate_option(multiple=True)
@optimizer_option(multiple=True)
@features_option(multiple=True)
@feature_detail_options
@training_options
@frames_option
@fps_option
@scale_option
@quiet_option
def sweep(photo, size, background, output, learning_rates, optimizers, feature_names, degree, n_features,
          sigma, frames, fps, scale, quiet, engine, **common) -> None:
    """Compare learning rates, optimizers and designs side by side in one animation of PHOTO."""
    started = time.perf_counter()
    output = output or Path(photo).stem + "-sweep.gif"
    _check_outputs((output,), photo, animation_only=True)
    target = _load(photo, size, background)

    from .animation import Outputs
    from .panels import compose, compose_rows
    from .sweep import Sweep, sweep_runs

    runs, notes = sweep_runs(target.shape, features=feature_names, optimizers=optimizers,
                             learning_rates=learning_rates, degree=degree, n_features=n_features, sigma=sigma,
                             seed=common["seed"])
    for text in notes:
        _note(text)
    comparison = Sweep(target, runs, frames=frames, engine=engine, **common)
    reference = compose_rows(comparison.goal_panels(), scale)
    panels, count, interrupted = None, 0, False
    with Outputs([output], fps=fps, reference=reference) as out:
        try:
            for panels in comparison:
                out.add(compose(panels, scale))
                count += 1
        except KeyboardInterrupt:
            if panels is None:
                raise
            interrupted = True
        out.commit()
    if interrupted:
        click.echo("paintlr: interrupted; wrote the frames so far", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not quiet:
        states = ", ".join(f"{p.label}: {p.status} at epoch {p.frame.epoch:,}"
                           + ("" if p.status == "diverged" else f", {p.frame.psnr:.1f} dB") for p in panels)
        click.echo(f"{count} frames, {time.perf_counter() - started:.2f} s -> {output} ({states})")


def _progress(total: int | None, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="epoch", unit_scale=True, disable=True if quiet else None, leave=False,
                dynamic_ncols=True, file=sys.stderr)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="paintlr")
