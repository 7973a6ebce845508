"""A K-colour palette chosen from an image by k-means, and each pixel's nearest palette colour.

numpy only: the palette is the class list of palette painting, so it must be
deterministic for a seed and come from the photo itself.
"""

from __future__ import annotations

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 weights, to order colours dark to light


def _pixels(image: np.ndarray) -> np.ndarray:
    """The image's pixels as float64 rows (h * w, c), after checking shape and values."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[0] * image.shape[1] < 1 or image.shape[2] < 1:
        raise ValueError(f"image must be a non-empty (h, w, c) array, got shape {image.shape}")
    x = image.reshape(-1, image.shape[2]).astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("image contains NaN or infinite values")
    return x


def _sq_distances(x: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances (m, k) from every row of x to every colour.

    Summed channel by channel: exact, and faster than a matmul with c = 3 inner terms.
    """
    d = np.zeros((x.shape[0], colours.shape[0]))
    for c in range(x.shape[1]):
        diff = x[:, c, None] - colours[None, :, c]
        diff *= diff
        d += diff
    return d


def luminance(colours: np.ndarray) -> np.ndarray:
    """Brightness of colours (k, c): BT.601 luma for RGB, the mean of the channels otherwise."""
    colours = np.asarray(colours, dtype=np.float64)
    return colours @ LUMA if colours.shape[1] == 3 else colours.mean(axis=1)


def nearest(image: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Label every pixel with the index of its nearest palette colour: an int array (h, w)."""
    x = _pixels(image)
    palette = np.asarray(palette, dtype=np.float64)
    if palette.ndim != 2 or palette.shape[0] < 1 or palette.shape[1] != x.shape[1]:
        raise ValueError(f"palette must have shape (k, {x.shape[1]}), got {palette.shape}")
    return _sq_distances(x, palette).argmin(axis=1).reshape(np.shape(image)[:2])


def _kmeans_pp(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeds: each new centre drawn with probability proportional to D^2.

    Stops early once every pixel sits on a centre (the image has fewer colours than k).
    """
    centres = [x[rng.integers(x.shape[0])]]
    d2 = _sq_distances(x, centres[0][None, :])[:, 0]
    while len(centres) < k and d2.sum() > 0:
        centre = x[rng.choice(x.shape[0], p=d2 / d2.sum())]
        centres.append(centre)
        np.minimum(d2, _sq_distances(x, centre[None, :])[:, 0], out=d2)
    return np.array(centres)


def choose_palette(
    image: np.ndarray,
    k: int,
    *,
    seed: int = 0,
    iterations: int = 100,
    tol: float = 1e-4,
    sample: int | None = 20_000,
) -> np.ndarray:
    """Up to k colours (k, c) that summarise the image, ordered dark to light.

    Lloyd's k-means from k-means++ seeds, deterministic for a seed; it stops when
    no centre moves more than `tol` or after `iterations` rounds. It fits at most
    `sample` pixels drawn at random (None: all), which is plenty for a few colours
    and keeps a large photo quick. An image with
    fewer than k distinct colours gets just those colours. K = 2 gives a dark and a
    light colour: the black and white of the picture.
    """
    if int(k) != k or k < 1:
        raise ValueError(f"the palette needs a positive number of colours, got {k!r}")
    x = _pixels(image)
    rng = np.random.default_rng(seed)
    if sample is not None and x.shape[0] > sample:
        x = x[np.sort(rng.choice(x.shape[0], sample, replace=False))]
    centres = _kmeans_pp(x, int(k), rng)
    labels = None
    for _ in range(iterations):
        d2 = _sq_distances(x, centres)
        new = d2.argmin(axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=len(centres))
        if not counts.all():
            served = d2[np.arange(x.shape[0]), labels]
            for j in np.flatnonzero(counts == 0):
                far = int(served.argmax())  # an empty cluster takes the worst-served pixel
                labels[far], served[far] = j, -1.0
            counts = np.bincount(labels, minlength=len(centres))
        sums = np.stack([np.bincount(labels, x[:, c], len(centres)) for c in range(x.shape[1])], 1)
        moved, centres = centres, sums / counts[:, None]
        if np.abs(centres - moved).max() <= tol:
            break
    return centres[np.argsort(luminance(centres), kind="stable")]


def quantize(image: np.ndarray, k: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The palette (k', c), k' <= k, and every pixel's nearest palette index (h, w)."""
    palette = choose_palette(image, k, seed=seed)
    return palette, nearest(image, palette)
