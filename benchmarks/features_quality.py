"""Feature maps on scikit-image's coffee and chelsea at 128 px: the ceiling PSNR and the costs.

For each map: time to build the grid design, its Gram matrix and eigendecomposition, the
PSNR of its least-squares optimum (where gradient descent from zero ends; --lstsq also
runs numpy.linalg.lstsq on the explicit matrix), and the time to render one RGB frame at
the working size and at 256 px. --compare sweeps random Fourier against the cosine grid at
equal feature counts; --dense times a stored float32 design against the factored one.

    .venv/bin/python benchmarks/features_quality.py [--lstsq] [--compare] [--dense]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from PIL import Image

from paintlr.core.designs import Dense
from paintlr.features.maps import (
    CosineFeatures,
    FeatureMap,
    FourierFeatures,
    PolynomialFeatures,
    XYFeatures,
    pixel_points,
)
from paintlr.models.optimizers import GradientDescent


def photo(name: str, size: int = 128) -> np.ndarray:
    """skimage.data's photo shrunk to `size` on the long side as paintlr.io.image does (Lanczos)."""
    import skimage.data

    im = Image.fromarray(getattr(skimage.data, name)())
    scale = size / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)),
                   Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(im, dtype=np.float64) / 255.0


def psnr(mse: float) -> float:
    return float(10 * np.log10(1.0 / mse))


def clock(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def measure(fmap: FeatureMap, image: np.ndarray, lstsq: bool) -> dict[str, float]:
    h, w, c = image.shape
    y = image.reshape(h * w, c).T
    design, t_build = clock(lambda: fmap.design(h, w))
    _, t_gram = clock(lambda: design.gram)
    _, t_eigen = clock(lambda: design.eigen)
    theta = design.least_squares(y)
    pred, t_frame = clock(lambda: design.dot(theta[:, 1:]) + theta[:, :1])
    s = 256 / max(h, w)
    big = fmap.design(round(h * s), round(w * s))
    _, t_big = clock(lambda: big.dot(theta[:, 1:]))
    row = {"build": t_build, "gram": t_gram, "eigen": t_eigen, "frame": t_frame,
           "frame256": t_big, "psnr": psnr(np.mean((pred - y) ** 2)),
           "rate": GradientDescent().max_stable_learning_rate(design)}
    if lstsq:
        phi = np.c_[np.ones(h * w), design.x]
        sol, row["lstsq_s"] = clock(lambda: np.linalg.lstsq(phi, y.T, rcond=None)[0])
        row["lstsq"] = psnr(np.mean((phi @ sol - y.T) ** 2))
    return row


def table(maps: dict[str, callable], images: dict[str, np.ndarray], lstsq: bool) -> None:
    cols = ["psnr", "build", "gram", "eigen", "frame", "frame256", "rate"]
    cols += ["lstsq", "lstsq_s"] if lstsq else []
    print("| map | photo | " + " | ".join(cols) + " |")
    print("|" + "---|" * (len(cols) + 2))
    for label, make in maps.items():
        for name, image in images.items():
            row = measure(make(image), image, lstsq)
            cells = [f"{row[k]:.2f}" if k in ("psnr", "lstsq") else f"{row[k]:.3g}" for k in cols]
            print(f"| {label} | {name} | " + " | ".join(cells) + " |", flush=True)


def dense_vs_grid(size: int = 256, n_features: int = 2048) -> None:
    fmap = FourierFeatures(n_features)
    w = np.random.default_rng(0).normal(size=(3, n_features))
    x, t_x = clock(lambda: fmap.transform(pixel_points(size, size)).astype(np.float32))
    dense = Dense(x)
    _, t_gram = clock(lambda: dense.gram)
    _, t_dot = clock(lambda: dense.dot(w))
    grid, t_grid = clock(lambda: fmap.design(size, size))
    _, t_ggram = clock(lambda: grid.gram)
    _, t_gdot = clock(lambda: grid.dot(w))
    mb = x.nbytes / 2**20
    gmb = (grid.p.nbytes + grid.q.nbytes) / 2**20
    print(f"{size}^2 x {n_features}: stored float32 X {mb:.0f} MB, build {t_x:.2f} s, "
          f"Gram {t_gram:.2f} s, X w {t_dot:.3f} s | factored {gmb:.1f} MB, build {t_grid:.2f} s, "
          f"Gram {t_ggram:.2f} s, X w {t_gdot:.3f} s; "
          f"max Gram difference {np.abs(dense.gram - grid.gram).max():.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lstsq", action="store_true", help="also solve with numpy lstsq (slow)")
    parser.add_argument("--compare", action="store_true", help="fourier vs cosine sweep")
    parser.add_argument("--dense", action="store_true", help="stored float32 vs factored design")
    args = parser.parse_args()
    images = {name: photo(name) for name in ("coffee", "chelsea")}

    def aspect(image: np.ndarray) -> float:
        return image.shape[0] / image.shape[1]

    maps = {
        "xy": lambda im: XYFeatures(),
        "poly (defaults)": lambda im: PolynomialFeatures(aspect=aspect(im)),
        "fourier (defaults)": lambda im: FourierFeatures(),
        "cosine (defaults)": lambda im: CosineFeatures(aspect=aspect(im)),
    }
    if args.compare:
        maps = {}
        for n in (1024, 2048, 3072, 4096):
            maps[f"fourier {n} sigma 16"] = lambda im, n=n: FourierFeatures(n, 16.0)
            maps[f"cosine {n}"] = lambda im, n=n: CosineFeatures(n, aspect=aspect(im))
    table(maps, images, args.lstsq)
    if args.dense:
        dense_vs_grid()


if __name__ == "__main__":
    main()
