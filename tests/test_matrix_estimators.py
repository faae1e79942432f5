"""Chapter 2 estimators: directional information, the reparameterisation rule, matrix errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl

COV = np.array([[1.0, 0.8], [0.8, 1.0]])


@given(st.floats(0, 2 * np.pi), st.floats(-0.95, 0.95))
def test_directional_information_is_between_the_eigenvalues(angle, rho):
    F = np.linalg.inv(np.array([[1.0, rho], [rho, 1.0]]))
    u = np.array([np.cos(angle), np.sin(angle)])
    info = fl.directional_information(F, u)
    lo, hi = np.linalg.eigvalsh(F)
    assert lo - 1e-12 <= info <= hi + 1e-12
    assert fl.directional_information(F, 3 * u) == pytest.approx(info)
    assert fl.directional_information(F, 3 * u, normalize=False) == pytest.approx(9 * info)


def test_directional_information_extremes_at_eigenvectors():
    F = np.linalg.inv(COV)
    w, V = np.linalg.eigh(F)
    np.testing.assert_allclose(fl.directional_information(F, V.T), w)
    angles = np.linspace(0, np.pi, 181)
    infos = fl.directional_information(F, np.stack([np.cos(angles), np.sin(angles)], -1))
    assert infos.shape == (181,)
    # for Sigma with positive correlation the information is largest along (1, -1)
    assert angles[np.argmax(infos)] == pytest.approx(3 * np.pi / 4, abs=np.pi / 180)


def test_directional_information_mc_within_4_standard_errors(rng):
    fam = fl.GaussianMean(COV)
    x = fam.sample([0.0, 0.0], 20000, rng=rng)
    s = fam.score([0.0, 0.0], x)
    for u in ([1.0, 1.0], [1.0, -1.0], [1.0, 0.0]):
        est = fl.directional_information_mc(s, u)
        exact = fl.directional_information(fam.fisher_exact([0.0, 0.0]), np.array(u))
        assert abs(est.value - exact) <= 4 * est.stderr


def test_pullback_rule_against_monte_carlo(rng):
    # theta = (mu, sigma) of NormalMeanScale, eta = (mu, log sigma) of GaussianDiagonal(1)
    eta = np.array([0.3, np.log(1.7)])
    theta = np.array([eta[0], np.exp(eta[1])])
    J = np.diag([1.0, np.exp(eta[1])])  # d theta / d eta
    F_eta = fl.pullback_fisher(fl.NormalMeanScale().fisher_exact(theta), J)
    np.testing.assert_allclose(F_eta, fl.GaussianDiagonal(1).fisher_exact(eta), rtol=1e-12)
    # Monte Carlo in the eta coordinates: s_eta = J^T s_theta
    x = fl.NormalMeanScale().sample(theta, 20000, rng=rng)
    s_eta = fl.NormalMeanScale().score(theta, x) @ J
    est = fl.fisher_from_scores(s_eta)
    assert np.all(np.abs(est.value - F_eta) <= 4 * est.stderr + 1e-12)


@given(st.lists(st.floats(-2, 2), min_size=4, max_size=4))
def test_pullback_of_linear_map_of_gaussian_mean(entries):
    A = np.array(entries).reshape(2, 2) + 3 * np.eye(2)  # mu = A eta, invertible
    F = np.linalg.inv(COV)
    out = fl.pullback_fisher(F, A)
    np.testing.assert_allclose(out, A.T @ F @ A)
    np.testing.assert_allclose(out, out.T, atol=1e-12)
    assert np.linalg.eigvalsh(out).min() > 0


def test_matrix_error_norms():
    F = np.diag([2.0, 1.0])
    E = F + np.array([[0.0, 0.1], [0.1, 0.0]])
    assert fl.matrix_error(E, F, relative=False) == pytest.approx(np.sqrt(0.02))
    assert fl.matrix_error(E, F, norm="spectral", relative=False) == pytest.approx(0.1)
    assert fl.matrix_error(E, F) == pytest.approx(np.sqrt(0.02) / np.sqrt(5))
    assert fl.matrix_error(np.stack([E, F]), F).shape == (2,)


def test_fisher_mc_error_shrinks_like_one_over_sqrt_n():
    fam = fl.GaussianMean(COV)
    curve = fl.fisher_mc_error(fam, [0.0, 0.0], [20, 200, 2000], n_repeats=30, rng=np.random.default_rng(2))
    assert curve.errors.shape == (3, 30)
    assert -0.65 <= curve.slope <= -0.35
    assert np.all(np.diff(curve.mean) < 0)
    again = fl.fisher_mc_error(fam, [0.0, 0.0], [20, 200, 2000], n_repeats=30, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(curve.errors, again.errors)


def test_bad_input_raises():
    F = np.eye(2)
    with pytest.raises(ValueError, match=r"u must have shape \(\.\.\., 2\)"):
        fl.directional_information(F, [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="u must be non-zero"):
        fl.directional_information(F, [0.0, 0.0])
    with pytest.raises(ValueError, match=r"F must have shape \(\.\.\., d, d\)"):
        fl.directional_information([1.0, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"F must have shape \(\.\.\., d, d\)"):
        fl.pullback_fisher(np.ones((2, 3)), np.eye(3))
    with pytest.raises(ValueError, match=r"jacobian must have shape \(\.\.\., 2, m\)"):
        fl.pullback_fisher(F, np.eye(3))
    with pytest.raises(ValueError, match=r"norm must be one of \('fro', 'spectral'\)"):
        fl.matrix_error(F, F, norm="max")
    with pytest.raises(ValueError, match="same shape"):
        fl.matrix_error(np.eye(3), F)
    with pytest.raises(ValueError, match="n_repeats must be >= 2"):
        fl.fisher_mc_error(fl.GaussianMean(COV), [0.0, 0.0], [10, 20], n_repeats=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_samples must be an integer"):
        fl.fisher_mc_error(fl.GaussianMean(COV), [0.0, 0.0], [10.5, 20], n_repeats=3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="zero error"):
        fl.fisher_mc_error(fl.GaussianMean(COV), [0.0, 0.0], [10, 20], n_repeats=3, rng=np.random.default_rng(0), method="hessian")
    with pytest.raises(ValueError, match=r"scores must have shape \(N, d\)"):
        fl.directional_information_mc(np.ones(5), [1.0])
