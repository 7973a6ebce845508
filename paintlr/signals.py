"""How paintlr takes Ctrl-C and SIGTERM: SIGTERM stops a run as Ctrl-C does (the frames so far are
written), and both are held back while files are written or renamed, then acted on, so that a
signal never lands between two outputs' writes and leaves them out of step. Standard library only,
for every layer."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from .errors import Terminated

HELD = (signal.SIGINT, signal.SIGTERM)


def _terminate(signum, frame) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated, a KeyboardInterrupt, inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def interrupts_held() -> Iterator[list[int]]:
    """Record Ctrl-C and SIGTERM inside the block instead of acting on them there: yields a list
    that gets each signal's number, for `raise_held` afterwards (main thread only; elsewhere
    nothing is held)."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = [signal.signal(sig, lambda number, _: caught.append(number)) for sig in HELD]
    try:
        yield caught
    finally:
        for sig, handler in zip(HELD, previous, strict=True):
            signal.signal(sig, handler)


def raise_held(caught: list[int]) -> None:
    """Act on the signals `interrupts_held` recorded: SIGTERM as Terminated, Ctrl-C as KeyboardInterrupt."""
    if signal.SIGTERM in caught:
        raise Terminated
    if caught:
        raise KeyboardInterrupt
