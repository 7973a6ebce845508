"""What an output format is: a `Writer` fed frames one at a time, which states the format's facts
once as class attributes, and the registry that finds the writer for a file name's extension.

A new format is one module with a Writer subclass decorated with `@register`, imported once by
paintlr/outputs/__init__.py: names, checks, size estimates and `Outputs` all ask the registry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..settings import FPS, QUALITY
from .transaction import TempFile

KINDS = ("animation", "still")  # what a format writes; frame files are any format with a frame_format


@dataclass(frozen=True)
class Settings:
    """What every writer is given besides its file name; each takes what its format uses.

    `scale` is a whole number (each pixel becomes a block; `Outputs` resamples other factors
    itself); `reference` is the picture the animation approaches (the GIF palette's source);
    `columns` and `page` are the log's columns and the player page's title, command and live data.
    """

    fps: float = FPS
    scale: int = 1
    dither: bool = False
    reference: np.ndarray | None = None
    columns: Sequence[str] = ()
    page: dict | None = None
    quality: int | str = QUALITY


class Writer:
    """One output, fed frames one at a time together with how long each is shown (ms).

    A format's facts are class attributes: `extensions` (lower case, with the dot), `kind`
    ("animation": every frame; "still": the last one), `max_side` (pixels a side the format
    stores, None for no limit of its own), `bytes_per_pixel` (per frame, measured on the demo:
    256 x 170, 59 frames, quality 90, rounded up; for the size warning), `frame_format` (Pillow's
    format for one frame as a file of its own, for frame files and stills; None if it cannot be
    one) and `needs_rows` (every frame must come with its log row).

    A writer's state is its attributes plus the lengths of its open files, so that `Outputs` can
    roll a frame back (snapshot/restore) when it is interrupted half-way.
    """

    extensions: tuple[str, ...] = ()
    kind: str = "animation"
    max_side: int | None = None
    bytes_per_pixel: float = 1.0
    frame_format: str | None = None
    needs_rows: bool = False

    name: str
    temps: list[TempFile]

    @classmethod
    def check_available(cls) -> None:
        """Raise OutputError (saying what to install) if this format cannot be written here."""

    @classmethod
    def frame_options(cls, quality: int | str) -> dict:
        """Pillow's save options for one frame in `frame_format` at `quality` (1 to 100, or "lossless")."""
        return {}

    def frame(self, frame: np.ndarray, ms: int) -> None:
        raise NotImplementedError

    def row(self, row: Sequence) -> None:
        """The log row of the frame just added (written ahead of the frame itself)."""

    def abort(self) -> None:
        """Remove this output's temporary files."""
        for temp in self.temps:
            temp.discard()

    def finish(self) -> None:
        """Complete every file (the last frame is in): ready to be renamed into place."""
        for temp in self.temps:
            temp.finish()

    def snapshot(self) -> tuple[dict, list]:
        state = dict(vars(self), temps=list(self.temps))
        return state, [t.fp.tell() if t.fp is not None else None for t in self.temps]

    def restore(self, snapshot: tuple[dict, list]) -> None:
        state, sizes = snapshot
        for temp in self.temps:
            if temp not in state["temps"]:
                temp.discard()
        for temp, size in zip(state["temps"], sizes):
            if size is not None:
                temp.fp.seek(size)
                temp.fp.truncate()
        vars(self).clear()
        vars(self).update(state)


_WRITERS: dict[str, type[Writer]] = {}  # extension -> writer, in order of registration


def register(cls: type[Writer]) -> type[Writer]:
    """Class decorator: `cls` writes each of its extensions. An extension has one writer."""
    if cls.kind not in KINDS or not cls.extensions:
        raise TypeError(f"{cls.__name__}: a writer needs extensions and a kind in {KINDS}")
    for ext in cls.extensions:
        if not ext.startswith(".") or ext != ext.lower():
            raise ValueError(f"{cls.__name__}: {ext!r} is not a lower-case extension with its dot")
        if _WRITERS.get(ext, cls) is not cls:
            raise ValueError(f"{ext} is already written by {_WRITERS[ext].__name__}")
    for ext in cls.extensions:
        _WRITERS[ext] = cls
    return cls


def unregister(cls: type[Writer]) -> None:
    """Forget `cls` (a format registered for a while, as in a test)."""
    for ext in cls.extensions:
        if _WRITERS.get(ext) is cls:
            del _WRITERS[ext]


def writer_for(ext: str) -> type[Writer] | None:
    """The writer registered for an extension such as ".gif" (any case), or None."""
    return _WRITERS.get(ext.lower())


class Extensions(Mapping):
    """The registered extensions of one kind (or every one), in order of registration, each to its
    writer: a live view of the registry."""

    def __init__(self, kind: str | None = None, *, frame_files: bool = False):
        self.kind, self.frame_files = kind, frame_files

    def _holds(self, cls: type[Writer]) -> bool:
        of_kind = self.kind is None or cls.kind == self.kind
        return of_kind and (not self.frame_files or cls.frame_format is not None)

    def __getitem__(self, ext: str) -> type[Writer]:
        cls = _WRITERS[ext]
        if not self._holds(cls):
            raise KeyError(ext)
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter([ext for ext, cls in _WRITERS.items() if self._holds(cls)])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"Extensions({', '.join(self)})"
