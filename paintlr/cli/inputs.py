"""The checks the commands make of their inputs and outputs before any work, each refusal a
usage error naming its flag; and the photo or table loaded."""

from __future__ import annotations

from pathlib import Path

import click


def default_output(source: str, suffix: str) -> str:
    """The output written when none is given: the source's stem + `suffix`."""
    from ..outputs import default_output

    return default_output(source, suffix)


def check_output(path: str, source: str, hint: str, literal: bool = False) -> None:
    """Refuse an output paintlr cannot write (or that would overwrite `source`), naming `hint`."""
    from ..outputs import check_output

    try:
        check_output(path, source, literal=literal)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def check_outputs(outputs: tuple[str, ...], photo: str, animation_only: bool = False) -> list[str]:
    """The -o outputs, checked: writable, animations only for a sweep, PyAV present for a video."""
    from ..outputs import ANIMATIONS, VIDEO, output_kind, require_av

    hint = "'-o' / '--output'"
    for out in outputs:
        check_output(out, photo, hint)
        if animation_only and output_kind(out) != "animation":
            raise click.BadParameter(f"{out}: a sweep is an animation ({', '.join(ANIMATIONS)})",
                                     param_hint=hint)
        if Path(out).suffix.lower() in VIDEO:
            require_av()  # before any training
    return list(outputs)


def check_log(log_path: str | None, photo: str) -> None:
    """Refuse a --log that is not a writable .csv file."""
    if log_path is None:
        return
    if Path(log_path).suffix.lower() != ".csv":
        raise click.BadParameter(f"{log_path}: the log must be a .csv file", param_hint="'--log'")
    check_output(log_path, photo, "'--log'", literal=True)


def check_frames(outputs: list[str], width: int, height: int, hint: str) -> None:
    """Refuse frames larger than paintlr or a format writes, before any training."""
    from ..outputs import check_frame_size

    try:
        check_frame_size(outputs, width, height)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def load(photo: str, size: int, background: str):
    """The photo as floats (h, w, c), its long side at most `size`, transparency on `background`."""
    from ..io.image import load_image, parse_colour

    try:
        parse_colour(background)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--background'") from None
    return load_image(photo, size, background)


def table(data: str | None, example: str | None, x: tuple[str, ...], y: str | None, labels: bool):
    """The table named by DATA or --example, with its columns picked: exactly one of the two."""
    from ..io.tabular import load_example, load_table

    if example is not None:
        return load_example(example, x=x, y=y, labels=labels)
    return load_table(data, x=x, y=y, labels=labels)


def table_outputs(data: str | None, example: str | None, outputs: tuple[str, ...], log_path: str | None,
                  command: str) -> tuple[str, list[str]]:
    """The table's name and the checked outputs (default: the name + -COMMAND.gif); the log checked too."""
    if (data is None) == (example is None):
        raise click.UsageError("give a DATA file or --example NAME (one of the two)")
    stem = Path(data).stem if data else example
    check_log(log_path, data or "")
    return stem, check_outputs(outputs or (default_output(data or example, f"-{command}.gif"),), data or "")
