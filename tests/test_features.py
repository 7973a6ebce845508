import numpy as np
import pytest
from numpy.polynomial import legendre as npleg

from paintlr import LinearRegressionModel
from paintlr.designs import Dense
from paintlr.features import (
    CosineFeatures,
    FourierFeatures,
    GridDesign,
    PolynomialFeatures,
    XYFeatures,
    feature_map,
    pixel_axes,
    pixel_points,
)
from paintlr.optimizers import GradientDescent

H, W = 9, 13
RNG = np.random.default_rng(5)
MAPS = {
    "xy": XYFeatures(),
    "poly": PolynomialFeatures(4, aspect=H / W),
    "fourier": FourierFeatures(24, sigma=2.0, seed=3),
    "cosine": CosineFeatures(30, decay=1.0, aspect=H / W),
}


def picture(h=H, w=W, channels=3, seed=0):
    """A smooth blob plus noise: something with both coarse shape and detail."""
    rng = np.random.default_rng(seed)
    p = pixel_points(h, w)
    blob = np.exp(-8 * ((p[:, :1] - 0.4) ** 2 + (p[:, 1:] - 0.5) ** 2))
    return np.clip(blob * rng.random(channels) + 0.1 * rng.random((h * w, channels)), 0, 1)


def train(design, y, rate, epochs, engine, params=None):
    model = LinearRegressionModel()
    if params is not None:
        model.set_params(params)
    model.train(design, y, learning_rate=rate, epochs=epochs, max_cost=0, engine=engine)
    return model


def test_pixel_points_are_centres_with_the_long_side_spanning_the_unit_interval():
    xs, ys = pixel_axes(2, 4)
    np.testing.assert_allclose(xs, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(ys, [0.375, 0.625])  # short side centred
    xs, ys = pixel_axes(4, 2)
    np.testing.assert_allclose(ys, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(xs, [0.375, 0.625])
    p = pixel_points(2, 4)
    assert p.shape == (8, 2)
    np.testing.assert_allclose(p[1], [0.375, 0.375])  # row-major: x varies fastest
    np.testing.assert_allclose(p[4], [0.125, 0.625])
    with pytest.raises(ValueError, match="grid size must be positive integers, got 0 x 3"):
        pixel_axes(0, 3)


@pytest.mark.parametrize("name", MAPS)
def test_grid_design_is_the_transform_of_the_pixel_grid(name):
    fmap = MAPS[name]
    grid = fmap.design(H, W)
    assert isinstance(grid, GridDesign) and isinstance(grid, Dense)
    assert grid.n_samples == H * W
    assert grid.n_features == fmap.n_features
    dense = Dense(fmap.transform(pixel_points(H, W)))
    np.testing.assert_allclose(grid.x, dense.x, atol=1e-13)
    w = RNG.normal(size=(3, fmap.n_features))
    r = RNG.normal(size=(3, H * W))
    np.testing.assert_allclose(grid.dot(w), dense.dot(w), atol=1e-12)
    np.testing.assert_allclose(grid.transpose_dot(r), dense.transpose_dot(r), atol=1e-11)
    np.testing.assert_allclose(grid.gram, dense.gram, atol=1e-13)
    index = np.array([0, 5, W, H * W - 1, 17])
    np.testing.assert_allclose(grid.rows(index), dense.rows(index), atol=1e-13)


@pytest.mark.parametrize("name", MAPS)
def test_exact_engine_reaches_the_lstsq_optimum(name):
    fmap = MAPS[name]
    design = fmap.design(H, W)
    y = picture()
    phi = np.c_[np.ones(H * W), design.x]
    expected = np.linalg.lstsq(phi, y, rcond=None)[0]
    rate = 0.9 * GradientDescent().max_stable_learning_rate(design)
    model = train(design, y, rate, 10**12, "exact")
    np.testing.assert_allclose(model.score(design), phi @ expected, atol=1e-8)
    np.testing.assert_allclose(model.get_params(), expected, atol=1e-6)
    np.testing.assert_allclose(design.least_squares(y.T).T, expected, atol=1e-6)


@pytest.mark.parametrize("name", MAPS)
@pytest.mark.parametrize("fraction", [0.3, 0.99])
def test_exact_agrees_with_iterate(name, fraction):
    design = MAPS[name].design(H, W)
    y = picture(seed=1)
    start = RNG.normal(size=(design.n_features + 1, 3))
    rate = fraction * GradientDescent().max_stable_learning_rate(design)
    for epochs in (0, 1, 7, 150, 1500):
        it = train(design, y, rate, epochs, "iterate", start).get_params()
        ex = train(design, y, rate, epochs, "exact", start).get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())


def test_exact_agrees_with_iterate_on_an_ill_conditioned_fourier_design():
    design = FourierFeatures(256, sigma=3.0, seed=0).design(24, 24)
    y = picture(24, 24, seed=3)
    rate = 0.5 * GradientDescent().max_stable_learning_rate(design)
    for epochs in (1, 100):
        it = train(design, y, rate, epochs, "iterate").get_params()
        ex = train(design, y, rate, epochs, "exact").get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())


