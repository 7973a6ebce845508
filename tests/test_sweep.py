import numpy as np

from paintlr.panels import compose
from paintlr.sweep import sweep


def test_sweep_runs_side_by_side_on_one_clock_and_marks_divergence():
    target = np.random.default_rng(0).random((12, 10, 3))
    runs = [("slow", {"learning_rate": 0.05}), ("good", {"learning_rate": 1.0}),
            ("boom", {"learning_rate": 2.5})]
    ticks = list(sweep(target, runs, frames=20))
    assert all(len(panels) == 3 for panels in ticks)
    assert [p.label for p in ticks[0]] == ["slow", "good", "boom"]
    assert all(p.epoch == 0 and p.status == "running" for p in ticks[0])
    last = {p.label: p for p in ticks[-1]}
    assert last["slow"].status == last["good"].status == "converged"
    assert last["good"].epoch < last["slow"].epoch  # a larger stable rate gets there sooner
    assert last["slow"].cost < 1e-4 and last["good"].cost < 1e-4
    assert last["boom"].status == "diverged"
    clock = [max(p.epoch for p in panels if p.status == "running") for panels in ticks[1:-1]
             if any(p.status == "running" for p in panels)]
    assert clock == sorted(clock)


def test_compose_lays_out_panels_with_captions():
    target = np.random.default_rng(0).random((8, 6, 1))
    panels = next(iter(sweep(target, [("a", {"learning_rate": 0.5}), ("b", {"learning_rate": 3.0})],
                             frames=5)))
    image = compose(panels, scale=4)
    assert image.dtype == np.uint8 and image.shape[2] == 3
    assert image.shape[1] == 2 * 6 * 4 + 4 and image.shape[0] > 8 * 4
    caption = image[8 * 4:, : 6 * 4]
    assert (caption < 128).any()  # caption text is drawn
