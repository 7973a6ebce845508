"""features.poly: Legendre products of every total degree up to the degree."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial import legendre as npleg

from paintlr.features.maps import feature_map
from paintlr.features.poly import PolynomialFeatures

RNG = np.random.default_rng(5)


def test_polynomial_transform_matches_the_legendre_products_at_arbitrary_points():
    p = RNG.random((50, 2))
    poly = PolynomialFeatures(3)
    expected = [npleg.legval(2 * p[:, 0] - 1, np.eye(4)[a]) * npleg.legval(2 * p[:, 1] - 1, np.eye(4)[b])
                for a, b in zip(poly.a, poly.b)]
    np.testing.assert_allclose(poly.transform(p), np.array(expected).T, atol=1e-12)


def test_polynomial_features_are_every_monomial_degree_up_to_the_degree():
    for degree in (1, 2, 5, 12):
        poly = PolynomialFeatures(degree)
        assert poly.n_features == (degree + 1) * (degree + 2) // 2 - 1
        pairs = set(zip(poly.a.tolist(), poly.b.tolist()))
        assert pairs == {(a, b) for a in range(degree + 1) for b in range(degree + 1)
                         if 1 <= a + b <= degree}
    with pytest.raises(ValueError, match="degree must be a positive integer, got 0"):
        PolynomialFeatures(0)


def test_the_polynomial_degree_is_capped_by_the_pixel_count():
    fmap, note = feature_map("poly", (3, 2, 3), degree=90)
    assert fmap.n_features <= 3 * 2 - 1 and "using degree 2" in note
    fmap, note = feature_map("poly", (64, 64, 3), degree=30)
    assert note is None and fmap.n_features == 31 * 32 // 2 - 1
