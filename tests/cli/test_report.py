"""paintlr.cli.report: the one-line messages on stderr, the recording loop and its interrupt, the
summary line and the exit codes of an interrupted run, what a player page shows, and the progress
bar's ETA."""

from __future__ import annotations

import io
import re
import time

import click
import pytest

import paintlr.cli.report as report
from paintlr.cli.app import cli
from paintlr.cli.report import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    finish,
    note,
    page,
    record,
    say,
    shown,
    warn,
)
from paintlr.errors import Terminated
from paintlr.runs.advice import Advice


def test_say_is_one_prefixed_line_on_stderr(capsys):
    say("wrote a.gif")
    assert capsys.readouterr() == ("", "paintlr: wrote a.gif\n")


def test_say_escapes_control_characters(capsys):
    say("no\nsuch\tfile\x1b[31m.png\r")
    out, err = capsys.readouterr()
    assert out == "" and err == "paintlr: no\\nsuch\\tfile\\x1b[31m.png\\r\n"


def test_note_is_a_prefixed_note(capsys):
    note("--n-features 7 is even: 8\nused")
    assert capsys.readouterr() == ("", "paintlr: note: --n-features 7 is even: 8\\nused\n")


def test_warn_shows_each_advice_with_its_flags_on_a_line(capsys):
    warn([Advice("stopped at {max_epochs} 10 with cost 0.1 still above {max_cost} 0.01"),
          Advice("use a larger {burst}\nnow")])
    assert capsys.readouterr().err.splitlines() == [
        "paintlr: warning: stopped at --max-epochs 10 with cost 0.1 still above --max-cost 0.01",
        "paintlr: warning: use a larger --burst\\nnow",
    ]


def test_warn_names_the_flags_of_the_running_command(capsys):
    advice = Advice("try another {pairs} or {feature_names}")
    assert str(advice) == "try another pairs or feature_names"
    with click.Context(cli.commands["sweep"]):
        warn([advice])
        assert shown(advice) == "try another --run or --features"
    assert capsys.readouterr().err == "paintlr: warning: try another --run or --features\n"


def test_warn_of_nothing_says_nothing(capsys):
    warn([])
    assert capsys.readouterr() == ("", "")


class Bar:
    closed = False

    def close(self):
        self.closed = True


def interrupted_after(items, interrupt):
    yield from items
    raise interrupt


def test_record_returns_what_add_returned_last():
    seen, bar = [], Bar()
    last, interrupted = record(iter([1, 2, 3]), lambda item: seen.append(item) or item * 10, bar)
    assert (last, interrupted, seen, bar.closed) == (30, None, [1, 2, 3], True)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), Terminated()])
def test_record_keeps_what_came_before_an_interrupt(interrupt):
    seen, bar = [], Bar()
    items = interrupted_after([1, 2], interrupt)
    last, interrupted = record(items, lambda item: seen.append(item) or -item, bar)
    assert (last, interrupted, seen, bar.closed) == (-2, interrupt, [1, 2], True)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), Terminated()])
def test_record_raises_an_interrupt_before_the_first_item(interrupt):
    bar, seen = Bar(), []
    with pytest.raises(type(interrupt)) as caught:
        record(interrupted_after([], interrupt), seen.append, bar)
    assert caught.value is interrupt and seen == [] and bar.closed


def test_record_of_no_items_aborts():
    with pytest.raises(click.exceptions.Abort):
        record(iter([]), lambda item: item)


def test_record_interrupted_inside_add_keeps_the_items_before():
    def add(item):
        if item == 3:
            raise KeyboardInterrupt
        return item

    last, interrupted = record(iter([1, 2, 3, 4]), add)
    assert last == 2 and isinstance(interrupted, KeyboardInterrupt)


SUMMARY = re.compile(r"^10 epochs, cost 0\.01, (\d+\.\d\d) s(.*) -> (.*)$")


def summary(capsys) -> tuple[float, str, str]:
    out, err = capsys.readouterr()
    assert err == ""
    (line,) = out.splitlines()
    seconds, frames, names = SUMMARY.match(line).groups()
    return float(seconds), frames, names


def test_finish_prints_the_summary_line(capsys):
    finish("10 epochs, cost 0.01", time.perf_counter() - 1.5, 5, ["a.gif", "a.html"], False, None)
    seconds, frames, names = summary(capsys)
    assert 1.5 <= seconds < 60 and frames == ", 5 frames" and names == "a.gif, a.html"


def test_finish_without_frames_or_with_many_files(capsys):
    finish("10 epochs, cost 0.01", time.perf_counter(), 0, ["a.png"], False, None)
    assert summary(capsys)[1:] == ("", "a.png")
    names = ["a\nb.gif", "c.gif", "d.gif", "e.gif"]
    finish("10 epochs, cost 0.01", time.perf_counter(), 2, names, False, None)
    assert summary(capsys)[1:] == (", 2 frames", "a\\nb.gif, c.gif, ... (4 files)")


def test_finish_quiet_prints_nothing(capsys):
    finish("10 epochs, cost 0.01", time.perf_counter(), 5, ["a.gif"], True, None)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(("interrupt", "code", "word"), [
    (KeyboardInterrupt(), EXIT_INTERRUPTED, "interrupted"), (Terminated(), EXIT_TERMINATED, "terminated")])
@pytest.mark.parametrize("quiet", [False, True])
def test_finish_exits_130_or_143_after_an_interrupt(capsys, interrupt, code, word, quiet):
    with pytest.raises(SystemExit) as caught:
        finish("10 epochs, cost 0.01", time.perf_counter(), 3, ["a.gif"], quiet, interrupt)
    assert caught.value.code == code and (EXIT_INTERRUPTED, EXIT_TERMINATED) == (130, 143)
    out, err = capsys.readouterr()
    assert err == f"paintlr: {word}; wrote the frames so far\n"
    assert (out == "") == quiet and ("3 frames -> a.gif" in out) != quiet


def test_page_holds_the_title_and_the_command_line(monkeypatch):
    words = ["paintlr", "learn", "my photo.png", "-o", "a.html"]
    monkeypatch.setattr(cli, "command_line", words, raising=False)
    with click.Context(cli) as root, click.Context(cli.commands["learn"], parent=root):
        assert page("photo.png: 10 epochs") == {"title": "photo.png: 10 epochs", "command": words,
                                                "live": None}  # the words: the page shows them relative
        assert page("t", live={"kind": "linear"})["live"] == {"kind": "linear"}


def test_page_of_a_command_run_without_a_command_line():
    with click.Context(click.Command("paint")):
        assert page("t")["command"] == ["paintlr"]


def test_page_of_the_command_as_run(workdir):
    from cli_run import invoke

    result = invoke("learn", "photo.png", "-o", "a b.html", "--max-epochs", "3", "-q")
    assert result.exit_code == 0, result.output
    html = (workdir / "a b.html").read_text()
    assert "paintlr learn photo.png -o &#x27;a b.html&#x27; --max-epochs 3 -q" in html or \
        "paintlr learn photo.png -o 'a b.html' --max-epochs 3 -q" in html


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def eta_lines(monkeypatch, clock: list[float], steps: list[tuple[float, int]]) -> str:
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
    early = eta_lines(monkeypatch, [100.0], [(0.001, 1)])
    assert "<" not in early and "1.00/10.0k" in early
    later = eta_lines(monkeypatch, [100.0], [(0.001, 1), (2.0, 1_000), (2.0, 2_000)])
    assert "<" in later  # a fifth of the run in seconds: the estimate is worth showing
