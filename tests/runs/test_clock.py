import numpy as np
import pytest

from paintlr import settings
from paintlr.core.designs import OneHot
from paintlr.errors import OptionError
from paintlr.runs.clock import (
    BLOWUP,
    blown_up,
    blowup_epoch,
    burst_frames,
    check_frames,
    cost_levels,
    geometric_frames,
    one_side,
    overshoot,
    plan_frames,
    shared_end,
    stop_epoch,
)
from paintlr.runs.painting import initial_params


def trajectory_costs(n=4096, rate=0.05, seed=0):
    y = np.random.default_rng(seed).random((3, n))
    traj = OneHot(n).trajectory(initial_params(y, OneHot(n), "zeros", None), y, rate)
    return (lambda k: float(traj.cost(k).mean())), (lambda k: float(traj.detail_cost(k).mean()))


def test_plan_ends_at_threshold_with_about_the_requested_frames():
    cost, detail = trajectory_costs()
    epochs = plan_frames(cost, 60, stop_epoch(cost, 1e-4, 10**9), detail)
    assert epochs == sorted(set(epochs)) and epochs[0] > 0
    assert cost(epochs[-1]) < 1e-4 <= cost(epochs[-1] - 1)
    assert 45 <= len(epochs) + 1 <= 60


def test_plan_gives_even_visible_steps_in_the_picture():
    cost, detail = trajectory_costs()
    epochs = plan_frames(cost, 60, stop_epoch(cost, 1e-4, 10**9), detail)
    rms = np.sqrt([detail(k) for k in epochs])
    steps = -np.diff(rms)
    assert np.all(steps > 0)
    assert steps.max() < 3 * np.median(steps)  # no few big jumps then near-identical frames
    whole = np.sqrt([cost(0), *[cost(k) for k in epochs]])
    assert np.all(np.diff(whole) < 0)


def test_plan_without_threshold_runs_to_max_epochs():
    cost, _ = trajectory_costs()
    epochs = plan_frames(cost, 10, stop_epoch(cost, 1e-12, 5000))
    assert epochs[-1] == 5000 and len(epochs) <= 9


def test_unpredictable_cost_falls_back_to_geometric_spacing():
    epochs = plan_frames(lambda k: float("inf") if k else 1.0, 10, 10**6)
    assert epochs == geometric_frames(10, 10**6)
    assert epochs[0] == 1 and epochs[-1] == 10**6


def test_burst_frames_are_fixed_steps_past_the_end():
    assert list(burst_frames(100, 350)) == [100, 200, 300, 400]
    assert list(burst_frames(100, 300)) == [100, 200, 300]


def test_cost_levels_give_the_early_fall_a_sixth():
    levels = cost_levels(0.69, 0.1, 13, floor=0.4)
    assert len(levels) == 12 and levels[-1] == pytest.approx(0.1)
    assert np.all(np.diff(levels) < 0) and levels[1] == pytest.approx(0.4)  # 12 // 6 = 2 to the floor
    plain = cost_levels(1.0, 0.1, 10)
    np.testing.assert_allclose(plain, np.linspace(1.0, 0.1, 10)[1:])


def test_burst_frames_refuse_to_make_more_than_max_frames():
    most = settings.MAX_FRAMES
    assert len(burst_frames(1, most)) == most  # exactly the cap is allowed
    assert len(burst_frames(7, 7 * most)) == most
    for burst, end in ((1, most + 1), (7, 7 * most + 1), (1, 10**9)):
        with pytest.raises(OptionError) as info:
            burst_frames(burst, end)
        assert info.value.option == "burst"


@pytest.mark.parametrize("frames", [2, settings.MAX_FRAMES])
def test_check_frames_takes_two_to_max_frames(frames):
    check_frames(frames)


@pytest.mark.parametrize("frames", [1, 0, -3, settings.MAX_FRAMES + 1])
def test_check_frames_refuses_fewer_than_two_or_more_than_max_frames(frames):
    with pytest.raises(OptionError, match=f"between 2 and {settings.MAX_FRAMES}, got {frames}") as info:
        check_frames(frames)
    assert info.value.option == "frames"


