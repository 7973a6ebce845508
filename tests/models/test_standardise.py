import numpy as np
import pytest

from paintlr.errors import OptionError
from paintlr.models.standardise import Standardiser

RNG = np.random.default_rng(4)
X = RNG.normal([50.0, -3.0, 1e4], [10.0, 0.5, 2e3], (40, 3))


def test_mean_and_std_by_hand():
    x = np.array([[1.0, 10.0], [2.0, 10.0], [6.0, 10.0]])
    s = Standardiser.fit(x)
    assert s.mean.tolist() == [3.0, 10.0]
    np.testing.assert_allclose(s.std, [np.sqrt(14 / 3), 1.0], rtol=1e-15)  # (4 + 1 + 9) / 3; constant: 1
    np.testing.assert_allclose(s.scale(x)[:, 0], np.array([-2.0, -1.0, 3.0]) / np.sqrt(14 / 3), rtol=1e-15)
    assert s.scale(x)[:, 1].tolist() == [0.0, 0.0, 0.0]  # a constant column is only centred


def test_as_scikit_learns_standard_scaler():
    StandardScaler = pytest.importorskip("sklearn.preprocessing").StandardScaler
    x = np.c_[X, np.full(len(X), 7.0)]  # with a constant column, which both leave unscaled
    ours, theirs = Standardiser.fit(x), StandardScaler().fit(x)
    np.testing.assert_allclose(ours.mean, theirs.mean_, rtol=1e-13)
    np.testing.assert_allclose(ours.std, theirs.scale_, rtol=1e-13)
    np.testing.assert_allclose(ours.scale(x), theirs.transform(x), rtol=1e-12, atol=1e-12)
    scaled = ours.scale(x)[:, :3]
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(scaled.std(axis=0), 1.0, rtol=1e-13)


def test_a_constant_feature_is_refused_when_asked():
    x = np.c_[X, np.ones(len(X))]
    with pytest.raises(OptionError, match="a feature is constant") as info:
        Standardiser.fit(x, refuse_constant=True)
    assert info.value.option == "standardize"
    Standardiser.fit(X, refuse_constant=True)


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_parameters_move_between_units_keeping_every_prediction(shape):
    s = Standardiser.fit(X)
    theta = RNG.normal(size=shape)  # bias first: (d + 1,) or one row per output (k, d + 1)
    scaled = s.to_scaled(theta)
    in_original = theta[..., None, 1:] @ X.T + theta[..., None, :1]
    in_scaled = scaled[..., None, 1:] @ s.scale(X).T + scaled[..., None, :1]
    np.testing.assert_allclose(in_scaled, in_original, rtol=1e-10)
    np.testing.assert_allclose(s.to_original(scaled), theta, rtol=1e-12, atol=1e-12)
    w = scaled[..., 1:] / s.std  # by hand: w / std, b - sum(w mean / std)
    np.testing.assert_array_equal(s.to_original(scaled), np.concatenate(
        [(scaled[..., 0] - w @ s.mean)[..., None], w], axis=-1))


def test_identity_changes_nothing():
    s = Standardiser.identity(3)
    assert np.array_equal(s.scale(X), X)
    theta = RNG.normal(size=4)
    assert np.array_equal(s.to_original(theta), theta) and np.array_equal(s.to_scaled(theta), theta)
