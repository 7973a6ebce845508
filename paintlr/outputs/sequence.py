"""Frame files: every frame as a file of its own, numbered by a printf pattern such as frame_%04d.png."""

from __future__ import annotations

import numpy as np

from .still import save_frame
from .transaction import TempFile
from .writer import Settings, Writer


class SequenceWriter(Writer):
    """Numbered frame files in `fmt`'s still form, each written to a temporary file beside its
    final name as it comes. Chosen by the placeholder in the name, not registered by extension."""

    def __init__(self, name: str, fmt: type[Writer], settings: Settings):
        self.name, self.fmt, self.scale, self.quality = name, fmt, settings.scale, settings.quality
        self.temps = []

    def frame(self, frame: np.ndarray, ms: int) -> None:
        temp = TempFile(self.name % len(self.temps), open_file=False)
        self.temps.append(temp)
        save_frame(temp.tmp, frame, self.fmt, self.scale, self.quality)
        temp.finish()

    def finish(self) -> None:
        pass  # every frame file is complete as soon as it is written