def test_float32_dense_accumulates_in_float64():
    x = FourierFeatures(40, sigma=3.0, seed=1).transform(pixel_points(12, 12)).astype(np.float32)
    x64 = x.astype(np.float64)
    design = Dense(x)
    design.BLOCK_BYTES = 8 * 40 * 7  # several row blocks, the last one short
    assert design.x.dtype == np.float32
    phi = np.c_[np.ones(len(x)), x64]
    np.testing.assert_allclose(design.gram, phi.T @ phi / len(x), rtol=0, atol=1e-14)
    w, r = RNG.normal(size=(2, 40)), RNG.normal(size=(2, len(x)))
    np.testing.assert_allclose(design.dot(w), w @ x64.T, rtol=0, atol=1e-13)
    np.testing.assert_allclose(design.transpose_dot(r), r @ x64, rtol=0, atol=1e-12)
    lam_max = np.linalg.eigvalsh(phi.T @ phi / len(x))[-1]
    assert GradientDescent().max_stable_learning_rate(design) == pytest.approx(2 / lam_max, rel=1e-12)
    y = picture(12, 12, seed=2)
    rate = 0.95 * GradientDescent().max_stable_learning_rate(design)
    for epochs in (1, 30, 1000):
        it = train(design, y, rate, epochs, "iterate").get_params()
        ex = train(design, y, rate, epochs, "exact").get_params()
        np.testing.assert_allclose(ex, it, rtol=0, atol=1e-8 * np.abs(it).max())


def test_transform_matches_the_formulas_at_arbitrary_points():
    p = RNG.random((50, 2))
    f = FourierFeatures(10, sigma=4.0, seed=7)
    phase = 2 * np.pi * p @ f.frequencies.T
    np.testing.assert_allclose(f.transform(p), np.c_[np.cos(phase), np.sin(phase)], atol=1e-12)
    np.testing.assert_allclose(XYFeatures().transform(p), p)
    poly = PolynomialFeatures(3)
    expected = [npleg.legval(2 * p[:, 0] - 1, np.eye(4)[a]) * npleg.legval(2 * p[:, 1] - 1, np.eye(4)[b])
                for a, b in zip(poly.a, poly.b)]
    np.testing.assert_allclose(poly.transform(p), np.array(expected).T, atol=1e-12)
    c = CosineFeatures(5, decay=1.0, aspect=0.5)  # x spans [0, 1], y spans [0.25, 0.75]
    y = (p[:, 1:] - 0.25) / 0.5
    norm = np.where(c.u > 0, np.sqrt(2), 1) * np.where(c.v > 0, np.sqrt(2), 1) * c.scale
    expected = np.cos(np.pi * c.u * p[:, :1]) * np.cos(np.pi * c.v * y) * norm
    np.testing.assert_allclose(c.transform(p), expected, atol=1e-12)


@pytest.mark.parametrize("name", MAPS)
def test_a_trained_model_renders_at_any_size(name):
    fmap = MAPS[name]
    design = fmap.design(H, W)
    model = train(design, picture(), 0.5 * GradientDescent().max_stable_learning_rate(design),
                  50, "exact")
    big = fmap.design(3 * H, 3 * W)  # every third pixel's centre is a training pixel's centre
    image = model.score(big).reshape(3 * H, 3 * W, 3)
    np.testing.assert_allclose(image[1::3, 1::3].reshape(-1, 3), model.score(fmap.design(H, W)),
                               atol=1e-12)
    some = RNG.random((20, 2))
    np.testing.assert_allclose(model.score(fmap.transform(some)),
                               model.score(Dense(fmap.transform(some))), atol=1e-12)


def test_polynomial_features_are_every_monomial_degree_up_to_the_degree():
    for degree in (1, 2, 5, 12):
        poly = PolynomialFeatures(degree)
        assert poly.n_features == (degree + 1) * (degree + 2) // 2 - 1
        pairs = set(zip(poly.a.tolist(), poly.b.tolist()))
        assert pairs == {(a, b) for a in range(degree + 1) for b in range(degree + 1)
                         if 1 <= a + b <= degree}
    with pytest.raises(ValueError, match="degree must be a positive integer, got 0"):
        PolynomialFeatures(0)


def test_fourier_features_are_deterministic_by_seed():
    p = RNG.random((10, 2))
    a, b = FourierFeatures(64, sigma=5.0, seed=1), FourierFeatures(64, sigma=5.0, seed=1)
    np.testing.assert_array_equal(a.transform(p), b.transform(p))
    assert not np.allclose(a.frequencies, FourierFeatures(64, sigma=5.0, seed=2).frequencies)
    wide = FourierFeatures(20000, sigma=5.0, seed=0)
    assert wide.frequencies.std() == pytest.approx(5.0, rel=0.02)
    with pytest.raises(ValueError, match="n_features must be a positive even integer, got 63"):
        FourierFeatures(63)


