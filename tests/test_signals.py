"""paintlr.signals: SIGTERM as Ctrl-C, and both held back and then acted on."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from paintlr.errors import Terminated
from paintlr.signals import interrupts_held, raise_held, sigterm_as_interrupt


def test_sigterm_inside_the_block_is_terminated_and_the_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize(("sig", "raised"),
                         [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)])
def test_a_held_signal_is_recorded_then_raised(sig, raised):
    with interrupts_held() as caught:
        os.kill(os.getpid(), sig)
        reached = True  # the signal did not stop the block
    assert reached and caught == [sig]
    with pytest.raises(raised) as info:
        raise_held(caught)
    assert type(info.value) is raised


def test_sigterm_wins_over_ctrl_c_and_nothing_held_raises_nothing():
    with pytest.raises(Terminated):
        raise_held([signal.SIGINT, signal.SIGTERM])
    raise_held([])


def test_outside_the_main_thread_nothing_is_changed():
    seen = []

    def run():
        before = signal.getsignal(signal.SIGTERM)
        with sigterm_as_interrupt(), interrupts_held() as caught:
            seen.append((signal.getsignal(signal.SIGTERM) is before, caught))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [(True, [])]
