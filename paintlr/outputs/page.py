"""The player page: a run's frames, costs and settings in one self-contained HTML file.

Plain HTML, CSS and JavaScript from paintlr/outputs/assets, with every frame inside as a data URI
(PNG or WebP, whichever is smaller) and the log rows as JSON: no network request of any
kind. A `live` description (the data of a closed form) lets the page compute the exact
picture at any learning rate and epoch itself. `PageWriter` streams frames into a file as
they come, so memory does not grow with their number, and `HtmlWriter` makes it an output
(.html) among the others; `notebook_html` wraps a page for Jupyter within an embedding budget.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import os
import shlex
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from ..render.flashes import FlashLimiter
from ..settings import FPS, QUALITY
from .transaction import TempFile
from .webp import webp_options
from .writer import Settings, Writer, register

NOTEBOOK_BUDGET = 10_000_000  # bytes a notebook display embeds at most (matplotlib's own limit is 20 MB)


@cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def encode_frame(frame: np.ndarray, quality: int | str = QUALITY) -> str:
    """A uint8 frame (h, w[, c]) as a data URI: PNG or WebP at `quality` (1 to 100, or "lossless"),
    whichever is smaller."""
    im = Image.fromarray(frame[:, :, 0] if frame.ndim == 3 and frame.shape[2] == 1 else frame)
    best = None
    for fmt, options in (("PNG", {}), ("WEBP", {**webp_options(quality), "method": 4})):
        buf = io.BytesIO()
        im.save(buf, format=fmt, **options)
        if best is None or buf.tell() < len(best[1]):
            best = (fmt.lower(), buf.getvalue())
    return f"data:image/{best[0]};base64,{base64.b64encode(best[1]).decode('ascii')}"


def shown_command(words: Sequence[str], folder: str | os.PathLike) -> str:
    """The command line as typed, each absolute path in it (a word, or an option's value after '=')
    shown relative to `folder` when the two share more than the root: no home folder on a page."""
    def shown(word: str) -> str:
        flag, eq, value = word.partition("=") if word.startswith("-") else ("", "", word)
        if not os.path.isabs(value):
            return word
        try:
            shared = os.path.commonpath([os.path.abspath(value), os.path.abspath(folder)])
            relative = os.path.relpath(value, folder)
        except ValueError:  # another drive
            return word
        return word if shared == os.path.dirname(shared) else flag + eq + relative

    return shlex.join(shown(str(w)) for w in words)


def _script_json(value) -> str:
    """JSON safe inside a <script> element: no '</' can close it early."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, default=_plain)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot put {type(value).__name__} on a page")


def _finite(value):
    """A log value for JSON: infinities and NaN (a diverged run) become None, shown as gaps; a word
    (a status) stays as it is."""
    if isinstance(value, str):
        return value
    value = float(value)
    return value if math.isfinite(value) else None


class PageWriter:
    """Writes one player page to a binary file: the head at once, each frame as it comes, the
    rows and settings at `close()`.

    `columns` name the values after the epoch in each row (as in the CSV log); a column
    `cost` (or `cost (label)` for several runs) is plotted, `psnr_db` and `accuracy` are
    shown in words. `live`, if given, is the closed form the page computes frames from.
    """

    def __init__(self, fp: BinaryIO, *, title: str, columns: Sequence[str], fps: float, command: str = "",
                 live: dict | None = None, note: str = "", quality: int | str = QUALITY):
        self.fp, self.quality = fp, quality
        self.data = {"title": title, "columns": list(columns), "fps": fps, "command": command, "live": live,
                     "note": note, "rows": [], "ms": []}
        head = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{html.escape(title)}</title><style>{_asset('player.css')}</style></head>"
                f"<body>\n{_asset('player.html')}<script>var paintlrFrames = [\n")
        fp.write(head.encode(errors="backslashreplace"))  # a file name that is not UTF-8 still shows

    def add(self, frame: np.ndarray, row: Sequence[float], ms: int | None = None) -> None:
        """One frame (uint8) with its row (the epoch, then a value per column) and the milliseconds
        it is shown for in playback (None: 1 / fps)."""
        if len(row) != 1 + len(self.data["columns"]):
            raise ValueError(f"a page row needs the epoch and {len(self.data['columns'])} values, "
                             f"not {row!r}")
        self.fp.write(f'"{encode_frame(frame, self.quality)}",\n'.encode())
        self.data["rows"] = [*self.data["rows"], [int(row[0]), *(_finite(v) for v in row[1:])]]
        self.data["ms"] = [*self.data["ms"], ms]

    def close(self, summary: str = "") -> None:
        """Write the rows, the summary and the player's script: the page is complete."""
        data = dict(self.data, summary=summary)
        self.fp.write((f"];</script>\n<script type=\"application/json\" id=\"paintlr-data\">"
                       f"{_script_json(data)}</script>\n<script>{_asset('player.js')}</script>\n</body></html>\n")
                      .encode(errors="backslashreplace"))


