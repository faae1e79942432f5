"""Monte Carlo Fisher estimators: unbiasedness, standard errors, determinism, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl


def test_standard_error_shrinks_like_one_over_sqrt_n(rng):
    family = fl.Poisson()
    small = fl.fisher_mc(family, 2.0, n_samples=1_000, rng=rng)
    large = fl.fisher_mc(family, 2.0, n_samples=100_000, rng=rng)
    assert large.stderr == pytest.approx(small.stderr / 10, rel=0.25)


def test_standard_errors_are_calibrated(rng):
    """Across 300 repetitions, about 95% of the 2-SE intervals cover the exact value."""
    family, theta = fl.CauchyLocation(scale=1.0), 0.0
    exact = family.fisher_exact(theta)
    covered = [abs(est.value - exact) <= 2 * est.stderr
               for est in (fl.fisher_mc(family, theta, n_samples=500, rng=rng) for _ in range(300))]
    assert 0.90 <= np.mean(covered) <= 0.99


def test_normal_mean_hessian_estimator_is_exact(rng):
    est = fl.fisher_mc(fl.NormalMean(sigma=2.0), 0.0, n_samples=10, rng=rng, method="hessian")
    assert est.value == pytest.approx(0.25) and est.stderr == 0.0


def test_matrix_estimates_are_symmetric_with_matrix_errors(rng):
    est = fl.fisher_mc(fl.NormalMeanScale(), [0.0, 1.5], n_samples=5_000, rng=rng)
    assert est.value.shape == (2, 2) and est.stderr.shape == (2, 2)
    np.testing.assert_allclose(est.value, est.value.T)
    assert np.all(np.abs(est.z_score(fl.NormalMeanScale().fisher_exact([0.0, 1.5]))) < 4)


def test_estimates_are_deterministic_for_a_seed():
    a = fl.fisher_mc(fl.Bernoulli(), 0.2, n_samples=100, rng=np.random.default_rng(1))
    b = fl.fisher_mc(fl.Bernoulli(), 0.2, n_samples=100, rng=np.random.default_rng(1))
    assert a == b


@given(st.lists(st.floats(-10, 10), min_size=2, max_size=50))
def test_fisher_from_scores_is_mean_square(scores):
    est = fl.fisher_from_scores(scores)
    assert est.value == pytest.approx(np.mean(np.square(scores)), abs=1e-12)
    assert est.value >= 0


def test_empirical_fisher_differs_from_fisher_away_from_truth(rng):
    """Data from mu* = 5 scored at mu = 3: the empirical Fisher adds the squared drift."""
    family = fl.NormalMean(sigma=1.0)
    x = family.sample(5.0, 50_000, rng=rng)
    assert fl.fisher_empirical(family, 5.0, x) == pytest.approx(1.0, abs=0.05)
    assert fl.fisher_empirical(family, 3.0, x) == pytest.approx(1.0 + 4.0, abs=0.2)


def test_empirical_fisher_matrix_shape(rng):
    family = fl.NormalMeanScale()
    x = family.sample([0.0, 1.0], 100, rng=rng)
    emp = fl.fisher_empirical(family, [0.0, 1.0], x)
    assert emp.shape == (2, 2)
    assert np.all(np.linalg.eigvalsh(emp) >= -1e-12)


def test_str_is_rounded():
    text = str(fl.FisherEstimate(0.123456789, 0.000123456, 10, "score"))
    assert text == "0.1235 ± 0.0001 (score, N=10)"


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda r: fl.fisher_mc(fl.Poisson(), 1.0, n_samples=1, rng=r), r"n_samples must be >= 2"),
        (lambda r: fl.fisher_mc(fl.Poisson(), 1.0, n_samples=10, rng=r, method="curvature"), r"method must be"),
        (lambda r: fl.fisher_mc("poisson", 1.0, n_samples=10, rng=r), r"family must be a fisherlab Family"),
        (lambda r: fl.fisher_mc(fl.Poisson(), 1.0, n_samples=10, rng=None), r"rng must be a numpy.random.Generator"),
        (lambda r: fl.fisher_from_scores([1.0]), r"N >= 2"),
        (lambda r: fl.fisher_from_scores(np.ones((3, 2, 2))), r"shape \(N,\) or \(N, d\)"),
        (lambda r: fl.fisher_from_hessians(np.ones((3, 2))), r"shape \(N,\) or \(N, d, d\)"),
        (lambda r: fl.fisher_from_scores([1.0, np.nan]), r"scores must be finite"),
        (lambda r: fl.fisher_empirical(fl.Poisson(), [1.0, 2.0], [1.0]), r"single parameter value"),
    ],
)
def test_bad_input(call, match, rng):
    with pytest.raises(ValueError, match=match):
        call(rng)
