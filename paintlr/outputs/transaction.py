"""All or nothing on disk: every file is written to a hidden temporary file beside its final name
and renamed into place only when the whole set is complete; on failure the temporary files go.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import OutputError


def cannot_write(path: str | os.PathLike, exc: OSError) -> OutputError:
    """An operating-system error while writing `path`, as an OutputError whose message fits on one line."""
    return OutputError(f"{os.fspath(path)}: cannot write ({exc.strerror or exc})")


def _normal_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask  # mkstemp makes 0600; give the file normal permissions


def _make_temp(path: str | os.PathLike) -> tuple[int, str]:
    """A new hidden temporary file beside `path` (.name.XXXX.part): its descriptor and name."""
    where = Path(path)
    try:
        return tempfile.mkstemp(dir=where.parent, prefix=f".{where.name}.", suffix=".part")
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def atomic_save(path: str | os.PathLike, save: Callable[[str], None]) -> None:
    """Call save(tmp) on a temporary file beside `path`, then rename it into place.

    On any failure the temporary file is removed and `path` is left as it was; an
    operating-system error (full disk, missing folder, a directory in the way) is
    raised as OutputError, whose message fits on one line.
    """
    path = Path(path)
    fd, tmp = _make_temp(path)
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, _normal_mode())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from exc
        raise


class TempFile:
    """A hidden temporary file beside its final name (.name.XXXX.part), renamed into place at the end.

    `fp` is the open binary file, or None when the file is written by name (`tmp`).
    """

    __slots__ = ("fp", "name", "tmp")

    def __init__(self, name: str, open_file: bool = True):
        self.name = name
        fd, self.tmp = _make_temp(name)
        self.fp = os.fdopen(fd, "w+b") if open_file else None
        if not open_file:
            os.close(fd)

    def finish(self) -> None:
        """Close the file and give it normal permissions: ready to be renamed."""
        if self.fp is not None:
            self.fp.close()
        os.chmod(self.tmp, _normal_mode())

    def discard(self) -> None:
        """Close and remove the temporary file, ignoring errors."""
        try:
            if self.fp is not None:
                self.fp.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def check_renames(temps: Sequence[TempFile]) -> None:
    """Raise OutputError if a folder stands at one of the final names (a rename would fail there)."""
    for temp in temps:
        if os.path.isdir(temp.name):
            raise cannot_write(temp.name, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))


def rename_all(temps: Sequence[TempFile]) -> None:
    """Rename every finished temporary file to its final name. If a rename fails, the files already
    renamed are removed again and the rest discarded: all or nothing."""
    for i, temp in enumerate(temps):
        try:
            os.replace(temp.tmp, temp.name)
        except BaseException as exc:
            for done in temps[:i]:
                Path(done.name).unlink(missing_ok=True)
            for rest in temps[i:]:
                rest.discard()
            if isinstance(exc, OSError):
                raise cannot_write(temp.name, exc) from exc
            raise


def commit_all(*commits: Callable[[], list[str]]) -> list[str]:
    """Several sets of outputs committed as one (each an Outputs.commit, or a bound call to it):
    if one fails, the files those before it wrote are removed again, so all appear or none."""
    written: list[str] = []
    try:
        for commit in commits:
            written += commit()
    except BaseException:
        for name in written:
            Path(name).unlink(missing_ok=True)
        raise
    return written
