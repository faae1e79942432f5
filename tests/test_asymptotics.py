"""Wald intervals, the sandwich estimator and Jeffreys' prior (fisherlab.asymptotics)."""

import numpy as np
import pytest
from scipy import stats

import fisherlab as fl
from fisherlab import asymptotics as A


def test_wald_interval_is_estimate_plus_minus_z_se():
    lo, hi = A.wald_interval([0.3, 0.5], [0.1, 0.0], level=0.9)
    z = stats.norm.ppf(0.95)
    np.testing.assert_allclose(lo, [0.3 - z * 0.1, 0.5])
    np.testing.assert_allclose(hi, [0.3 + z * 0.1, 0.5])  # se 0: the collapsed interval
    lo, hi = A.wald_interval(np.zeros((2, 3)), 1.0)
    assert lo.shape == hi.shape == (2, 3)


def test_wald_interval_covers_95_percent_for_a_normal_mean():
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, size=(20_000, 10))
    lo, hi = A.wald_interval(x.mean(axis=1), 2.0 / np.sqrt(10))  # 1/sqrt(n I), I = 1/4
    cover = np.mean((lo <= 1.0) & (1.0 <= hi))
    assert abs(cover - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 20_000)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"estimate": 0.3, "standard_error": -1.0}, "standard_error must be >= 0"),
    ({"estimate": 0.3, "standard_error": 0.1, "level": 1.0}, r"level must be in \(0, 1\)"),
    ({"estimate": [0.3, 0.2], "standard_error": [0.1, 0.1, 0.1]}, "broadcastable"),
    ({"estimate": np.nan, "standard_error": 0.1}, "estimate must be finite"),
])
def test_wald_interval_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        A.wald_interval(**kwargs)


def test_sandwich_reduces_to_inverse_fisher_for_a_right_model_and_not_for_a_wrong_one():
    fam = fl.NormalMeanScale()
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.5, size=200_000)
    theta = fam.mle(x)
    S = A.sandwich_variance(fam.score(theta, x), fam.hessian(theta, x))
    np.testing.assert_allclose(S * len(x), np.linalg.inv(fam.fisher_exact(theta)), rtol=0.03, atol=0.01)
    # Laplace data (kurtosis 6): the sigma entry is (kappa - 1)/2 = 5/2 times the model's
    y = rng.laplace(0.0, 1.0, size=200_000)
    theta = fam.mle(y)
    S = A.sandwich_variance(fam.score(theta, y), fam.hessian(theta, y))
    ratio = S[1, 1] * len(y) / np.linalg.inv(fam.fisher_exact(theta))[1, 1]
    assert ratio == pytest.approx(2.5, rel=0.05)
    # batched: one matrix per data set
    xs = rng.normal(size=(3, 50))
    scores = np.stack([fam.score(fam.mle(r), r) for r in xs])
    hess = np.stack([fam.hessian(fam.mle(r), r) for r in xs])
    batched = A.sandwich_variance(scores, hess)
    assert batched.shape == (3, 2, 2)
    np.testing.assert_allclose(batched[1], A.sandwich_variance(scores[1], hess[1]))


def test_sandwich_rejects_bad_input():
    s, h = np.ones((5, 2)), -np.tile(np.eye(2), (5, 1, 1))
    with pytest.raises(ValueError, match="hessians must have shape"):
        A.sandwich_variance(s, h[:, :1])
    with pytest.raises(ValueError, match="scores must have shape"):
        A.sandwich_variance(np.ones(5), h)
    with pytest.raises(ValueError, match="n >= 2"):
        A.sandwich_variance(s[:1], h[:1])
    with pytest.raises(ValueError, match="positive definite"):
        A.sandwich_variance(s, -h)


def test_jeffreys_density_is_invariant():
    bern = fl.Bernoulli()
    p = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(A.jeffreys_density(bern, p), 1 / np.sqrt(p * (1 - p)))
    # (mu, sigma) and (mu, log sigma), coded apart: sqrt det F_eta = sqrt det F_theta * |det J|
    eta = np.array([[0.0, np.log(0.7)], [1.0, np.log(2.0)]])
    theta = np.column_stack([eta[:, 0], np.exp(eta[:, 1])])
    np.testing.assert_allclose(A.jeffreys_density(fl.GaussianDiagonal(1), eta),
                               A.jeffreys_density(fl.NormalMeanScale(), theta) * theta[:, 1], rtol=1e-12)
    with pytest.raises(TypeError, match="family must be a fisherlab Family"):
        A.jeffreys_density("bernoulli", 0.3)
