"""What decoders say while decoding, held back: Pillow's warnings and what C libraries such as
libtiff print on stderr are recorded instead of shown, so that a problem with an input is an
ImageError of one line that may quote them."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from PIL import Image

SAID_CHARS = 160  # of a captured warning quoted in an error


@contextmanager
def held_back() -> Iterator[Callable[[], str]]:
    """Record Python warnings and send file descriptor 2 to a temporary file while decoding.

    Yields a function giving the first thing said, condensed to one line ('' if
    nothing): libtiff, for one, prints its complaints straight to stderr. Pillow's
    DecompressionBombWarning is raised as an error.
    """
    with warnings.catch_warnings(record=True) as caught, _stderr_to_file() as sink:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)

        def said() -> str:
            lines = []
            if sink is not None:
                sink.seek(0)
                lines += sink.read(4096).decode(errors="replace").splitlines()
            lines += [str(w.message) for w in caught]
            lines = [one_line(line) for line in lines if line.strip()]
            return lines[0] if lines else ""

        yield said


@contextmanager
def _stderr_to_file() -> Iterator[BinaryIO | None]:
    """File descriptor 2 pointed at a temporary file, restored after; None (untouched) off the
    main thread, where another thread's messages would be swallowed too, or if it cannot be done."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    try:
        sink = tempfile.TemporaryFile()
    except OSError:  # nowhere to write: leave stderr be
        yield None
        return
    with sink:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr to redirect
            yield None
            return
        if sys.stderr is not None:
            sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def one_line(thing: object) -> str:
    """Text on one line, at most SAID_CHARS; an unusual exception's type is named first."""
    text = " ".join(str(thing).split())
    usual = (OSError, ValueError, SyntaxError, EOFError, Warning)
    if isinstance(thing, BaseException) and (not text or not isinstance(thing, usual)):
        text = f"{type(thing).__name__}: {text}".rstrip(": ")
    return text if len(text) <= SAID_CHARS else text[: SAID_CHARS - 3] + "..."
