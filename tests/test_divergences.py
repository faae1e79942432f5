"""KL, Jensen–Shannon and f-divergences, and their quadratic (Fisher) approximation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import fisherlab as fl
from fisherlab import divergences as D

COV = np.array([[1.0, 0.8], [0.8, 1.0]])


def _full_theta():
    return fl.GaussianFull(2).theta_from_mean_cov([0.2, -0.1], [[1.5, 0.4], [0.4, 0.7]])


# (family, theta, direction u): expansion points for the local checks
LOCAL = [
    (fl.Bernoulli(), 0.3, 1.0),
    (fl.Poisson(), 2.5, 1.0),
    (fl.NormalMeanScale(), np.array([0.0, 1.3]), np.array([0.6, 0.8])),
    (fl.GaussianDiagonal(2), np.array([0.1, -0.2, 0.3, -0.1]), np.array([0.5, -0.3, 0.6, 0.4])),
    (fl.GaussianFull(2), _full_theta(), np.array([0.3, -0.2, 0.5, 0.4, -0.6])),
    (fl.Categorical(3), np.array([0.2, -0.4, 0.9]), np.array([1.0, -0.5, 0.2])),
]
LOCAL_IDS = [type(f).__name__ for f, _, _ in LOCAL]


# ---- values against closed forms, exact sums and Monte Carlo ---------------------------------
def test_bernoulli_kl_is_the_exact_sum_in_nats_and_bits():
    exact = 0.3 * np.log(0.3 / 0.2) + 0.7 * np.log(0.7 / 0.8)
    assert D.kl(fl.Bernoulli(), 0.3, 0.2) == pytest.approx(exact, rel=1e-14)
    assert D.kl(fl.Bernoulli(), 0.3, 0.2, base=2) == pytest.approx(exact / np.log(2), rel=1e-14)
    assert D.kl_probabilities([0.3, 0.7], [0.2, 0.8], base=2) == pytest.approx(0.04063719565666954, rel=1e-12)


def test_kl_probabilities_conventions():
    assert D.kl_probabilities([0.0, 1.0], [0.5, 0.5]) == pytest.approx(np.log(2))
    assert D.kl_probabilities([0.5, 0.5], [0.0, 1.0]) == np.inf
    assert D.js_probabilities([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("family", "tp", "tq"),
    [
        (fl.NormalMean(2.0), 0.0, 1.0),
        (fl.NormalMeanScale(), [0.0, 1.0], [0.5, 1.5]),
        (fl.GaussianMean(COV), [0.0, 0.0], [0.3, 0.1]),
        (fl.GaussianDiagonal(2), [0.0, 0.0, 0.1, -0.2], [0.3, 0.1, -0.1, 0.2]),
        (fl.GaussianFull(2), [0.0, 0.0, 0.1, -0.2, 0.3], [0.3, 0.1, -0.1, 0.2, 0.0]),
        (fl.Poisson(), 3.0, 4.0),
        (fl.Categorical(3), [0.0, 1.0, 2.0], [1.0, 0.0, 0.0]),
        (fl.CauchyLocation(2.0), 0.0, 1.0),
        (fl.StudentTLocation(3.0), 0.0, 0.5),
    ],
)
def test_closed_form_kl_matches_quadrature_and_monte_carlo(family, tp, tq):
    closed = D.kl(family, tp, tq)
    assert D.f_divergence(family, tp, tq, D.KL) == pytest.approx(closed, rel=1e-6)
    assert D.f_divergence(family, tq, tp, D.REVERSE_KL) == pytest.approx(closed, rel=1e-6)
    rng = np.random.default_rng(3)
    x = family.sample(tp, 40000, rng=rng)
    terms = family.log_likelihood(tp, x) - family.log_likelihood(tq, x)
    assert abs(terms.mean() - closed) <= 4 * terms.std(ddof=1) / np.sqrt(terms.size)


def test_cauchy_kl_closed_form():
    # KL(C(m1, g) || C(m2, g)) = log(1 + (m1 - m2)^2 / (4 g^2))
    assert D.kl(fl.CauchyLocation(2.0), 0.0, 1.0) == pytest.approx(np.log(1 + 1 / 16), rel=1e-9)


def test_gaussian_kl_against_scipy_entropy_formula():
    mp, mq = np.array([0.1, 0.3]), np.array([-0.2, 0.5])
    cp, cq = np.array([[1.0, 0.3], [0.3, 2.0]]), np.array([[0.7, -0.1], [-0.1, 1.1]])
    # KL = E_p[log p - log q] = -H(p) - E_p[log q], with E_p[log q] in closed form
    iq = np.linalg.inv(cq)
    e_logq = -0.5 * (2 * np.log(2 * np.pi) + np.log(np.linalg.det(cq)) + np.trace(iq @ cp) + (mp - mq) @ iq @ (mp - mq))
    expected = -stats.multivariate_normal(mp, cp).entropy() - e_logq
    assert D.kl_gaussian(mp, cp, mq, cq) == pytest.approx(expected, rel=1e-12)


def test_js_is_bounded_symmetric_and_matches_probability_vectors():
    fam = fl.Categorical(4)
    tp, tq = np.array([0.0, 1.0, -1.0, 2.0]), np.array([3.0, -2.0, 0.0, 0.5])
    js = D.js(fam, tp, tq)
    assert js == pytest.approx(D.js(fam, tq, tp), rel=1e-13)
    assert js == pytest.approx(D.js_probabilities(fam.probabilities(tp), fam.probabilities(tq)), rel=1e-13)
    assert 0 < js < np.log(2)
    far = D.js(fl.NormalMean(1.0), 0.0, 60.0)
    assert far == pytest.approx(np.log(2), rel=1e-6)


def test_gaussian_js_quadrature_against_monte_carlo():
    fam = fl.GaussianMean(COV)
    tp, tq = np.array([0.0, 0.0]), np.array([0.8, -0.5])
    rng = np.random.default_rng(7)

    def half(ta, tb):
        x = fam.sample(ta, 40000, rng=rng)
        la, lb = fam.log_likelihood(ta, x), fam.log_likelihood(tb, x)
        return 0.5 * (la - (np.logaddexp(la, lb) - np.log(2)))

    terms = np.concatenate([half(tp, tq), half(tq, tp)])
    mc, se = 2 * terms.mean(), 2 * terms.std(ddof=1) / np.sqrt(terms.size / 2)
    assert abs(D.js(fam, tp, tq) - mc) <= 4 * se


def test_chi_square_and_hellinger_closed_forms_for_gaussian_mean():
    fam = fl.GaussianMean(COV)
    d = np.array([0.4, -0.3])
    m2 = d @ np.linalg.inv(COV) @ d  # squared Mahalanobis distance
    assert D.f_divergence(fam, d, [0.0, 0.0], D.CHI_SQUARE) == pytest.approx(np.expm1(m2), rel=1e-8)
    assert D.f_divergence(fam, d, [0.0, 0.0], D.SQUARED_HELLINGER) == pytest.approx(2 * (1 - np.exp(-m2 / 8)), rel=1e-8)


def test_kl_broadcasts_over_a_grid():
    fam = fl.GaussianMean(COV)
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)), axis=-1)  # (4, 5, 2)
    out = D.kl(fam, [0.0, 0.0], grid)
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out, D.quadratic_approximation(np.linalg.inv(COV), grid), rtol=1e-12)
    js = D.js(fam, [0.0, 0.0], grid, n_nodes=20)
    assert js.shape == (4, 5)
    assert D.kl(fl.Bernoulli(), np.array([0.2, 0.5]), 0.4).shape == (2,)


# ---- properties ---------------------------------------------------------------------------
probs = st.floats(0.01, 0.99)


@given(probs, probs)
def test_bernoulli_divergences_nonnegative_and_zero_only_at_equality(p, q):
    fam = fl.Bernoulli()
    for value in (D.kl(fam, p, q), D.kl(fam, q, p), D.js(fam, p, q), D.f_divergence(fam, p, q, D.SQUARED_HELLINGER)):
        assert value >= 0
        if abs(p - q) > 1e-3:
            assert value > 0
    assert D.kl(fam, p, p) == 0.0 and D.js(fam, p, p) == pytest.approx(0.0, abs=1e-16)


@given(st.lists(st.floats(-3, 3), min_size=5, max_size=5), st.lists(st.floats(-3, 3), min_size=5, max_size=5))
def test_gaussian_full_kl_nonnegative_and_zero_at_equality(a, b):
    fam = fl.GaussianFull(2)
    a, b = np.array(a), np.array(b)
    assert D.kl(fam, a, b) >= 0
    assert D.kl(fam, a, a) == pytest.approx(0.0, abs=1e-12)
    if np.max(np.abs(a - b)) > 1e-2:
        assert D.kl(fam, a, b) > 0


@given(st.floats(-2, 2), st.floats(0.3, 3.0))
def test_kl_units(mu, sigma):
    fam = fl.NormalMeanScale()
    nats = D.kl(fam, [0.0, 1.0], [mu, sigma])
    assert D.kl(fam, [0.0, 1.0], [mu, sigma], base=2) == pytest.approx(nats / np.log(2), rel=1e-12)
    assert D.kl(fam, [0.0, 1.0], [mu, sigma], base=10) == pytest.approx(nats / np.log(10), rel=1e-12)


# ---- the quadratic approximation ----------------------------------------------------------
@pytest.mark.parametrize(("family", "theta", "u"), LOCAL, ids=LOCAL_IDS)
@pytest.mark.parametrize("divergence", ["kl", "reverse_kl", "js", D.SQUARED_HELLINGER, D.CHI_SQUARE],
                         ids=["kl", "reverse_kl", "js", "hellinger", "chi2"])
def test_quadratic_approximation_error_is_third_order(family, theta, u, divergence):
    res = D.approximation_error(family, theta, u, np.geomspace(2e-3, 4e-2, 8), divergence=divergence)
    if divergence is D.CHI_SQUARE and isinstance(family, fl.Categorical):
        # chi2(p_theta || p_{theta+D}) = exp(A(theta+D) + A(theta-D) - 2A(theta)) - 1 in natural
        # parameters: an even function of D, so the error starts at the fourth order
        assert 3.8 <= res.slope <= 4.2
    else:
        assert 2.8 <= res.slope <= 3.2
    # the relative error vanishes: the local coefficient is right
    assert res.error[0] / res.divergence[0] < 0.05


def test_chi_square_from_the_far_point_is_exactly_quadratic_for_bernoulli():
    # chi2(p_{p0+D} || p_{p0}) = sum (q - p)^2 / p = D^2 / (p0 (1 - p0)) = 2 * (1/2) F D^2: exact
    steps = np.geomspace(1e-3, 1e-1, 5)
    far_first = D.f_divergence(fl.Bernoulli(), 0.3 + steps, 0.3, D.CHI_SQUARE)
    np.testing.assert_allclose(far_first, steps**2 / 0.21, rtol=1e-10)
    # the convention of approximation_error (expansion point first) is not quadratic: sum (p - q)^2 / q
    res = D.approximation_error(fl.Bernoulli(), 0.3, 1.0, steps, divergence=D.CHI_SQUARE)
    q = 0.3 + steps
    np.testing.assert_allclose(res.divergence, steps**2 / q + steps**2 / (1 - q), rtol=1e-10)
    assert 2.8 <= res.slope <= 3.2


def test_kl_hessian_at_zero_is_fisher_and_gradient_vanishes():
    fam = fl.GaussianFull(2)
    theta = _full_theta()
    F = fam.fisher_exact(theta)
    h = 1e-4
    d = fam.dim
    E = np.eye(d) * h
    grad = np.array([(D.kl(fam, theta, theta + E[i]) - D.kl(fam, theta, theta - E[i])) / (2 * h) for i in range(d)])
    assert np.max(np.abs(grad)) < 1e-8
    hess = np.empty((d, d))
    for i in range(d):
        for j in range(d):
            hess[i, j] = (
                D.kl(fam, theta, theta + E[i] + E[j]) - D.kl(fam, theta, theta + E[i] - E[j])
                - D.kl(fam, theta, theta - E[i] + E[j]) + D.kl(fam, theta, theta - E[i] - E[j])
            ) / (4 * h * h)
    np.testing.assert_allclose(hess, F, atol=1e-5)


def test_kl_directions_agree_to_second_order_and_differ_at_third():
    fam, theta, u = fl.Bernoulli(), 0.3, 1.0
    t = np.geomspace(1e-3, 3e-2, 6)
    fwd = D.kl(fam, theta, theta + t * u)
    rev = D.kl(fam, theta + t * u, theta)
    assert D.fit_loglog_slope(t, np.abs(fwd - rev)) == pytest.approx(3.0, abs=0.2)


def test_quadratic_approximation_shapes_and_scalar_case():
    F = np.array([[2.0, 0.5], [0.5, 1.0]])
    assert D.quadratic_approximation(F, [1.0, 2.0]) == pytest.approx(0.5 * (2 + 2 * 1.0 + 4.0))
    assert D.quadratic_approximation(4.0, 0.5) == pytest.approx(0.5)
    assert D.quadratic_approximation(F, np.ones((3, 2))).shape == (3,)
    assert D.local_coefficient("js") == 0.125 and D.local_coefficient(D.CHI_SQUARE) == 1.0


def test_f_generators():
    t = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(D.KL.f(t), t * np.log(t))
    np.testing.assert_allclose(D.SQUARED_HELLINGER.f(t), (np.sqrt(t) - 1) ** 2)
    np.testing.assert_allclose(D.CHI_SQUARE.f(t), (t - 1) ** 2)
    for f in (D.KL, D.REVERSE_KL, D.JENSEN_SHANNON, D.SQUARED_HELLINGER, D.CHI_SQUARE):
        h = 1e-4
        assert f.f(1.0) == pytest.approx(0.0, abs=1e-15)
        second = (f.f(1 + h) - 2 * f.f(1.0) + f.f(1 - h)) / h**2
        assert second == pytest.approx(f.f2_at_1, rel=1e-5)


# ---- the TRPO step ------------------------------------------------------------------------
@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0.2, 3), st.floats(0.2, 3), st.floats(-0.9, 0.9), st.floats(1e-3, 0.5))
def test_kl_constrained_step_is_on_the_boundary_and_beats_every_feasible_direction(g1, g2, a, b, rho, delta):
    g = np.array([g1, g2])
    if np.linalg.norm(g) < 1e-3:
        return
    F = np.array([[a, rho * np.sqrt(a * b)], [rho * np.sqrt(a * b), b]])
    step = D.kl_constrained_step(g, F, delta)
    assert D.quadratic_approximation(F, step) == pytest.approx(delta, rel=1e-10)
    # every boundary point of the ellipse: Delta = sqrt(2 delta) L^{-T} (cos, sin)
    L = np.linalg.cholesky(F)
    ang = np.linspace(0, 2 * np.pi, 721)
    boundary = np.sqrt(2 * delta) * np.linalg.solve(L.T, np.stack([np.cos(ang), np.sin(ang)]))
    assert g @ step >= np.max(g @ boundary) - 1e-12
    # and the maximum value is sqrt(2 delta g^T F^-1 g)
    assert g @ step == pytest.approx(np.sqrt(2 * delta * g @ np.linalg.solve(F, g)), rel=1e-10)


def test_kl_constrained_step_matches_brute_force():
    g = np.array([1.0, -2.0, 0.5])
    F = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.7]])
    exact = D.kl_constrained_step(g, F, 0.02)
    brute = D.constrained_step_numeric(g, lambda d: D.quadratic_approximation(F, d), 0.02)
    np.testing.assert_allclose(brute, exact, atol=1e-6)


# ---- bad input ----------------------------------------------------------------------------
def test_bad_input_raises():
    fam = fl.Bernoulli()
    with pytest.raises(ValueError, match="base must be > 0 and != 1"):
        D.kl(fam, 0.3, 0.2, base=1)
    with pytest.raises(ValueError, match="base must be > 0"):
        D.kl(fam, 0.3, 0.2, base=-2)
    with pytest.raises(ValueError, match=r"p \(theta_p\) must be in \(0, 1\)"):
        D.kl(fam, 1.3, 0.2)
    with pytest.raises(ValueError, match="q must sum to 1"):
        D.kl_probabilities([0.3, 0.7], [0.3, 0.8])
    with pytest.raises(ValueError, match="p entries must be >= 0"):
        D.kl_probabilities([-0.3, 1.3], [0.3, 0.7])
    with pytest.raises(ValueError, match="same number of outcomes"):
        D.kl_probabilities([0.3, 0.7], [0.3, 0.3, 0.4])
    with pytest.raises(ValueError, match="broadcastable shapes"):
        D.kl(fl.GaussianMean(COV), np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="family must be a fisherlab Family"):
        D.kl("normal", 0.0, 1.0)
    with pytest.raises(ValueError, match="f must be an FDivergence"):
        D.f_divergence(fam, 0.3, 0.2, "chi2")
    with pytest.raises(ValueError, match="cov_p must be positive definite"):
        D.kl_gaussian([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], [0.0, 0.0], np.eye(2))
    with pytest.raises(ValueError, match="F must be positive definite"):
        D.kl_constrained_step([1.0, 0.0], [[1.0, 0.0], [0.0, 0.0]], 0.1)
    with pytest.raises(ValueError, match="delta must be > 0"):
        D.kl_constrained_step([1.0, 0.0], np.eye(2), 0.0)
    with pytest.raises(ValueError, match=r"g must have shape \(2,\)"):
        D.kl_constrained_step([1.0, 0.0, 0.0], np.eye(2), 0.1)
    with pytest.raises(ValueError, match="g must be non-zero"):
        D.kl_constrained_step([0.0, 0.0], np.eye(2), 0.1)
    with pytest.raises(ValueError, match="steps must be > 0"):
        D.approximation_error(fam, 0.3, 1.0, [0.0, 0.1])
    with pytest.raises(ValueError, match="direction must be non-zero"):
        D.approximation_error(fam, 0.3, 0.0, [0.01, 0.1])
    with pytest.raises(ValueError, match="divergence must be"):
        D.approximation_error(fam, 0.3, 1.0, [0.01, 0.1], divergence="tv")
    with pytest.raises(ValueError, match=r"delta must have shape \(\.\.\., 2\)"):
        D.quadratic_approximation(np.eye(2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="n_nodes must be >= 2"):
        D.js(fl.NormalMean(), 0.0, 1.0, n_nodes=1)


@pytest.mark.parametrize("separation", [4.0, 12.0, 30.0])
def test_quadrature_is_overflow_free_for_far_apart_distributions(separation):
    # p/q = exp(huge) at the nodes of P: the integrand must use p f*(q/p), not q f(p/q)
    fam = fl.NormalMean(1.0)
    closed = D.kl(fam, 0.0, separation)
    assert np.isfinite(closed) and closed == pytest.approx(separation**2 / 2)
    # partly overlapping densities are the hardest case for the Gauss-Hermite rule (the
    # integrand switches from one density to the other): 1e-4 relative is still met
    assert D.f_divergence(fam, 0.0, separation, D.KL) == pytest.approx(closed, rel=1e-4)
    assert D.f_divergence(fam, separation, 0.0, D.REVERSE_KL) == pytest.approx(closed, rel=1e-4)
    js = D.js(fam, 0.0, separation)
    assert 0 < js <= np.log(2) + 1e-12
    assert D.f_divergence(fam, 0.0, separation, D.JENSEN_SHANNON) == pytest.approx(js, rel=1e-10)
    hel = D.f_divergence(fam, 0.0, separation, D.SQUARED_HELLINGER)
    assert hel == pytest.approx(2 * (1 - np.exp(-(separation**2) / 8)), rel=1e-4)


def test_f_divergence_conjugate_generators():
    u = np.array([0.01, 0.5, 1.0, 3.0])
    for f in (D.KL, D.REVERSE_KL, D.JENSEN_SHANNON, D.SQUARED_HELLINGER, D.CHI_SQUARE):
        np.testing.assert_allclose(f.fstar_log(np.log(u)), u * f.f(1 / u), rtol=1e-12, atol=1e-15)
