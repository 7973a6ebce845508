"""paintlr.features.polynomial: every monomial of a table's columns, named."""

import numpy as np
import pytest

from paintlr.errors import OptionError
from paintlr.features.polynomial import polynomial_features


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
