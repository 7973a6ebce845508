"""Best rates and momenta against the Gram matrix built explicitly and eigendecomposed by numpy.

The oracle for every rate is the spectral radius of the iteration's own matrix on G = [1, X]^T [1, X] / m
(numpy.linalg.eigh / eigvals), never paintlr's formulas; epoch counts are checked by scanning.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from paintlr.core import tuning
from paintlr.core.designs import Dense
from paintlr.core.trajectories import EigenMomentumTrajectory, OneHotMomentumTrajectory, OneHotTrajectory

RNG = np.random.default_rng(17)
H, W = 6, 5


def one_hot_gram() -> np.ndarray:
    n = H * W
    phi = np.c_[np.ones(n), np.eye(n)]
    return phi.T @ phi / n


def dense_gram():
    x = RNG.normal(size=(40, 3)) * np.array([1.0, 0.3, 2.0]) + np.array([0.5, -1.0, 0.0])
    phi = np.c_[np.ones(len(x)), x]
    return Dense(x), phi.T @ phi / len(x)


def extremes(gram: np.ndarray) -> tuple[float, float]:
    lam = np.linalg.eigvalsh(gram)
    nonzero = lam[lam > 1e-12 * lam[-1]]
    return float(nonzero[0]), float(lam[-1])


def radius(gram: np.ndarray, alpha: float, beta: float = 0.0, nesterov: bool = False) -> float:
    """Spectral radius of the explicit iteration on (theta_k, theta_(k-1)), 2p x 2p, over the
    settling directions (the null space's eigenvalue 1 is the minimum-norm freedom, not an error)."""
    p = len(gram)
    lam, v = np.linalg.eigh(gram)
    keep = v[:, lam > 1e-12 * lam[-1]]
    g = keep.T @ gram @ keep  # G restricted to where it is invertible
    q = len(g)
    step = np.eye(q) - alpha * g
    top = np.c_[(1 + beta) * step, -beta * step] if nesterov else np.c_[(1 + beta) * np.eye(q) - alpha * g,
                                                                        -beta * np.eye(q)]
    matrix = np.r_[top, np.c_[np.eye(q), np.zeros((q, q))]]
    assert p >= q
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def radius_2x2(lam: np.ndarray, alpha, beta, nesterov=False):
    """Largest |root| of r^2 - T r + D over the eigenvalues lam, for arrays of (alpha, beta)."""
    s = np.multiply.outer(alpha, lam)
    beta = np.asarray(beta)[..., None]
    d = beta * (1 - s) if nesterov else beta + 0 * s
    t = 1 + d - s
    root = np.sqrt((t * t - 4 * d).astype(complex))
    return np.max(np.maximum(np.abs(t + root), np.abs(t - root)) / 2, axis=-1)


@pytest.fixture(params=["one-hot", "dense"])
def case(request):
    if request.param == "one-hot":
        gram = one_hot_gram()
        return tuning.one_hot_extremes(H * W), gram
    design, gram = dense_gram()
    return tuning.settling_extremes(design.eigen[0]), gram


def test_extremes_match_the_explicit_gram(case):
    (lam_min, lam_max), gram = case
    exact_min, exact_max = extremes(gram)
    assert lam_min == pytest.approx(exact_min, rel=1e-10)
    assert lam_max == pytest.approx(exact_max, rel=1e-12)


def test_settling_extremes_skip_eigenvalues_lost_in_rounding():
    """An eigenvalue at rounding level (a repeated feature's) is not the slowest direction: GD
    never settles along it, so it must not set kappa."""
    assert tuning.settling_extremes(np.array([0.0, 1e-18, 0.5, 2.0])) == (0.5, 2.0)
    x = RNG.normal(size=(30, 2))
    lam = Dense(np.c_[x, x[:, :1]]).eigen[0]
    assert tuning.settling_extremes(lam)[0] == pytest.approx(lam[1], rel=1e-12) and lam[1] > 1e-3


def test_one_hot_condition_number_is_n_plus_one():
    n = H * W
    assert tuning.condition_number(*tuning.one_hot_extremes(n)) == pytest.approx(n + 1, rel=1e-14)
    assert tuning.condition_number(*extremes(one_hot_gram())) == pytest.approx(n + 1, rel=1e-10)


def test_largest_stable_rates_are_where_the_iteration_stops_contracting(case):
    (_, lam_max), gram = case
    gd = tuning.gd_max_rate(lam_max)
    assert radius(gram, gd * (1 - 1e-6)) < 1 < radius(gram, gd * (1 + 1e-6))
    for beta in (0.0, 0.5, 0.9, 0.99):
        for nesterov in (False, True):
            rate = tuning.momentum_max_rate(lam_max, beta, nesterov)
            assert radius(gram, rate * (1 - 1e-6), beta, nesterov) < 1
            assert radius(gram, rate * (1 + 1e-6), beta, nesterov) > 1
    assert tuning.momentum_max_rate(lam_max, 0.0) == gd


def test_best_gd_rate_and_its_factor(case):
    (lam_min, lam_max), gram = case
    best = tuning.gd_best(lam_min, lam_max)
    kappa = tuning.condition_number(lam_min, lam_max)
    assert best.factor == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-14)
    assert radius(gram, best.learning_rate) == pytest.approx(best.factor, rel=1e-10)
    for nudge in (1 - 1e-3, 1 + 1e-3):
        assert radius(gram, best.learning_rate * nudge) > best.factor


