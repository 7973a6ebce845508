"""The 2-D cosine (DCT) basis of the image as features, lowest frequencies first."""

from __future__ import annotations

import numpy as np

from ..errors import OptionError
from ..settings import N_FEATURES
from .base import FeatureMap, MapOptions, extents, feature_count, image_coordinates
from .grid import Factors


class CosineFeatures(FeatureMap):
    """The 2-D DCT basis up to a frequency cutoff: deterministic and orthogonal on the pixel grid.

    Feature (u, v) is cos(pi u x') cos(pi v y') on the image's own extent (x', y' in [0, 1]),
    keeping the n_features lowest frequencies. On a grid of the given aspect (height /
    width) the Gram matrix is diagonal, the least-squares fit is a low-pass filter, and with
    each feature scaled to mean square (1 + f)^(-2 decay) (f in cycles per image width),
    its eigenvalue, gradient descent paints strictly coarse to fine. `grid=(h, w)` keeps
    only the frequencies that grid can tell apart (u < w, v < h), so that on small
    images too the Gram matrix stays diagonal (higher ones alias onto lower ones).
    """

    name = "cosine"

    def __init__(self, n_features: int = N_FEATURES, decay: float = 1.0, aspect: float = 1.0,
                 grid: tuple[int, int] | None = None):
        if int(n_features) != n_features or n_features < 1:
            raise ValueError(f"n_features must be a positive integer, got {n_features!r}")
        if not decay >= 0 or not np.isfinite(decay):
            raise ValueError(f"decay must be non-negative, got {decay!r}")
        self.n_features = int(n_features)
        self.decay = float(decay)
        self.aspect = float(aspect)
        self.width, self.height = extents(aspect)
        radius = np.sqrt(4 * n_features / (np.pi * self.width * self.height)) + 2
        u, v = np.meshgrid(np.arange(int(radius * self.width) + 2),
                           np.arange(int(radius * self.height) + 2), indexing="ij")
        u, v = u.ravel()[1:], v.ravel()[1:]  # drop (0, 0): the model's bias
        if grid is not None:
            seen = (u < grid[1]) & (v < grid[0])
            u, v = u[seen], v[seen]
        f = np.hypot(u / (2 * self.width), v / (2 * self.height))
        keep = np.lexsort((v, u, f))[: self.n_features]
        self.u, self.v, self.frequency = u[keep], v[keep], f[keep]
        self.n_features = int(keep.size)
        self.scale = (1.0 + self.frequency) ** -self.decay

    @classmethod
    def for_image(cls, h: int, w: int, options: MapOptions) -> tuple[CosineFeatures, str | None]:
        """options.n_features lowered to what the image can use and its grid resolves."""
        n_features, note = feature_count(options.n_features, h, w)
        fmap = cls(n_features, aspect=h / w, grid=(h, w))
        if fmap.n_features < 1:
            raise OptionError("features", f"a {w} x {h} image has no frequency for a cosine feature")
        if fmap.n_features < n_features:
            note = (f"{options.n_features} features are more than the {w} x {h} grid resolves; "
                    f"using {fmap.n_features}")
        return fmap, note

    def __repr__(self) -> str:
        return (f"CosineFeatures(n_features={self.n_features}, decay={self.decay:g}, "
                f"aspect={self.aspect:g})")

    def factors(self, xs: np.ndarray, ys: np.ndarray) -> Factors:
        x, y = image_coordinates(xs, ys, self.aspect)
        norm_u = np.where(self.u > 0, np.sqrt(2.0), 1.0) * self.scale
        norm_v = np.where(self.v > 0, np.sqrt(2.0), 1.0)
        px = np.cos(np.pi * np.multiply.outer(x, self.u)) * norm_u
        qy = np.cos(np.pi * np.multiply.outer(y, self.v)) * norm_v
        return [(px, qy)]
