"""The paintlr command line: parse flags, call the library, report. No math here.

numpy and Pillow are imported inside the commands so that `paintlr --help` is instant.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import PaintlrError

EXIT_INTERRUPTED = 130
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2
MAX_FRAMES = 2000  # frames are held in memory until the animation is written


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses nan and infinity."""

    def convert(self, value, param, ctx):
        value = super().convert(value, param, ctx)
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(f"{value} is not a finite number.", param, ctx)
        return value


class PaintlrGroup(click.Group):
    """A click group whose every error is one line on stderr, without a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NO_ARGS_IS_HELP as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = exc.exit_code
        except click.exceptions.Abort:
            click.echo("paintlr: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except click.ClickException as exc:
            click.echo(f"paintlr: {exc.format_message()}", err=True)
            code = exc.exit_code
        except PaintlrError as exc:
            click.echo(f"paintlr: error: {exc}", err=True)
            code = 1
        except KeyboardInterrupt:
            click.echo("paintlr: interrupted", err=True)
            code = EXIT_INTERRUPTED
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


image_options = _options(
    click.argument("photo", type=click.Path(dir_okay=False)),
    click.option("--size", type=click.IntRange(min=1), default=256, show_default=True,
                 help="Shrink the long side to this many pixels (never enlarges)."),
    click.option("--background", default="white", show_default=True,
                 help="Colour under transparent pixels (a name or #rrggbb)."),
)

training_options = _options(
    click.option("--init", type=click.Choice(["zeros", "mean", "random"]), default="zeros",
                 show_default=True, help="Starting weights: black, flat mean colour, or noise."),
    click.option("--seed", type=int, default=None,
                 help="Random seed for --init random and the SGD shuffle."),
    click.option("--optimizer", type=click.Choice(["gd", "sgd", "momentum"]), default="gd",
                 show_default=True, help="Batch GD (the seed's), shuffled SGD, or heavy-ball momentum."),
    click.option("--batch-size", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Samples per SGD step (1 = per-sample SGD)."),
    click.option("--momentum", type=FiniteFloatRange(0, 1, max_open=True), default=0.9,
                 show_default=True, help="Momentum coefficient for --optimizer momentum."),
    click.option("--max-cost", type=FiniteFloatRange(min=0, min_open=True), default=None,
                 help="Stop when the cost falls below this. [default: 1e-4 (37 dB) for one-hot "
                      "linear; 1.1 x the least-squares optimum for feature maps; a quarter of the "
                      "colour-frequency entropy for logistic]"),
    click.option("--max-epochs", type=click.IntRange(min=1), default=None,
                 help="Stop here even if the cost is still above --max-cost. "
                      "[default: 10^9 for linear, 10^6 for logistic]"),
    click.option("--engine", type=click.Choice(["auto", "exact", "iterate"]), default="auto",
                 show_default=True, help="exact jumps in closed form (gd only); iterate runs every epoch."),
)

feature_options = _options(
    click.option("--features", type=click.Choice(["onehot", "xy", "poly", "fourier", "cosine"]),
                 default="onehot", show_default=True,
                 help="Samples: one-hot pixels (the seed's), or a feature map of (x, y): the raw "
                      "coordinates, Legendre polynomials, random Fourier features or a cosine grid."),
    click.option("--degree", type=click.IntRange(1, 90), default=30, show_default=True,
                 help="Polynomial degree for --features poly."),
    click.option("--n-features", type=click.IntRange(2, 8192), default=3072, show_default=True,
                 help="Feature count for --features fourier (even) and cosine."),
    click.option("--sigma", type=FiniteFloatRange(min=0, min_open=True), default=16.0, show_default=True,
                 help="Spread of the random frequencies for --features fourier, in cycles per image width."),
)

learning_rate_option = click.option(
    "--learning-rate", type=FiniteFloatRange(min=0, min_open=True), default=None,
    help="Gradient-descent learning rate; the GD step is rate / samples. [default: 0.05, the seed's, "
         "for one-hot linear; half the stable limit for feature maps; 3/4 of it for logistic]")


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


def _check_outputs(outputs: tuple[str, ...], photo: str) -> list[str]:
    from .animation import frame_files, output_kind

    hint = "'-o' / '--output'"
    for out in outputs:
        try:
            kind = output_kind(out)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint=hint) from None
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


def _feature_map(features: str, degree: int, n_features: int, sigma: float, seed: int | None,
                 shape: tuple[int, ...]):
    """The feature map the flags ask for, or None for the one-hot design."""
    from .features import CosineFeatures, FourierFeatures, PolynomialFeatures, XYFeatures

    h, w = shape[:2]
    if features == "onehot":
        return None
    if features == "xy":
        return XYFeatures()
    if features == "poly":
        return PolynomialFeatures(degree, aspect=h / w)
    if features == "fourier" and n_features % 2:
        raise click.BadParameter(f"--features fourier needs an even count (cosines and sines), "
                                 f"not {n_features}", param_hint="'--n-features'")
    most = (h * w - 1) // 2 * 2  # beyond one feature per pixel, more only slows the solve
    if n_features > most >= 2:
        click.echo(f"paintlr: note: {n_features} features are more than the {h * w} pixels; "
                   f"using {most}", err=True)
        n_features = most
    if features == "cosine":
        return CosineFeatures(n_features, aspect=h / w, grid=(h, w))
    return FourierFeatures(n_features, sigma, seed=0 if seed is None else seed)


def _painting(target, fmap, learning_rate, init, seed, optimizer, batch_size, momentum, max_cost,
              max_epochs, engine, frames=60, burst=None, render=None):
    from .painting import Painting

    if engine == "exact" and optimizer != "gd":
        raise click.BadParameter(f"the exact engine needs --optimizer gd, not {optimizer}",
                                 param_hint="'--engine'")
    design = None if fmap is None else fmap.design(*target.shape[:2])
    return Painting(target, design=design, learning_rate=learning_rate, init=init, seed=seed,
                    max_cost=max_cost, max_epochs=max_epochs or 10**9, frames=frames, burst=burst,
                    engine=engine, optimizer=optimizer, batch_size=batch_size, momentum=momentum,
                    render=render)


def _renderer(fmap, render_size: int | None, shape: tuple[int, ...]):
    """Draw frames from the continuous feature model at render_size pixels on the long side."""
    if render_size is None:
        return None
    if fmap is None:
        raise click.BadParameter("needs a coordinate feature map (--features xy, poly, fourier or "
                                 "cosine): one-hot weights have no pixels in between",
                                 param_hint="'--render-size'")
    h, w, c = shape
    scale = render_size / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    grid = fmap.design(*size)
    return lambda model: model.score(grid).reshape(*size, c)


def _warn_unstable(painting, learning_rate: float, optimizer: str) -> None:
    limit = painting.max_stable_learning_rate
    if learning_rate >= limit:
        click.echo(f"paintlr: warning: learning rate {learning_rate:g} is at or above the largest "
                   f"stable rate {limit:.6g} for {optimizer}; the cost will explode", err=True)


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
@click.option("--model", type=click.Choice(["linear", "logistic"]), default="linear", show_default=True,
              help="linear regression of the colours, or a logistic classifier of palette colours.")
@click.option("--palette", type=click.IntRange(min=2, max=256), default=None,
              help="Colours in the palette (from the photo) for --model logistic. [default: 8]")
@click.option("--soft", is_flag=True,
              help="--model logistic: paint the probability-weighted mix, not the likeliest colour.")
@feature_options
@click.option("--render-size", type=click.IntRange(min=1, max=8192), default=None,
              help="Draw every frame at this many pixels on the long side from the continuous "
                   "feature model (coordinate features only).")
@learning_rate_option
@training_options
@click.option("--solver", type=click.Choice(["gd", "exact"]), default="gd", show_default=True,
              help="gd trains frame by frame; exact writes the least-squares optimum directly.")
@click.option("--frames", type=click.IntRange(2, MAX_FRAMES), default=60, show_default=True,
              help="About this many frames, evenly spread over the fall of the error.")
@click.option("--burst", type=click.IntRange(min=1), default=None,
              help="Fixed bursts of this many epochs per frame instead (as in the seed).")
@click.option("--fps", type=FiniteFloatRange(min=0, min_open=True, max=100), default=20,
              show_default=True, help="Animation frames per second.")
@click.option("--scale", type=click.IntRange(min=1, max=64), default=1, show_default=True,
              help="Enlarge written frames this many times (nearest neighbour).")
@click.option("--dither/--no-dither", default=False, show_default=True,
              help="Floyd-Steinberg dithering when reducing GIF frames to 256 colours.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, costs and PSNR (or accuracy) for every frame to this CSV.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def learn(photo, outputs, size, background, model, palette, soft, features, degree, n_features, sigma,
          render_size, learning_rate, init, seed, optimizer, batch_size, momentum, max_cost, max_epochs,
          engine, solver, frames, burst, fps, scale, dither, log_path, quiet) -> None:
    """Learn PHOTO by gradient descent and write the progress as an animation."""
    started = time.perf_counter()
    outputs = _check_outputs(outputs or (Path(photo).stem + ".gif",), photo)
    _check_log(log_path, photo)
    target = _load(photo, size, background)

    from .animation import write_outputs
    from .image import to_uint8

    fmap = _feature_map(features, degree, n_features, sigma, seed, target.shape)
    render = _renderer(fmap, render_size, target.shape)
    if model == "linear":
        for flag, given in (("--palette", palette is not None), ("--soft", soft)):
            if given:
                raise click.BadParameter("is for --model logistic", param_hint=f"'{flag}'")
    if solver == "exact":
        for flag, given in (("--optimizer", optimizer != "gd"), ("--engine", engine == "iterate"),
                            ("--burst", burst is not None)):
            if given:
                raise click.BadParameter("has no effect with --solver exact, which trains nothing",
                                         param_hint=f"'{flag}'")
    if model == "logistic":
        if render is not None:
            raise click.BadParameter("is for --model linear", param_hint="'--render-size'")
        painting = _palette_painting(target, fmap, palette, soft, learning_rate, seed, optimizer,
                                     max_cost, max_epochs, engine, solver, frames, burst)
        report = _PaletteReport(painting)
        total = None
    else:
        painting = _painting(target, fmap, learning_rate, init, seed, optimizer, batch_size, momentum,
                             max_cost, max_epochs, engine, frames, burst, render)
        report = _LinearReport(painting, target.shape[2])
        total = painting.planned_epochs
        if solver == "gd" and not painting.max_cost > painting.optimal_cost:
            raise click.BadParameter(
                f"{painting.max_cost:g} is out of reach: the best this design can do is cost "
                f"{painting.optimal_cost:.4g}", param_hint="'--max-cost'")
        if solver == "gd" and burst is not None and total and total // burst > MAX_FRAMES:
            raise click.BadParameter(
                f"--burst {burst} would make about {total // burst:,} frames (the run needs "
                f"{total:,} epochs); use a larger --burst", param_hint="'--burst'")
    if solver == "gd":
        _warn_unstable(painting, painting.learning_rate, optimizer)
    images, rows, interrupted = [], [], False
    bar = _progress(total, quiet)
    try:
        for frame in [painting.optimum()] if solver == "exact" else painting:
            image, row = to_uint8(frame.image), (frame.epoch, *report.row(frame))
            images.append(image)
            rows.append(row)
            bar.update(frame.epoch - bar.n)
            bar.set_postfix_str(report.postfix(frame), refresh=False)
            if len(images) == MAX_FRAMES and frame.cost >= painting.max_cost:
                click.echo(f"paintlr: warning: stopping at {MAX_FRAMES} frames (they are held in "
                           f"memory); use a larger --burst", err=True)
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    if not images:
        raise click.exceptions.Abort()
    written = write_outputs(outputs, images, fps=fps, scale=scale, dither=dither)
    if log_path is not None:
        _write_log(log_path, report.columns, rows)
        written.append(log_path)
    if not interrupted and solver == "gd" and frame.cost >= painting.max_cost:
        click.echo(f"paintlr: warning: stopped at --max-epochs {painting.max_epochs:,} with cost "
                   f"{frame.cost:.3g} still above --max-cost {painting.max_cost:g}", err=True)
    if not quiet:
        shown = written if len(written) <= 3 else [*written[:2], f"... ({len(written)} files)"]
        what = "least-squares solution" if solver == "exact" else f"{frame.epoch:,} epochs"
        click.echo(f"{what}, {report.summary(frame)}, {time.perf_counter() - started:.2f} s, "
                   f"{len(images)} frames -> {', '.join(shown)}")
    if interrupted:
        click.echo("paintlr: interrupted; wrote the frames learned so far", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _palette_painting(target, fmap, palette, soft, learning_rate, seed, optimizer, max_cost,
                      max_epochs, engine, solver, frames, burst):
    from .palette_painting import PalettePainting

    for flag, value, allowed in (("--optimizer", optimizer, "gd"), ("--engine", engine, "auto"),
                                 ("--solver", solver, "gd")):
        if value != allowed:
            raise click.BadParameter(f"--model logistic trains by batch gradient descent only "
                                     f"({flag} {value})", param_hint=f"'{flag}'")
    design = None if fmap is None else fmap.design(*target.shape[:2])
    return PalettePainting(target, palette=palette or 8, soft=soft, learning_rate=learning_rate,
                           max_cost=max_cost, max_epochs=max_epochs or 10**6, frames=frames,
                           burst=burst, seed=0 if seed is None else seed, design=design)


@cli.command()
@image_options
@feature_options
@learning_rate_option
@training_options
def info(photo, size, background, features, degree, n_features, sigma, learning_rate, init, seed,
         optimizer, batch_size, momentum, max_cost, max_epochs, engine) -> None:
    """Show PHOTO's working size, the stable learning rates, and how long learning will take."""
    target = _load(photo, size, background)
    fmap = _feature_map(features, degree, n_features, sigma, seed, target.shape)
    painting = _painting(target, fmap, learning_rate, init, seed, optimizer, batch_size, momentum,
                         max_cost, max_epochs, engine)

    from .forecast import epochs_to_threshold, seconds_per_epoch, seconds_per_jump
    from .painting import psnr

    h, w, c = target.shape
    learning_rate, max_cost, max_epochs = painting.learning_rate, painting.max_cost, painting.max_epochs
    limit = painting.max_stable_learning_rate
    epochs, exact = epochs_to_threshold(painting)
    lines = [
        f"image          {photo}: {w} x {h} = {w * h:,} pixels, {c} channel{'s' * (c > 1)}",
        f"design         {'one-hot' if fmap is None else repr(fmap)}, "
        f"{painting.design.n_features + 1:,} weights per channel",
        f"optimizer      {optimizer}" + (f", batch size {batch_size}" if optimizer == "sgd" else "")
        + (f", momentum {momentum:g}" if optimizer == "momentum" else ""),
        f"stable rates   learning rate < {limit:.6g}",
        f"best possible  cost {painting.optimal_cost:.3g} (least-squares optimum, "
        f"{psnr(painting.optimal_cost):.1f} dB)",
    ]
    if learning_rate >= limit:
        lines.append(f"learning rate  {learning_rate:g}: at or above the limit, the cost explodes")
    elif epochs is None and not exact:
        lines.append(f"learning rate  {learning_rate:g}: epochs to cost {max_cost:g} not predicted "
                     f"for {optimizer} on this design")
    elif epochs is None:
        lines.append(f"learning rate  {learning_rate:g}: does not reach cost {max_cost:g} "
                     f"within {max_epochs:,} epochs")
    else:
        per_epoch = seconds_per_epoch(painting)
        lines.append(f"learning rate  {learning_rate:g}: {'' if exact else 'about '}{epochs:,} epochs "
                     f"to cost {max_cost:g} ({psnr(max_cost):.1f} dB)")
        lines.append(f"iterate        {per_epoch * 1e3:.3g} ms per epoch, about "
                     f"{_duration(per_epoch * epochs)} to the threshold")
        if optimizer == "gd" and engine != "iterate":
            lines.append(f"exact engine   {seconds_per_jump(painting) * 1e3:.3g} ms per frame, "
                         f"any number of epochs")
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
@click.option("--learning-rate", "learning_rates", type=FiniteFloatRange(min=0, min_open=True),
              multiple=True, help="A learning rate to compare; repeatable. [default: 0.05 0.5 2.5 for "
                                  "one-hot alone, else each design's own default]")
