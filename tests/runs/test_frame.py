import numpy as np
import pytest

from paintlr.runs.frame import FrameSource
from paintlr.runs.painting import Painting
from paintlr.runs.palette_painting import PalettePainting


class Recorder(FrameSource):
    def _train(self, epochs, **logging):
        self.call = (epochs, logging)
        return "result"


def test_advance_without_a_level_logs_nothing():
    source = Recorder()
    assert source.advance(7) == "result"
    assert source.call == (7, {"log_every": 0, "on_log": None})


def test_advance_with_a_level_checks_every_epoch_and_stops_below_it():
    source = Recorder()
    source.advance(5, level=0.5)
    epochs, logging = source.call
    assert epochs == 5 and logging["log_every"] == 1
    assert logging["on_log"](3, 0.4) and not logging["on_log"](3, 0.5)


@pytest.mark.parametrize("make", [lambda t: Painting(t, design=None, learning_rate=0.5, engine="iterate"),
                                  lambda t: PalettePainting(t, palette=2)])
def test_both_paintings_advance_to_just_below_a_level(make):
    target = np.random.default_rng(1).random((6, 5, 3))
    source = make(target)
    first = source.advance(1)
    level = 0.9 * first.cost
    result = source.advance(10_000, level)
    assert result.cost < level and result.epochs < 10_000
    costs = []
    again = make(target)
    again.advance(1)
    again._train(result.epochs - 1, log_every=1, on_log=lambda _, cost: costs.append(cost))
    assert not costs[-1] < level  # one epoch earlier it was not yet below
