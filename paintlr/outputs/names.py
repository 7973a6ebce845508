"""Output names before a run: which kind each name writes, whether it can be written, the default
name, and the limits and rough sizes of the frames, all from the writers' registered facts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import OptionError
from ..settings import MAX_FRAME_PIXELS, MAX_FRAMES
from .writer import Extensions, Writer, writer_for

PLACEHOLDER = re.compile(r"%(0?\d+)?d")
ANIMATIONS = Extensions("animation")  # extension -> writer, a live view of the registry
FRAME_FILES = Extensions(frame_files=True)  # what a %04d pattern may end in


def _check_placeholder(name: str) -> None:
    try:
        name % 0  # a stray % fails here, not after training
        valid = len(PLACEHOLDER.findall(name.replace("%%", ""))) == 1
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(f"{name}: use exactly one placeholder such as %04d, and %% for a %")


def output_kind(path: str | os.PathLike) -> str:
    """'sequence' (a printf placeholder in the name), 'animation' or 'still', by extension.

    Raises ValueError for an extension paintlr cannot write.
    """
    name = os.fspath(path)
    ext = Path(name).suffix.lower()
    writer = writer_for(ext)
    if PLACEHOLDER.search(name.replace("%%", "")):
        _check_placeholder(name)
        if ext not in FRAME_FILES:
            raise ValueError(f"{name}: frame files must end in {', '.join(sorted(FRAME_FILES))}")
        return "sequence"
    if writer is None:
        known = ", ".join(sorted(Extensions()))
        raise ValueError(f"{name}: unknown output extension {ext or '(none)'!r}; use one of {known}")
    return writer.kind


def output_format(path: str | os.PathLike) -> type[Writer]:
    """The writer of an output name's format (a frame-file pattern's too); ValueError if none."""
    output_kind(path)
    return writer_for(Path(path).suffix)


def final_name(path: str | os.PathLike) -> str:
    """The file an output name writes: %% stands for % (a frame-file pattern keeps its own %)."""
    name = os.fspath(path)
    return name if output_kind(name) == "sequence" else name.replace("%%", "%")


def _names(path: str) -> list[str]:
    """Every file an output may write: one, or each frame file a run can make."""
    if output_kind(path) == "sequence":
        return [path % i for i in range(MAX_FRAMES + 1)]
    return [final_name(path)]


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(path: str | os.PathLike, source: str | os.PathLike | None = None, *,
                 literal: bool = False) -> None:
    """Raise ValueError if `path` cannot be written, before a run starts: an unknown extension,
    a missing or read-only folder, a folder in the way, a name too long for its temporary
    file, or (by the files themselves, whatever the path) the run's input `source`.
    `literal`: a file written under exactly this name (the CSV log), not an output kind."""
    path = os.fspath(path)
    names = [path] if literal else _names(path)
    folder = Path(names[0]).parent
    if not folder.is_dir():
        raise ValueError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{path}: folder {folder} is not writable")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = max(len(os.fsencode(Path(name).name)) for name in (names[0], names[-1]))
    if longest + len(".") + len(".XXXXXXXX.part") > limit:
        raise ValueError(f"{path}: name too long ({longest} bytes; at most {limit - 15} here)")
    if Path(names[0]).is_dir():
        raise ValueError(f"{path}: is a folder")
    if source is not None and os.path.lexists(source):
        for name in names:
            if os.path.lexists(name) and _same_file(name, os.fspath(source)):
                raise ValueError(f"{path}: refusing to overwrite the input")


def default_output(source: str | os.PathLike, suffix: str) -> str:
    """The output written when none is named: the source's stem + suffix in the working folder,
    read literally (a % in the stem is no frame pattern), and never the source itself."""
    stem = Path(source).stem.replace("%", "%%")
    name = stem + suffix
    if os.path.lexists(final_name(name)) and os.path.lexists(source) and _same_file(final_name(name),
                                                                                     os.fspath(source)):
        name = f"{stem}-paintlr{suffix}"
    return name


def written_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """The size of a frame written at `scale` times its own (any positive factor)."""
    return max(1, round(width * scale)), max(1, round(height * scale))


def check_frame_size(paths: Iterable[str | os.PathLike], width: int, height: int) -> None:
    """Raise ValueError if frames of width x height (as written) are more than paintlr writes
    (MAX_FRAME_PIXELS) or than one of the formats can store."""
    pixels = width * height
    if pixels > MAX_FRAME_PIXELS:
        raise ValueError(f"frames of {width:,} x {height:,} = {pixels / 1e6:,.0f} megapixels are over the "
                         f"limit of {MAX_FRAME_PIXELS / 1e6:.0f} megapixels a frame")
    for path in paths:
        ext = Path(path).suffix.lower()
        writer = writer_for(ext)
        limit = writer.max_side if writer is not None else None
        if limit is not None and max(width, height) > limit:
            raise ValueError(f"{os.fspath(path)}: frames of {width:,} x {height:,} are over the "
                             f"{limit:,} pixels a side that {ext} stores")


def estimated_bytes(paths: Iterable[str | os.PathLike], width: int, height: int, frames: int) -> int:
    """A rough size of the files these outputs write for `frames` frames of width x height."""
    total = 0.0
    for path in paths:
        count = 1 if output_kind(path) == "still" else frames
        total += output_format(path).bytes_per_pixel * width * height * count
    return int(total)


def stills_at(outputs: Iterable[str], at_epochs: Iterable[int]) -> tuple[list[str], list[str]]:
    """(stills drawn at `at_epochs`, the other outputs); with no epochs, no stills. Epochs with no
    still output to draw them in are refused (OptionError naming at_epochs)."""
    outputs, at_epochs = list(outputs), list(at_epochs)
    stills = [o for o in outputs if at_epochs and output_kind(o) == "still"]
    if at_epochs and not stills:
        raise OptionError("at_epochs", "{at_epochs} needs a still {outputs} (.png or .jpg) to draw in")
    return stills, [o for o in outputs if o not in stills]
