import numpy as np
import pytest

from paintlr.runs.forecast import CLOSED_FORM, ESTIMATE, epochs_to_threshold, seconds_per_epoch
from paintlr.runs.painting import Painting

TARGET = np.random.default_rng(3).random((16, 16, 3))


def run_length(**options):
    frames = list(Painting(TARGET, **options))
    assert frames[-1].cost < 1e-4
    return frames[-1].epoch


def test_gd_forecast_is_exact():
    painting = Painting(TARGET, learning_rate=0.5)
    epochs, method = epochs_to_threshold(painting)
    assert method == CLOSED_FORM and epochs == run_length(learning_rate=0.5)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_forecast_is_exact_and_bounds_the_iterated_run(optimizer):
    painting = Painting(TARGET, optimizer=optimizer, learning_rate=0.2)
    epochs, method = epochs_to_threshold(painting)
    assert method == CLOSED_FORM and epochs == run_length(optimizer=optimizer, learning_rate=0.2)
    iterated = run_length(optimizer=optimizer, learning_rate=0.2, engine="iterate")
    assert iterated <= epochs <= 1.1 * iterated  # the envelope's crossing: the cost stays below from there


@pytest.mark.parametrize("options", [{"optimizer": "sgd", "learning_rate": 0.05, "seed": 1},
                                     {"optimizer": "sgd", "learning_rate": 0.2, "batch_size": 4,
                                      "seed": 1}])
def test_other_optimizers_are_estimated_within_a_fifth(options):
    epochs, method = epochs_to_threshold(Painting(TARGET, **options))
    assert method == ESTIMATE
    assert epochs == pytest.approx(run_length(**options), rel=0.2)


def test_unstable_or_unreachable_has_no_forecast():
    assert epochs_to_threshold(Painting(TARGET, learning_rate=2.5))[0] is None
    assert epochs_to_threshold(Painting(TARGET, learning_rate=0.05, max_epochs=10))[0] is None


def test_seconds_per_epoch_is_measured_without_touching_the_model():
    painting = Painting(TARGET, optimizer="sgd")
    before = painting.model.get_params()
    assert seconds_per_epoch(painting) > 0
    np.testing.assert_array_equal(painting.model.get_params(), before)


def test_a_run_about_to_start_times_only_its_own_engine(monkeypatch):
    import paintlr.runs.forecast as forecast_mod

    def no_iterating(painting, epochs=3):
        raise AssertionError("timed epochs the exact engine will not run")

    monkeypatch.setattr(forecast_mod, "seconds_per_epoch", no_iterating)
    plan = forecast_mod.forecast(Painting(TARGET, learning_rate=0.5), engine_only=True)
    assert plan.seconds_per_frame > 0 and plan.seconds(10) == 10 * plan.seconds_per_frame


def test_a_palette_painting_is_not_predicted():
    from paintlr.runs.forecast import NOT_PREDICTED, forecast
    from paintlr.runs.palette_painting import PalettePainting

    palette = PalettePainting(TARGET, palette=2)
    assert epochs_to_threshold(palette) == (None, NOT_PREDICTED)
    assert forecast(palette).epochs is None


def test_a_run_about_to_start_is_planned_unless_it_trains_nothing_or_explodes():
    from paintlr.runs.forecast import plan

    assert plan(Painting(TARGET, solver="lstsq")) is None
    assert plan(Painting(TARGET, learning_rate=2.5)) is None
    assert plan(Painting(TARGET, learning_rate=0.5)).epochs == run_length(learning_rate=0.5)


def test_the_epochs_known_are_the_forecasts_else_only_a_given_budget():
    from paintlr.runs.forecast import NOT_PREDICTED, Forecast, epochs_known

    assert epochs_known(Forecast(False, 120, CLOSED_FORM), 10**6) == 120
    unknown = Forecast(False, None, NOT_PREDICTED)
    assert epochs_known(unknown, 10**6) == 10**6  # given, even if it equals a default budget
    assert epochs_known(unknown, None) is None and epochs_known(None, None) is None
    assert epochs_known(None, 50) == 50
