"""Flashes as WCAG 2.3.1 counts them: relative luminance against the formula written out, counts of
made-up animations whose flashes are known, and the limiter's durations counted by the counter."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr.render.flashes import FlashLimiter, change, flashes_per_second, relative_luminance

BLACK = np.zeros((8, 8, 3), np.uint8)
WHITE = np.full((8, 8, 3), 255, np.uint8)


def wcag_luminance(r: int, g: int, b: int) -> float:
    """WCAG 2's relative luminance of one sRGB colour, as its definition writes it."""
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_relative_luminance_is_wcags():
    colours = [(0, 0, 0), (255, 255, 255), (128, 128, 128), (255, 0, 0), (0, 255, 0), (10, 200, 30),
               (3, 7, 9)]
    frame = np.array([colours], np.uint8)
    assert relative_luminance(frame)[0] == pytest.approx([wcag_luminance(*c) for c in colours], abs=1e-6)
    assert relative_luminance(np.array([[0, 128, 255]], np.uint8))[0] == pytest.approx(
        [wcag_luminance(v, v, v) for v in (0, 128, 255)], abs=1e-6)


def test_black_and_white_every_frame_at_20_fps_is_ten_flashes_a_second():
    frames = [BLACK, WHITE] * 20
    assert flashes_per_second(frames, [50] * 40) == 10
    assert flashes_per_second(frames, [500] * 40) == 1  # two changes in any second: one flash


def test_a_looping_pair_flashes_at_the_wrap_too():
    assert flashes_per_second([BLACK, WHITE], [50, 50]) == 10
    assert flashes_per_second([BLACK, WHITE], [50, 50], loop=False) == 0  # one change: no pair


def test_small_changes_and_small_areas_are_not_flashes():
    part = BLACK.copy()
    part[:1, :] = 255  # an eighth of the frame
    grey, lighter = np.full_like(BLACK, 118), np.full_like(BLACK, 128)  # luminance 0.181 and 0.216
    assert change(relative_luminance(BLACK), relative_luminance(part)) == 0
    assert change(relative_luminance(grey), relative_luminance(lighter)) == 0
    assert flashes_per_second([BLACK, part] * 20, [50] * 40) == 0
    quarter = BLACK.copy()
    quarter[:2, :] = 255  # exactly a quarter: counts
    assert flashes_per_second([BLACK, quarter] * 20, [50] * 40) == 10


def test_the_limiter_keeps_alternating_frames_to_three_flashes_a_second():
    frames = [BLACK, WHITE] * 30 + [np.full_like(BLACK, 128)]
    limiter = FlashLimiter(50)
    ms = [*[limiter.duration(f) for f in frames][1:], 1500]
    assert flashes_per_second(frames, ms) == 3
    assert min(ms) == 50 and all(m % 10 == 0 for m in ms)  # whole hundredths, as GIF keeps them


def test_the_limiter_leaves_a_steady_animation_at_its_pace():
    frames = [np.full_like(BLACK, v) for v in range(0, 256, 8)]  # a fade: each step well under 10 %
    limiter = FlashLimiter(33)
    assert [limiter.duration(f) for f in frames][1:] == [33] * (len(frames) - 1)
