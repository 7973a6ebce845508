import numpy as np

from paintlr.designs import OneHot
from paintlr.painting import initial_params
from paintlr.schedule import burst_frames, geometric_frames, plan_frames


def trajectory_costs(n=4096, rate=0.05, seed=0):
    y = np.random.default_rng(seed).random((3, n))
    traj = OneHot(n).trajectory(initial_params(y, n, "zeros", None), y, rate)
    return (lambda k: float(traj.cost(k).mean())), (lambda k: float(traj.detail_cost(k).mean()))


def test_plan_ends_at_threshold_with_about_the_requested_frames():
    cost, detail = trajectory_costs()
    epochs = plan_frames(cost, 60, 1e-4, 10**9, detail)
    assert epochs == sorted(set(epochs)) and epochs[0] > 0
    assert cost(epochs[-1]) < 1e-4 <= cost(epochs[-1] - 1)
    assert 45 <= len(epochs) + 1 <= 60


def test_plan_gives_even_visible_steps_in_the_picture():
    cost, detail = trajectory_costs()
    epochs = plan_frames(cost, 60, 1e-4, 10**9, detail)
    rms = np.sqrt([detail(k) for k in epochs])
    steps = -np.diff(rms)
    assert np.all(steps > 0)
    assert steps.max() < 3 * np.median(steps)  # no few big jumps then near-identical frames
    whole = np.sqrt([cost(0), *[cost(k) for k in epochs]])
    assert np.all(np.diff(whole) < 0)


def test_plan_without_threshold_runs_to_max_epochs():
    cost, _ = trajectory_costs()
    epochs = plan_frames(cost, 10, 1e-12, 5000)
    assert epochs[-1] == 5000 and len(epochs) <= 9


def test_unpredictable_cost_falls_back_to_geometric_spacing():
    epochs = plan_frames(lambda k: float("inf") if k else 1.0, 10, 1e-4, 10**6)
    assert epochs == geometric_frames(10, 10**6)
    assert epochs[0] == 1 and epochs[-1] == 10**6


def test_burst_frames_are_fixed_steps_past_the_end():
    assert list(burst_frames(100, 350)) == [100, 200, 300, 400]
    assert list(burst_frames(100, 300)) == [100, 200, 300]
