"""Families of Chapter 1: derivatives vs finite differences, Fisher vs Monte Carlo, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl

FAMILIES = [
    (fl.NormalMean(sigma=1.0), 5.0),
    (fl.NormalMean(sigma=5.0), -2.0),
    (fl.Bernoulli(), 0.3),
    (fl.Poisson(), 4.0),
    (fl.StudentTLocation(df=3.0, scale=2.0), 0.5),
    (fl.CauchyLocation(scale=1.5), 1.0),
    (fl.NormalMeanScale(), np.array([1.0, 2.0])),
]
IDS = [repr(f) for f, _ in FAMILIES]


def _fd_gradient(f, theta, eps=1e-6):
    """Central finite differences of f (values of shape (n,)) at theta (scalar or (d,))."""
    theta = np.asarray(theta, dtype=float)
    if theta.ndim == 0:
        return (f(theta + eps) - f(theta - eps)) / (2 * eps)
    cols = []
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = eps
        cols.append((f(theta + e) - f(theta - e)) / (2 * eps))
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
def test_score_is_derivative_of_log_likelihood(family, theta, rng):
    x = family.sample(theta, 50, rng=rng)
    fd = _fd_gradient(lambda t: family.log_likelihood(t, x), theta)
    np.testing.assert_allclose(family.score(theta, x), fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
def test_hessian_is_derivative_of_score(family, theta, rng):
    x = family.sample(theta, 50, rng=rng)
    fd = _fd_gradient(lambda t: family.score(t, x), theta)
    np.testing.assert_allclose(family.hessian(theta, x), fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
@pytest.mark.parametrize("method", ["score", "hessian"])
def test_monte_carlo_fisher_matches_exact(family, theta, method, rng):
    est = fl.fisher_mc(family, theta, n_samples=40_000, rng=rng, method=method)
    exact = family.fisher_exact(theta)
    err = np.abs(np.asarray(est.value) - exact)
    assert np.all(err <= 4 * np.asarray(est.stderr) + 1e-12), (est, exact)


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
def test_mean_score_is_zero_at_truth(family, theta, rng):
    s = family.score(theta, family.sample(theta, 40_000, rng=rng))
    se = s.std(axis=0, ddof=1) / np.sqrt(s.shape[0])
    assert np.all(np.abs(s.mean(axis=0)) <= 4 * se + 1e-12)


def test_mean_score_is_not_zero_away_from_truth(rng):
    family = fl.NormalMean(sigma=1.0)
    s = family.score(3.0, family.sample(5.0, 10_000, rng=rng))
    assert abs(s.mean() - 2.0) < 4 * s.std(ddof=1) / 100


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
def test_shapes_for_grids_of_parameters(family, theta, rng):
    x = family.sample(theta, 7, rng=rng)
    d = family.dim
    grid = np.stack([theta] * 5)  # (5,) or (5, d)
    assert family.log_likelihood(grid, x).shape == (5, 7)
    assert family.score(grid, x).shape == ((5, 7) if d == 1 else (5, 7, d))
    assert family.hessian(grid, x).shape == ((5, 7) if d == 1 else (5, 7, d, d))
    assert family.fisher_exact(grid).shape == ((5,) if d == 1 else (5, d, d))
    assert family.sample(theta, 7, rng=rng).shape == (7,)


@pytest.mark.parametrize("family,theta", FAMILIES, ids=IDS)
def test_sampling_is_deterministic_for_a_seed(family, theta):
    a = family.sample(theta, 20, rng=np.random.default_rng(3))
    b = family.sample(theta, 20, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


@given(sigma=st.floats(0.05, 50.0), mu=st.floats(-100, 100), x=st.floats(-100, 100))
def test_normal_mean_closed_forms(sigma, mu, x):
    family = fl.NormalMean(sigma)
    expected = -0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)
    np.testing.assert_allclose(family.log_likelihood(mu, x), [expected], rtol=1e-12, atol=1e-12)
    assert family.fisher_exact(mu) == pytest.approx(1 / sigma**2)
    np.testing.assert_allclose(family.hessian(mu, x), [-1 / sigma**2])


@given(p=st.floats(1e-3, 1 - 1e-3))
def test_bernoulli_fisher_is_exact_expectation(p):
    family = fl.Bernoulli()
    x = np.array([0.0, 1.0])
    weights = np.array([1 - p, p])
    exact_by_sum = float(weights @ family.score(p, x) ** 2)
    by_hessian = float(-(weights @ family.hessian(p, x)))
    assert family.fisher_exact(p) == pytest.approx(1 / (p * (1 - p)), rel=1e-12)
    assert exact_by_sum == pytest.approx(family.fisher_exact(p), rel=1e-9)
    assert by_hessian == pytest.approx(family.fisher_exact(p), rel=1e-9)


@given(lam=st.floats(0.1, 30.0))
def test_poisson_fisher_is_exact_expectation(lam):
    from scipy.stats import poisson

    family = fl.Poisson()
    x = np.arange(0, int(lam + 40 * np.sqrt(lam) + 40), dtype=float)
    w = poisson.pmf(x, lam)
    assert float(w @ family.score(lam, x) ** 2) == pytest.approx(1 / lam, rel=1e-8)
    assert float(-(w @ family.hessian(lam, x))) == pytest.approx(1 / lam, rel=1e-8)


@given(df=st.floats(0.5, 30.0), scale=st.floats(0.1, 10.0))
def test_student_t_fisher_by_quadrature(df, scale):
    from scipy.integrate import quad

    family = fl.StudentTLocation(df=df, scale=scale)

    def integrand(x):
        return np.exp(family.log_likelihood(0.0, x)[0]) * family.score(0.0, x)[0] ** 2

    value, _ = quad(integrand, -np.inf, np.inf, limit=200)
    assert value == pytest.approx(float(family.fisher_exact(0.0)), rel=1e-6)


def test_student_t_density_integrates_to_one():
    from scipy.integrate import quad

    family = fl.StudentTLocation(df=2.5, scale=0.7)
    total, _ = quad(lambda x: np.exp(family.log_likelihood(1.0, x)[0]), -np.inf, np.inf)
    assert total == pytest.approx(1.0, rel=1e-8)


def test_cauchy_is_student_t_with_one_degree_of_freedom(rng):
    x = rng.standard_cauchy(20)
    a, b = fl.CauchyLocation(scale=2.0), fl.StudentTLocation(df=1.0, scale=2.0)
    np.testing.assert_allclose(a.log_likelihood(0.3, x), b.log_likelihood(0.3, x))
    assert a.fisher_exact(0.0) == pytest.approx(1 / (2 * 2.0**2))


def test_normal_mean_scale_fisher_matrix():
    np.testing.assert_allclose(fl.NormalMeanScale().fisher_exact([0.0, 2.0]), [[0.25, 0.0], [0.0, 0.5]])


@pytest.mark.parametrize("family,theta", [(fl.NormalMean(2.0), 1.0), (fl.Bernoulli(), 0.3), (fl.Poisson(), 3.0)])
def test_closed_form_mles(family, theta, rng):
    x = family.sample(theta, 500, rng=rng)
    assert family.mle(x) == pytest.approx(x.mean())


def test_student_t_mle_is_a_stationary_point_and_a_maximum(rng):
    family = fl.CauchyLocation(scale=1.0)
    data = 2.0 + rng.standard_cauchy((200, 30))
    mle = family.mle(data)
    assert mle.shape == (200,)
    mean_score = np.array([family.score(m, row).mean() for m, row in zip(mle, data)])
    assert np.max(np.abs(mean_score)) < 1e-7
    for m, row in list(zip(mle, data))[:20]:
        ll = family.log_likelihood(np.array([m - 1e-3, m, m + 1e-3]), row).mean(axis=-1)
        assert ll[1] >= ll[0] and ll[1] >= ll[2]


def test_mle_is_consistent(rng):
    family = fl.StudentTLocation(df=3.0, scale=1.0)
    assert family.mle(family.sample(-1.5, 20_000, rng=rng)) == pytest.approx(-1.5, abs=0.05)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: fl.NormalMean(sigma=-1.0), r"sigma must be > 0, got -1\.0"),
        (lambda: fl.NormalMean(sigma=0.0), r"sigma must be > 0"),
        (lambda: fl.NormalMean(sigma=np.nan), r"sigma must be finite"),
        (lambda: fl.StudentTLocation(df=0.0), r"df must be > 0"),
        (lambda: fl.CauchyLocation(scale=-2), r"scale must be > 0"),
        (lambda: fl.Bernoulli().fisher_exact(1.2), r"p \(theta\) must be in \(0, 1\), got 1\.2"),
        (lambda: fl.Bernoulli().fisher_exact(0.0), r"p \(theta\) must be in \(0, 1\)"),
        (lambda: fl.Bernoulli().score(0.5, [0.0, 2.0]), r"x must contain only 0 and 1"),
        (lambda: fl.Poisson().score(-1.0, [1.0]), r"lam \(theta\) must be > 0"),
        (lambda: fl.Poisson().score(1.0, [1.5]), r"non-negative integer counts"),
        (lambda: fl.NormalMean().score(0.0, [1.0, np.inf]), r"x must be finite"),
        (lambda: fl.NormalMean().score(np.nan, [1.0]), r"theta must be finite"),
        (lambda: fl.NormalMean().score(0.0, np.ones((2, 2))), r"x must be a 1-D array"),
        (lambda: fl.NormalMeanScale().fisher_exact([0.0, -1.0]), r"sigma \(theta\[..., 1\]\) must be > 0"),
        (lambda: fl.NormalMeanScale().fisher_exact([0.0, 1.0, 2.0]), r"theta must have shape \(..., 2\)"),
        (lambda: fl.NormalMean().sample(0.0, 0, rng=np.random.default_rng(0)), r"n_samples must be >= 1"),
        (lambda: fl.NormalMean().sample(0.0, 2.5, rng=np.random.default_rng(0)), r"n_samples must be an integer"),
        (lambda: fl.NormalMean().sample(0.0, 5, rng=0), r"rng must be a numpy.random.Generator"),
        (lambda: fl.NormalMean().sample(np.zeros(3), 5, rng=np.random.default_rng(0)), r"single parameter value"),
        (lambda: fl.NormalMean().mle(np.array(1.0)), r"at least one observation"),
    ],
)
def test_bad_input_raises_clear_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_no_silent_nan_for_strings():
    with pytest.raises(ValueError, match="x must be a real number"):
        fl.NormalMean().score(0.0, ["a"])