@click.option("--optimizer", "optimizers", type=click.Choice(["gd", "sgd", "momentum"]),
              multiple=True, help="An optimizer to compare; repeatable. [default: gd]")
@click.option("--features", "feature_names",
              type=click.Choice(["onehot", "xy", "poly", "fourier", "cosine"]), multiple=True,
              help="A design to compare; repeatable. [default: onehot]")
@click.option("--degree", type=click.IntRange(1, 90), default=30, show_default=True,
              help="Polynomial degree for --features poly.")
@click.option("--n-features", type=click.IntRange(2, 8192), default=3072, show_default=True,
              help="Feature count for --features fourier (even) and cosine.")
@click.option("--sigma", type=FiniteFloatRange(min=0, min_open=True), default=16.0, show_default=True,
              help="Spread of the random frequencies for --features fourier, in cycles per image width.")
@click.option("--init", type=click.Choice(["zeros", "mean", "random"]), default="zeros",
              show_default=True, help="Starting weights for every run.")
@click.option("--seed", type=int, default=None, help="Random seed (--init random, SGD shuffle).")
@click.option("--batch-size", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--momentum", type=FiniteFloatRange(0, 1, max_open=True), default=0.9, show_default=True)
@click.option("--max-cost", type=FiniteFloatRange(min=0, min_open=True), default=None,
              help="[default: each design's own, as for learn]")
@click.option("--max-epochs", type=click.IntRange(min=1), default=10**9, show_default=True)
@click.option("--frames", type=click.IntRange(2, MAX_FRAMES), default=60, show_default=True)
@click.option("--fps", type=FiniteFloatRange(min=0, min_open=True, max=100), default=20, show_default=True)
@click.option("--scale", type=click.IntRange(min=1, max=64), default=1, show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def sweep(photo, size, background, output, learning_rates, optimizers, feature_names, degree,
          n_features, sigma, init, seed, batch_size, momentum, max_cost, max_epochs, frames, fps, scale,
          quiet) -> None:
    """Compare learning rates, optimizers and designs side by side in one animation of PHOTO."""
    started = time.perf_counter()
    output = output or Path(photo).stem + "-sweep.gif"
    _check_outputs((output,), photo)
    from .animation import output_kind

    if output_kind(output) != "animation":
        raise click.BadParameter(f"{output}: a sweep is an animation (.gif, .webp or .apng)",
                                 param_hint="'-o'")
    target = _load(photo, size, background)

    from .animation import write_animation
    from .panels import compose
    from .sweep import sweep as run_sweep

    feature_names = feature_names or ("onehot",)
    if not learning_rates:
        learning_rates = (0.05, 0.5, 2.5) if feature_names == ("onehot",) else (None,)
    optimizers = optimizers or ("gd",)
    runs = []
    for name in feature_names:
        fmap = _feature_map(name, degree, n_features, sigma, seed, target.shape)
        design = None if fmap is None else fmap.design(*target.shape[:2])
        for opt in optimizers:
            for lr in learning_rates:
                parts = [name if len(feature_names) > 1 else "",
                         opt if len(optimizers) > 1 or len(learning_rates) > 1 else "",
                         f"lr {lr:g}" if lr is not None and len(learning_rates) > 1 else ""]
                label = " ".join(p for p in parts if p) or f"{name} {opt}"
                runs.append((label, {"learning_rate": lr, "optimizer": opt, "design": design}))
    common = dict(init=init, seed=seed, max_cost=max_cost, batch_size=batch_size, momentum=momentum)
    images, panels, interrupted = [], [], False
    try:
        for panels in run_sweep(target, runs, frames=frames, max_epochs=max_epochs, **common):
            images.append(compose(panels, scale))
    except KeyboardInterrupt:
        if not images:
            raise
        interrupted = True
    write_animation(output, images, fps=fps)
    if interrupted:
        click.echo("paintlr: interrupted; wrote the frames so far", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not quiet:
        states = ", ".join(f"{p.label}: {p.status} at epoch {p.epoch:,}"
                           + ("" if p.status == "diverged" else f", {p.psnr:.1f} dB") for p in panels)
        click.echo(f"{len(images)} frames, {time.perf_counter() - started:.2f} s -> {output} ({states})")


def _progress(total: int | None, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="epoch", unit_scale=True, disable=True if quiet else None, leave=False,
                dynamic_ncols=True, file=sys.stderr)


def _write_log(path: str, columns: list[str], rows: list[tuple]) -> None:
    import csv
    import io

    from .animation import atomic_save

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["epoch", *columns])
    for epoch, *values in rows:
        out.writerow([epoch, *(f"{v:.9g}" for v in values)])
    atomic_save(path, lambda tmp: Path(tmp).write_text(buf.getvalue()))


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="paintlr")
