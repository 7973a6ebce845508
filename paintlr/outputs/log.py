"""The CSV log written beside the frames: a header, then one row per frame (not a registered format:
it is named by --log, whatever its extension)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from .transaction import TempFile
from .writer import Writer


class LogWriter(Writer):
    """The CSV log: `epoch,<columns>`, then one row per frame, numbers as %.9g, words (a status) as is."""

    def __init__(self, name: str, columns: Sequence[str]):
        self.name, self.width = name, 1 + len(columns)
        self.temps = [TempFile(name)]
        self._write(["epoch", *columns])

    def _write(self, fields: list) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(fields)
        self.temps[0].fp.write(buf.getvalue().encode())

    def row(self, row: Sequence) -> None:
        epoch, *values = row
        self._write([epoch, *(v if isinstance(v, str) else f"{v:.9g}" for v in values)])

    def frame(self, frame: np.ndarray, ms: int) -> None:
        pass