def test_cosine_features_are_orthogonal_on_the_grid_and_paint_coarse_to_fine():
    h, w = 12, 20
    c = CosineFeatures(60, decay=1.0, aspect=h / w)
    design = c.design(h, w)
    g = design.gram
    np.testing.assert_allclose(g - np.diag(np.diag(g)), 0, atol=1e-14)
    lam, v = design.eigen
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(g), atol=1e-14)
    np.testing.assert_allclose(v @ np.diag(lam) @ v.T, g, atol=1e-14)
    assert np.all(np.diff(c.frequency) >= 0) and np.all(np.diff(c.scale) <= 0)
    np.testing.assert_allclose(np.diag(g)[1:], c.scale**2, rtol=1e-13)  # eigenvalue = scale^2
    assert GradientDescent().max_stable_learning_rate(design) == pytest.approx(2.0)  # the bias: eigenvalue 1


def shrunk(image: np.ndarray, size: int) -> np.ndarray:
    """Long side to `size` pixels with Lanczos, as paintlr.image.load_image shrinks."""
    from PIL import Image

    im = Image.fromarray(image)
    scale = size / max(im.size)
    im = im.resize((round(im.width * scale), round(im.height * scale)),
                   Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(im, dtype=np.float64) / 255.0


def test_fourier_defaults_reach_27_db_on_coffee_and_chelsea_at_128_px():
    """The quality bar, at the optimum the exact engine reaches (numpy's lstsq gets ~0.6 dB more)."""
    data = pytest.importorskip("skimage.data")
    images = [shrunk(data.coffee(), 128), shrunk(data.chelsea(), 128)]
    h, w, c = images[0].shape
    assert images[1].shape == (h, w, c)  # both 128 x 85: one design, one eigendecomposition
    design = FourierFeatures().design(h, w)
    y = np.concatenate([im.reshape(h * w, c) for im in images], axis=1).T
    theta = design.least_squares(y)
    residual = design.dot(theta[:, 1:]) + theta[:, :1] - y
    mse = (residual**2).reshape(2, c * h * w).mean(axis=1)
    assert np.all(10 * np.log10(1 / mse) >= 27.0), 10 * np.log10(1 / mse)


ODD_GRIDS = [(6, 9), (7, 5), (1, 8), (8, 1), (3, 3)]


@pytest.mark.parametrize("h,w", ODD_GRIDS)
def test_cosine_grid_keeps_only_frequencies_the_grid_resolves(h, w):
    """With grid=(h, w), frequency u = w (or v = h) would be cos(pi (i + 1/2)) = 0 at every pixel
    centre: a zero feature. Every kept feature has a positive Gram diagonal, there are fewer of them
    than pixels, and [1, X] has full column rank (the grid tells every one apart)."""
    for asked in (3, h * w - 1, 10 * h * w):
        fmap = CosineFeatures(asked, aspect=h / w, grid=(h, w))
        x = fmap.transform(pixel_points(h, w))
        phi = np.c_[np.ones(h * w), x]
        diag = np.einsum("ij,ij->j", phi, phi) / (h * w)
        assert fmap.n_features <= min(asked, h * w - 1)
        assert diag.min() > 1e-6, (asked, fmap.u[diag[1:] <= 1e-6], fmap.v[diag[1:] <= 1e-6])
        assert np.linalg.matrix_rank(phi) == fmap.n_features + 1
        np.testing.assert_allclose(fmap.design(h, w).gram.diagonal(), diag, rtol=1e-12)
    assert fmap.n_features == h * w - 1  # asked for more than the grid holds: all it can resolve


@pytest.mark.parametrize("h,w", ODD_GRIDS)
def test_cosine_feature_map_of_an_odd_image_has_no_dead_feature(h, w):
    fmap, _ = feature_map("cosine", (h, w, 3), n_features=8192)
    design = fmap.design(h, w)
    assert fmap.n_features <= h * w
    assert np.diag(design.gram).min() > 1e-6
    phi = np.c_[np.ones(h * w), design.x]
    assert np.linalg.matrix_rank(phi) == fmap.n_features + 1


@pytest.mark.parametrize("shape", [(1, 1, 3), (1, 2, 3), (2, 1, 1)])
def test_the_feature_count_is_capped_on_images_of_one_or_two_pixels(shape):
    fmap, note = feature_map("fourier", shape)
    assert fmap.n_features == 2 and "using 2" in note


def test_the_polynomial_degree_is_capped_by_the_pixel_count():
    fmap, note = feature_map("poly", (3, 2, 3), degree=90)
    assert fmap.n_features <= 3 * 2 - 1 and "using degree 2" in note
    fmap, note = feature_map("poly", (64, 64, 3), degree=30)
    assert note is None and fmap.n_features == 31 * 32 // 2 - 1
