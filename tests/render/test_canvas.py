"""canvas: matplotlib is loaded by the figures' constructors only."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paintlr.render.canvas import Canvas, number


def test_importing_the_figures_does_not_import_matplotlib():
    code = ("import sys, paintlr.render.fit_figure, paintlr.render.classify_figure\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] == 'matplotlib']\n"
            "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_canvas_has_the_size_asked_for_and_refuses_a_tiny_one():
    canvas = Canvas((301, 207))
    canvas.figure.add_subplot().plot([0, 1], [0, 1])
    canvas.canvas.draw()
    assert canvas.pixels().shape == (207, 301, 3)
    with pytest.raises(ValueError, match="at least 200 x 150"):
        Canvas((199, 400))


def test_numbers_show_four_significant_digits_and_short_exponents():
    assert [number(v) for v in (0.16041, 123456.0, 5.6e-7, 2.0)] == ["0.1604", "1.235e5", "5.6e-7", "2"]
