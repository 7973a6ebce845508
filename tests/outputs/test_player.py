"""assets/player.js in a real headless Chromium: the page paintlr writes for -o run.html.

Each page is written by the command line (or by paintlr.outputs.page for the notebook), loaded from
file://, and driven as a user would; its live closed form is checked against paintlr's own
frames in Python.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import REPO
from PIL import Image

from paintlr.cli.app import cli
from paintlr.core.pixels import to_uint8
from paintlr.io.image import load_image
from paintlr.io.tabular import load_example
from paintlr.outputs.page import page_html
from paintlr.render.flashes import MAX_FLASHES, flashes_per_second
from paintlr.runs.line_fit import FitAnimation
from paintlr.runs.painting import Painting

CHELSEA = REPO / "sample_images" / "chelsea.png"


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, [*args, "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def live_pixels(page) -> np.ndarray:
    """The live canvas as (h, w, 4) uint8, as the page drew it."""
    data = page.evaluate("""() => { const c = document.getElementById('live-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        return [c.width, c.height, Array.from(d.data)]; }""")
    w, h, values = data
    return np.array(values, dtype=np.uint8).reshape(h, w, 4)


def frame_at(page, rate: float, epoch: int) -> np.ndarray | None:
    values = page.evaluate(f"(() => {{ const d = paintlr.frameAt({rate!r}, {epoch}); "
                           f"return d && [d.width, d.height, Array.from(d.data)]; }})()")
    if values is None:
        return None
    w, h, data = values
    return np.array(data, dtype=np.uint8).reshape(h, w, 4)


def python_frame(target: np.ndarray, rate: float, epoch: int, engine: str = "exact", init: str = "zeros"):
    """paintlr's own frame after `epoch` epochs of batch GD at `rate`, as uint8 (h, w, c)."""
    painting = Painting(target, learning_rate=rate, engine=engine, init=init, max_epochs=max(epoch, 1))
    if engine == "iterate":
        if epoch:
            painting.advance(epoch)
    else:
        painting.model.set_params(painting.trajectory.theta(epoch).T)
    return to_uint8(painting.picture())


@pytest.fixture
def chelsea_page(tmp_path, page):
    run("learn", str(CHELSEA), "-o", str(tmp_path / "a.html"), "-o", str(tmp_path / "a.png"))
    page.goto((tmp_path / "a.html").as_uri())
    return page, tmp_path


def test_the_learn_page_loads_offline_with_no_error_and_plays(chelsea_page):
    page, _ = chelsea_page
    count = page.evaluate("paintlr.run.rows.length")
    assert page.evaluate("paintlr.current") == count - 1  # opens on the final frame, and says so
    assert "showing the final frame" in page.text_content("#subtitle")
    first = page.get_attribute("#frame", "src")
    page.keyboard.press("Space")  # plays from the start
    page.wait_for_function("paintlr.current >= 3 && paintlr.current < " + str(count - 1))
    assert page.get_attribute("#frame", "src") != first
    page.keyboard.press("Space")  # pause
    held = page.evaluate("paintlr.current")
    page.wait_for_timeout(200)
    assert page.evaluate("paintlr.current") == held
    assert page.console_errors == []
    assert page.network_requests == []


def test_scrubber_keys_and_the_curve_move_through_the_frames(chelsea_page):
    page, _ = chelsea_page
    count = page.evaluate("paintlr.run.rows.length")
    page.fill("#scrubber", "1000")
    assert page.evaluate("paintlr.current") == count - 1
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("paintlr.current") == count - 2
    page.keyboard.press("Home")
    assert page.evaluate("paintlr.current") == 0
    assert "epoch 0" in page.text_content("#readout")
    assert page.text_content("#readout").endswith(" · running")  # the log's status column, in words
    box = page.locator("#curve").bounding_box()
    right = box["x"] + box["width"] * (480 - 14) / 480  # the plot's right edge: the canvas is 480 wide
    page.mouse.click(right, box["y"] + box["height"] / 2)
    assert page.evaluate("paintlr.current") == count - 1
    assert "epoch 1,947,610" in page.text_content("#readout")
    assert page.text_content("#readout").endswith(" · converged")
    assert page.console_errors == []


def test_the_sliders_at_the_runs_settings_show_its_final_frame(chelsea_page):
    """The issue's check: rate 0.05 and epoch 1,947,610 give the run's final frame within 1/255."""
    page, tmp_path = chelsea_page
    page.fill("#learning-rate", "0.5")
    page.fill("#epoch", "10")
    page.fill("#learning-rate", "0.05")
    page.fill("#epoch", "1947610")
    final = np.asarray(Image.open(tmp_path / "a.png").convert("RGB"))
    shown = live_pixels(page)
    assert shown.shape[:2] == final.shape[:2]
    assert np.abs(shown[:, :, :3].astype(int) - final).max() <= 1
    assert "1,947,610" in page.text_content("#live-readout")
    assert page.console_errors == []


def test_frame_at_agrees_with_python_at_many_rates_and_epochs(chelsea_page):
    page, _ = chelsea_page
    target = load_image(CHELSEA)
    cases = [(0.05, 0), (0.05, 3), (0.001, 10**9), (1.0, 5000), (1.9, 7), (1.99, 10**6), (0.3, 123457)]
    for rate, epoch in cases:
        expected = python_frame(target, rate, epoch)
        got = frame_at(page, rate, epoch)
        assert got is not None and got.shape == (*expected.shape[:2], 4)
        assert np.abs(got[:, :, :3].astype(int) - expected).max() <= 1, (rate, epoch)
        assert (got[:, :, 3] == 255).all()


def test_frame_at_agrees_with_iterated_gradient_descent(page, tmp_path, photo):
    """Against epochs actually run, from a flat mean-colour start, on a grey and a colour photo."""
    grey = tmp_path / "grey.png"
    Image.open(photo).convert("L").save(grey)
    for path in (photo, grey):
        out = tmp_path / f"{path.stem}.html"
        run("learn", str(path), "--init", "mean", "-o", str(out))
        page.goto(out.as_uri())
        target = load_image(path)
        for rate, epoch in [(0.05, 40), (1.5, 9), (1.97, 25)]:
            expected = python_frame(target, rate, epoch, engine="iterate", init="mean")
            got = frame_at(page, rate, epoch)
            colour = np.broadcast_to(expected, (*expected.shape[:2], 3))
            assert np.abs(got[:, :, :3].astype(int) - colour).max() <= 1


def test_past_the_stable_limit_the_page_shows_divergence(chelsea_page):
    page, _ = chelsea_page
    limit = page.evaluate("paintlr.run.live.maxStable")
    assert limit == pytest.approx(2 * 43520 / 43521)
    page.fill("#epoch", "500")
    page.fill("#learning-rate", repr(limit * 1.05))
    assert page.is_visible(".alarm")
    assert "Diverges" in page.text_content(".alarm")
    assert frame_at(page, limit * 1.05, 500) is None
    assert frame_at(page, limit, 500) is None  # at the limit the mean never settles
    page.fill("#learning-rate", "0.5")
    assert not page.is_visible(".alarm")


def test_dragging_the_epoch_slider_moves_on_a_log_scale(chelsea_page):
    page, _ = chelsea_page
    page.locator("#epoch").scroll_into_view_if_needed()
    box = page.locator("#epoch").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.click(box["x"] + box["width"] / 2, y)  # the middle of 0 .. 1e9 on log1p: about 31,600
    middle = int(page.input_value("#epoch-value"))
    assert 3_000 < middle < 300_000
    page.mouse.click(box["x"] + box["width"] - 2, y)
    assert int(page.input_value("#epoch-value")) > 5 * 10**8


def test_runs_without_a_closed_form_get_the_recorded_frames_only(page, tmp_path, photo):
    out = tmp_path / "sgd.html"
    run("learn", str(photo), "--optimizer", "sgd", "--max-epochs", "30", "-o", str(out))
    page.goto(out.as_uri())
    assert page.evaluate("paintlr.frameAt") is None
    assert not page.is_visible("#live")
    assert page.evaluate("paintlr.run.rows.length") >= 2
    assert page.console_errors == []


def test_fit_page_computes_the_line_from_the_two_by_two_closed_form(page, tmp_path):
    out = tmp_path / "points.html"
    run("fit", "--example", "points", "-o", str(out))
    page.goto(out.as_uri())
    table = load_example("points")
    fit = FitAnimation(table.x, table.y, x_names=table.x_names).runs[0]
    for rate, epoch in [(fit.learning_rate, 0), (fit.learning_rate, 10), (0.01, 1000), (0.05, 10**9),
                        (fit.learning_rate, int(fit.stop_epoch))]:
        got = page.evaluate(f"paintlr.fitAt({rate!r}, {epoch})")
        at_rate = FitAnimation(table.x, table.y, x_names=table.x_names, learning_rates=[rate]).runs[0]
        theta = at_rate.theta(epoch)
        assert got["intercept"] == pytest.approx(theta[0], rel=1e-9, abs=1e-12)
        assert got["slope"] == pytest.approx(theta[1], rel=1e-9, abs=1e-12)
    final = page.evaluate(f"paintlr.fitAt({fit.learning_rate!r}, {int(fit.stop_epoch)})")
    assert final["intercept"] == pytest.approx(0.6, abs=1e-6)
    assert final["slope"] == pytest.approx(0.8, abs=1e-6)
    page.fill("#learning-rate", repr(fit.max_stable_learning_rate * 1.01))
    assert page.is_visible(".alarm")
    assert page.console_errors == []


def test_fit_page_with_standardized_x_reports_original_units(page, tmp_path):
    out = tmp_path / "points.html"
    run("fit", "--example", "points", "--standardize", "-o", str(out))
    page.goto(out.as_uri())
    table = load_example("points")
    fit = FitAnimation(table.x, table.y, x_names=table.x_names, standardize=True).runs[0]
    got = page.evaluate(f"paintlr.fitAt({fit.learning_rate!r}, 7)")
    assert [got["intercept"], got["slope"]] == pytest.approx(list(fit.theta(7)), rel=1e-9)
    assert got["cost"] == pytest.approx(fit.cost(7), rel=1e-9)


@pytest.mark.parametrize("command", [
    ["classify", "--example", "admissions", "--frames", "6"],
    ["sweep", "{photo}", "--frames", "5"],
])
def test_classify_and_sweep_pages_play_their_frames(page, tmp_path, photo, command):
    out = tmp_path / "run.html"
    run(*[c.format(photo=photo) for c in command], "-o", str(out))
    page.goto(out.as_uri())
    assert page.evaluate("paintlr.frameAt") is None
    page.keyboard.press("End")
    assert page.evaluate("paintlr.current") == page.evaluate("paintlr.run.rows.length") - 1
    assert page.text_content("#command").startswith("paintlr " + command[0])
    assert page.text_content("#summary")
    assert page.console_errors == []
    assert page.network_requests == []


def test_the_readout_shows_every_rates_values(page, tmp_path):
    out = tmp_path / "p.html"
    rates = ["0.01", "0.05", "0.1", "0.2"]
    run("fit", "--example", "points", "--frames", "3", *[f"--learning-rate={r}" for r in rates],
        "-o", str(out))
    page.goto(out.as_uri())
    readout = page.text_content("#readout")
    for rate in rates:
        for name in ("cost", "intercept", "x"):
            assert f"{name} (lr {rate})" in readout, (name, rate, readout)
    assert page.console_errors == []


def test_the_sweep_pages_legend_lies_outside_the_plot_and_names_every_run(page, tmp_path, photo):
    out = tmp_path / "sweep.html"
    run("sweep", str(photo), "--frames", "4", "-o", str(out))
    page.goto(out.as_uri())
    names = [c for c in page.evaluate("paintlr.run.columns") if c.startswith("cost (")]
    assert len(names) == 3
    entries = page.locator("#curve-legend > span")
    assert entries.all_text_contents() == names
    curve, legend = page.locator("#curve").bounding_box(), page.locator("#curve-legend").bounding_box()
    assert legend["y"] >= curve["y"] + curve["height"]  # below the canvas: no curve can cross it
    colours = entries.evaluate_all("es => es.map(e => getComputedStyle(e.firstElementChild).backgroundColor)")
    assert len(set(colours)) == 3  # each swatch in its own curve's colour
    page.screenshot(path=str(tmp_path / "sweep-page.png"), full_page=True)
    assert page.console_errors == []


def test_notebook_display_runs_in_its_iframe(page, tmp_path, photo):
    html = Painting(load_image(photo))._repr_html_()
    (tmp_path / "cell.html").write_text(f"<!doctype html><html><body>{html}</body></html>")
    page.goto((tmp_path / "cell.html").as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("#learning-rate").wait_for()
    assert frame.locator("#live").is_visible()
    inner = page.frames[1]
    page.wait_for_function("document.querySelector('iframe').clientHeight > 760")  # sized to its page
    tall, shown = inner.evaluate("document.documentElement.scrollHeight"), page.evaluate(
        "document.querySelector('iframe').clientHeight")
    assert tall <= shown <= tall + 2  # nothing to scroll inside the frame: the sliders are in view
    assert page.console_errors == []


def test_frame_at_near_the_stable_limit_shrinks_the_mean_by_n_plus_one_over_n(page, tmp_path, photo):
    """Near 2n / (n + 1) the mean colour's error shrinks by |1 - rate (n + 1) / n| per epoch, slowly
    and with alternating sign, while 1 - rate would already have shrunk it far more: from a black
    start the mean then stands out by tens of grey levels."""
    out = tmp_path / "near.html"
    run("learn", str(photo), "-o", str(out))
    page.goto(out.as_uri())
    limit = page.evaluate("paintlr.run.live.maxStable")
    assert limit == pytest.approx(2 * 192 / 193)
    target = load_image(photo)
    for fraction, epoch in [(0.999, 100), (0.9995, 1001), (0.99, 10)]:
        rate = fraction * limit
        expected = python_frame(target, rate, epoch)
        got = frame_at(page, rate, epoch)
        assert got is not None and np.abs(got[:, :, :3].astype(int) - expected).max() <= 1, (rate, epoch)
    assert page.console_errors == []


def test_stepping_past_either_end_stays_on_the_first_or_last_frame(page, tmp_path, photo):
    out = tmp_path / "steps.html"
    run("learn", str(photo), "--frames", "5", "-o", str(out))
    page.goto(out.as_uri())
    count = page.evaluate("paintlr.run.rows.length")

    def loaded() -> bool:  # a broken image is complete with no width
        page.wait_for_function("document.getElementById('frame').complete")
        return page.evaluate("document.getElementById('frame').naturalWidth") > 0

    page.keyboard.press("End")
    last = page.get_attribute("#frame", "src")
    for step in ("key", "button", "key"):
        page.keyboard.press("ArrowRight") if step == "key" else page.click("#next")
        assert page.evaluate("paintlr.current") == count - 1
        assert page.get_attribute("#frame", "src") == last and loaded()
        assert page.text_content("#readout").startswith(f"frame {count} of {count}")
    page.keyboard.press("Home")
    page.click("#prev")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("paintlr.current") == 0 and loaded()
    assert page.text_content("#readout").startswith(f"frame 1 of {count} · epoch 0")
    assert page.console_errors == []


def test_playback_shows_each_frame_for_its_own_time_and_never_strobes(page, tmp_path):
    """Black and white in turn at 20 fps: the page holds the frame before a fourth flash in a second,
    and the player, timed in the browser, keeps every frame on screen at least that long."""
    black, white = np.zeros((8, 8, 3), np.uint8), np.full((8, 8, 3), 255, np.uint8)
    frames = [black, white] * 4 + [black]
    (tmp_path / "a.html").write_text(page_html([(f, (i, 1.0)) for i, f in enumerate(frames)], title="strobe",
                                               columns=["cost"], fps=20))
    page.goto((tmp_path / "a.html").as_uri())
    page.evaluate("paintlr.show(0)")  # the page opens on the final frame; play from the first
    page.evaluate("""() => { window.shownAt = [performance.now()];
        new MutationObserver(() => window.shownAt.push(performance.now()))
            .observe(document.getElementById('frame'), {attributes: true, attributeFilter: ['src']});
        document.getElementById('play').click(); }""")
    page.wait_for_function(f"paintlr.current === {len(frames) - 1}", timeout=10_000)
    timed = np.diff(page.evaluate("window.shownAt"))
    assert len(timed) == len(frames) - 1
    assert flashes_per_second(frames, [*timed, 50], loop=False) <= MAX_FLASHES
    planned = page.evaluate("JSON.parse(document.getElementById('paintlr-data').textContent).ms")
    assert max(planned) > 500  # the frame before the fourth flash, held
    assert np.all(timed >= np.array(planned[:-1]) - 4)  # timers fire late, never early
