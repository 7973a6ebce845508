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


class PaintlrGroup(click.Group):
    """A click group whose every error is one line on stderr, without a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
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


def _check_outputs(outputs: tuple[str, ...], photo: str) -> list[str]:
    from .animation import output_kind

    for out in outputs:
        try:
            output_kind(out)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from None
        folder = Path(out).parent
        if not folder.is_dir():
            raise click.BadParameter(f"{out}: folder {folder} does not exist", param_hint="'-o'")
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"{out}: folder {folder} is not writable", param_hint="'-o'")
        if Path(out).exists() and Path(photo).exists() and Path(out).samefile(photo):
            raise click.BadParameter(f"{out}: refusing to overwrite the input", param_hint="'-o'")
    return list(outputs)


@cli.command()
@click.argument("photo", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Output file, repeatable; the extension picks the format: .gif/.webp/.apng "
                   "animation, .png/.jpg final image, a name with %04d one file per frame. "
                   "[default: PHOTO's stem + .gif]")
@click.option("--size", type=click.IntRange(min=1), default=256, show_default=True,
              help="Shrink the long side to this many pixels (never enlarges).")
@click.option("--background", default="white", show_default=True,
              help="Colour under transparent pixels (a name or #rrggbb).")
@click.option("--init", type=click.Choice(["zeros", "mean", "random"]), default="zeros",
              show_default=True, help="Starting weights: black, flat mean colour, or noise.")
@click.option("--seed", type=int, default=None, help="Random seed for --init random.")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), default=0.05,
              show_default=True, help="Gradient-descent learning rate (step = rate / pixels).")
@click.option("--max-cost", type=click.FloatRange(min=0, min_open=True), default=1e-4,
              show_default=True, help="Stop when the cost falls below this (1e-4 is about 37 dB).")
@click.option("--max-epochs", type=click.IntRange(min=1), default=10**9, show_default=True,
              help="Stop here even if the cost is still above --max-cost.")
@click.option("--frames", type=click.IntRange(min=2), default=60, show_default=True,
              help="About this many frames, evenly spread over the fall of the error.")
@click.option("--burst", type=click.IntRange(min=1), default=None,
              help="Fixed bursts of this many epochs per frame instead (as in the seed).")
@click.option("--engine", type=click.Choice(["auto", "exact", "iterate"]), default="auto",
              show_default=True, help="exact jumps in closed form; iterate runs every epoch.")
@click.option("--fps", type=click.FloatRange(min=0, min_open=True, max=100), default=20,
              show_default=True, help="Animation frames per second.")
@click.option("--scale", type=click.IntRange(min=1, max=64), default=1, show_default=True,
              help="Enlarge written frames this many times (nearest neighbour).")
@click.option("--dither/--no-dither", default=False, show_default=True,
              help="Floyd-Steinberg dithering when reducing GIF frames to 256 colours.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="Write epoch, cost per channel and PSNR for every frame to this CSV.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def learn(photo, outputs, size, background, init, seed, learning_rate, max_cost, max_epochs,
          frames, burst, engine, fps, scale, dither, log_path, quiet) -> None:
    """Learn PHOTO with one-hot linear regression and write the progress as an animation."""
    started = time.perf_counter()
    outputs = _check_outputs(outputs or (Path(photo).stem + ".gif",), photo)
    if log_path is not None:
        _check_outputs((), photo)
        if Path(log_path).suffix.lower() != ".csv":
            raise click.BadParameter(f"{log_path}: the log must be a .csv file", param_hint="'--log'")
        if not os.access(Path(log_path).parent, os.W_OK):
            raise click.BadParameter(f"{log_path}: folder is not writable", param_hint="'--log'")
    try:
        from .image import parse_colour

        parse_colour(background)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--background'") from None

    from .animation import write_outputs
    from .image import load_image, to_uint8
    from .painting import Painting

    target = load_image(photo, size, background)
    painting = Painting(target, learning_rate=learning_rate, init=init, seed=seed,
                        max_cost=max_cost, max_epochs=max_epochs, frames=frames, burst=burst,
                        engine=engine)
    if learning_rate >= painting.max_stable_learning_rate:
        click.echo(f"paintlr: warning: learning rate {learning_rate:g} is at or above the largest "
                   f"stable rate {painting.max_stable_learning_rate:.6g}; the cost will explode",
                   err=True)
    images, rows, interrupted = [], [], False
    bar = _progress(painting.planned_epochs, quiet)
    try:
        for frame in painting:
            images.append(to_uint8(frame.image))
            rows.append((frame.epoch, frame.cost, *frame.channel_costs, frame.psnr))
            bar.update(frame.epoch - bar.n)
            bar.set_postfix_str(f"cost {frame.cost:.3g}, {frame.psnr:.1f} dB", refresh=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    if not images:
        raise click.exceptions.Abort()
    written = write_outputs(outputs, images, fps=fps, scale=scale, dither=dither)
    if log_path is not None:
        _write_log(log_path, rows, target.shape[2])
        written.append(log_path)
    epoch, cost, psnr = rows[-1][0], rows[-1][1], rows[-1][-1]
    if not interrupted and cost >= max_cost:
        click.echo(f"paintlr: warning: stopped at --max-epochs {max_epochs} with cost {cost:.3g} "
                   f"still above --max-cost {max_cost:g}", err=True)
    if not quiet:
        shown = written if len(written) <= 3 else [*written[:2], f"... ({len(written)} files)"]
        click.echo(f"{epoch:,} epochs, cost {cost:.3g}, PSNR {psnr:.2f} dB, "
                   f"{time.perf_counter() - started:.2f} s, {len(images)} frames -> "
                   f"{', '.join(shown)}")
    if interrupted:
        click.echo("paintlr: interrupted; wrote the frames learned so far", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _progress(total: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="epoch", unit_scale=True, disable=quiet, leave=False,
                dynamic_ncols=True, file=sys.stderr)


def _write_log(path: str, rows: list[tuple], channels: int) -> None:
    import csv
    import io

    from .animation import atomic_save

    names = ["L"] if channels == 1 else ["R", "G", "B"]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["epoch", "cost", *(f"cost_{c}" for c in names), "psnr_db"])
    for epoch, *values in rows:
        out.writerow([epoch, *(f"{v:.9g}" for v in values)])
    atomic_save(path, lambda tmp: Path(tmp).write_text(buf.getvalue()))


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="paintlr")