def test_shared_end_is_the_last_stop_or_the_fallback():
    assert shared_end([30, None, 7], 100) == 30
    assert shared_end([None, None], 100) == 100
    assert shared_end([], 5) == 5
    assert shared_end([0], 100) == 0  # a run that stops at once still stops


def test_blown_up_at_blowup_times_the_start_or_not_finite():
    assert not blown_up(BLOWUP * 2.0 * (1 - 1e-12), 2.0)
    assert blown_up(BLOWUP * 2.0, 2.0)
    assert blown_up(float("inf"), 2.0) and blown_up(float("nan"), 2.0)
    assert not blown_up(0.5, 2.0)


def test_blowup_epoch_is_the_first_blown_up_epoch():
    def cost(k):  # grows 10-fold per epoch, overflowing to inf at epoch 400
        return float(np.float64(10.0) ** k) if k < 400 else float("inf")

    with np.errstate(over="ignore"):
        assert blowup_epoch(cost, 1.0, 10**6) == 3  # 10^3 = BLOWUP x 1
        assert blowup_epoch(cost, 1e-3, 10**6) == 0
        assert blowup_epoch(cost, 1e20, 10**6) == 23
        assert blowup_epoch(cost, 1e20, 22) is None  # not by max_epochs
        assert blowup_epoch(lambda k: 1.0, 1.0, 10**6) is None
    assert next(k for k in range(10) if blown_up(cost(k), 1.0)) == 3


def test_the_last_planned_frame_is_the_stop_epoch_even_on_a_plateau():
    """A cost that levels off at its optimum, with max_cost a hair above it: the last equal step of
    the RMS error is reached (within rounding) epochs before the run stops; the stop is drawn too."""
    def cost(k: int) -> float:
        return 0.25 + 0.5 * 0.9**k

    for margin in (1e-3, 1e-9, 1e-12, 1e-13):
        end = stop_epoch(cost, 0.25 * (1 + margin), 10**6)
        for detail in (None, lambda k: 0.5 * 0.9**k):
            epochs = plan_frames(cost, 20, end, detail)
            assert epochs[-1] == end and epochs == sorted(set(epochs)), (margin, epochs[-3:], end)


def test_a_painting_stopping_just_above_its_optimum_shows_its_last_epoch():
    from conftest import colour_array

    from paintlr.features.maps import CosineFeatures
    from paintlr.runs.painting import Painting

    target = colour_array() / 255.0
    design = CosineFeatures(16, aspect=12 / 16).design(12, 16)
    optimum = Painting(target, design=design).optimal_cost
    painting = Painting(target, design=design, max_cost=optimum * (1 + 1e-12))
    frames = list(painting)
    assert painting.frame_epochs[-1] == painting.stop_epoch == frames[-1].epoch > 100
    assert frames[-1].cost < painting.max_cost <= frames[-2].cost


def swinging(k: int) -> float:
    """A mean colour that starts too dark, overshoots and swings about the target every epoch."""
    return -0.5 if k == 0 else 0.9 * (-1) ** (k + 1) * 0.999**k


def test_frames_of_a_swinging_mean_colour_stay_on_the_overshooting_side():
    planned = [*range(1, 41), 50, 60, 75, 100]
    kept = one_side(planned, swinging, 100)
    assert all(swinging(k) > 0 for k in kept if k < 100) and kept[-1] == 100
    assert len(kept) >= 20 + 3
    assert set(kept) <= set(planned) | {k + 1 for k in planned} | {k - 1 for k in planned}
    assert overshoot(kept, swinging) == pytest.approx(0.9 * 0.999)


def test_a_mean_colour_that_never_overshoots_keeps_its_frames():
    def rising(k: int) -> float:
        return -0.5 * 0.9**k
    planned = [1, 2, 5, 9, 20, 44]
    assert one_side(planned, rising, 44) == planned
    assert overshoot(planned, rising) == 0.0
    assert one_side(planned, lambda k: 0.01 * (-1) ** k, 44) == planned  # swings too small to see
