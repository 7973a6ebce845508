"""The flags the commands share, each declared once, and their parameter types.

Choice lists and defaults come from paintlr.settings. Nothing here imports numpy or Pillow,
so that `paintlr --help` is instant.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from .. import settings


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses nan and infinity."""

    def convert(self, value, param, ctx):
        value = super().convert(value, param, ctx)
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(f"{value} is not a finite number.", param, ctx)
        return value


def flag(option: str, command: click.Command | None = None) -> str:
    """The flag of a library keyword as `command` (by default the running one) declares it (pairs:
    --run), else as it is spelt (max_cost: --max-cost)."""
    if command is None and (ctx := click.get_current_context(silent=True)) is not None:
        command = ctx.command
    for param in getattr(command, "params", ()):
        if param.name == option and isinstance(param, click.Option):
            return max(param.opts, key=len)
    return "--" + option.replace("_", "-")


DEFAULTED_AS_NONE = ("momentum", "batch_size", "degree", "n_features", "sigma", "frames")


def as_given(values: dict) -> dict:
    """The command's `values` with each of DEFAULTED_AS_NONE the user did not give as None, so that
    the library tells a setting given (that may be refused as changing nothing) from its default."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    return {k: None if k in DEFAULTED_AS_NONE and ctx.get_parameter_source(k) in
            (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP) else v for k, v in values.items()}


class PaintlrCommand(click.Command):
    """A command whose summary in `paintlr --help` is its whole first sentence, not cut at 45 characters."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        return " ".join((self.help or "").split("\n\n")[0].split())


def command(**attrs) -> Callable[[Callable], click.Command]:
    """A paintlr command: `@command()` on a function, as `@click.command()`, with whole summaries."""
    return click.command(cls=PaintlrCommand, **attrs)


def combine(*decorators: Callable) -> Callable[[Callable], Callable]:
    """Several click decorators as one, applied in the order written."""

    def apply(f):
        for d in reversed(decorators):
            f = d(f)
        return f
    return apply


POSITIVE = FiniteFloatRange(min=0, min_open=True)

image_options = combine(
    click.argument("photo", type=click.Path(exists=True, dir_okay=False)),
    click.option("--size", type=click.IntRange(min=1), default=settings.SIZE, show_default=True,
                 help="Shrink the long side to this many pixels (never enlarges)."),
    click.option("--background", default=settings.BACKGROUND, show_default=True,
                 help="Colour under transparent pixels (a name or #rrggbb)."),
)


def features_option(multiple: bool = False) -> Callable[[Callable], Callable]:
    return click.option(
        "--features", "feature_names" if multiple else "features", type=click.Choice(settings.FEATURES),
        multiple=multiple, default=() if multiple else settings.FEATURES[0], show_default=not multiple,
        help="Samples: one-hot pixels (the seed's), or a feature map of (x, y): the raw coordinates, "
             "Legendre polynomials, random Fourier features or a cosine grid."
             + (" Repeatable. [default: onehot]" if multiple else ""))


feature_detail_options = combine(
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


def once(ctx, param, values: tuple):
    """The one value of an option taken once (None if not given); given twice, a usage error, not
    the last one kept silently."""
    if len(values) > 1:
        raise click.BadParameter(f"given twice ({', '.join(map(str, values))}): give one", ctx, param)
    return values[0] if values else None


def learning_rate_option(multiple: bool = False, default: str = PHOTO_RATES,
                         best: bool = True) -> Callable[[Callable], Callable]:
    return click.option(
        "--learning-rate", "learning_rates" if multiple else "learning_rate",
        type=OrBest(POSITIVE) if best else POSITIVE, multiple=True, default=(),
        callback=None if multiple else once,
        help="Gradient-descent learning rate; the GD step is rate / samples"
             + ("; best: the fastest for the design (see info)" if best else "")
             + f". [default: {default}]" + (" Repeatable: one panel per rate." if multiple else ""))


def optimizer_option(multiple: bool = False) -> Callable[[Callable], Callable]:
    return click.option(
        "--optimizer", "optimizers" if multiple else "optimizer", type=click.Choice(settings.OPTIMIZERS),
        multiple=multiple, default=() if multiple else settings.OPTIMIZERS[0], show_default=not multiple,
        help="Batch GD (the seed's), shuffled SGD, heavy-ball momentum or Nesterov's."
             + (" Repeatable. [default: gd]" if multiple else ""))


def max_epochs_option(help: str) -> Callable[[Callable], Callable]:
    """--max-epochs, from 1 to settings.EPOCHS_LIMIT, for every command that trains."""
    return click.option("--max-epochs", type=click.IntRange(1, settings.EPOCHS_LIMIT), default=None,
                        help=help)


training_options = combine(
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


model_options = combine(
    click.option("--model", type=click.Choice(settings.MODELS), default=settings.MODELS[0], show_default=True,
                 help="linear regression of the colours, or a logistic classifier of palette colours."),
    click.option("--palette", type=click.IntRange(min=2, max=256), default=None,
                 help=f"Colours in the palette (from the photo) for --model logistic. "
                      f"[default: {settings.DEFAULT_PALETTE}]"),
    click.option("--soft", is_flag=True,
                 help="--model logistic: paint the probability-weighted mix, not the likeliest colour."),
)



table_options = combine(
    click.argument("data", required=False, type=click.Path(exists=True, dir_okay=False)),
    click.option("--example", type=click.Choice(settings.EXAMPLES), default=None,
                 help="Use a bundled table instead of DATA: the seed notebook's five points, the "
                      "student-admission data, or Fisher's iris (two petal measurements)."),
    click.option("--x", "x_columns", multiple=True, metavar="COL",
                 help="A feature column, by name or 0-based index; repeatable. [default: all but --y]"),
    click.option("--y", "y_column", default=None, metavar="COL",
                 help="The column to predict, by name or 0-based index. [default: the last]"),
)