@register
class HtmlWriter(Writer):
    """The player page as an output among the others: frames at their own size (the page scales
    them), each with its log row, and the summary known at the end."""

    extensions = (".html",)
    bytes_per_pixel = 0.25
    needs_rows = True

    def __init__(self, name: str, settings: Settings):
        self.name = name
        self.temps = [TempFile(name)]
        self.rows: list = []
        self.count = 0
        self.summary = ""
        shown = dict(settings.page or {"title": Path(name).stem})
        if not isinstance(shown.get("command", ""), str):  # the words typed: shown from the page's folder
            shown["command"] = shown_command(shown["command"], Path(name).absolute().parent)
        try:
            self.page = PageWriter(self.temps[0].fp, columns=settings.columns, fps=settings.fps,
                                   quality=settings.quality, **shown)
        except BaseException:  # not yet an output Outputs knows of: its file is this writer's to remove
            self.temps[0].discard()
            raise

    def row(self, row: Sequence) -> None:
        self.rows = [*self.rows, row]

    def frame(self, frame: np.ndarray, ms: int) -> None:
        self.page.add(frame, self.rows[self.count], ms)
        self.count += 1

    def snapshot(self) -> tuple[dict, list]:
        state, sizes = super().snapshot()
        return dict(state, page_rows=list(self.page.data["rows"]), page_ms=list(self.page.data["ms"])), sizes

    def restore(self, snapshot: tuple[dict, list]) -> None:
        state, sizes = snapshot
        self.page.data["rows"], self.page.data["ms"] = state["page_rows"], state["page_ms"]
        super().restore(({k: v for k, v in state.items() if k not in ("page_rows", "page_ms")}, sizes))

    def finish(self) -> None:
        self.page.close(self.summary)
        super().finish()


def page_html(pictures: Iterable[tuple[np.ndarray, Sequence[float]]], *, summary: str = "",
              **options) -> str:
    """A whole page, in memory, from (uint8 frame, row) pairs; options as for PageWriter. Frames
    that would flash too often are shown longer (render.flashes.FlashLimiter)."""
    buf = io.BytesIO()
    writer = PageWriter(buf, **options)
    step = max(1, round(1000 / writer.data["fps"]))
    limiter = FlashLimiter(step)
    for frame, row in pictures:
        ms = limiter.duration(frame)
        if ms is not None:
            writer.data["ms"][-1] = ms
        writer.add(frame, row, step)
    writer.close(summary)
    return buf.getvalue().decode()


def notebook_html(pictures: Sequence[tuple[np.ndarray, Sequence[float]]], *, budget: int = NOTEBOOK_BUDGET,
                  **options) -> str:
    """The player for a Jupyter cell, as an iframe (its own ids and script), embedding at most
    `budget` bytes: frames are shrunk, then thinned, until the page fits, and the player says so."""
    pictures = list(pictures)
    shrink, keep = 1.0, len(pictures)
    while True:
        chosen = _thinned(pictures, keep)
        note = ""
        if shrink < 1 or keep < len(pictures):
            note = (f"Shrunk to fit a notebook's {budget / 1e6:g} MB: " +
                    (f"frames at {shrink:.0%} of their size" if shrink < 1 else "") +
                    (", " if shrink < 1 and keep < len(pictures) else "") +
                    (f"{keep} of the {len(pictures)} frames" if keep < len(pictures) else "") +
                    ". Write the page with paintlr's -o run.html for all of them.")
        page = page_html(((_shrunk(f, shrink), row) for f, row in chosen), note=note, **options)
        head, tail = page.rsplit("</body>", 1)
        wrapped = _framed(head + TELL_HEIGHT + "</body>" + tail)
        if len(wrapped.encode()) <= budget or keep <= 2:
            return wrapped
        ratio = budget / len(wrapped.encode())
        if shrink > 0.25:
            shrink = max(0.25, shrink * math.sqrt(ratio) * 0.95)
        else:
            keep = max(2, int(keep * ratio * 0.95))


# In the notebook's frame, the page tells the notebook its height (a sandboxed frame's document is
# not the notebook's to read), and the script beside the frame sizes it: no scrolling inside.
TELL_HEIGHT = ("<script>(() => { const tell = () => parent.postMessage({ paintlrHeight: "
               "document.documentElement.scrollHeight }, '*'); addEventListener('load', tell); "
               "new ResizeObserver(tell).observe(document.body); })();</script>")


def _framed(page: str) -> str:
    """`page` in a sandboxed iframe, with the script that sets the frame's height to the page's."""
    name = "paintlr-" + hashlib.sha1(page.encode(errors="backslashreplace")).hexdigest()[:12]
    return (f'<iframe id="{name}" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width: 100%; height: 760px; border: 0;" sandbox="allow-scripts"></iframe>'
            f'<script>(() => {{ const frame = document.getElementById("{name}"); addEventListener("message", '
            f'(e) => {{ if (frame && e.source === frame.contentWindow && e.data && e.data.paintlrHeight > 0) '
            f'frame.style.height = Math.ceil(e.data.paintlrHeight) + "px"; }}); }})();</script>')


def _thinned(items: list, keep: int) -> list:
    """`keep` of the items, evenly spread, always with the first and the last."""
    if keep >= len(items):
        return items
    return [items[i] for i in np.unique(np.linspace(0, len(items) - 1, keep).round().astype(int))]


def _shrunk(frame: np.ndarray, factor: float) -> np.ndarray:
    if factor >= 1:
        return frame
    h, w = frame.shape[:2]
    im = Image.fromarray(frame[:, :, 0] if frame.ndim == 3 and frame.shape[2] == 1 else frame)
    return np.asarray(im.resize((max(1, round(w * factor)), max(1, round(h * factor))),
                                Image.Resampling.LANCZOS))


def notebook_player(source) -> str:
    """A run (a painting, sweep, fit or classification) as the player for a notebook cell: runs
    it, draws every frame as the command line does, and embeds them within the budget."""
    from ..render.pictures import drawer  # a notebook's display only: the command line never loads it

    live = source.live()  # before the run, as the command line takes it
    draw = drawer(source)
    pictures = [(draw(item), source.log_row(item)) for item in source]
    return notebook_html(pictures, title=f"paintlr: {source.title()}", columns=source.log_columns(),
                         fps=FPS, live=live)
