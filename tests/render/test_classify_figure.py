"""classify_figure: classify states drawn into RGB frames with matplotlib, one figure for every frame."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from figure_pixels import axes_named, frame_ok, near, red, region

from paintlr.render.classify_figure import PREDICTED, ClassifyFigure
from paintlr.runs.classification import ClassifyState


def exam_scores(n: int = 60, seed: int = 5):
    rng = np.random.default_rng(seed)
    x = rng.uniform(30, 100, (n, 2))
    admitted = (x.sum(axis=1) + rng.normal(0, 10, n) > 130).astype(int)
    xs, ys = np.linspace(25, 105, 80), np.linspace(25, 105, 70)
    return x, admitted, (xs, ys)


def logistic_scores(grid, w) -> np.ndarray:
    gx, gy = np.meshgrid(*grid)
    return 1 / (1 + np.exp(-(w[0] + w[1] * gx + w[2] * gy)))


def classify_state(scores, epoch: int = 10, cost_value: float = 0.4) -> ClassifyState:
    history = (np.array([0, epoch]), np.array([0.69, cost_value]))
    return ClassifyState("", epoch, cost_value, 0.8, "running", history, scores)


def test_classify_two_classes_shades_the_probability_and_moves_the_boundary():
    x, admitted, grid = exam_scores()
    figure = ClassifyFigure(x, admitted, classes=np.array([0, 1]), x_names=["exam 1", "exam 2"], grid=grid,
                            epochs=1000, cost_range=(1e-3, 1.0))
    ax = axes_named(figure, "exam 1")
    assert ax.get_ylabel() == "exam 2"
    names = [t.get_text() for a in figure.figure.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert names[:2] == ["0", "1"]
    low = figure.draw(classify_state(logistic_scores(grid, [-10.0, 0.1, 0.1])))  # boundary x1 + x2 = 100
    high = figure.draw(classify_state(logistic_scores(grid, [-16.0, 0.1, 0.1]), epoch=100))  # x1 + x2 = 160
    again = figure.draw(classify_state(logistic_scores(grid, [-10.0, 0.1, 0.1])))
    assert frame_ok(low) and np.array_equal(low, again) and not np.array_equal(low, high)
    artists = len(ax.get_children())
    figure.draw(classify_state(logistic_scores(grid, [-13.0, 0.1, 0.1])))
    assert len(ax.get_children()) == artists  # each frame's boundary replaces the last one's
    # the boundary (dark pixels along x1 + x2 = c) sits where the scores put it
    for frame, c in ((low, 100.0), (high, 160.0)):
        pixels, top, left = region(frame, ax)
        rows, cols = np.nonzero(pixels.max(axis=-1) < 60)
        h = figure.figure.bbox.height
        x1, x2 = ax.transData.inverted().transform(np.c_[cols + left, h - (rows + top)]).T
        on_line = np.abs(x1 + x2 - c) < 2.5
        assert on_line.sum() > 150
    # P(1) = 0.9 everywhere shades the background in class 1's colour (orange), 0.1 in class 0's (blue)
    orange = region(figure.draw(classify_state(np.full((70, 80), 0.9))), ax)[0].reshape(-1, 3).mean(axis=0)
    blue = region(figure.draw(classify_state(np.full((70, 80), 0.1))), ax)[0].reshape(-1, 3).mean(axis=0)
    assert orange[0] > orange[2] + 40 and blue[2] > blue[0] + 40


def test_classify_three_string_classes_one_vs_rest():
    rng = np.random.default_rng(2)
    species = np.array(["setosa", "versicolor", "virginica"])
    centres = np.array([[1.5, 0.25], [4.3, 1.3], [5.5, 2.0]])
    x = np.concatenate([rng.normal(c, 0.2, (20, 2)) for c in centres])
    labels = np.repeat(species, 20)
    grid = (np.linspace(0.8, 6.5, 60), np.linspace(-0.5, 2.8, 50))
    figure = ClassifyFigure(x, labels, classes=species, x_names=["petal length", "petal width"], grid=grid,
                            epochs=1000, cost_range=(1e-3, 1.0))
    names = [t.get_text() for a in figure.figure.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert names[:3] == ["setosa", "versicolor", "virginica"]
    gx, gy = np.meshgrid(*grid)
    scores = np.stack([1 / (1 + np.exp(-(w0 + w1 * gx + w2 * gy)))
                       for w0, w1, w2 in ([6.0, -2.5, -2.5], [1.0, 0.2, -3.0], [-14.0, 1.2, 4.0])], axis=-1)
    first = figure.draw(classify_state(scores, cost_value=0.5))
    second = figure.draw(classify_state(scores[..., ::-1], epoch=200, cost_value=0.2))
    assert frame_ok(first) and not np.array_equal(first, second)
    assert np.array_equal(first, figure.draw(classify_state(scores, cost_value=0.5)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blown = ClassifyState("", 9, np.nan, np.nan, "diverged", (np.array([0, 9]), np.array([0.69, np.inf])),
                              np.full(scores.shape, np.nan))
        assert red(figure.draw(blown)).sum() > red(first).sum() + 200
    with pytest.raises(ValueError, match="shape"):
        figure.draw(classify_state(scores[..., 0]))
    # bands of x: each class most likely in its own, and its region tinted in its colour
    band = np.digitize(grid[0], [2.7, 4.6])
    ranked = np.where(band[None, :, None] == np.arange(3), 0.8, 0.1) * np.ones((50, 1, 1))
    frame = figure.draw(classify_state(ranked))
    ax = axes_named(figure, "petal length")
    h = figure.figure.bbox.height
    colours = []
    for centre in (1.7, 3.6, 5.5):
        column, row = ax.transData.transform((centre, 2.6))  # above the points
        colours.append(frame[int(h - row) - 3:int(h - row) + 3, int(column) - 3:int(column) + 3]
                       .reshape(-1, 3).mean(axis=0))
    blue, orange, green = colours  # (r, g, b) of each band
    assert blue[2] > blue[0] + 20 and orange[0] > orange[2] + 20 and green[1] > max(green[0], green[2]) + 15


def test_a_predicted_point_is_marked_and_named_in_the_legend():
    x, admitted, grid = exam_scores()
    figure = ClassifyFigure(x, admitted, classes=np.array([0, 1]), x_names=["exam 1", "exam 2"], grid=grid,
                            epochs=1000, cost_range=(1e-3, 1.0), predicted=(45.0, 85.0))
    names = [t.get_text() for a in figure.figure.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert "predicted" in names
    frame = figure.draw(classify_state(logistic_scores(grid, [-10.0, 0.1, 0.1])))
    ax = axes_named(figure, "exam 1")
    col, row = ax.transData.transform((45.0, 85.0))
    row, col = round(figure.figure.bbox.height - row), round(col)
    around = frame[row - 4:row + 5, col - 4:col + 5]
    assert near(around, PREDICTED).sum() >= 20  # the marker is drawn over the shading, every frame
