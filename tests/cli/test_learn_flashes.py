"""No strobe: momentum at its best settings swings the mean colour about the target every epoch;
every animated format paintlr learn and sweep write stays within WCAG 2.3.1 (at most three flashes
in any one second), counted by render.flashes on the frames as each format decodes them, at the
times each format shows them, and the summary says the mean colour overshoots."""

from __future__ import annotations

import base64
import io
import itertools
import json
import re

import av
import numpy as np
import pytest
from cli_run import invoke
from conftest import REPO
from PIL import Image, ImageSequence

from paintlr.render.flashes import MAX_FLASHES, flashes_per_second

CHELSEA = REPO / "sample_images" / "chelsea.png"
MOMENTUM_BEST = ("--optimizer", "momentum", "--learning-rate", "best", "--momentum", "best")
HOLD = 1500


def pillow_animation(path) -> tuple[list[np.ndarray], list[int]]:
    """GIF, WebP or APNG: every frame as RGB and the milliseconds it is shown for."""
    with Image.open(path) as im:
        pairs = [(np.asarray(f.convert("RGB")), f.info["duration"]) for f in ImageSequence.Iterator(im)]
    return [f for f, _ in pairs], [ms for _, ms in pairs]


def video(path) -> tuple[list[np.ndarray], list[int]]:
    """A video decoded by PyAV: frames as RGB and each one's time until the next (the last: the hold)."""
    with av.open(str(path)) as container:
        decoded = [(f.to_ndarray(format="rgb24"), float(f.time)) for f in container.decode(video=0)]
    times = [t for _, t in decoded]
    return [f for f, _ in decoded], [round(1000 * (b - a)) for a, b in itertools.pairwise(times)] + [HOLD]


def page(path) -> tuple[list[np.ndarray], list[float], dict]:
    """The player page: its frames, the time the player shows each for, and its data."""
    text = path.read_text()
    data = json.loads(re.search(r'id="paintlr-data">(.*?)</script>', text, re.S).group(1))
    uris = re.findall(r'"data:image/\w+;base64,([^"]+)"', text)
    frames = [np.asarray(Image.open(io.BytesIO(base64.b64decode(u))).convert("RGB")) for u in uris]
    ms = [m or 1000 / data["fps"] for m in data.get("ms") or [None] * len(frames)]
    return frames, ms, data


@pytest.mark.parametrize("features", ["onehot", "cosine"])
def test_momentum_at_its_best_settings_does_not_strobe_in_any_format(tmp_path, features):
    names = [tmp_path / f"run.{ext}" for ext in ("gif", "webp", "apng", "mp4", "html")]
    result = invoke("learn", CHELSEA, "--size", 32, "--features", features, *MOMENTUM_BEST,
                    *(a for n in names for a in ("-o", n)))
    assert result.exit_code == 0, result.output
    for name in names[:3]:
        assert flashes_per_second(*pillow_animation(name)) <= MAX_FLASHES, name
    assert flashes_per_second(*video(names[3])) <= MAX_FLASHES
    frames, ms, data = page(names[4])
    assert flashes_per_second(frames, ms, loop=False) <= MAX_FLASHES  # the player stops at the end
    assert "mean colour overshoots" in result.output and "mean colour overshoots" in data["summary"]


def test_the_readme_momentum_sweep_does_not_strobe(tmp_path):
    out = tmp_path / "momentum.gif"
    result = invoke("sweep", CHELSEA, "--size", 48, "--run", "gd:0.05", "--run", "gd:best", "--run",
                    "momentum:best", "--momentum", "best", "-o", out)
    assert result.exit_code == 0, result.output
    assert flashes_per_second(*pillow_animation(out)) <= MAX_FLASHES
    assert re.search(r"momentum[^;]*the mean colour overshoots", result.output)
