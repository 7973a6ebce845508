"""Exact momentum (heavy ball and Nesterov) in closed form, against the update iterated.

The oracles are a literal loop on the explicit matrix [1, X] (v = beta v - alpha g; theta += v),
paintlr's own Momentum optimizer stepping a real design, and, for epochs no loop reaches,
the 2 x 2 recurrence matrix raised to the k-th power by squaring in 100-digit decimals.
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paintlr.core.designs import Dense, OneHot
from paintlr.core.numerics import second_order_envelope, second_order_power
from paintlr.core.trajectories import (
    EigenMomentumTrajectory,
    EigenTrajectory,
    OneHotMomentumTrajectory,
    OneHotTrajectory,
    momentum_damping,
    momentum_step_limit,
)
from paintlr.models.optimizers import Momentum

RNG = np.random.default_rng(5)
BETAS = [0.0, 0.5, 0.9, 0.999, 0.9999]
EPOCHS = [0, 1, 2, 3, 10, 1000]
EPS = np.finfo(np.float64).eps


# ---- oracles -------------------------------------------------------------------------------------

def literal_momentum(phi, y, theta, lr, beta, epochs, nesterov=False):
    """{k: (theta_k, v_k, cost_k)} for k in `epochs`, iterating on the explicit [1, X] (m x p)."""
    m = phi.shape[0]
    theta, v = theta.copy(), np.zeros_like(theta)
    out = {}
    for k in range(max(epochs) + 1):
        if k in epochs:
            r = phi @ theta - y
            out[k] = theta.copy(), v.copy(), (r * r).sum(axis=0) / (2 * m)
        ahead = theta + beta * v if nesterov else theta
        v = beta * v - lr * (phi.T @ (phi @ ahead - y)) / m
        theta = theta + v
    return out


def decimal_power(d: float, s: float, k: int):
    """(a_k, W_k) of e_(k+1) = (1 + d - s) e_k - d e_(k-1) from the exact floats d and s, 100 digits."""
    with localcontext() as ctx:
        ctx.prec = 100
        dd, ss = Decimal(d), Decimal(s)
        base = [[1 + dd - ss, -dd], [Decimal(1), Decimal(0)]]

        def mul(p, q):
            return [[p[i][0] * q[0][j] + p[i][1] * q[1][j] for j in range(2)] for i in range(2)]

        def power(n):
            result, b = [[Decimal(1), Decimal(0)], [Decimal(0), Decimal(1)]], base
            while n:
                if n & 1:
                    result = mul(result, b)
                b, n = mul(b, b), n >> 1
            return result

        now = power(k)
        w = power(k - 1)[0][0] if k else Decimal(0)  # the (0, 0) entry of M^(k-1) is W_k
        return now[0][0] + now[0][1], w


def dense_case(seed: int, m: int = 30, d: int = 3, channels: int = 2):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, d)) + rng.normal(size=d)
    y = x @ rng.normal(size=(d, channels)) + 0.3 * rng.normal(size=(m, channels))
    return Dense(x), x, y


def eigen_momentum(design: Dense, theta, y, lr, beta, nesterov=False):
    """EigenMomentumTrajectory built exactly as Dense.trajectory builds EigenTrajectory."""
    yt = np.ascontiguousarray(y.T)
    yy = np.einsum("ij,ij->i", yt, yt) / design.n_samples
    lam, v = design.eigen
    return EigenMomentumTrajectory(lam, v, theta.T.copy(), design.moments(yt), yy, lr, beta, nesterov)


def assert_close(actual, expected, scale=None, rel=1e-9):
    """Relative to the largest entry (or to `scale`): an oscillating entry may pass through 0; a
    velocity, a difference of two parameter vectors, is compared on the parameters' scale."""
    scale = np.abs(expected).max() if scale is None else np.abs(scale).max()
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rel * max(scale, 1e-300))


# ---- dense designs -------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(beta=st.sampled_from(BETAS), fraction=st.floats(0.01, 0.999), seed=st.integers(0, 10**6),
       nesterov=st.booleans())
