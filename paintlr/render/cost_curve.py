"""The cost-curve panel both figures show: log cost against symlog epoch, the history so far and
a marker at the current epoch, red once diverged."""

from __future__ import annotations

import math

import numpy as np

from .canvas import MODEL, RED, SMALL, TEXT


def cost_limits(cost_range: tuple[float, float]) -> tuple[float, float]:
    """Log-scale y-limits around (lowest, highest) expected cost, whatever they are."""
    lo, hi = (float(v) for v in cost_range)
    if not (np.isfinite(hi) and hi > 0):
        hi = 1.0
    if not (np.isfinite(lo) and lo > 0):
        lo = hi * 1e-6
    if lo >= hi:
        lo, hi = min(lo, hi) / 10, max(lo, hi) * 10
    return (lo / 1.6, hi * 1.6)


def cost_axes(ax, epochs: int, limits: tuple[float, float], *, narrow: bool = False):
    """A log-cost against symlog-epoch axes with an empty history line and current-epoch marker."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.set_ylim(*limits)
    if math.log10(limits[1] / limits[0]) > 1.5:  # label the powers of ten only, at most four or five
        ax.yaxis.set_major_locator(LogLocator(numticks=4 if narrow else 6))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:  # a few plain numbers: 0.05, 0.1, 0.2 (or every digit when the range is narrower still)
        wide = math.log10(limits[1] / limits[0]) > 0.7
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if wide else np.arange(1.0, 10.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xscale("symlog", linthresh=1, linscale=0.5)
    ax.set_xlim(0, epochs * 1.3)
    decades = [10**k for k in range(int(math.log10(epochs)) + 1)]
    step = math.ceil(len(decades) / (2 if narrow else 4))
    major = [0, *decades[::-1][::step][::-1]] if len(decades) > 1 else [0, 1]
    ax.xaxis.set_major_locator(FixedLocator(major))
    ax.xaxis.set_minor_locator(FixedLocator([d for d in decades if d not in major]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: epoch_tick(v)))
    ax.set_xlabel("epoch", fontsize=TEXT)
    ax.set_ylabel("cost J", fontsize=TEXT)
    ax.tick_params(labelsize=SMALL)
    ax.grid(alpha=0.3)
    (line,) = ax.plot([0], [limits[1]], color=MODEL, lw=1.8)
    (marker,) = ax.plot([0], [limits[1]], "o", color=MODEL, ms=6, clip_on=False, zorder=3)
    return line, marker


def epoch_tick(v: float) -> str:
    """An epoch tick: 0, 1, 10, 100, 1k, 10k, 100k, 1M, 10M, 100M, then 1e9..."""
    v = round(v)
    if v >= 10**9:
        return f"1e{round(math.log10(v))}" if v == 10 ** round(math.log10(v)) else f"{v:.0e}"
    for unit, suffix in ((10**6, "M"), (10**3, "k")):
        if v >= unit and v % unit == 0:
            return f"{v // unit}{suffix}"
    return str(v)


def update_cost(line, marker, state, limits: tuple[float, float], diverged: bool) -> None:
    """The history so far and a marker at the current cost; non-finite costs at the top of the axes."""
    epochs, costs = (np.asarray(v, dtype=np.float64).ravel() for v in state.history)
    lo, hi = limits
    costs = np.clip(np.where(np.isfinite(costs), costs, hi), lo, hi)
    line.set_data(np.clip(np.nan_to_num(epochs), 0, None), costs)
    cost = float(state.cost)
    marker.set_data([max(float(state.epoch), 0.0)], [min(max(cost, lo), hi) if np.isfinite(cost) else hi])
    marker.set_color(RED if diverged else MODEL)
