"""The blitting canvas the fit and classify figures are drawn on, and what they share: sizes,
colours, titles that change every frame, numbers as the figures print them.

Each figure is built once and drawn many times (blitting): its constructor lays the
figure out, draws everything that never changes (axes, ticks, labels, the points, the
least-squares line, the error surface) once with `canvas.draw()` and keeps those pixels;
each frame restores them and draws only the artists that move (the model's line, the
cost curve, the path, the titles, the classifier's background and boundaries) on top.
A full `canvas.draw()` of a three-panel figure takes about 60 ms on a small machine;
a frame drawn this way takes a few. The layout is frozen after the first draw, so every
frame of one figure has the same size and the same axes, whatever its texts say.

matplotlib is imported inside `Canvas()`, never at the top, so `paintlr --help` and
`paintlr learn` never load it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..settings import CONVERGED, DIVERGED

DPI = 100
TEXT = 10  # titles and axis labels, in points (at DPI 100 a point is 1.4 pixels)
SMALL = 9  # tick labels and legends
BLACK = "#222222"
GREY = "#666666"
MODEL = "#1f77b4"  # the model being trained: its line, predictions and cost curve
RED = "#c81e1e"  # diverged
GREEN = "#1a7f37"  # converged


class Canvas:
    """A figure of a fixed pixel size drawn with Agg: the static part once, the moving part per frame."""

    def __init__(self, size: tuple[int, int]):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        w, h = (int(v) for v in size)
        if w < 200 or h < 150:
            raise ValueError(f"a figure needs at least 200 x 150 pixels, got {w} x {h}")
        self.size = (w, h)
        # a hair over the size: Agg truncates the figure's width and height in pixels to integers
        self.figure = Figure(figsize=((w + 0.01) / DPI, (h + 0.01) / DPI), dpi=DPI, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self._background = None

    def freeze(self, dynamic: Sequence, stickers: Sequence = ()) -> None:
        """Lay the figure out (with the moving artists' placeholder texts in place), fix that layout,
        and keep the pixels of everything but `dynamic` and `stickers` as the background of every frame.

        Stickers are opaque artists that never change but must stay on top of moving ones (legends
        inside the data axes): drawn once, their pixels are pasted over every frame.
        """
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        for artist in (*dynamic, *stickers):
            artist.set_animated(True)
            artist.set_visible(False)  # images are drawn even when animated in older matplotlib
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        renderer = self.canvas.get_renderer()
        self._stickers = []
        for artist in stickers:
            artist.set_visible(True)
            self.figure.draw_artist(artist)
            self._stickers.append(self.canvas.copy_from_bbox(artist.get_window_extent(renderer).padded(2)))
        for artist in dynamic:
            artist.set_visible(True)

    def render(self, artists: Sequence) -> np.ndarray:
        """The background with `artists` drawn over it in order and the stickers on top, uint8 (h, w, 3)."""
        self.canvas.restore_region(self._background)
        for artist in artists:
            self.figure.draw_artist(artist)  # an invisible artist draws nothing
        for region in self._stickers:
            self.canvas.restore_region(region)
        return self.pixels()

    def pixels(self) -> np.ndarray:
        """What the canvas holds now, uint8 (h, w, 3)."""
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()


def status_colour(status: str) -> str:
    """A title's colour: red once diverged, green once converged (not merely stopped), else black."""
    return RED if status == DIVERGED else GREEN if status == CONVERGED else BLACK


def moving_title(ax, text: str):
    """A title above the axes that changes every frame (Axes.set_title places animated titles wrongly).

    The layout reserves the height of `text`'s lines but not its width, through an invisible one-letter
    stand-in: a title wider than its column runs into the margins instead of squeezing the axes.
    """
    def annotate(text: str, **kwargs):
        return ax.annotate(text, xy=(0.5, 1), xycoords="axes fraction", xytext=(0, 5),
                           textcoords="offset points", ha="center", va="bottom", fontsize=TEXT,
                           annotation_clip=False, **kwargs)

    annotate("\n".join("Ag" for _ in text.split("\n")), alpha=0)
    title = annotate(text)
    title.set_in_layout(False)
    return title


def number(v: float) -> str:
    """Four significant digits, exponents short: 0.1604, 1.234e5, 5.6e-7."""
    text = f"{float(v):.4g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
