"""The errors a paintlr user can see; the CLI prints each as one line."""

from __future__ import annotations

import os
from collections.abc import Callable


def display_path(path: str | os.PathLike) -> str:
    """The path as an error message shows it: quoted with escapes if it holds a line break or
    another unprintable character (or undecodable bytes), so the message stays one line."""
    text = os.fspath(path)
    text = os.fsdecode(text) if isinstance(text, bytes) else text
    return text if text.isprintable() else repr(text)


class PaintlrError(Exception):
    """Base class for every error paintlr reports to a user."""


class DivergenceError(PaintlrError, ArithmeticError):
    """Gradient descent blew up: the cost became NaN or infinite."""

    def __init__(self, learning_rate: float, max_stable: float, epoch: int | None = None):
        self.learning_rate = learning_rate
        self.max_stable = max_stable
        self.epoch = epoch
        where = f" at epoch {epoch}" if epoch is not None else ""
        super().__init__(
            f"cost exploded{where}: learning rate {learning_rate:g} is not below "
            f"the largest stable rate {max_stable:.6g}"
        )


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is (the frames so far are written), but exiting 143."""


class ImageError(PaintlrError):
    """An input image that cannot be read or used."""


class DataError(PaintlrError, ValueError):
    """A data table (fit or classify) that cannot be read or used: the message names the row and column."""


class OutputError(PaintlrError):
    """An output that cannot be written."""


class _Names(dict):
    def __init__(self, name: Callable[[str], str]):
        super().__init__()
        self.name = name

    def __missing__(self, keyword: str) -> str:
        return self.name(keyword)


def fill_names(template: str, name: Callable[[str], str]) -> str:
    """`template` with each setting it names as {keyword} shown as name(keyword)."""
    return template.format_map(_Names(name))


class OptionError(PaintlrError, ValueError):
    """A setting that cannot work, or a combination of settings that contradicts itself.

    `option` is the keyword argument at fault (such as "max_cost"), so that the
    command line can name its flag (--max-cost) and exit as for a usage error. The
    message may name settings as {keyword} (a `fill_names` template): as a string each
    reads as its keyword, and `text(name)` shows each as name(keyword), such as a flag.
    """

    def __init__(self, option: str, message: str):
        self.option = option
        self.template = message
        super().__init__(self.text(str))

    def text(self, name: Callable[[str], str]) -> str:
        """The message with each setting it names shown as name(keyword)."""
        try:
            return fill_names(self.template, name)
        except (ValueError, IndexError):  # braces of a value quoted in it ({0}, a lone {): no template
            return self.template

    def names_itself(self) -> bool:
        """Whether the message names its own setting (it then reads as a sentence on its own)."""
        return "{" + self.option + "}" in self.template


def check_choice(option: str, value: object, choices: tuple[str, ...]) -> None:
    """Refuse a setting that is not one of its choices, naming them: the one "must be one of" rule."""
    if value not in choices:
        raise OptionError(option, f"{option} must be one of {', '.join(choices)}, not {value!r}")


def os_error_message(name: str, exc: OSError, kind: str) -> str:
    """One line on an OSError met reading the input shown as `name` (a display_path), which
    should have been `kind` ("an image", "a data file"): no such file, a directory, permission
    denied, or what the system said."""
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such file"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a directory, not {kind}"
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied"
    why = " ".join(str(exc.strerror or exc).split()) or type(exc).__name__
    return f"{name}: cannot read the file ({display_path(why)})"
