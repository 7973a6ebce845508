"""Every output fed from one stream of frames, a frame at a time, and committed all or nothing;
with the one-call helpers that write a list or generator of frames."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from PIL import Image

from ..render.flashes import FlashLimiter
from ..settings import FPS, MAX_FPS, MIN_FPS, QUALITY
from ..signals import interrupts_held, raise_held
from .images import pil_image
from .log import LogWriter
from .names import check_frame_size, final_name, output_format, output_kind, written_size
from .sequence import SequenceWriter
from .transaction import cannot_write, check_renames, rename_all
from .writer import Settings, Writer

HOLD_MS = 1500


def durations(count: int, fps: float) -> list[int]:
    """Milliseconds per frame; the last frame holds for about 1.5 s."""
    step = max(1, round(1000 / fps))
    return [step] * (count - 1) + [max(step, HOLD_MS)]


def _check_settings(scale: float, fps: float, quality: int | str) -> None:
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    if not MIN_FPS <= fps <= MAX_FPS:
        raise ValueError(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g} (GIF stores a frame's "
                         f"time in hundredths of a second, at most 655.35 s), not {fps!r}")
    if quality != "lossless" and not (int(quality) == quality and 1 <= quality <= 100):
        raise ValueError(f"quality must be 1 to 100 or 'lossless', not {quality!r}")


def _open_writer(name: str, settings: Settings) -> Writer:
    """The writer of one output name: its format's, from the registry, or frame files of that format."""
    fmt = output_format(name)
    if output_kind(name) == "sequence":
        return SequenceWriter(name, fmt, settings)
    return fmt(final_name(name), settings)


