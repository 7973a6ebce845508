"""What the commands print: the progress bar's ETA."""

from __future__ import annotations

import io

import paintlr.cli.report as report


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def shown(monkeypatch, clock: list[float], steps: list[tuple[float, int]]) -> str:
    """The last line the bar drew after each (seconds later, epochs done) step."""
    import tqdm.std

    monkeypatch.setattr(tqdm.std, "time", lambda: clock[0])
    screen = Terminal()
    monkeypatch.setattr(report.sys, "stderr", screen)
    bar = report.progress(10_000, False)
    bar.mininterval = 0
    for seconds, epochs in steps:
        clock[0] += seconds
        bar.update(epochs - bar.n)
    line = screen.getvalue().split("\r")[-1]
    bar.close()
    return line


def test_no_eta_until_it_means_something(monkeypatch):
    # one epoch in its first millisecond: 10,000 epochs would read as a few seconds, or hours
    early = shown(monkeypatch, [100.0], [(0.001, 1)])
    assert "<" not in early and "1.00/10.0k" in early
    later = shown(monkeypatch, [100.0], [(0.001, 1), (2.0, 1_000), (2.0, 2_000)])
    assert "<" in later  # a fifth of the run in seconds: the estimate is worth showing
