import numpy as np
import pytest

from paintlr.errors import OptionError
from paintlr.runs.clock import BLOWUP
from paintlr.runs.sweep import ONE_HOT_RATES, Sweep, sweep_runs
from paintlr.settings import MOMENTUM


def test_sweep_runs_side_by_side_on_one_clock_and_marks_divergence():
    target = np.random.default_rng(0).random((12, 10, 3))
    runs = [("slow", {"learning_rate": 0.05}), ("good", {"learning_rate": 1.0}),
            ("boom", {"learning_rate": 2.5})]
    ticks = list(Sweep(target, runs, frames=20))
    assert all(len(panels) == 3 for panels in ticks)
    assert [p.label for p in ticks[0]] == ["slow", "good", "boom"]
    assert all(p.frame.epoch == 0 and p.status == "running" for p in ticks[0])
    last = {p.label: p for p in ticks[-1]}
    assert last["slow"].status == last["good"].status == "converged"
    assert last["good"].frame.epoch < last["slow"].frame.epoch  # a larger stable rate gets there sooner
    assert last["slow"].frame.cost < 1e-4 and last["good"].frame.cost < 1e-4
    assert last["boom"].status == "diverged"
    clock = [max(p.frame.epoch for p in panels if p.status == "running") for panels in ticks[1:-1]
             if any(p.status == "running" for p in panels)]
    assert clock == sorted(clock)


def literal_one_hot_costs(target: np.ndarray, lr: float, epochs: int) -> np.ndarray:
    """Mean cost over channels of batch GD on the explicit one-hot samples [1, I], from zero."""
    y = target.reshape(-1, target.shape[2])
    n = len(y)
    phi = np.c_[np.ones(n), np.eye(n)]
    theta = np.zeros((n + 1, y.shape[1]))
    costs = []
    for _ in range(epochs + 1):
        r = phi @ theta - y
        costs.append(float((r * r).sum(axis=0).mean() / (2 * n)))
        theta = theta - lr / n * phi.T @ r
    return np.array(costs)


def test_a_diverging_panel_is_marked_in_the_tick_its_cost_blows_up():
    """Rates 0.05, 1.0 and 2.5 on one-hot samples (limit 2n / (n + 1), about 2): the third run is
    marked diverged in the very tick its cost reaches BLOWUP times its start, not a tick later,
    and long before the slow run converges."""
    target = np.random.default_rng(0).random((8, 6, 3))
    runs = [("slow", {"learning_rate": 0.05}), ("good", {"learning_rate": 1.0}),
            ("boom", {"learning_rate": 2.5})]
    ticks = [{p.label: p for p in panels} for panels in Sweep(target, runs, frames=30)]
    expected = literal_one_hot_costs(target, 2.5, 60)
    start = ticks[0]["boom"].frame.cost
    assert start == pytest.approx(expected[0], rel=1e-12)
    blowup = int(np.argmax(expected >= BLOWUP * expected[0]))  # the first epoch at BLOWUP x the start
    assert 1 < blowup < 60

    marked = None
    for i, panels in enumerate(ticks):
        boom = panels["boom"]
        exploded = not np.isfinite(boom.frame.cost) or boom.frame.cost >= BLOWUP * start
        assert (boom.status == "diverged") == exploded, (i, boom.frame.epoch, boom.frame.cost, boom.status)
        if boom.status == "running":
            assert boom.frame.cost == pytest.approx(expected[boom.frame.epoch], rel=1e-9)
        elif marked is None:
            marked = i
    assert marked is not None
    clock = [panels["slow"].frame.epoch for panels in ticks]  # the slow run runs to the last tick
    assert clock[marked] >= blowup > clock[marked - 1]  # the first tick at or past the blow-up
    assert ticks[marked]["boom"].frame.epoch == clock[marked]
    slow_done = next(i for i, panels in enumerate(ticks) if panels["slow"].status == "converged")
    assert 100 * clock[marked] < clock[slow_done]
    assert all(panels["boom"].status == "diverged" for panels in ticks[marked:])


