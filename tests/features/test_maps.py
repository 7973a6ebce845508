"""features.maps: the registry of feature maps by name, and feature_map looking a name up in it."""

from __future__ import annotations

import numpy as np
import pytest

from paintlr import settings
from paintlr.errors import OptionError
from paintlr.features import maps
from paintlr.features.base import FeatureMap, MapOptions
from paintlr.features.maps import MAPS, feature_map


def test_the_registry_holds_every_feature_setting_but_onehot():
    assert (maps.ONE_HOT, *MAPS) == settings.FEATURES  # in the settings' order, as the refusal lists them
    for name, kind in MAPS.items():
        assert issubclass(kind, FeatureMap) and kind.name == name


class Ramp(FeatureMap):
    """A map made up for the test: x alone, with a note saying what it was asked."""

    name = "ramp"
    n_features = 1

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[Ramp, str]:
        return cls(), f"{h} x {w}, degree {options.degree}"

    def factors(self, xs: np.ndarray, ys: np.ndarray):
        return [(np.asarray(xs)[:, None], np.ones((len(ys), 1)))]


def test_a_map_registered_is_found_by_feature_map(monkeypatch):
    monkeypatch.setattr(maps, "MAPS", dict(MAPS))  # the test's registration ends with the test
    with pytest.raises(OptionError):
        feature_map("ramp", (4, 6, 3))
    maps.register(Ramp)
    fmap, note = feature_map("ramp", (4, 6, 3), degree=7)
    assert isinstance(fmap, Ramp) and note == "4 x 6, degree 7"
    np.testing.assert_allclose(fmap.design(4, 6).x[:6, 0], np.arange(6) / 6 + 1 / 12)


def test_an_unknown_name_is_refused_naming_the_choices():
    with pytest.raises(OptionError) as caught:
        feature_map("bogus", (4, 6, 3))
    assert caught.value.option == "features"
    assert str(caught.value) == "features must be one of onehot, xy, poly, fourier, cosine, not 'bogus'"


def test_onehot_is_no_feature_map():
    assert feature_map("onehot", (4, 6, 3)) == (None, None)
