import numpy as np
import pytest

from paintlr.core.designs import Dense, OneHot
from paintlr.errors import OptionError
from paintlr.models.rates import default_learning_rate, is_unstable
from paintlr.settings import LOGISTIC_RATE_FRACTION, SEED_LEARNING_RATE

X = np.random.default_rng(0).random((20, 3))


def test_a_given_rate_is_kept_as_a_float():
    rate = default_learning_rate(np.float32(0.25), 9.0, OneHot(10), "logistic")
    assert rate == 0.25 and type(rate) is float


def test_linear_default_is_the_seeds_on_one_hot_and_half_the_limit_elsewhere():
    assert default_learning_rate(None, 1.8, OneHot(9)) == SEED_LEARNING_RATE
    assert default_learning_rate(None, 1.8, Dense(X)) == pytest.approx(0.9, rel=1e-15)


def test_logistic_default_is_a_fraction_of_the_limit_on_any_design():
    for design in (OneHot(9), Dense(X)):
        assert default_learning_rate(None, 2.0, design, "logistic") == LOGISTIC_RATE_FRACTION * 2.0
    assert LOGISTIC_RATE_FRACTION == 0.75


def test_an_unknown_model_is_refused():
    with pytest.raises(OptionError, match="model must be one of linear, logistic, not 'ridge'"):
        default_learning_rate(None, 1.0, OneHot(3), "ridge")


def test_unstable_at_and_above_the_limit():
    assert not is_unstable(1.0 - 1e-12, 1.0)
    assert is_unstable(1.0, 1.0) and is_unstable(2.0, 1.0)
