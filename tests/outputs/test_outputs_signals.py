"""The outputs under Ctrl-C and SIGTERM, held while they open or take a frame: no file left."""

from __future__ import annotations

import os
import signal

import pytest
from conftest import listing
from frames_and_files import (
    fading_in,
    video_frames,
)
from PIL import Image

from paintlr.outputs import Outputs, transaction


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_outputs_open_leaves_no_file(tmp_path, monkeypatch, sig):
    """The signal arrives inside a writer's setup, after its temporary file exists: it is held until
    every writer is open, then the set is aborted (nothing left) and the signal raised."""
    from paintlr.errors import Terminated

    real = transaction.TempFile.__init__

    def signalled(self, *args, **kwargs):
        real(self, *args, **kwargs)
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(transaction.TempFile, "__init__", signalled)
    with pytest.raises(Terminated if sig == signal.SIGTERM else KeyboardInterrupt):
        Outputs([tmp_path / "a.html", tmp_path / "a.gif"], log=tmp_path / "a.csv", columns=("cost",))
    assert listing(tmp_path) == set()


def test_ctrl_c_while_a_video_encodes_keeps_every_output_in_step(tmp_path, monkeypatch):
    """SIGINT inside the encoder (which cannot take a frame back) is held until the frame is in
    every output; the commit then writes the same frames to the video and the GIF."""
    import signal

    from paintlr.outputs import video

    calls = []
    add = video.VideoEncoder.add

    def interrupted(self, frame, ms):
        calls.append(ms)
        if len(calls) == 3:
            signal.raise_signal(signal.SIGINT)
        add(self, frame, ms)

    monkeypatch.setattr(video.VideoEncoder, "add", interrupted)
    frames = fading_in(8)
    with Outputs([tmp_path / "a.gif", tmp_path / "a.mp4"], fps=10) as out:
        with pytest.raises(KeyboardInterrupt):
            for frame in frames:
                out.add(frame)
        assert out.count == 4  # the frame whose add was interrupted went in
        out.commit()
    with Image.open(tmp_path / "a.gif") as im:
        assert im.n_frames == 4
    assert video_frames(tmp_path / "a.mp4") == 4