def test_sweep_runs_label_what_varies_and_take_each_designs_defaults():
    runs, notes = sweep_runs((12, 10, 3))
    assert [label for label, _ in runs] == [f"gd lr {lr:g}" for lr in ONE_HOT_RATES] and notes == []
    assert all(options["design"] is None for _, options in runs)
    runs, _ = sweep_runs((12, 10, 3), features=["onehot", "cosine"], n_features=64)
    assert [label for label, _ in runs] == ["onehot", "cosine"]
    assert [options["learning_rate"] for _, options in runs] == [None, None]  # each design's own default
    assert runs[0][1]["design"] is None and runs[1][1]["design"].n_features == 64
    runs, _ = sweep_runs((12, 10, 3), optimizers=["gd", "momentum"], learning_rates=[0.1])
    assert [label for label, _ in runs] == ["gd", "momentum"]
    _, notes = sweep_runs((4, 4, 3), features=["cosine"], n_features=64)
    assert notes == ["64 features are more than the 16 pixels; using 14"]


def test_sweep_runs_pairs_and_best_settings_per_optimizer():
    from paintlr.core.tuning import gd_best, momentum_best, one_hot_extremes

    pairs = [("gd", 0.05), ("gd", "best"), ("momentum", "best")]
    runs, _ = sweep_runs((6, 5, 3), pairs=pairs, momentum="best")
    labels = [label for label, _ in runs]
    assert labels[0] == "gd lr 0.05" and labels[1].endswith("(best)") and "beta" in labels[2]
    extremes = one_hot_extremes(30)
    assert runs[1][1]["learning_rate"] == gd_best(*extremes).learning_rate
    best = momentum_best(*extremes)
    assert (runs[2][1]["learning_rate"], runs[2][1]["momentum"]) == (best.learning_rate, best.beta)


def test_the_three_way_sweep_ends_fastest_with_optimal_momentum():
    target = np.random.default_rng(2).random((8, 8, 3))
    runs, _ = sweep_runs(target.shape, pairs=[("gd", 0.05), ("gd", "best"), ("momentum", "best")],
                         momentum="best")
    *_, last = list(Sweep(target, runs, frames=20))
    done = {p.label.split(" lr")[0] + (" best" if "best" in p.label else ""): p.frame.epoch for p in last}
    assert all(p.status == "converged" for p in last)
    assert done["momentum best"] < done["gd best"] < done["gd"]


def test_runs_given_one_by_one_and_combinations_to_make_are_refused_together():
    with pytest.raises(OptionError, match=r"one by one, or .* not both") as info:
        sweep_runs((12, 10, 3), pairs=[("gd", 0.05)], optimizers=["momentum"])
    assert info.value.option == "pairs"
    with pytest.raises(OptionError, match="not both"):
        sweep_runs((12, 10, 3), pairs=[("gd", 0.05)], learning_rates=[0.1])


def test_a_sweep_run_cut_by_max_epochs_is_stopped_not_running():
    target = np.random.default_rng(0).random((12, 10, 3))
    runs = [("slow", {"learning_rate": 0.05}), ("good", {"learning_rate": 1.0})]
    last = {p.label: p for p in list(Sweep(target, runs, frames=8, max_epochs=1000))[-1]}
    assert last["slow"].frame.epoch == 1000 and last["slow"].frame.cost >= 1e-4
    assert last["slow"].status == "stopped" and last["good"].status == "converged"


def test_sweep_runs_refuse_a_setting_no_run_uses():
    with pytest.raises(OptionError, match="momentum needs optimizer momentum or nesterov"):
        sweep_runs((12, 10, 3), momentum=0.5)
    with pytest.raises(OptionError, match="sigma needs features fourier"):
        sweep_runs((12, 10, 3), features=["onehot", "cosine"], sigma=3)
    runs, _ = sweep_runs((12, 10, 3), pairs=[("gd", 0.1), ("momentum", 0.1)], momentum=0.5)
    assert [options["momentum"] for _, options in runs] == [MOMENTUM, 0.5]  # gd's beta is unused