@example(beta=0.9999, fraction=0.999, seed=1, nesterov=False)
@example(beta=0.9, fraction=0.999, seed=2, nesterov=True)
def test_dense_momentum_matches_the_literal_loop(beta, fraction, seed, nesterov):
    design, x, y = dense_case(seed)
    phi = np.c_[np.ones(len(x)), x]
    lam_max = np.linalg.eigvalsh(phi.T @ phi / len(x))[-1]
    lr = fraction * momentum_step_limit(beta, nesterov) / lam_max
    theta = np.random.default_rng(seed + 1).normal(size=(x.shape[1] + 1, y.shape[1]))
    expected = literal_momentum(phi, y, theta, lr, beta, EPOCHS, nesterov)
    trajectory = eigen_momentum(design, theta, y, lr, beta, nesterov)
    for k, (theta_k, v_k, cost_k) in expected.items():
        assert_close(trajectory.theta(k).T, theta_k)
        assert_close(trajectory.velocity(k).T, v_k, theta_k)
        np.testing.assert_allclose(trajectory.cost(k), cost_k, rtol=1e-9, atol=1e-12 * expected[0][2].max())
        assert_close(trajectory.mean_error(k), (phi @ theta_k - y).mean(0), np.abs(phi @ theta_k).max() + 1)


@pytest.mark.parametrize("side", [-1e-12, 0.0, 1e-12])
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999, 0.9999])
def test_dense_momentum_at_critical_damping(beta, side):
    """The slowest direction critically damped (s = (1 - sqrt beta)^2 (1 + side)), the fastest
    near the -1 critical point: iterated and closed form agree, also at k = 10^5."""
    design, x, y = dense_case(3)
    phi = np.c_[np.ones(len(x)), x]
    lam = np.linalg.eigvalsh(phi.T @ phi / len(x))
    lr = (1 - math.sqrt(beta)) ** 2 * (1 + side) / lam[0]
    theta = RNG.normal(size=(x.shape[1] + 1, y.shape[1]))
    epochs = [*EPOCHS, 30000]
    expected = literal_momentum(phi, y, theta, lr, beta, epochs)
    trajectory = eigen_momentum(design, theta, y, lr, beta)
    for k, (theta_k, v_k, _) in expected.items():
        assert_close(trajectory.theta(k).T, theta_k)
        assert_close(trajectory.velocity(k).T, v_k, theta_k)


def test_paintlr_momentum_optimizer_matches_the_closed_form():
    """optimizers.Momentum stepping a real Dense design lands where the closed form says."""
    design, x, y = dense_case(4)
    lr, beta = 0.7 * momentum_step_limit(0.9) / design.lambda_max, 0.9
    theta = RNG.normal(size=(y.shape[1], x.shape[1] + 1))
    trajectory = eigen_momentum(design, theta.T, y, lr, beta)
    optimizer = Momentum(beta)
    state = theta.copy()
    run = optimizer.start(design, state, np.ascontiguousarray(y.T), lr)
    for k in range(1, 301):
        run.costs()
        run.step()
        if k in (1, 2, 3, 10, 300):
            assert_close(trajectory.theta(k), state)
            assert_close(trajectory.velocity(k), optimizer.velocity, state)


def test_dense_null_directions_never_move():
    """A repeated feature gives the Gram matrix an eigenvalue 0: iterated momentum never moves
    theta along it, and neither does the closed form."""
    x = RNG.normal(size=(25, 2))
    x = np.c_[x, x[:, :1]]
    design, y = Dense(x), RNG.normal(size=(25, 1))
    phi = np.c_[np.ones(25), x]
    lr = 0.5 * momentum_step_limit(0.9) / design.lambda_max
    theta = RNG.normal(size=(4, 1))
    expected = literal_momentum(phi, y, theta, lr, 0.9, [5000])
    trajectory = eigen_momentum(design, theta, y, lr, 0.9)
    assert design.eigen[0][0] < 1e-12
    assert_close(trajectory.theta(5000).T, expected[5000][0])
    null = design.eigen[1][:, 0]  # moves only by the rounding noise in V^T c along it, as iterating does
    assert (trajectory.theta(10**6) @ null).item() == pytest.approx((theta.T @ null).item(), abs=1e-9)


