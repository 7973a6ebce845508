"""What the commands print: one-line messages on stderr, the progress bar, the summary line, and
the loop that records a run's frames until it ends or is interrupted."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable

import click

from ..errors import Terminated
from .options import flag

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process SIGTERM ended


def one_line(text: str) -> str:
    """`text` as one printable line: a newline or other control character (in a file name,
    say) is shown escaped, so that no message spans lines."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def say(text: str) -> None:
    """One line on stderr, prefixed paintlr:."""
    click.echo(f"paintlr: {one_line(text)}", err=True)


def note(text: str) -> None:
    """A note for the user (a count the library lowered, an old flag's new name)."""
    say(f"note: {text}")


def shown(advice) -> str:
    """A library message (runs.advice.Advice) as the command line says it: settings by their flags."""
    return advice.text(flag)


def warn(advice: Iterable) -> None:
    """Each library warning (runs.advice.Advice) as a line on stderr."""
    for message in advice:
        say(f"warning: {shown(message)}")


ETA_AFTER_SECONDS = 1.0  # no ETA before the run has taken this long
ETA_AFTER_SHARE = 0.01  # nor before this share of it is done: an estimate from less reads as noise
NO_ETA = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}, {rate_fmt}{postfix}]"


def progress(total: int | None, quiet: bool, unit: str = "epoch", desc: str | None = None):
    """A progress bar on stderr (shown only on a terminal), with an ETA once the total is known and
    enough of it done to estimate from (see ETA_AFTER_SECONDS and ETA_AFTER_SHARE)."""
    from tqdm import tqdm

    class Bar(tqdm):
        @property
        def format_dict(self) -> dict:
            shown = super().format_dict
            total, n = shown["total"], shown["n"]
            if total and (shown["elapsed"] < ETA_AFTER_SECONDS or n < ETA_AFTER_SHARE * total):
                shown["bar_format"] = shown["bar_format"] or NO_ETA
            return shown

    return Bar(total=total, unit=unit, unit_scale=True, disable=True if quiet else None, leave=False,
               dynamic_ncols=True, file=sys.stderr, desc=desc)


def steps(total: int, quiet: bool, desc: str) -> tuple[object, Callable[[str], None]]:
    """A progress bar of `total` named steps, and step(name), which counts one as done and says so."""
    bar = progress(total, quiet, unit="step", desc=desc)

    def step(done: str) -> None:
        bar.set_description(f"{desc}: {done} done", refresh=False)
        bar.update(1)

    return bar, step


def page(title: str, live: dict | None = None) -> dict:
    """What a player page shows besides the frames: a title, the command line's words, a closed form."""
    words = getattr(click.get_current_context().find_root().command, "command_line", ["paintlr"])
    return {"title": title, "command": list(words), "live": live}


def record(items: Iterable, add: Callable, bar=None) -> tuple[object, KeyboardInterrupt | None]:
    """Feed every item of a run to add(item), which writes its frame and returns what to keep of it.

    Ctrl-C (or SIGTERM) stops the run and keeps the frames before it; with none yet it is
    raised on (exit 130 or 143, nothing written). Returns (what add returned last, the
    interrupt or None).
    """
    last, count, interrupted = None, 0, None
    try:
        for item in items:
            last = add(item)
            count += 1
            del item  # the next item is computed without this one held here
    except KeyboardInterrupt as exc:
        interrupted = exc
    finally:
        if bar is not None:
            bar.close()
    if count == 0:
        raise interrupted or click.exceptions.Abort()
    return last, interrupted


def finish(head: str, started: float, count: int, written: list[str], quiet: bool,
           interrupted: KeyboardInterrupt | None) -> None:
    """The summary line (unless quiet), then exit 130 (143 for SIGTERM) if the run was interrupted."""
    if not quiet:
        names = [one_line(name) for name in written]
        names = names if len(names) <= 3 else [*names[:2], f"... ({len(written)} files)"]
        frames = f", {count} frames" if count else ""
        click.echo(f"{head}, {time.perf_counter() - started:.2f} s{frames} -> {', '.join(names)}")
    if interrupted is not None:
        terminated = isinstance(interrupted, Terminated)
        say(f"{'terminated' if terminated else 'interrupted'}; wrote the frames so far")
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
