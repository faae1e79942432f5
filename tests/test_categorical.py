"""The categorical family with softmax logits: a rank-deficient Fisher matrix."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fisherlab as fl

logits = arrays(np.float64, st.integers(2, 6), elements=st.floats(-4, 4))


@given(logits)
def test_fisher_is_diag_p_minus_ppT_with_null_direction_one(theta):
    fam = fl.Categorical(theta.size)
    p = fam.probabilities(theta)
    F = fam.fisher_exact(theta)
    np.testing.assert_allclose(F, np.diag(p) - np.outer(p, p), atol=1e-15)
    np.testing.assert_allclose(F @ np.ones(theta.size), 0.0, atol=1e-14)
    eig = np.linalg.eigvalsh(F)
    assert eig.min() > -1e-14  # positive semi-definite
    assert np.linalg.matrix_rank(F, tol=1e-12) == theta.size - 1
    # shifting every logit leaves the distribution (and F) unchanged
    np.testing.assert_allclose(fam.fisher_exact(theta + 3.7), F, atol=1e-14)


@given(logits)
def test_exact_fisher_equals_sum_over_outcomes(theta):
    fam = fl.Categorical(theta.size)
    p = fam.probabilities(theta)
    x = np.arange(theta.size)
    s = fam.score(theta, x)
    np.testing.assert_allclose((p[:, None, None] * s[:, :, None] * s[:, None, :]).sum(0), fam.fisher_exact(theta), atol=1e-14)
    np.testing.assert_allclose(p @ s, 0.0, atol=1e-14)  # E[s] = 0


def test_derivatives_match_finite_differences(rng):
    fam = fl.Categorical(4)
    theta = np.array([0.3, -0.2, 1.0, 0.0])
    x = np.array([0, 1, 2, 3, 2])
    h = 1e-6
    for j in range(4):
        e = np.zeros(4)
        e[j] = h
        num_s = (fam.log_likelihood(theta + e, x) - fam.log_likelihood(theta - e, x)) / (2 * h)
        num_h = (fam.score(theta + e, x) - fam.score(theta - e, x)) / (2 * h)
        np.testing.assert_allclose(fam.score(theta, x)[:, j], num_s, atol=1e-8)
        np.testing.assert_allclose(fam.hessian(theta, x)[:, :, j], num_h, atol=1e-8)
    np.testing.assert_allclose(np.exp(fam.log_likelihood(theta, np.arange(4))).sum(), 1.0)


def test_fisher_mc_within_4_standard_errors(rng):
    fam = fl.Categorical(3)
    theta = np.array([0.5, -0.5, 1.0])
    est = fl.fisher_mc(fam, theta, n_samples=20000, rng=rng)
    assert np.all(np.abs(est.value - fam.fisher_exact(theta)) <= 4 * est.stderr)
    # every score e_x - p sums to 0, so the estimate has the null direction 1 exactly
    assert np.all(np.abs(est.value @ np.ones(3)) < 1e-12)


def test_sample_frequencies_and_mle(rng):
    fam = fl.Categorical(3)
    theta = np.array([0.5, -0.5, 1.0])
    x = fam.sample(theta, 40000, rng=rng)
    p = fam.probabilities(theta)
    freq = np.bincount(x.astype(int), minlength=3) / x.size
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / x.size))
    mle = fam.mle(x)
    np.testing.assert_allclose(mle.sum(), 0.0, atol=1e-12)
    np.testing.assert_allclose(fam.probabilities(mle), freq, atol=1e-12)


def test_batched_shapes():
    fam = fl.Categorical(3)
    theta = np.zeros((5, 2, 3))
    assert fam.log_likelihood(theta, [0, 1, 2, 2]).shape == (5, 2, 4)
    assert fam.score(theta, [0, 1, 2, 2]).shape == (5, 2, 4, 3)
    assert fam.hessian(theta, [0, 1, 2, 2]).shape == (5, 2, 4, 3, 3)
    assert fam.fisher_exact(theta).shape == (5, 2, 3, 3)


def test_softmax_is_stable():
    np.testing.assert_allclose(fl.softmax([1000.0, 1000.0]), [0.5, 0.5])
    with pytest.raises(ValueError, match="theta must have shape"):
        fl.softmax(1.0)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="k must be >= 2"):
        fl.Categorical(1)
    fam = fl.Categorical(3)
    with pytest.raises(ValueError, match=r"x must contain integers in \{0, \.\.\., 2\}"):
        fam.score([0.0, 0.0, 0.0], [0, 3])
    with pytest.raises(ValueError, match=r"x must contain integers"):
        fam.score([0.0, 0.0, 0.0], [0.5])
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 3\)"):
        fam.fisher_exact([0.0, 0.0])
    with pytest.raises(ValueError, match="every category"):
        fam.mle([0, 0, 1])


@given(logits, st.integers(0, 2**31 - 1))
def test_matrix_free_fisher_vector_product_matches_dense_float64(theta, seed):
    fam = fl.Categorical(theta.size)
    vec = np.random.default_rng(seed).standard_normal(theta.size)
    np.testing.assert_allclose(fam.fisher_vp(theta, vec), fam.fisher_exact(theta) @ vec, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fam.fisher_vp(theta, np.ones(theta.size)), 0.0, atol=1e-14)  # F 1 = 0
    batch = np.stack([theta, theta + 1.0])
    assert fam.fisher_vp(batch, vec).shape == (2, theta.size)


def test_fisher_vp_bad_input():
    with pytest.raises(ValueError, match=r"vec must have shape \(\.\.\., 3\)"):
        fl.Categorical(3).fisher_vp([0.0, 0.0, 0.0], [1.0, 2.0])