def test_beta_zero_is_gradient_descent():
    design, x, y = dense_case(6)
    lr = 1.3 / design.lambda_max
    theta = RNG.normal(size=(x.shape[1] + 1, y.shape[1]))
    gd = design.trajectory(theta.T.copy(), np.ascontiguousarray(y.T), lr)
    heavy = eigen_momentum(design, theta, y, lr, 0.0)
    for k in (0, 1, 7, 1000, 10**6, 10**9):
        np.testing.assert_allclose(heavy.theta(k), gd.theta(k), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(heavy.cost(k), gd.cost(k), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(heavy.distance(k), gd.distance(k), rtol=1e-10, atol=1e-300)

    n = 30
    y1 = RNG.random((2, n))
    start = RNG.normal(size=(2, n + 1))
    one_gd, one_heavy = OneHotTrajectory(start, y1, 1.3), OneHotMomentumTrajectory(start, y1, 1.3, 0.0)
    for k in (0, 1, 7, 1000, 10**9):
        np.testing.assert_allclose(one_heavy.theta(k), one_gd.theta(k), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(one_heavy.cost(k), one_gd.cost(k), rtol=1e-10, atol=1e-300)


# ---- the one-hot design --------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(beta=st.sampled_from(BETAS), fraction=st.floats(0.01, 0.999), seed=st.integers(0, 10**6),
       nesterov=st.booleans(), h=st.integers(1, 6), w=st.integers(1, 5))
@example(beta=0.9, fraction=0.999, seed=0, nesterov=False, h=6, w=5)
@example(beta=0.9999, fraction=0.5, seed=0, nesterov=True, h=6, w=5)
def test_one_hot_momentum_matches_the_literal_loop(beta, fraction, seed, nesterov, h, w):
    n = h * w
    rng = np.random.default_rng(seed)
    y = rng.random((n, 3))
    phi = np.c_[np.ones(n), np.eye(n)]
    lr = fraction * momentum_step_limit(beta, nesterov) / OneHot(n).lambda_max
    theta = rng.normal(size=(n + 1, 3))
    expected = literal_momentum(phi, y, theta, lr, beta, EPOCHS, nesterov)
    trajectory = OneHotMomentumTrajectory(theta.T.copy(), np.ascontiguousarray(y.T), lr, beta, nesterov)
    for k, (theta_k, v_k, cost_k) in expected.items():
        assert_close(trajectory.theta(k).T, theta_k)
        assert_close(trajectory.velocity(k).T, v_k, theta_k)
        np.testing.assert_allclose(trajectory.cost(k), cost_k, rtol=1e-9, atol=1e-12 * expected[0][2].max())
        np.testing.assert_allclose(trajectory.detail_cost(k), cost_k - 0.5 * (phi @ theta_k - y).mean(0) ** 2,
                                   rtol=1e-9, atol=1e-12 * expected[0][2].max())
        assert_close(trajectory.mean_error(k), (phi @ theta_k - y).mean(0), np.abs(phi @ theta_k).max() + 1)
        # where momentum settles: the minimum-norm optimum plus the start's null component
        null = np.r_[1.0, -np.ones(n)] / math.sqrt(n + 1)
        error = theta_k - OneHot(n).least_squares(np.ascontiguousarray(y.T)).T
        error -= np.outer(null, null @ error)
        np.testing.assert_allclose(trajectory.distance(k), np.linalg.norm(error, axis=0),
                                   rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("side", [-1e-12, 0.0, 1e-12])
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999])
def test_one_hot_at_critical_damping(beta, side):
    """Detail mode critically damped (lr / n = (1 - sqrt beta)^2), then the mean mode at the -1
    critical point (lr (n + 1) / n = (1 + sqrt beta)^2), each within 1e-12 of it. At the -1 point
    the answer itself moves by 1e-10 per ulp of the step by k = 1000 (and 6e-8 by k = 20000, beta
    0.999: the rounding of lr (n + 1) / n to a float is felt there), so that side stops at 1000."""
    n = 30
    y = RNG.random((n, 2))
    phi = np.c_[np.ones(n), np.eye(n)]
    theta = RNG.normal(size=(n + 1, 2))
    detail, mean = n * (1 - math.sqrt(beta)) ** 2, n / (n + 1) * (1 + math.sqrt(beta)) ** 2
    for lr, epochs in ((detail * (1 + side), [*EPOCHS, 20000]), (mean * (1 + side), EPOCHS)):
        if lr >= momentum_step_limit(beta) / OneHot(n).lambda_max:
            continue
        expected = literal_momentum(phi, y, theta, lr, beta, epochs)
        trajectory = OneHotMomentumTrajectory(theta.T.copy(), np.ascontiguousarray(y.T), lr, beta)
        for k, (theta_k, v_k, _) in expected.items():
            assert_close(trajectory.theta(k).T, theta_k)
            assert_close(trajectory.velocity(k).T, v_k, theta_k)


def test_paintlr_momentum_optimizer_on_one_hot_matches_the_closed_form():
    n, lr, beta = 6 * 5, 2.5, 0.8
    design, y = OneHot(n), RNG.random((3, n))
    theta = RNG.normal(size=(3, n + 1))
    trajectory = OneHotMomentumTrajectory(theta, y, lr, beta)
    optimizer = Momentum(beta)
    state = theta.copy()
    run = optimizer.start(design, state, y, lr)
    for k in range(1, 501):
        run.costs()
        run.step()
        if k in (1, 2, 3, 10, 500):
            assert_close(trajectory.theta(k), state)
            assert_close(trajectory.velocity(k), optimizer.velocity, state)


def test_one_hot_frame_stays_linear_in_pixels():
    """256 x 256 pixels: the 10^9-th epoch costs what the 10th does (no n x n anything)."""
    n = 256 * 256
    y = RNG.random((3, n))
    trajectory = OneHotMomentumTrajectory(np.zeros((3, n + 1)), y, 1.9, 0.9)
    out = np.empty((3, n + 1))
    for k in (10, 10**9):
        theta = trajectory.theta(k, out=out)
        assert theta is out and np.all(np.isfinite(theta))
    np.testing.assert_allclose(trajectory.theta(10**9)[:, 1:] + trajectory.theta(10**9)[:, :1], y, atol=1e-9)


# ---- the primitive at any epoch ------------------------------------------------------------------

def regimes():
    """(d, s) pairs across every regime: GD, over-, under- and critically damped at both ends."""
    cases = []
    for beta in BETAS:
        critical, far = (1 - math.sqrt(beta)) ** 2, (1 + math.sqrt(beta)) ** 2
        steps = [1e-9, 1e-4, 0.3, 1.0 - 1e-9, 1.0, 1.0 + 1e-9, 1.7, 0.999 * 2 * (1 + beta)]
        steps += [critical * (1 + e) for e in (-1e-6, -1e-12, 0.0, 1e-12, 1e-6)]
        steps += [far * (1 + e) for e in (-1e-6, -1e-12, 0.0) if far * (1 + e) < 2 * (1 + beta)]
        cases += [(beta, s) for s in steps]
        nesterov_limit = momentum_step_limit(beta, nesterov=True)
        nesterov_steps = (1e-6, 0.5, 1.2, 0.999 * nesterov_limit)
        cases += [(float(momentum_damping(beta, s, True)), s) for s in nesterov_steps]
    return cases


@pytest.mark.parametrize("k", [1, 2, 3, 10, 1000, 10**5, 10**7, 10**9])
def test_power_matches_exact_matrix_power(k):
    """a_k and W_k from the closed form against the matrix power of the same floats in 100 digits:
    1e-9 of the envelope (the size an oscillation can reach), or, where the phase k phi is so long
    that the last bit of s moves the answer more, within what moving s by 2 ulps does."""
    for d, s in regimes():
        a, w, f = (float(v) for v in second_order_power(d, s, k))
        envelope = float(second_order_envelope(d, s, k))
        exact_a, exact_w = decimal_power(d, s, k)
        if envelope < 1e-290:
            continue
        spread = Decimal(0)
        if k >= 10**5:  # what the last bits of s do to the answer: a long phase, or k^2 near critical
            nudged = (decimal_power(d, t, k)[0] for t in (s * (1 - 2 * EPS), s * (1 + 2 * EPS)))
            spread = max(abs(value - exact_a) for value in nudged)
        error = abs(Decimal(a) - exact_a)
        assert error <= Decimal(1e-9 * envelope) + spread, (d, s, k, a, exact_a)
        assert abs(exact_a) <= Decimal(envelope * (1 + 1e-9)), (d, s, k)
        if s > 0 and abs(exact_a) < Decimal("0.5"):  # f = (1 - a) / s
            assert f == pytest.approx(float((1 - exact_a) / Decimal(s)), rel=1e-9)
        if abs(exact_w) > Decimal("1e-290") and abs(exact_w) > Decimal(0.1 * envelope) * k:
            assert w == pytest.approx(float(exact_w), rel=1e-9), (d, s, k)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999, 0.9999])