class Outputs:
    """Every requested output fed from one stream of frames; nothing appears at the final names
    before commit(), and a failed or interrupted commit leaves none of them.

    `paths` are animations (.gif, .webp, .apng, a player page .html, video .mp4 or
    .webm), final images (.png, .jpg) and frame-file patterns (frame_%04d.png), as
    `output_kind` tells them apart (in other names %% stands for %); each is written by the
    writer registered for its extension (see `writer.register`). `log` is a CSV
    file that gets `epoch,<columns>` and one row per frame, and a page gets the same
    rows, with `page` (title, command, live; see `page.PageWriter`) and the summary
    given to commit(). `reference` (the target photo) is what the GIF palette is built
    from, with the first frame. Frames are written `scale` times their size: a whole
    number enlarges each pixel to a block, any other factor resamples (nearest
    neighbour up, area average down). `quality` (1 to 100, or "lossless") is for WebP,
    JPEG and the page's frames.

    Frames are written as they come, to hidden temporary files beside their final
    names; each animation writer is one frame behind, since the last frame is shown
    longer (HOLD_MS) and which frame is last is only known at commit(), and a frame is
    shown longer than 1 / fps where the change to the next would flash more than WCAG
    allows (render.flashes.FlashLimiter). At most a few frames are held, whatever the
    number of frames.

    A frame add() refuses (not uint8, another shape than the first, larger than
    `check_frame_size` allows, no log row) raises ValueError and changes nothing. If
    writing fails in add() or commit(), every temporary file is removed and
    operating-system errors are raised as OutputError. Ctrl-C (SIGINT) or SIGTERM
    during add() or commit() is held until the frame is in every output (or the set is
    committed), then raised (SIGTERM as errors.Terminated); a KeyboardInterrupt raised
    inside a writer rolls that frame back instead. Either way the frames added can still
    be committed. Used as a context manager, leaving the with-block without commit() aborts.
    """

    def __init__(self, paths: Iterable[str | os.PathLike], *, fps: float = FPS, scale: float = 1,
                 dither: bool = False, reference: np.ndarray | None = None,
                 log: str | os.PathLike | None = None, columns: Sequence[str] = (), page: dict | None = None,
                 quality: int | str = QUALITY):
        names = [os.fspath(p) for p in paths]
        formats = [output_format(name) for name in names]  # ValueError before any file exists
        for fmt in dict.fromkeys(formats):
            fmt.check_available()
        _check_settings(scale, fps, quality)
        self._scale = float(scale)
        whole = int(scale) if float(scale).is_integer() else 1  # the writers enlarge by whole numbers
        self._step, self._hold = durations(2, fps)
        self._flashes = FlashLimiter(self._step)  # lengthens a frame that would flash too often
        self._writers: list[Writer] = []
        self._pending: np.ndarray | None = None
        self._rows_needed = log is not None or any(fmt.needs_rows for fmt in formats)
        self._width = 1 + len(columns)
        self._shape: tuple[int, ...] | None = None
        self._count = 0
        self._state = "open"
        settings = Settings(fps=fps, scale=whole, dither=dither, reference=reference, columns=columns,
                            page=page, quality=quality)
        with interrupts_held() as held:  # a signal while files open would leave one unknown to abort()
            try:
                for name in names:  # one at a time: abort() removes the files of those already open
                    self._writers.append(_open_writer(name, settings))
                if log is not None:
                    self._writers.append(LogWriter(os.fspath(log), columns))
            except BaseException:
                self.abort()
                raise
        if held:
            self.abort()
            raise_held(held)

    @property
    def count(self) -> int:
        """Frames added so far."""
        return self._count

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._state == "open":
            self.abort()

    def _check_open(self) -> None:
        if self._state != "open":
            raise RuntimeError(f"these outputs are already {self._state}")

    def _checked(self, frame: np.ndarray) -> np.ndarray:
        a = np.asarray(frame)
        if a.dtype != np.uint8:
            raise ValueError(f"frames must be uint8 arrays, not {a.dtype}")
        if not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] in (1, 3, 4))):
            raise ValueError(f"a frame must be (h, w) or (h, w, 1|3|4), not {a.shape}")
        if self._shape is not None and a.shape != self._shape:
            raise ValueError(f"every frame must have the shape of the first, {self._shape}, not {a.shape}")
        if self._shape is None:
            size = written_size(a.shape[1], a.shape[0], self._scale)
            check_frame_size([w.name for w in self._writers], *size)
        a = a[:, :, 0] if a.ndim == 3 and a.shape[2] == 1 else a
        if not self._scale.is_integer():
            size = written_size(a.shape[1], a.shape[0], self._scale)
            how = Image.Resampling.NEAREST if self._scale > 1 else Image.Resampling.BOX
            a = np.asarray(pil_image(a).resize(size, how))
        a = np.array(a)  # our own copy
        a.flags.writeable = False
        return a

    def _each(self, step: Callable[[Writer], None]) -> None:
        for writer in self._writers:
            try:
                step(writer)
            except OSError as exc:
                raise cannot_write(writer.name, exc) from exc

    def add(self, frame: np.ndarray, row: Sequence | None = None) -> None:
        """Add one uint8 frame, (h, w) or (h, w, c), with its row for the CSV log."""
        self._check_open()
        shape = np.shape(frame)
        frame = self._checked(frame)
        if self._rows_needed and (row is None or len(row) != self._width):
            raise ValueError(f"the log and the page need a row of {self._width} values, epoch first, "
                             f"not {row!r}")
        snapshots = [w.snapshot() for w in self._writers]
        limiter = vars(self._flashes).copy()
        ms = self._flashes.duration(frame)
        with interrupts_held() as held:  # a video encoder cannot take a frame back: signals wait
            try:
                if self._pending is not None:
                    self._each(lambda w: w.frame(self._pending, ms))
                if self._rows_needed:
                    self._each(lambda w: w.row(row))
            except KeyboardInterrupt:
                for writer, snapshot in zip(self._writers, snapshots):
                    writer.restore(snapshot)
                vars(self._flashes).update(limiter)
                raise
            except BaseException:
                self.abort()
                raise
        self._pending, self._shape, self._count = frame, shape, self._count + 1
        raise_held(held)  # after the frame went in everywhere: commit() writes it too

    def commit(self, summary: str = "") -> list[str]:
        """Finish every file (a page gets `summary`), rename them all into place, return the names written.

        Every file is completed before any is renamed (completing is what can fail on
        a full disk; renames in the same folder do not need space). If a rename still
        fails, the files already renamed are removed again: all or nothing.
        """
        self._check_open()
        if self._pending is None:
            self.abort()
            raise ValueError("no frames to write")
        with interrupts_held() as held:
            try:
                self._each(lambda w: w.frame(self._pending, self._hold))
                for writer in self._writers:
                    writer.summary = summary
                self._each(lambda w: w.finish())
                temps = [t for w in self._writers for t in w.temps]
                check_renames(temps)
            except BaseException:
                self.abort()
                raise
            self._state = "committing"
            try:
                rename_all(temps)
            except BaseException:
                self._state = "failed"
                raise
            self._state = "committed"
            self._pending = None
        raise_held(held)
        return [t.name for t in temps]

    def abort(self) -> None:
        """Remove every temporary file; the final names are left as they were."""
        if self._state != "open":
            return
        self._state = "aborted"
        self._pending = None
        for writer in self._writers:
            writer.abort()


def write_outputs(paths: Sequence[str | os.PathLike], frames: Iterable[np.ndarray], *, fps: float = FPS,
                  scale: int = 1, dither: bool = False, reference: np.ndarray | None = None) -> list[str]:
    """Write every requested output from one pass over `frames` (any iterable, a generator
    included); returns the names written. Without a reference, a list's last frame serves as one.
    """
    if reference is None and isinstance(frames, (Sequence, np.ndarray)) and len(frames):
        reference = frames[-1]
    with Outputs(paths, fps=fps, scale=scale, dither=dither, reference=reference) as out:
        for frame in frames:
            out.add(frame)
        return out.commit()


def write_animation(path: str | os.PathLike, frames: Iterable[np.ndarray], *, fps: float = FPS,
                    scale: int = 1, dither: bool = False, reference: np.ndarray | None = None) -> None:
    """Write uint8 frames (h, w[, c]) as a looping animation chosen by the extension."""
    if output_kind(path) != "animation":
        raise ValueError(f"{os.fspath(path)}: not an animation; use .gif, .webp or .apng")
    write_outputs([path], frames, fps=fps, scale=scale, dither=dither, reference=reference)
