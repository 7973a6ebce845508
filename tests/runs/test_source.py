import numpy as np

from paintlr.runs.classification import Classification
from paintlr.runs.frame import FrameSource
from paintlr.runs.line_fit import LineFit
from paintlr.runs.source import Rated


class Run(Rated):
    def __init__(self, learning_rate, max_stable):
        self.learning_rate, self.max_stable_learning_rate = learning_rate, max_stable


def test_a_rated_run_is_unstable_at_or_above_its_limit():
    assert not Run(0.5, 1.0).unstable
    assert Run(1.0, 1.0).unstable and Run(3.0, 1.0).unstable


def test_every_run_with_a_rate_is_rated():
    assert issubclass(FrameSource, Rated)
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    fit = LineFit(x[:, :1], x[:, 1], x_names=["x"], learning_rate=5.0)
    assert isinstance(fit, Rated) and fit.unstable
    run = Classification(x, np.array([0, 1, 0, 1]), x_names=["a", "b"], frames=2)
    assert isinstance(run, Rated) and not run.unstable
