"""Multivariate Gaussian families of Chapter 2: derivatives, Fisher matrices, shapes, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl

COV = np.array([[1.0, 0.8], [0.8, 1.0]])
COV3 = np.array([[2.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 0.5]])


def _cases():
    full = fl.GaussianFull(3)
    return [
        (fl.GaussianMean(COV), np.array([0.3, -0.2])),
        (fl.GaussianMean(COV3), np.array([0.3, -0.2, 1.0])),
        (fl.GaussianDiagonal(1), np.array([0.3, -0.4])),
        (fl.GaussianDiagonal(2), np.array([0.3, -0.2, 0.1, -0.4])),
        (fl.GaussianFull(1), np.array([0.3, 0.2])),
        (fl.GaussianFull(2), np.array([0.3, -0.2, 0.1, -0.2, 0.4])),
        (full, full.theta_from_mean_cov([0.3, -0.2, 1.0], COV3)),
    ]


CASES = _cases()
IDS = [f"{type(f).__name__}{f.k}" for f, _ in CASES]


@pytest.mark.parametrize(("family", "theta"), CASES, ids=IDS)
def test_score_and_hessian_match_finite_differences(family, theta, rng):
    x = family.sample(theta, 6, rng=rng)
    h = 1e-6
    s, H = family.score(theta, x), family.hessian(theta, x)
    assert s.shape == (6, family.dim) and H.shape == (6, family.dim, family.dim)
    for j in range(family.dim):
        e = np.zeros(family.dim)
        e[j] = h
        num_s = (family.log_likelihood(theta + e, x) - family.log_likelihood(theta - e, x)) / (2 * h)
        num_h = (family.score(theta + e, x) - family.score(theta - e, x)) / (2 * h)
        np.testing.assert_allclose(s[:, j], num_s, atol=1e-6)
        np.testing.assert_allclose(H[:, :, j], num_h, atol=1e-5)
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), atol=1e-12)


@pytest.mark.parametrize(("family", "theta"), CASES, ids=IDS)
def test_log_likelihood_is_a_normalised_gaussian_density(family, theta, rng):
    from scipy import stats

    x = family.sample(theta, 5, rng=rng)
    mean, cov = family.mean_cov(theta)
    np.testing.assert_allclose(family.log_likelihood(theta, x), stats.multivariate_normal(mean, cov).logpdf(x).reshape(5))


@pytest.mark.parametrize(("family", "theta"), CASES, ids=IDS)
@pytest.mark.parametrize("method", ["score", "hessian"])
def test_fisher_mc_within_4_standard_errors(family, theta, method, rng):
    est = fl.fisher_mc(family, theta, n_samples=20000, rng=rng, method=method)
    exact = family.fisher_exact(theta)
    err = np.asarray(est.value) - exact
    se = np.asarray(est.stderr)
    # entries whose estimator has no variance (e.g. the Hessian of a Gaussian mean) must be exact
    assert np.all(np.abs(err) <= 4 * se + 1e-10)


@pytest.mark.parametrize(("family", "theta"), CASES, ids=IDS)
def test_fisher_is_symmetric_positive_definite(family, theta):
    F = family.fisher_exact(theta)
    np.testing.assert_allclose(F, F.T, atol=1e-12)
    assert np.linalg.eigvalsh(F).min() > 0


def test_gaussian_mean_fisher_is_inverse_covariance():
    fam = fl.GaussianMean(COV)
    np.testing.assert_allclose(fam.fisher_exact([1.0, 2.0]), np.linalg.inv(COV), rtol=1e-12)
    np.testing.assert_allclose(fam.hessian([1.0, 2.0], [[0.0, 0.0], [3.0, -1.0]]), -np.broadcast_to(np.linalg.inv(COV), (2, 2, 2)))


def test_gaussian_diagonal_fisher_closed_form():
    fam = fl.GaussianDiagonal(2)
    theta = np.array([0.5, -1.0, np.log(2.0), np.log(0.5)])
    np.testing.assert_allclose(fam.fisher_exact(theta), np.diag([0.25, 4.0, 2.0, 2.0]), rtol=1e-12)


def test_gaussian_full_k1_is_mean_and_minus_log_sigma():
    fam = fl.GaussianFull(1)
    sigma = 1.7
    theta = fam.theta_from_mean_cov([0.2], [[sigma**2]])
    np.testing.assert_allclose(theta, [0.2, -np.log(sigma)])
    np.testing.assert_allclose(fam.fisher_exact(theta), np.diag([1 / sigma**2, 2.0]), rtol=1e-12)


@given(
    st.floats(0.2, 3.0), st.floats(0.2, 3.0), st.floats(-0.9, 0.9), st.floats(-2, 2), st.floats(-2, 2)
)
def test_gaussian_full_roundtrip_and_mean_block(s1, s2, rho, m1, m2):
    cov = np.array([[s1**2, rho * s1 * s2], [rho * s1 * s2, s2**2]])
    fam = fl.GaussianFull(2)
    theta = fam.theta_from_mean_cov([m1, m2], cov)
    mean, cov_back = fam.mean_cov(theta)
    np.testing.assert_allclose(mean, [m1, m2])
    np.testing.assert_allclose(cov_back, cov, rtol=1e-10, atol=1e-12)
    F = fam.fisher_exact(theta)
    np.testing.assert_allclose(F[:2, :2], np.linalg.inv(cov), rtol=1e-8)
    assert np.all(F[:2, 2:] == 0)
    assert np.linalg.eigvalsh(F).min() > 0


def test_full_and_diagonal_agree_through_the_reparameterisation_rule():
    # diagonal: eta = (mu, log sigma); full (k=1): theta = (mu, -log sigma) => J = diag(1, -1)
    diag, full = fl.GaussianDiagonal(1), fl.GaussianFull(1)
    eta = np.array([0.4, 0.3])
    J = np.diag([1.0, -1.0])
    np.testing.assert_allclose(fl.pullback_fisher(full.fisher_exact(J @ eta), J), diag.fisher_exact(eta), rtol=1e-12)


def test_batched_theta_shapes(rng):
    fam = fl.GaussianFull(2)
    theta = np.zeros((4, 3, 5))
    x = rng.standard_normal((7, 2))
    assert fam.log_likelihood(theta, x).shape == (4, 3, 7)
    assert fam.score(theta, x).shape == (4, 3, 7, 5)
    assert fam.hessian(theta, x).shape == (4, 3, 7, 5, 5)
    assert fam.fisher_exact(theta).shape == (4, 3, 5, 5)
    single = fam.score(theta[1, 2], x)
    np.testing.assert_allclose(fam.score(theta, x)[1, 2], single)
    g = fl.GaussianMean(COV)
    assert g.score(np.zeros((3, 2)), x).shape == (3, 7, 2)


def test_sampling_is_deterministic_and_has_the_right_moments():
    fam = fl.GaussianMean(COV)
    a = fam.sample([1.0, -1.0], 50000, rng=np.random.default_rng(5))
    b = fam.sample([1.0, -1.0], 50000, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (50000, 2)
    se = np.sqrt(np.diag(COV) / len(a))
    assert np.all(np.abs(a.mean(0) - [1.0, -1.0]) < 4 * se)
    np.testing.assert_allclose(np.cov(a.T), COV, atol=0.03)


@pytest.mark.parametrize(("family", "theta"), CASES, ids=IDS)
def test_mle_recovers_theta(family, theta, rng):
    x = family.sample(theta, 40000, rng=rng)
    np.testing.assert_allclose(family.mle(x), theta, atol=0.05)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="cov must be positive definite"):
        fl.GaussianMean([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="cov must be symmetric"):
        fl.GaussianMean([[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="cov must be at least 2 x 2"):
        fl.GaussianMean([[1.0]])
    with pytest.raises(ValueError, match="cov must be a square matrix"):
        fl.GaussianMean([1.0, 2.0])
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 2\)"):
        fl.GaussianMean(COV).score([1.0, 2.0, 3.0], [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        fl.GaussianMean(COV).score([1.0, 2.0], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="k must be >= 1"):
        fl.GaussianDiagonal(0)
    with pytest.raises(ValueError, match="k must be an integer"):
        fl.GaussianFull(2.5)
    with pytest.raises(ValueError, match="theta must be finite"):
        fl.GaussianFull(2).fisher_exact([0, 0, np.nan, 0, 0])
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        fl.GaussianMean(COV).sample([0.0, 0.0], 3, rng=1)
    with pytest.raises(ValueError, match=r"theta must be a single parameter value of shape \(2,\)"):
        fl.GaussianMean(COV).sample(np.zeros((2, 2)), 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"mean must have shape \(2,\)"):
        fl.GaussianFull(2).theta_from_mean_cov([0.0], COV)


@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4), st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_matrix_free_fisher_vector_products_match_dense_float64(theta, vec):
    theta, vec = np.array(theta), np.array(vec)
    diag = fl.GaussianDiagonal(2)
    np.testing.assert_allclose(diag.fisher_vp(theta, vec), diag.fisher_exact(theta) @ vec, rtol=1e-13, atol=1e-13)
    mean = fl.GaussianMean(COV)
    np.testing.assert_allclose(mean.fisher_vp(theta[:2], vec[:2]), np.linalg.inv(COV) @ vec[:2], rtol=1e-10, atol=1e-12)
    V = np.stack([vec[:2], vec[2:]], axis=1)  # (k, m): several vectors at once
    np.testing.assert_allclose(mean.fisher_vp(theta[:2], V), np.linalg.inv(COV) @ V, rtol=1e-10, atol=1e-12)


def test_fisher_vp_bad_input():
    with pytest.raises(ValueError, match=r"vec must have shape \(\.\.\., 4\)"):
        fl.GaussianDiagonal(2).fisher_vp(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match=r"vec must have shape \(2,\) or \(2, m\)"):
        fl.GaussianMean(COV).fisher_vp(np.zeros(2), np.zeros(3))
