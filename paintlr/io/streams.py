"""The input file of an image, opened for reading: a regular file as it is, or the bytes waiting
in a pipe or character device, read into memory (at most MAX_STREAM_BYTES, 128 MiB).

Directories, sockets and block devices are refused, and so is a pipe or device with nothing to
read right now: the file is opened non-blocking, so a FIFO without a writer cannot hang paintlr.
Every problem is an ImageError of one line naming the input.
"""

from __future__ import annotations

import io
import os
import select
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import ImageError, os_error_message

MAX_STREAM_BYTES = 1 << 27  # 128 MiB: the most read from a pipe or device, which is held in memory


@contextmanager
def open_input(path: Path, name: str) -> Iterator[BinaryIO]:
    """The input at `path` (shown as `name`) opened for reading: a regular file, or the bytes
    waiting in a pipe or device.

    Opened non-blocking, so a FIFO without a writer cannot hang the open; a pipe is
    read only if it has data right now.
    """
    _refuse_non_files(_stat(path, name, os.stat), name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ImageError(os_error_message(name, exc, "an image")) from exc
    with os.fdopen(fd, "rb") as f:
        mode = _stat(fd, name, os.fstat)  # again: the path may have changed since
        _refuse_non_files(mode, name)
        if not stat.S_ISREG(mode) and not _readable_now(fd):
            kind = "a pipe" if stat.S_ISFIFO(mode) else "a device"
            raise ImageError(f"{name}: {kind} with nothing to read")
        yield f if stat.S_ISREG(mode) else _read_stream(f, name)


def _stat(target: Path | int, name: str, how: Callable[[Path | int], os.stat_result]) -> int:
    """st_mode of a path (os.stat) or an open file (os.fstat); an OSError becomes an ImageError."""
    try:
        return how(target).st_mode
    except OSError as exc:
        raise ImageError(os_error_message(name, exc, "an image")) from exc


def _refuse_non_files(mode: int, name: str) -> None:
    """Directories, sockets and block devices are refused; pipes and character devices may do."""
    if stat.S_ISDIR(mode):
        raise ImageError(f"{name}: is a directory, not an image")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise ImageError(f"{name}: not a regular file")


def _readable_now(fd: int) -> bool:
    """Whether a read would not block (data waiting, or the writer gone), asked with a zero timeout."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])


def _read_stream(f: BinaryIO, name: str) -> BinaryIO:
    """A pipe's or device's bytes in memory, refused past MAX_STREAM_BYTES (/dev/zero never ends)."""
    os.set_blocking(f.fileno(), True)  # data is waiting: now wait for the rest, up to end of file
    buf = io.BytesIO()
    while chunk := f.read(1 << 20):
        buf.write(chunk)
        if buf.tell() > MAX_STREAM_BYTES:
            raise ImageError(f"{name}: more than {MAX_STREAM_BYTES >> 20} MiB to read from a pipe or "
                             "device; save the image to a file")
    buf.seek(0)
    return buf
