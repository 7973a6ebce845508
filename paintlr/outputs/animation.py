"""The module path the outputs had before they were split (paintlr.outputs.animation), kept only for
BYTES_PER_PIXEL, which tests/cli/test_cli.py's size-warning test sets for ".gif". Remove this module
once that test sets GifWriter.bytes_per_pixel instead."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from .writer import Extensions, writer_for


class _Facts(MutableMapping):
    """One fact of every registered format by extension, read from and written to its writer class."""

    def __init__(self, attribute: str):
        self.attribute = attribute

    def __getitem__(self, ext: str) -> float:
        writer = writer_for(ext) if ext == ext.lower() else None
        if writer is None:
            raise KeyError(ext)
        return getattr(writer, self.attribute)

    def __setitem__(self, ext: str, value: float) -> None:
        if ext not in self:
            raise KeyError(ext)
        setattr(writer_for(ext), self.attribute, value)

    def __delitem__(self, ext: str) -> None:
        raise TypeError("a format's facts cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(Extensions())

    def __len__(self) -> int:
        return len(Extensions())


BYTES_PER_PIXEL = _Facts("bytes_per_pixel")
