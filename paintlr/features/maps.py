"""The feature maps by name: the registry `--features` chooses from, and what a run asks of it.

`feature_map(name, shape, ...)` makes the map registered under `name` for an image of that
shape ("onehot", the seed's design, is no map: None). A new design is one module with a
FeatureMap subclass (a `name`, `for_image` and `factors`) and one entry in MAPS here.
The maps and the pixel helpers other layers use are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.pixels import as_image
from ..errors import OptionError, check_choice
from ..settings import DEGREE, N_FEATURES, SIGMA
from .base import FeatureMap, MapOptions, pixel_axes, pixel_points
from .cosine import CosineFeatures
from .fourier import FourierFeatures
from .grid import GridDesign
from .poly import PolynomialFeatures
from .xy import XYFeatures

__all__ = ["MAPS", "CosineFeatures", "FeatureMap", "FourierFeatures", "GridDesign", "PolynomialFeatures",
           "XYFeatures", "feature_map", "pixel_axes", "pixel_points", "register", "renderer"]

ONE_HOT = "onehot"  # one weight per pixel: no feature map
MAPS: dict[str, type[FeatureMap]] = {}  # name -> map, in the order settings.FEATURES lists them


def register(kind: type[FeatureMap]) -> type[FeatureMap]:
    """Make a feature map findable by feature_map under its name."""
    MAPS[kind.name] = kind
    return kind


for _kind in (XYFeatures, PolynomialFeatures, FourierFeatures, CosineFeatures):
    register(_kind)


def feature_map(name: str, shape: tuple[int, ...], *, degree: int = DEGREE, n_features: int = N_FEATURES,
                sigma: float = SIGMA, seed: int | None = None) -> tuple[FeatureMap | None, str | None]:
    """The feature map called `name` for an image of `shape` (None for one-hot), and a note
    for the user if a count was lowered: beyond one feature per pixel, more only slow the solve."""
    check_choice("features", name, (ONE_HOT, *MAPS))
    if name == ONE_HOT:
        return None, None
    h, w = shape[:2]
    options = MapOptions(degree=degree, n_features=n_features, sigma=sigma, seed=seed)
    return MAPS[name].for_image(h, w, options)


def renderer(fmap: FeatureMap | None, render_size: int, shape: tuple[int, ...]) -> Callable:
    """A painting's `render`: the feature model drawn at render_size pixels on the long side."""
    if fmap is None:
        raise OptionError("render_size", "needs a coordinate feature map (xy, poly, fourier or cosine): "
                                         "one-hot weights have no pixels in between")
    h, w = shape[:2]
    scale = render_size / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    grid = fmap.design(*size)
    return lambda model: as_image(model.predict(grid).T, *size)