def test_power_near_critical_damping_to_1e_10_at_any_epoch(beta):
    """The slow end, where the roots meet near +1: a_k within 1e-10 of its envelope up to k = 10^9,
    with no allowance for the inputs' last bits (the answer is well-conditioned there)."""
    critical = (1 - math.sqrt(beta)) ** 2
    for offset in (-1e-3, -1e-6, -1e-8, -1e-10, -1e-12, 0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-3):
        s = critical * (1 + offset)
        for k in (1, 10, 1000, 10**4, 10**5, 10**6, 10**7, 10**9):
            envelope = float(second_order_envelope(beta, s, k))
            if envelope < 1e-290:
                continue
            error = abs(Decimal(float(second_order_power(beta, s, k)[0])) - decimal_power(beta, s, k)[0])
            assert error <= Decimal(1e-10 * envelope), (offset, k)


@pytest.mark.parametrize("beta", BETAS)
def test_drift_is_exact_for_slow_and_frozen_directions(beta):
    """f = (1 - a) / s has no cancellation where a is near 1, and is the coasting sum at s = 0."""
    for s in (0.0, 1e-300, 1e-18, 1e-12, 1e-8):
        for k in (1, 2, 10, 1000, 10**6):
            f = float(second_order_power(beta, s, k)[2])
            if s > 1e-30:  # from the exact power; below, s f is under 1e-280 of f: s = 0 is exact
                assert f == pytest.approx(float((1 - decimal_power(beta, s, k)[0]) / Decimal(s)), rel=1e-9)
                continue
            with localcontext() as ctx:
                ctx.prec = 60
                bd, total, geometric = Decimal(beta), Decimal(0), Decimal(0)
                for _ in range(min(k, 2000)):  # w_j at s = 0 is 1 + d + ... + d^(j - 1)
                    geometric = geometric * bd + 1
                    total += geometric
                if k > 2000:  # d^2000 < 1e-87 unless beta is near 1: close the sum
                    total = (Decimal(k) - bd * (1 - bd**k) / (1 - bd)) / (1 - bd)
            assert f == pytest.approx(float(total), rel=1e-9), (s, k)


