"""paintlr.features.polynomial: every monomial of a table's columns, named."""

import numpy as np
import pytest

from paintlr.errors import DataError, OptionError
from paintlr.features.polynomial import polynomial_features, refuse_overflow


def test_polynomial_features_name_every_monomial():
    x = np.array([[2.0, 3.0]])
    features, names = polynomial_features(x, 2, ["a", "b"])
    assert names == ["a", "b", "a^2", "a*b", "b^2"]
    np.testing.assert_array_equal(features, [[2, 3, 4, 6, 9]])


@pytest.mark.parametrize("degree", [0, 1.5, -2])
def test_a_degree_that_is_no_positive_integer_is_refused(degree):
    with pytest.raises(OptionError, match="degree must be a positive integer") as caught:
        polynomial_features(np.ones((3, 1)), degree, ["x"])
    assert caught.value.option == "degree"


def test_features_whose_squares_overflow_are_refused_naming_the_column():
    x = np.c_[np.linspace(1.6e160, 1.7e160, 5), np.arange(5.0)]
    with pytest.raises(DataError, match=r"^column 'big': values up to 1\.7e\+160 are too large") as caught:
        refuse_overflow(*polynomial_features(x, 1, ["big", "small"]), x_names=["big", "small"])
    assert "squares overflow" in str(caught.value) and "\n" not in str(caught.value)
    refuse_overflow(*polynomial_features(x * 1e-12, 1, ["big", "small"]), x_names=["big", "small"])  # 1e148
    x = np.c_[np.linspace(1.6e60, 1.7e60, 5), np.arange(5.0)]
    refuse_overflow(*polynomial_features(x, 2, ["big", "small"]), x_names=["big", "small"])  # 1e120: fine
    features, names = polynomial_features(x, 3, ["big", "small"])
    with pytest.raises(DataError, match=r"^feature 'big\^3' \(of column 'big', degree 3\): values up to "
                                        r"4\.91e\+180 .*; rescale it, say divide it by 1e180$"):
        refuse_overflow(features, names, x_names=["big", "small"])
    with np.errstate(over="raise"):  # the features themselves overflow, quietly
        features, names = polynomial_features(x * 1e40, 4, ["big", "small"])
    assert names[9] == "big^4" and features[0, 9] == np.inf
    with pytest.raises(DataError, match=r"^feature 'big\^4' \(of column 'big', degree 4\): values up to "
                                        r"inf are too large: their squares overflow float64 \(the largest "
                                        r"usable is about 4\.2e\+150\)$"):
        refuse_overflow(features[:, 9:10], names[9:10], x_names=["big", "small"])
    with pytest.raises(DataError, match=r"^feature 'big\^2\*small' \(of columns 'big', 'small', degree 3\)"):
        refuse_overflow(features[:, 6:7], names[6:7], x_names=["big", "small"])