@pytest.mark.parametrize("nesterov", [False, True])
def test_best_momentum_pair_and_its_factor(case, nesterov):
    """The radius at the pair is its factor (to 1e-6: critical damping makes the eigenvalues a
    Jordan block, which numpy resolves to sqrt(eps)), and every nearby pair does worse."""
    (lam_min, lam_max), gram = case
    best = (tuning.nesterov_best if nesterov else tuning.momentum_best)(lam_min, lam_max)
    kappa = tuning.condition_number(lam_min, lam_max)
    if nesterov:
        assert best.factor == pytest.approx(1 - 2 / math.sqrt(3 * kappa + 1), rel=1e-14)
    else:
        assert best.beta == pytest.approx(((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2, rel=1e-14)
        assert best.factor == pytest.approx(math.sqrt(best.beta), rel=1e-14)
        assert best.learning_rate == pytest.approx(4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2)
    assert radius(gram, best.learning_rate, best.beta, nesterov) == pytest.approx(best.factor, rel=1e-6)
    for da, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (1e-3, 1e-3), (-1e-3, -1e-3)]:
        nudged = radius(gram, best.learning_rate * (1 + da), best.beta * (1 + db), nesterov)
        assert nudged > best.factor * (1 + 1e-7)


@pytest.mark.parametrize("nesterov", [False, True])
def test_no_pair_on_a_grid_beats_the_best_pair(nesterov):
    """Brute force over (alpha, beta) on the dense design's own eigenvalues: the published pair
    is the best, to the grid's resolution, and momentum beats the best GD rate."""
    gram = dense_gram()[1]
    lam = np.linalg.eigvalsh(gram)
    lam_min, lam_max = extremes(gram)
    best = (tuning.nesterov_best if nesterov else tuning.momentum_best)(lam_min, lam_max)
    alphas = np.linspace(0.01, 4.0, 800) / lam_max
    betas = np.linspace(0.0, 0.995, 400)
    grid = radius_2x2(lam, alphas[:, None] + 0 * betas, betas + 0 * alphas[:, None], nesterov)
    assert grid.min() >= best.factor * (1 - 1e-3)
    assert grid.min() <= best.factor * (1 + 1e-2)  # and the grid gets close to it
    at_best = float(radius_2x2(lam, np.array(best.learning_rate), np.array(best.beta), nesterov))
    assert at_best == pytest.approx(best.factor, rel=1e-6)
    assert best.factor < tuning.gd_best(lam_min, lam_max).factor


def test_sanity_numbers_of_a_256_by_256_one_hot_picture():
    """n = 65,536: kappa = 65,537; GD at its best rate needs about 151,000 epochs to cut the error
    100-fold, optimal momentum about 590 by its rate; the exact trajectories agree for GD and show
    what critical damping adds for momentum (the error carries a factor 1 + c k)."""
    n = 256 * 256
    lam_min, lam_max = tuning.one_hot_extremes(n)
    assert tuning.condition_number(lam_min, lam_max) == n + 1
    gd, heavy = tuning.gd_best(lam_min, lam_max), tuning.momentum_best(lam_min, lam_max)
    # by its rate: the k with factor^k <= 1 / 100
    assert math.ceil(math.log(100) / -math.log(gd.factor)) == 150_905
    assert math.ceil(math.log(100) / -math.log(heavy.factor)) == 590

    y = RNG.random((1, n))
    theta = np.c_[np.zeros((1, 1)), RNG.random((1, n))]
    theta[0, 0] = y.mean() - theta[0, 1:].mean()  # a start with the brightness right: detail only
    exact_gd = OneHotTrajectory(theta, y, gd.learning_rate)
    d0 = float(exact_gd.distance(0)[0])
    assert tuning.epochs_below(exact_gd, d0 / 100, error=True) == 150_905
    exact_heavy = OneHotMomentumTrajectory(theta, y, heavy.learning_rate, heavy.beta)
    found = tuning.epochs_below(exact_heavy, d0 / 100, error=True)
    distances = np.array([exact_heavy.distance(k)[0] for k in range(1200)])
    assert found == np.flatnonzero(distances >= d0 / 100).max() + 1 == 850  # r^k (1 + (1 - r) k)


def scan_first_staying_below(values: np.ndarray, threshold: float) -> int:
    above = np.flatnonzero(values >= threshold)
    return 0 if above.size == 0 else int(above.max()) + 1


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_epochs_below_never_stops_early_and_not_much_late(beta):
    design, gram = dense_gram()
    lam_max = extremes(gram)[1]
    y = RNG.normal(size=(2, design.n_samples))
    yy = np.einsum("ij,ij->i", y, y) / design.n_samples
    lam, v = design.eigen
    for fraction in (0.3, 0.95):
        lr = fraction * tuning.momentum_max_rate(lam_max, beta)
        trajectory = EigenMomentumTrajectory(lam, v, np.zeros((2, 4)), design.moments(y), yy, lr, beta)
        costs = np.array([trajectory.cost(k).max() for k in range(2000)])
        optimum = trajectory.optimum_cost().max()
        for excess in (1e-2, 1e-5):
            threshold = optimum + excess * (costs[0] - optimum)
            truth = scan_first_staying_below(costs, threshold)
            found = tuning.epochs_below(trajectory, threshold)
            assert truth <= found <= 1.2 * truth + 10, (fraction, excess, truth, found)
    assert tuning.epochs_below(trajectory, costs[0] * 2) == 0
    assert tuning.epochs_below(trajectory, optimum * 0.5, hi=10**6) is None
