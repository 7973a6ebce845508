"""page: the player page's parts in Python (frame encoding, safe JSON, the notebook's budget) and
the notebook display of every kind of run. The page's script is tested in a browser: test_player.py."""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
import pytest
from conftest import colour_array
from frames_and_files import fading_in, no_part_files, page_data
from PIL import Image

from paintlr.io.tabular import load_example
from paintlr.outputs import Outputs
from paintlr.outputs.page import PageWriter, encode_frame, notebook_html, page_html, shown_command
from paintlr.runs.classification import Classification
from paintlr.runs.line_fit import FitAnimation
from paintlr.runs.painting import Painting
from paintlr.runs.sweep import Sweep, sweep_runs


def decoded(uri: str) -> tuple[str, bytes]:
    kind, data = re.fullmatch(r"data:image/(png|webp);base64,(.*)", uri).groups()
    return kind, base64.b64decode(data)


@pytest.mark.parametrize("frame", [colour_array(64, 96), np.zeros((40, 60, 3), np.uint8),
                                   np.tile(np.arange(60, dtype=np.uint8), (40, 1))])
def test_a_frame_goes_in_as_the_smaller_of_png_and_webp(frame):
    kind, data = decoded(encode_frame(frame))
    sizes = {}
    for fmt, options in (("png", {}), ("webp", {"quality": 90, "method": 4})):
        buf = io.BytesIO()
        Image.fromarray(frame).save(buf, format=fmt, **options)
        sizes[fmt] = buf.tell()
    assert kind == min(sizes, key=sizes.get)
    assert len(data) == min(sizes.values())


def test_nothing_a_user_writes_can_close_the_pages_script():
    text = page_html([(np.zeros((2, 2, 3), np.uint8), (0, 1.0))], title="</script><b>", columns=["cost"],
                     fps=20, command="paintlr learn '</script><script>alert(1)</script>.png'",
                     summary="<!-- done")
    head, _, rest = text.partition('id="paintlr-data">')
    data = rest.split("</script>", 1)[0]
    assert "</script>" not in data and "<!--" not in data
    assert "<title>&lt;/script&gt;&lt;b&gt;</title>" in head
    assert "http://" not in text and "https://" not in text  # no network, not even a link


def test_rows_must_match_the_columns():
    writer = PageWriter(io.BytesIO(), title="t", columns=["cost", "psnr_db"], fps=20)
    with pytest.raises(ValueError, match="epoch and 2 values"):
        writer.add(np.zeros((2, 2), np.uint8), (0, 1.0))


def test_a_diverged_cost_is_a_gap_not_invalid_json():
    text = page_html([(np.zeros((2, 2), np.uint8), (5, float("inf")))], title="t", columns=["cost"], fps=20)
    assert '"rows":[[5,null]]' in text


def test_the_notebook_display_shrinks_what_it_embeds_to_the_budget_and_says_so():
    rng = np.random.default_rng(0)
    pictures = [(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), (k, 1.0 / (k + 1))) for k in range(40)]
    full = notebook_html(pictures, title="t", columns=["cost"], fps=20)
    assert "Shrunk" not in full
    budget = len(full.encode()) // 5
    small = notebook_html(pictures, title="t", columns=["cost"], fps=20, budget=budget)
    assert len(small.encode()) <= budget
    assert "Shrunk to fit" in html.unescape(small)
    assert small.startswith('<iframe id="paintlr-')


def frames_in(display: str) -> int:
    return html.unescape(display).count('"data:image/')


def test_a_painting_displays_itself_with_its_closed_form(photo):
    painting = Painting(np.asarray(Image.open(photo), dtype=np.float64) / 255, frames=8)
    display = painting._repr_html_()
    assert len(display.encode()) < 10_000_000
    assert '"kind":"onehot"' in html.unescape(display)
    assert frames_in(display) == len(painting.frame_epochs) + 1
    assert "<title>paintlr: painting a 12 x 16 colour image</title>" in html.unescape(display)


def title_of(display: str) -> str:
    return re.search(r"<title>(.*?)</title>", html.unescape(display))[1]


def test_a_fit_a_classification_and_a_sweep_display_themselves(photo):
    points = load_example("points")
    fit = FitAnimation(points.x, points.y, x_names=points.x_names, frames=5)
    assert '"kind":"line"' in html.unescape(fit._repr_html_())
    assert title_of(fit._repr_html_()) == "paintlr: fitting y against x"
    admissions = load_example("admissions", labels=True)
    run = Classification(admissions.x, admissions.y, x_names=admissions.x_names, frames=4, max_epochs=200)
    assert frames_in(run._repr_html_()) == len(run.epochs)
    assert title_of(run._repr_html_()) == "paintlr: classifying by exam1 and exam2"
    target = np.asarray(Image.open(photo), dtype=np.float64) / 255
    runs, _ = sweep_runs(target.shape)
    display = Sweep(target, runs, frames=4)._repr_html_()
    assert '"live":null' in html.unescape(display) and frames_in(display) >= 2
    assert title_of(display) == f"paintlr: {len(runs)} runs side by side on a 12 x 16 colour image"


# --- the page as an output among the others ---------------------------------------------

def test_the_page_holds_each_frame_losslessly_or_near(tmp_path):
    import base64
    import io

    frames = fading_in(4, 30, 40)
    with Outputs([tmp_path / "a.html"], columns=()) as out:
        for i, frame in enumerate(frames):
            out.add(frame, (i,))
        out.commit()
    uris, _ = page_data(tmp_path / "a.html")
    for uri, frame in zip(uris, frames, strict=True):
        with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
            back = np.asarray(im.convert("RGB"))
        error = np.abs(back.astype(int) - frame)
        if uri.startswith("data:image/png"):
            assert error.max() == 0
        else:  # WebP at quality 90: lossy, its colour at half resolution
            assert error.mean() < 8  # this test picture is noise on saturated gradients


def test_a_page_needs_a_row_per_frame(tmp_path):
    with Outputs([tmp_path / "a.html"], columns=("cost",)) as out, pytest.raises(ValueError, match="row"):
        out.add(fading_in(2)[0])
    assert no_part_files(tmp_path)


@pytest.mark.parametrize(("words", "shown"), [
    (["paintlr", "learn", "/home/ann/pics/cat.png", "-o", "/home/ann/out/cat.html"],
     "paintlr learn ../pics/cat.png -o cat.html"),
    (["paintlr", "fit", "my data.csv", "--log=/home/ann/out/a b.csv", "-o", "/tmp/x.html"],
     "paintlr fit 'my data.csv' '--log=a b.csv' -o /tmp/x.html"),
    (["paintlr", "learn", "cat.png", "-o", "cat.html"], "paintlr learn cat.png -o cat.html"),
])
def test_the_command_is_shown_with_absolute_paths_from_the_pages_folder(words, shown):
    assert shown_command(words, "/home/ann/out") == shown