def test_vectorised_and_scalar_agree():
    d, s = np.meshgrid(np.linspace(0, 0.999, 7), np.linspace(1e-6, 3.9, 9))
    a, w, f = second_order_power(d, s, 37)
    for i in np.ndindex(d.shape):
        single = second_order_power(float(d[i]), float(s[i]), 37)
        assert (a[i], w[i], f[i]) == tuple(float(v) for v in single)


def test_divergent_and_degenerate_settings_are_finite_or_inf_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for beta, s in [(0.9, 3.81), (0.9, 100.0), (1.2, 0.1), (0.5, -0.1), (0.9, 4.0), (1.0, 0.0)]:
            for k in (1, 10, 10**9):
                a, w, f = second_order_power(beta, s, k)
                assert not np.isnan([a, w, f]).any()
            assert float(second_order_envelope(beta, s, 10**9)) == np.inf
        assert float(second_order_power(0.9, 3.81, 10**9)[0]) in (np.inf, -np.inf)
        assert second_order_power(0.0, 1.0, 5) == (0.0, 0.0, 1.0)  # both roots 0: done in one step
        assert second_order_power(0.9, 0.0, 10**9)[0] == 1.0  # lam = 0: never moves
        assert float(second_order_envelope(0.9, 0.0, 10**9)) == 1.0
        trajectory = OneHotMomentumTrajectory(np.zeros((1, 5)), RNG.random((1, 4)), 10.0, 0.9)
        assert np.all(trajectory.cost(10**6) == np.inf) and np.all(trajectory.envelope(0) == np.inf)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.999])
