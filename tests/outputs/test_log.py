"""paintlr.outputs.log: the CSV log written beside the frames, a row per frame."""

from __future__ import annotations

import pytest
from frames_and_files import (
    fading_in,
)

from paintlr.outputs import Outputs


def test_the_log(tmp_path):
    log = tmp_path / "run.csv"
    with Outputs([tmp_path / "a.gif"], log=log, columns=("cost", "psnr")) as out:
        out.add(fading_in(2)[0], (0, 0.5, 1 / 3))
        out.add(fading_in(2)[1], (10, 1e-12, 42.0))
        assert not log.exists()  # rows go to a temporary file until commit
        written = out.commit()
    assert written == [str(tmp_path / "a.gif"), str(log)]
    assert log.read_text() == "epoch,cost,psnr\n0,0.5,0.333333333\n10,1e-12,42\n"


def test_a_log_row_is_needed_for_every_frame(tmp_path):
    with Outputs([tmp_path / "a.gif"], log=tmp_path / "run.csv", columns=("cost",)) as out:
        with pytest.raises(ValueError, match="row"):
            out.add(fading_in(2)[0])
        with pytest.raises(ValueError, match="row"):
            out.add(fading_in(2)[0], (0, 1.0, 2.0))
        out.add(fading_in(2)[0], (0, 1.0))  # nothing was changed by the refused frames
        out.commit()
    assert (tmp_path / "run.csv").read_text() == "epoch,cost\n0,1\n"



def test_a_word_in_a_row_is_written_as_it_is(tmp_path):
    """A run's status (running, converged, stopped, diverged) beside the numbers."""
    log = tmp_path / "run.csv"
    with Outputs([tmp_path / "a.gif"], log=log, columns=("cost", "status")) as out:
        out.add(fading_in(2)[0], (0, 0.5, "running"))
        out.add(fading_in(2)[1], (10, 0.125, "stopped"))
        out.commit()
    assert log.read_text() == "epoch,cost,status\n0,0.5,running\n10,0.125,stopped\n"
