"""fit_figure: fit states drawn into RGB frames with matplotlib, one figure reused for every frame."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from figure_pixels import axes_named, frame_ok, near, red, region

from paintlr.render.canvas import BLACK, GREEN, MODEL, RED, number
from paintlr.render.fit_figure import PATH, FitFigure
from paintlr.runs.line_fit import FitState

X = np.arange(1.0, 6.0)[:, None]  # the seed notebook's five points: least squares b 0.6, m 0.8
Y = np.array([1.0, 3, 3, 3, 5])
BEST = np.array([0.6, 0.8])
BOX = (-1.0, 2.0, -0.2, 1.6)
SIZE = (960, 540)


def predict(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    return theta[0] + x @ theta[1:]


def cost(theta: np.ndarray) -> float:
    return float(0.5 * np.mean((predict(theta, X) - Y) ** 2))


def fit_state(theta, label: str = "", epoch: int = 10, status: str = "running", path=True) -> FitState:
    theta = np.asarray(theta, dtype=np.float64)
    history = (np.array([0, 1, epoch]), np.array([5.5, 2.0, cost(theta)]))
    trail = np.array([[0.0, 0.0], [0.2, 0.5], theta]) if path else None
    return FitState(label, epoch, theta, cost(theta), status, history, trail)


def fit_figure(labels=("",), surface=BOX, size=SIZE) -> FitFigure:
    return FitFigure(X, Y, x_names=["x"], y_name="y", predict=predict, best=BEST, labels=list(labels),
                     epochs=1000, cost_range=(0.16, 5.5), surface=surface, size=size)


@pytest.fixture(scope="module")
def single():
    return fit_figure()


def test_frames_are_rgb_bytes_of_the_requested_size(single):
    frames = [single.draw([fit_state(theta)]) for theta in ([0.0, 0.0], [0.3, 0.9], BEST)]
    for frame in frames:
        assert frame.dtype == np.uint8 and frame.shape == (540, 960, 3)
    odd = fit_figure(labels=["a", "b"], surface=None, size=(777, 433))
    assert odd.draw([fit_state(BEST, "a"), fit_state([0, 0], "b")]).shape == (433, 777, 3)


def test_the_same_state_draws_the_same_frame_and_another_state_another(single):
    """The figure is reused: nothing of an earlier frame is left in a later one."""
    a, b = fit_state([0.0, 0.2], epoch=3), fit_state(BEST, epoch=500, status="converged")
    first, other, again = single.draw([a]), single.draw([b]), single.draw([a])
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_the_model_line_is_drawn_where_theta_puts_it(single):
    """A flat line y = c lies on the pixel row of c in the data axes, whichever c."""
    ax = axes_named(single, "x")
    for level in (1.5, 4.5):
        frame = single.draw([fit_state([level, 0.0])])
        pixels, top, _ = region(frame, ax)
        rows, _ = np.nonzero(near(pixels, MODEL))
        expected = single.figure.bbox.height - ax.transData.transform((3.0, level))[1]
        assert rows.size > 200  # a line across the axes, not the legend's sample
        assert abs(np.median(rows) + top - expected) <= 2


def test_a_steeper_line_changes_the_data_axes_only_there(single):
    ax = axes_named(single, "x")
    flat, steep = single.draw([fit_state([3.0, 0.0])]), single.draw([fit_state([-1.0, 1.5])])
    inside_flat, _, _ = region(flat, ax)
    inside_steep, _, _ = region(steep, ax)
    assert (near(inside_flat, MODEL) != near(inside_steep, MODEL)).sum() > 400


def test_the_error_surface_shows_the_path_only_for_two_parameter_models(single):
    surface = axes_named(single, "intercept b")
    with_path = region(single.draw([fit_state([0.5, 0.7])]), surface)[0]
    without = region(single.draw([fit_state([0.5, 0.7], path=False)]), surface)[0]
    assert near(with_path, PATH).sum() > 50
    assert near(without, PATH).sum() == 0

    quadratic = FitFigure(X, Y, x_names=["x"], y_name="y", best=np.array([0.6, 0.8, 0.0]), labels=[""],
                          predict=lambda t, x: t[0] + t[1] * x[:, 0] + t[2] * x[:, 0] ** 2,
                          epochs=100, cost_range=(0.16, 5.5))
    assert [ax.get_xlabel() for ax in quadratic.figure.axes] == ["x", "epoch"]
    frame = quadratic.draw([FitState("", 5, np.array([1.0, 0.5, 0.01]), 0.3, "running",
                                     (np.array([0, 5]), np.array([5.5, 0.3])))])
    assert frame.shape == (540, 960, 3)
    with pytest.raises(ValueError, match="two-parameter"):
        FitFigure(X, Y, x_names=["x"], y_name="y", predict=lambda t, x: t[0] + t[1] * x[:, 0],
                  best=np.zeros(3), labels=[""], epochs=10, cost_range=(0.1, 1), surface=BOX)


def test_a_diverged_run_is_marked_red_and_drawn_without_warnings():
    figure = fit_figure(labels=["lr 0.01", "lr 0.1", "lr 0.5"])
    blown = FitState("lr 0.5", 37, np.array([np.inf, np.nan]), np.inf, "diverged",
                     (np.array([0, 10, 37]), np.array([5.5, np.inf, np.nan])),
                     np.array([[0.0, 0.0], [1e308, -1e308], [np.inf, np.nan]]))
    huge = FitState("lr 0.5", 20, np.array([1e200, -1e200]), 1e300, "running",
                    (np.array([0, 10, 20]), np.array([5.5, 1e150, 1e300])),
                    np.array([[0.0, 0.0], [1e200, 1e100]]))
    calm = [fit_state([0.3, 0.7], "lr 0.01"), fit_state(BEST, "lr 0.1")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        running = figure.draw([*calm, huge])
        diverged = figure.draw([*calm, blown])
    third = slice(2 * 960 // 3, None)
    assert red(diverged[:, third]).sum() > red(running[:, third]).sum() + 2000
    assert red(diverged[:, :2 * 960 // 3]).sum() == red(running[:, :2 * 960 // 3]).sum()
    data = [ax for ax in figure.figure.axes if ax.get_xlabel() == "x"][2]
    assert near(region(diverged, data)[0], MODEL).sum() == 0  # no model line left in the diverged panel
    with pytest.raises(ValueError, match="3 states"):
        figure.draw(calm)


def test_several_x_columns_plot_predicted_against_actual():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, (30, 2))
    y = 2 + x @ [1.5, -0.5] + rng.normal(0, 0.3, 30)
    best = np.linalg.lstsq(np.c_[np.ones(30), x], y, rcond=None)[0]
    figure = FitFigure(x, y, x_names=["size", "rooms"], y_name="price", predict=predict, best=best,
                       labels=[""], epochs=200, cost_range=(0.04, 50))
    assert axes_named(figure, "actual price").get_ylabel() == "predicted price from size, rooms"
    states = [FitState("", e, best * f, 1.0, "running", (np.array([0, e]), np.array([50.0, 1.0])))
              for e, f in ((5, 0.3), (100, 1.0))]
    early, late = (figure.draw([s]) for s in states)
    ax = axes_named(figure, "actual price")
    rows = [np.nonzero(near(region(frame, ax)[0], MODEL))[0] for frame in (early, late)]
    assert rows[0].size > 100 and rows[1].size > 100
    assert rows[0].mean() > rows[1].mean() + 40  # predictions at 0.3 of least squares' sit lower
    blown = FitState("", 7, np.full(3, np.nan), np.nan, "diverged",
                     (np.array([0, 7]), np.array([50.0, np.nan])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert red(figure.draw([blown])).sum() > red(late).sum() + 2000
    assert figure.still([(10, best * 0.5), (100, best)]).shape == (540, 960, 3)


def test_still_draws_the_model_after_each_number_of_steps(single):
    steps = single.still([(10, np.array([0.2, 0.9])), (100, np.array([0.45, 0.85])), (1000, BEST)])
    fewer = single.still([(10, np.array([0.2, 0.9]))])
    assert steps.shape == fewer.shape == (540, 960, 3)
    assert not np.array_equal(steps, fewer)
    # the animation's figure is untouched by a still
    state = fit_state([0.1, 0.4])
    assert np.array_equal(single.draw([state]), fit_figure().draw([state]))


def test_a_fit_animation_draws_its_own_ticks_as_the_run_goes():
    """FitAnimation's ticks drawn by its own figure: the line, the path and the title follow the run
    to least squares, where the title turns green."""
    from paintlr.render.pictures import fit_figure as figure_of
    from paintlr.runs.line_fit import FitAnimation

    animation = FitAnimation(X, Y, x_names=["x"], frames=6)
    drawing = figure_of(animation)
    ticks = [row for row in animation]
    frames = [drawing.draw(row) for row in ticks]
    assert [row[0].status for row in ticks] == ["running"] * (len(ticks) - 1) + ["converged"]
    assert len(frames) >= 4 and all(frame_ok(f) for f in frames)
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(frames))
    figure = drawing.figure
    # the path on the error surface only grows, from the start to the optimum
    surface = axes_named(figure, "intercept b")
    path = [near(region(f, surface)[0], PATH).sum() for f in frames]
    assert path == sorted(path) and path[-1] > path[0] + 200
    # the converged line is least squares' y = 0.6 + 0.8 x: in every pixel column, within 3 pixels
    ax = axes_named(figure, "x")
    pixels, top, left = region(frames[-1], ax)
    h = figure.bbox.height
    legend = ax.get_legend().get_window_extent()
    offsets = []
    for col in range(int(legend.x1) + 2 - left, pixels.shape[1]):  # right of the legend's sample
        rows = np.flatnonzero(near(pixels[:, col], MODEL, 30))
        x_at = ax.transData.inverted().transform((col + left, 0))[0]
        expected = h - ax.transData.transform((x_at, 0.6 + 0.8 * x_at))[1]
        offsets.append(np.median(rows) + top - expected if rows.size else np.nan)  # nan: under a point
    offsets = np.array(offsets)
    drawn = offsets[np.isfinite(offsets)]
    assert drawn.size > 0.95 * offsets.size > 200 and np.all(np.abs(drawn) <= 3)
    # green (converged) only in the last frame's title
    green = [near(f, GREEN, 30).sum() for f in frames]
    assert green[-1] > 100 and not any(green[:-1])


def test_the_title_colour_tells_running_converged_and_diverged(single):
    ax = axes_named(single, "x")
    box = ax.get_window_extent()
    title = slice(0, int(single.figure.bbox.height - box.y1))  # the rows above the data axes
    colours = {}
    for status in ("running", "converged", "stopped", "diverged"):
        frame = single.draw([fit_state([0.5, 0.7], status=status)])[title]
        colours[status] = {name: int(near(frame, code, 30).sum()) for name, code in
                           (("black", BLACK), ("green", GREEN), ("red", RED))}
    assert colours["running"]["black"] > 100 and colours["running"]["green"] == colours["running"]["red"] == 0
    assert colours["converged"]["green"] > 100 and colours["converged"]["red"] == 0
    assert colours["diverged"]["red"] > 100 and colours["diverged"]["green"] == 0
    assert colours["stopped"]["black"] > 100 and colours["stopped"]["green"] == colours["stopped"]["red"] == 0


def test_a_title_stopped_at_the_epoch_limit_says_so_and_how_far_above_the_optimum(single):
    state = fit_state([0.5, 0.7], epoch=1000, status="stopped")
    heading = single._heading(state)
    assert heading.startswith("epoch 1,000 · stopped at the epoch limit\n")
    assert f"cost {number(state.cost)} = optimum + {number(state.cost - 0.16)}" in heading
    assert "converged" not in heading
    several = fit_figure(labels=("lr 0.1", "lr 0.2"))
    assert several._heading(fit_state([0.5, 0.7], label="lr 0.1", epoch=1000, status="stopped")) \
        .startswith("lr 0.1 · stopped at the epoch limit\ncost ")


def test_the_cost_marker_sits_at_the_epoch_and_cost_of_the_state(single):
    """On the log-cost, symlog-epoch axes: the marker's centre is where (epoch, cost) maps."""
    ax = axes_named(single, "epoch")
    h = single.figure.bbox.height
    for epoch, cost in ((3, 2.0), (200, 0.3), (1000, 0.17)):
        state = FitState("", epoch, BEST, cost, "running", (np.array([epoch]), np.array([cost])))
        pixels, top, left = region(single.draw([state]), ax)
        rows, cols = np.nonzero(near(pixels, MODEL, 30))
        column, row = ax.transData.transform((epoch, cost))
        assert 20 < rows.size < 200  # one dot: a history of one point draws no line
        assert abs(cols.mean() + left - column) <= 2 and abs(rows.mean() + top - (h - row)) <= 2


@pytest.mark.parametrize("count", [2, 3, 4, 5])
def test_every_columns_title_lies_inside_the_figure_and_overlaps_no_other(count):
    """The widest titles a run draws (diverged at a late epoch, running with long parameters) stay
    within the figure, measured by matplotlib's own text extents."""
    labels = [f"lr {r}" for r in (0.01, 0.05, 0.1, 0.2, 0.15)[:count]]
    figure = fit_figure(labels=labels)
    renderer = figure.figure.canvas.get_renderer()
    whole = figure.figure.bbox
    for states in ([fit_state([-123.456, 0.000123], label, epoch=1_234_567) for label in labels],
                   [fit_state(BEST, label, epoch=1_234_567, status="diverged") for label in labels]):
        figure.draw(states)
        titles = [c["title"].get_window_extent(renderer) for c in figure._columns]
        for box in titles:
            assert whole.x0 <= box.x0 and box.x1 <= whole.x1 and whole.y0 <= box.y0 and box.y1 <= whole.y1
        for a, b in itertools.combinations(titles, 2):
            assert not a.overlaps(b), (a, b)