def test_stability_limits(beta, nesterov):
    """Inside the limit both roots of the recurrence lie in the unit disc, just past it one leaves."""
    limit = momentum_step_limit(beta, nesterov)

    def radius(s):
        d = float(momentum_damping(beta, s, nesterov))
        return max(abs(np.roots([1.0, -(1 + d - s), d])))

    assert radius(limit * (1 - 1e-6)) < 1 < radius(limit * (1 + 1e-6))
    assert radius(1e-6) < 1 and all(radius(f * limit) < 1 for f in np.linspace(0.01, 0.99, 25))
    past = limit * 1.001
    assert float(second_order_envelope(momentum_damping(beta, past, nesterov), past, 9)) == np.inf


# ---- envelopes -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(beta=st.sampled_from([*BETAS, 0.3, 0.97]), fraction=st.floats(1e-6, 0.9999), nesterov=st.booleans())
@example(beta=0.9, fraction=(1 - math.sqrt(0.9)) ** 2 / 3.8 * (1 + 1e-9), nesterov=False)
@example(beta=0.9, fraction=(1 + math.sqrt(0.9)) ** 2 / 3.8 * (1 - 1e-9), nesterov=False)
def test_envelope_bounds_every_later_epoch_and_never_rises(beta, fraction, nesterov):
    s = fraction * momentum_step_limit(beta, nesterov)
    d = float(momentum_damping(beta, s, nesterov))
    horizon = 3000
    e, previous, seq = 1.0, 1.0, []
    for _ in range(horizon):  # the recurrence itself, a fine oracle over 3000 steps
        seq.append(e)
        e, previous = (1 + d - s) * e - d * previous, e
    later = np.maximum.accumulate(np.abs(seq)[::-1])[::-1]  # max over j >= k within the horizon
    ks = np.unique(np.r_[np.arange(60), np.geomspace(60, horizon - 1, 60).astype(int)])
    envelope = np.array([float(second_order_envelope(d, s, k)) for k in ks])
    tail = float(second_order_envelope(d, s, horizon))
    assert np.all(envelope >= later[ks] * (1 - 1e-9) - 1e-300)
    assert np.all(np.diff(envelope) <= 1e-12 * envelope[:-1])
    assert tail <= envelope[-1]
    # not loose: within the oscillation's amplitude over its value, and the decay over half a turn
    roots = np.roots([1.0, -(1 + d - s), d])
    size, angle = max(abs(roots)), max(abs(np.angle(roots)))
    turn = math.exp(min(700.0, -(math.ceil(math.pi / angle) + 1) * math.log(size))) if angle > 0 else 1.0
    scale = abs(1 - d - s) / math.sqrt(max(abs(4 * d - (1 + d - s) ** 2), 1e-300))
    early = ks < 200
    assert np.all(envelope[early] <= later[ks[early]] * 2 * (1 + min(scale, 400)) * turn + 1e-300)


