"""Tests of fisherlab.models: Gaussian MLE in three parameterisations, softmax regression."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.models import GaussianMLE, SoftmaxRegression, make_classification

PARAMS = GaussianMLE.PARAMETERISATIONS
KINDS = ("exact", "empirical", "ggn")


def _fd_grad(f, theta, eps=1e-6):
    eye = np.eye(theta.size)
    return np.array([(f(theta + eps * e) - f(theta - eps * e)) / (2 * eps) for e in eye])


def _dense(model, kind, theta):
    return {"exact": model.fisher_exact, "empirical": model.fisher_empirical, "ggn": model.ggn}[kind](theta)


@pytest.fixture
def gauss_data(rng):
    return rng.normal(1.0, 2.0, size=80)


@pytest.fixture
def softmax_model(rng):
    data = make_classification(300, 4, 3, condition_number=20.0, rng=rng)
    return SoftmaxRegression.from_data(data)


# ---- Gaussian MLE ------------------------------------------------------------------------
@pytest.mark.parametrize("param", PARAMS)
def test_gaussian_derivatives_match_finite_differences(gauss_data, param):
    m = GaussianMLE(gauss_data, param)
    theta = m.from_mu_sigma([0.3, 1.5])
    np.testing.assert_allclose(m.grad(theta), _fd_grad(m.loss, theta), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.hessian(theta), _fd_grad(m.grad, theta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("param", PARAMS)
def test_gaussian_fisher_closed_forms(gauss_data, param):
    m = GaussianMLE(gauss_data, param)
    sigma = 1.7
    theta = m.from_mu_sigma([0.3, sigma])
    want = {"mu_sigma": [1 / sigma**2, 2 / sigma**2], "mu_log_sigma": [1 / sigma**2, 2.0],
            "mu_var": [1 / sigma**2, 1 / (2 * sigma**4)]}[param]
    np.testing.assert_allclose(m.fisher_exact(theta), np.diag(want), rtol=1e-12, atol=1e-15)
    # the GGN in natural-parameter outputs is the Fisher, computed by a different route
    np.testing.assert_allclose(m.ggn(theta), m.fisher_exact(theta), rtol=1e-10, atol=1e-14)
    # the Fisher is the expected Hessian: Monte Carlo check with many model samples
    x = fl.NormalMeanScale().sample(np.array([0.3, sigma]), 200_000, rng=np.random.default_rng(1))
    np.testing.assert_allclose(GaussianMLE(x, param).hessian(theta), m.fisher_exact(theta), rtol=0.02, atol=0.01)


@pytest.mark.parametrize("param", PARAMS)
def test_gaussian_mle_is_a_stationary_point_and_empirical_fisher_uses_kurtosis(gauss_data, param):
    m = GaussianMLE(gauss_data, param)
    theta_hat = m.mle()
    np.testing.assert_allclose(m.grad(theta_hat), 0.0, atol=1e-12)
    ms = m.to_mu_sigma(theta_hat)
    z = gauss_data - ms[0]
    kurt = np.mean(z**4) / np.mean(z**2) ** 2
    emp = GaussianMLE(gauss_data, "mu_sigma").fisher_empirical(ms)
    np.testing.assert_allclose(np.diag(emp), [1 / ms[1] ** 2, (kurt - 1) / ms[1] ** 2], rtol=1e-10)


@given(mu=st.floats(-3, 3), sigma=st.floats(0.3, 4), seed=st.integers(0, 1000))
def test_gaussian_coordinates_roundtrip_and_invariant_quantities(mu, sigma, seed):
    """Loss and KL do not depend on the coordinates; the Fisher transforms as J^T F J."""
    x = np.random.default_rng(seed).normal(size=10)
    models = [GaussianMLE(x, p) for p in PARAMS]
    other = np.array([mu + 0.3, sigma * 1.2])
    losses = [m.loss(m.from_mu_sigma([mu, sigma])) for m in models]
    kls = [m.kl(m.from_mu_sigma([mu, sigma]), m.from_mu_sigma(other)) for m in models]
    np.testing.assert_allclose(losses, losses[0], rtol=1e-12)
    np.testing.assert_allclose(kls, kls[0], rtol=1e-10)
    for m in models:
        np.testing.assert_allclose(m.to_mu_sigma(m.from_mu_sigma([mu, sigma])), [mu, sigma], rtol=1e-12)
    # natural gradients, mapped to (mu, sigma) with the Jacobian, agree across coordinates
    ngs = []
    for m in models:
        theta = m.from_mu_sigma([mu, sigma])
        nat = np.linalg.solve(m.fisher_exact(theta), m.grad(theta))
        jac, _ = m._jacobian_diag(np.asarray(sigma))
        ngs.append(jac * nat)  # d(mu, sigma) = J d(theta)
    np.testing.assert_allclose(ngs, np.broadcast_to(ngs[0], (3, 2)), rtol=1e-9, atol=1e-12)


def test_gaussian_kl_closed_form_and_quadratic(gauss_data):
    m = GaussianMLE(gauss_data, "mu_log_sigma")
    theta = np.array([0.2, 0.1])
    assert m.kl(theta, theta) == pytest.approx(0.0, abs=1e-15)
    # KL(p || q) = 1/2 delta^T F delta + O(delta^3)
    delta = np.array([1e-3, -2e-3])
    quad = 0.5 * delta @ m.fisher_exact(theta) @ delta
    assert m.kl(theta, theta + delta) == pytest.approx(quad, rel=1e-2)
    p = fl.NormalMeanScale().sample(np.array([0.0, 1.0]), 400_000, rng=np.random.default_rng(3))
    mc = np.mean(fl.NormalMeanScale().log_likelihood([0.0, 1.0], p) - fl.NormalMeanScale().log_likelihood([1.0, 2.0], p))
    want = GaussianMLE(gauss_data, "mu_sigma").kl([0.0, 1.0], [1.0, 2.0])
    assert abs(mc - want) < 0.01


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("kind", KINDS)
def test_gaussian_operator_matches_dense(gauss_data, param, kind):
    m = GaussianMLE(gauss_data, param)
    theta = m.from_mu_sigma([0.5, 0.8])
    op = fl.linalg.fisher_operator(m, theta, fisher=kind, damping=0.1)
    np.testing.assert_allclose(op.to_dense(), _dense(m, kind, theta) + 0.1 * np.eye(2), rtol=1e-12, atol=1e-14)


def test_gaussian_batched_shapes(gauss_data):
    m = GaussianMLE(gauss_data, "mu_var")
    theta = np.stack(np.meshgrid([0.0, 1.0, 2.0], [0.5, 1.0]), -1)  # (2, 3, 2)
    assert m.loss(theta).shape == (2, 3)
    assert m.grad(theta).shape == (2, 3, 2)
    for f in (m.hessian, m.fisher_exact, m.fisher_empirical, m.ggn):
        assert f(theta).shape == (2, 3, 2, 2)
    np.testing.assert_allclose(m.grad(theta)[1, 2], m.grad(theta[1, 2]))


def test_gaussian_bad_inputs(gauss_data):
    with pytest.raises(ValueError, match="parameterisation must be one of"):
        GaussianMLE(gauss_data, "sigma_mu")
    with pytest.raises(ValueError, match=r"x must have shape \(N,\) with N >= 2"):
        GaussianMLE([1.0])
    with pytest.raises(ValueError, match="x must be finite"):
        GaussianMLE([1.0, np.inf])
    m = GaussianMLE(gauss_data, "mu_sigma")
    with pytest.raises(ValueError, match=r"sigma \(theta\[..., 1\]\) must be > 0"):
        m.loss([0.0, -1.0])
    with pytest.raises(ValueError, match=r"sigma\^2 \(theta\[..., 1\]\) must be > 0"):
        GaussianMLE(gauss_data, "mu_var").grad([0.0, 0.0])
    with pytest.raises(ValueError, match=r"theta must have shape \(..., 2\)"):
        m.loss([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="fisher must be one of"):
        m.curvature_factors([0.0, 1.0], fisher="observed")


# ---- softmax regression ------------------------------------------------------------------
def test_make_classification_is_deterministic_and_conditioned():
    a = make_classification(50, 5, 3, condition_number=100.0, rng=np.random.default_rng(7))
    b = make_classification(50, 5, 3, condition_number=100.0, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.labels, b.labels)
    eig = np.linalg.eigvalsh(a.covariance)
    assert eig.max() / eig.min() == pytest.approx(100.0, rel=1e-8)
    assert a.features.shape == (50, 5) and a.theta_true.shape == (10,)
    assert set(np.unique(a.labels)) <= {0, 1, 2}


def test_make_classification_labels_follow_the_model():
    """Labels are drawn from the model: the mean one-hot label matches the mean probability."""
    data = make_classification(20_000, 3, 3, rng=np.random.default_rng(11))
    m = SoftmaxRegression.from_data(data)
    probs = m.probs(data.theta_true)
    freq = np.bincount(data.labels, minlength=3) / data.labels.size
    se = np.sqrt(probs.mean(0) * (1 - probs.mean(0)) / data.labels.size)
    assert np.all(np.abs(freq - probs.mean(0)) < 4 * se)


def test_softmax_derivatives_match_finite_differences(softmax_model, rng):
    m = softmax_model
    theta = 0.3 * rng.normal(size=m.dim)
    np.testing.assert_allclose(m.grad(theta), _fd_grad(m.loss, theta), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(m.hessian(theta), _fd_grad(m.grad, theta), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(m.per_sample_grads(theta).mean(0), m.grad(theta), atol=1e-14)


def test_softmax_fisher_is_expectation_over_model_labels(softmax_model, rng):
    """F = (1/N) sum_n sum_c pi_c(x_n) g_{n,c} g_{n,c}^T, with g_{n,c} the gradient at label c."""
    m = softmax_model
    theta = 0.3 * rng.normal(size=m.dim)
    probs = m.probs(theta)
    want = np.zeros((m.dim, m.dim))
    for c in range(m.n_classes):
        relabelled = SoftmaxRegression(m.features, np.full(m.n_samples, c), m.n_classes)
        g = relabelled.per_sample_grads(theta)
        want += (g * probs[:, c, None]).T @ g / m.n_samples
    np.testing.assert_allclose(m.fisher_exact(theta), want, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(m.ggn(theta), want, rtol=1e-10, atol=1e-14)
    g = m.per_sample_grads(theta)
    np.testing.assert_allclose(m.fisher_empirical(theta), g.T @ g / m.n_samples, rtol=1e-10, atol=1e-14)
    assert not np.allclose(m.fisher_empirical(theta), want, rtol=0.05)


@given(seed=st.integers(0, 2**32 - 1), k=st.integers(2, 4), p=st.integers(1, 4),
       kind=st.sampled_from(KINDS), damping=st.floats(0.0, 5.0))
def test_softmax_operator_matches_dense(seed, k, p, kind, damping):
    rng = np.random.default_rng(seed)
    data = make_classification(30, p, k, condition_number=10.0, rng=rng)
    m = SoftmaxRegression.from_data(data)
    theta = rng.normal(size=m.dim)
    op = fl.linalg.fisher_operator(m, theta, fisher=kind, damping=damping)
    dense = _dense(m, kind, theta) + damping * np.eye(m.dim)
    vec = rng.normal(size=m.dim)
    np.testing.assert_allclose(op @ vec, dense @ vec, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(op.to_dense(), dense, rtol=1e-10, atol=1e-12)


def test_softmax_kl_is_locally_half_fisher(softmax_model, rng):
    m = softmax_model
    theta = 0.3 * rng.normal(size=m.dim)
    delta = 1e-3 * rng.normal(size=m.dim)
    assert m.kl(theta, theta) == pytest.approx(0.0, abs=1e-15)
    assert m.kl(theta, theta + delta) == pytest.approx(0.5 * delta @ m.fisher_exact(theta) @ delta, rel=1e-2)
    assert m.kl(theta, theta + 100 * delta) > 0


def test_kfac_exact_when_output_fisher_is_constant(softmax_model, rng):
    m = softmax_model
    A, G = m.kfac_factors(np.zeros(m.dim))  # every pi(x_n) is uniform at theta = 0
    np.testing.assert_allclose(np.kron(A, G), m.fisher_exact(np.zeros(m.dim)), rtol=1e-10, atol=1e-14)
    theta = rng.normal(size=m.dim)
    A, G = m.kfac_factors(theta)
    F = m.fisher_exact(theta)
    rel = np.linalg.norm(np.kron(A, G) - F) / np.linalg.norm(F)
    assert 0 < rel < 1


def test_softmax_bad_inputs(rng):
    X = rng.normal(size=(5, 2))
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\)"):
        SoftmaxRegression(X, [0, 1])
    with pytest.raises(ValueError, match=r"labels must be in 0 .. n_classes - 1 = 1"):
        SoftmaxRegression(X, [0, 1, 2, 0, 1], n_classes=2)
    with pytest.raises(ValueError, match="labels must be integers"):
        SoftmaxRegression(X, [0, 1, 0.5, 0, 1])
    with pytest.raises(ValueError, match=r"features must have shape \(N, p\)"):
        SoftmaxRegression(np.ones(5), [0, 1, 0, 0, 1])
    m = SoftmaxRegression(X, [0, 1, 0, 0, 1])
    with pytest.raises(ValueError, match=r"theta must have shape \(2,\)"):
        m.loss(np.zeros(3))
    with pytest.raises(ValueError, match="condition_number must be >= 1"):
        make_classification(10, 2, condition_number=0.5, rng=rng)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        make_classification(10, 2, 1, rng=rng)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        make_classification(10, 2, rng=0)
    with pytest.raises(ValueError, match="signal must be > 0"):
        make_classification(10, 2, signal=0.0, rng=rng)
