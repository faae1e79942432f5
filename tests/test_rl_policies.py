"""Policies: analytic log pi, score, Hessian-vector product and Fisher-vector product against
finite differences and their dense twins (float64), Fisher against its definition, sampling,
KL, and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl.policies import LinearGaussian, LinearSoftmax, TabularSoftmax

S, A, K = 4, 3, 3


def make(kind, rng):
    """A policy, a batch of states and actions for it."""
    n = 6
    if kind == "tabular":
        pol = TabularSoftmax(S, A)
        states = rng.integers(0, S, n)
    elif kind == "linear":
        pol = LinearSoftmax(A, n_features=K, bias=True)
        states = rng.normal(size=(n, K))
    elif kind == "linear-table":
        pol = LinearSoftmax(A, features=rng.normal(size=(S, K)))
        states = rng.integers(0, S, n)
    elif kind == "gauss-fixed":
        pol = LinearGaussian(n_features=K, action_dim=2, log_std=-0.3)
        states = rng.normal(size=(n, K))
    else:
        pol = LinearGaussian(n_features=K, action_dim=2, bias=True, log_std=[0.2, -0.4], learn_log_std=True)
        states = rng.normal(size=(n, K))
    theta = rng.normal(size=pol.dim) * 0.7
    actions = pol.sample(theta, states, rng=rng)
    return pol, theta, states, actions


KINDS = ["tabular", "linear", "linear-table", "gauss-fixed", "gauss-learned"]
seeds = st.integers(0, 100_000)


def fd_grad(f, theta, eps=1e-6):
    return np.stack([(f(theta + eps * e) - f(theta - eps * e)) / (2 * eps) for e in np.eye(len(theta))], axis=-1)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15)
@given(seed=seeds)
def test_score_is_gradient_of_log_prob(kind, seed):
    pol, theta, states, actions = make(kind, np.random.default_rng(seed))
    fd = fd_grad(lambda t: pol.log_prob(t, states, actions), theta)
    np.testing.assert_allclose(pol.score(theta, states, actions), fd, atol=1e-7)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15)
@given(seed=seeds)
def test_hessian_and_hvp(kind, seed):
    rng = np.random.default_rng(seed)
    pol, theta, states, actions = make(kind, rng)
    H = pol.hessian_log_prob(theta, states, actions)
    fd = fd_grad(lambda t: pol.score(t, states, actions), theta)  # (n, d, d)
    np.testing.assert_allclose(H, fd, atol=1e-6)
    np.testing.assert_allclose(H, H.transpose(0, 2, 1), atol=1e-12)
    vec = rng.normal(size=pol.dim)
    np.testing.assert_allclose(pol.hvp_log_prob(theta, states, actions, vec), H @ vec, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15)
@given(seed=seeds)
def test_fvp_matches_dense_fisher(kind, seed):
    rng = np.random.default_rng(seed)
    pol, theta, states, _ = make(kind, rng)
    w = rng.random(len(states))
    vec = rng.normal(size=pol.dim)
    F = pol.fisher(theta, states, weights=w)
    np.testing.assert_allclose(pol.fisher_vector_product(theta, states, vec, weights=w), F @ vec, atol=1e-12)
    op = pol.fisher_operator(theta, states, weights=w, damping=0.1)
    np.testing.assert_allclose(op @ vec, F @ vec + 0.1 * vec, atol=1e-12)
    np.testing.assert_allclose(op.to_dense(), F + 0.1 * np.eye(pol.dim), atol=1e-12)
    assert np.linalg.eigvalsh(F).min() > -1e-10


@pytest.mark.parametrize("kind", ["tabular", "linear", "linear-table"])
def test_softmax_fisher_by_enumeration_and_feature_covariance(kind, rng):
    """F(s) = sum_a pi(a|s) score score^T = Cov_{a~pi}[phi(s, a)] = -Hessian of log pi."""
    pol, theta, states, _ = make(kind, rng)
    p = pol.probs(theta, states)
    for i in range(len(states)):
        s = states[i:i + 1]
        scores = np.stack([pol.score(theta, s, [a])[0] for a in range(A)])  # (A, d)
        F_enum = np.einsum("a,ad,ae->de", p[i], scores, scores)
        np.testing.assert_allclose(pol.fisher(theta, s), F_enum, atol=1e-12)
        # features phi(s, a) = x(s) (x) e_a up to a shift c(s) that cancels below: the scores of
        # the uniform policy (theta = 0) are phi(s, a) - mean_a phi(s, a)
        phi = np.stack([pol.score(np.zeros(pol.dim), s, [a])[0] for a in range(A)])
        mean = p[i] @ phi
        cov = np.einsum("a,ad,ae->de", p[i], phi - mean, phi - mean)
        np.testing.assert_allclose(pol.fisher(theta, s), cov, atol=1e-12)
        np.testing.assert_allclose(scores, phi - mean, atol=1e-12)  # score = feature - its mean
        for a in range(A):
            np.testing.assert_allclose(pol.hessian_log_prob(theta, s, [a])[0], -F_enum, atol=1e-12)


@pytest.mark.parametrize("kind", ["gauss-fixed", "gauss-learned"])
def test_gaussian_fisher_monte_carlo(kind, rng):
    pol, theta, states, _ = make(kind, rng)
    s = np.repeat(states[:1], 200_000, axis=0)
    a = pol.sample(theta, s, rng=rng)
    sc = pol.score(theta, s, a)
    est = fl.fisher_from_scores(sc)
    z = np.abs(est.z_score(pol.fisher(theta, states[:1])))
    assert np.nanmax(np.where(est.stderr > 0, z, 0)) < 5
    # E[score] = 0 at the sampling parameter
    assert np.all(np.abs(sc.mean(axis=0)) < 5 * sc.std(axis=0) / np.sqrt(len(sc)) + 1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_kl_is_half_quadratic_form(kind, rng):
    pol, theta, states, _ = make(kind, rng)
    d = rng.normal(size=pol.dim)
    F = pol.fisher(theta, states, weights=np.ones(len(states)))
    for eps in (1e-3, 1e-4):
        kl = pol.kl(theta, theta + eps * d, states).sum()
        assert kl == pytest.approx(0.5 * eps**2 * d @ F @ d, rel=20 * eps)
    assert np.all(pol.kl(theta, theta, states) == pytest.approx(0.0, abs=1e-14))


def test_softmax_sampling_frequencies(rng):
    pol = TabularSoftmax(2, 3)
    theta = np.array([0.0, 1.0, -1.0, 2.0, 0.0, 0.0])
    states = np.zeros(100_000, dtype=int)
    counts = np.bincount(pol.sample(theta, states, rng=rng), minlength=3) / len(states)
    p = pol.probs(theta, [0])[0]
    assert np.all(np.abs(counts - p) < 4 * np.sqrt(p * (1 - p) / len(states)))
    assert pol.mode(theta, [0, 1]).tolist() == [1, 0]
    np.testing.assert_allclose(pol.entropy(np.zeros(6), [0]), np.log(3))


def test_sampling_is_deterministic_for_a_seed():
    pol = LinearSoftmax(2, n_features=2)
    states = np.ones((50, 2))
    a1 = pol.sample(np.array([1.0, -1, 0.5, 0]), states, rng=np.random.default_rng(3))
    a2 = pol.sample(np.array([1.0, -1, 0.5, 0]), states, rng=np.random.default_rng(3))
    assert np.array_equal(a1, a2)


def test_tabular_equals_linear_with_one_hot_features(rng):
    tab = TabularSoftmax(S, A)
    lin = LinearSoftmax(A, features=np.eye(S))
    theta = rng.normal(size=tab.dim)
    states, actions = rng.integers(0, S, 10), rng.integers(0, A, 10)
    vec = rng.normal(size=tab.dim)
    np.testing.assert_allclose(tab.score(theta, states, actions), lin.score(theta, states, actions))
    np.testing.assert_allclose(tab.fisher_vector_product(theta, states, vec), lin.fisher_vector_product(theta, states, vec))


def test_bad_input_raises(rng):
    pol = LinearSoftmax(2, n_features=4, bias=True)
    theta = np.zeros(pol.dim)
    with pytest.raises(ValueError, match=r"theta must have shape \(10,\)"):
        pol.log_prob(np.zeros(3), np.zeros((2, 4)), [0, 1])
    with pytest.raises(ValueError, match=r"states must have shape \(n, 4\)"):
        pol.log_prob(theta, np.zeros((2, 3)), [0, 1])
    with pytest.raises(ValueError, match=r"actions must contain integers in \[0, 1\]"):
        pol.log_prob(theta, np.zeros((2, 4)), [0, 2])
    with pytest.raises(ValueError, match=r"actions must have shape \(2,\)"):
        pol.log_prob(theta, np.zeros((2, 4)), [0, 1, 1])
    with pytest.raises(ValueError, match=r"vec must have shape \(10,\)"):
        pol.fisher_vector_product(theta, np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError, match="weights must be >= 0"):
        pol.fisher(theta, np.zeros((2, 4)), weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        pol.sample(theta, np.zeros((2, 4)), rng=1)
    with pytest.raises(ValueError, match="states must contain integers in"):
        TabularSoftmax(3, 2).probs(np.zeros(6), [0, 3])
    with pytest.raises(ValueError, match="theta must be finite"):
        TabularSoftmax(3, 2).probs(np.full(6, np.nan), [0])
    with pytest.raises(ValueError, match="n_actions must be >= 2"):
        LinearSoftmax(1, n_features=3)
    with pytest.raises(ValueError, match="n_features must be given"):
        LinearSoftmax(2)
    with pytest.raises(ValueError, match="features must be a table of shape"):
        LinearSoftmax(2, features=np.zeros(3))
    g = LinearGaussian(n_features=2, action_dim=2)
    with pytest.raises(ValueError, match=r"actions must have shape \(1, 2\)"):
        g.log_prob(np.zeros(g.dim), np.zeros((1, 2)), np.zeros((1, 3)))