def test_envelope_is_the_value_where_nothing_oscillates_and_exact_at_critical():
    for beta in (0.0, 0.5, 0.9, 0.999):
        critical = (1 - math.sqrt(beta)) ** 2
        for s in (1e-6 * critical, 0.5 * critical, critical):
            for k in (0, 1, 10, 1000, 10**6):
                a = second_order_power(beta, s, k)[0]
                assert float(second_order_envelope(beta, s, k)) == pytest.approx(float(a), rel=1e-12)


def test_trajectory_envelopes_bound_the_cost_from_above_and_never_rise():
    n = 30
    y = RNG.random((2, n))
    design, x, yd = dense_case(8)
    for beta in (0.5, 0.9):
        one_hot = OneHotMomentumTrajectory(RNG.normal(size=(2, n + 1)), y, 2.6, beta)
        lr = 0.8 * momentum_step_limit(beta) / design.lambda_max
        dense = eigen_momentum(design, RNG.normal(size=(x.shape[1] + 1, 2)), yd, lr, beta)
        for trajectory in (one_hot, dense):
            costs = np.array([trajectory.cost(k) for k in range(400)])
            envelopes = np.array([trajectory.envelope(k) for k in range(400)])
            later = np.maximum.accumulate(costs[::-1], axis=0)[::-1]
            assert np.all(envelopes >= later * (1 - 1e-9))
            assert np.all(np.diff(envelopes, axis=0) <= 1e-12 * envelopes[:-1])
            distances = np.array([trajectory.distance(k) for k in range(400)])
            bounds = np.array([trajectory.distance_envelope(k) for k in range(400)])
            assert np.all(bounds >= np.maximum.accumulate(distances[::-1], axis=0)[::-1] * (1 - 1e-9))
        assert np.all(one_hot.envelope(10**9) == 0) or np.all(one_hot.envelope(10**9) < 1e-300)
        assert one_hot.envelope(10**9).shape == (2,)


def test_gd_envelope_is_its_cost():
    n = 12
    y = RNG.random((2, n))
    gd = OneHotTrajectory(RNG.normal(size=(2, n + 1)), y, 0.7)
    for k in (0, 3, 100):
        np.testing.assert_array_equal(gd.envelope(k), gd.cost(k))
    design, x, yd = dense_case(9)
    lr = 0.5 / design.lambda_max
    eigen = design.trajectory(np.zeros((2, x.shape[1] + 1)), np.ascontiguousarray(yd.T), lr)
    assert isinstance(eigen, EigenTrajectory)
    np.testing.assert_array_equal(eigen.envelope(7), eigen.cost(7))


def test_a_diverging_one_hot_cost_is_inf_not_an_exception():
    """GD far past the stable rate: (1 - eta)^k overflows a float; the cost says inf, and the run
    reports divergence instead of an OverflowError from squaring a Python float."""
    y = np.random.default_rng(0).random((3, 16))
    traj = OneHotTrajectory(np.zeros((3, 17)), y, learning_rate=1e300)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.all(np.isinf(traj.detail_cost(1))) and np.all(np.isinf(traj.cost(1)))  # 6e298 squared


def test_gd_envelopes_are_the_costs_themselves():
    """GD's cost and detail cost never rise, so both GD trajectories bound them by themselves."""
    design, _, y = dense_case(11)
    yt = np.ascontiguousarray(y.T)
    n = 12
    for traj in (design.trajectory(np.zeros((2, 4)), yt, 0.05),
                 OneHot(n).trajectory(np.zeros((2, n + 1)), RNG.random((2, n)), 0.3)):
        for k in (0, 1, 17, 10**6):
            np.testing.assert_array_equal(traj.envelope(k), traj.cost(k))
            np.testing.assert_array_equal(traj.detail_envelope(k), traj.detail_cost(k))
