"""Gradient and Fisher estimators against the exact finite-MDP quantities, GAE against a
hand-computed case, the value baseline."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl import estimators as E
from fisherlab.rl import mdp as M
from fisherlab.rl import rollouts


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(20261122)
    mdp = M.random_mdp(4, 2, rng=rng, gamma=0.7)
    pol = fl.rl.TabularSoftmax(4, 2)
    theta = rng.normal(size=pol.dim)
    ep = rollouts.sample_episodes(mdp, pol, theta, n_episodes=20_000, horizon=50, rng=rng)  # 0.7^50 ~ 2e-8
    return mdp, pol, theta, ep


def test_reinforce_and_gpomdp_are_unbiased(setting):
    mdp, pol, theta, ep = setting
    g = M.exact_gradient(mdp, pol, theta)
    V = mdp.value(M.policy_table(mdp, pol, theta))
    ests = [E.reinforce(pol, theta, ep), E.gpomdp(pol, theta, ep), E.gpomdp(pol, theta, ep, baseline=V)]
    for est in ests:
        assert np.max(np.abs(est.z_score(g))) < 4.5, est.method
        assert est.n_samples == 20_000
    # dropping acausal terms and subtracting a baseline reduce the variance
    assert np.sum(ests[1].stderr**2) < np.sum(ests[0].stderr**2)
    assert np.sum(ests[2].stderr**2) < np.sum(ests[1].stderr**2)


def test_sampled_fisher_vector_product_is_unbiased(setting, rng):
    mdp, pol, theta, ep = setting
    vec = rng.normal(size=pol.dim)
    est = E.fisher_vector_product_mc(pol, theta, ep, vec)
    exact = M.exact_fisher_vector_product(mdp, pol, theta, vec)
    assert np.max(np.abs(est.z_score(exact))) < 4.5


def test_gae_hand_computed():
    gamma, lam = 0.5, 0.5
    r = np.array([[1.0], [2.0], [3.0]])
    V = np.array([[1.0], [1.0], [2.0], [4.0]])
    term = np.zeros((3, 1), bool)
    trunc = np.zeros((3, 1), bool)
    # deltas: 1 + .5*1 - 1 = .5 ; 2 + .5*2 - 1 = 2 ; 3 + .5*4 - 2 = 3
    # A2 = 3 ; A1 = 2 + .25*3 = 2.75 ; A0 = .5 + .25*2.75 = 1.1875
    np.testing.assert_allclose(E.gae(r, V, term, trunc, gamma=gamma, lam=lam)[:, 0], [1.1875, 2.75, 3.0])
    # the episode terminates at step 1: no bootstrap from V[2], no flow from step 2 into step 1
    term[1] = True
    # deltas: .5 ; 2 - 1 = 1 ; 3 ; A1 = 1 ; A0 = .5 + .25 * 1 = .75
    np.testing.assert_allclose(E.gae(r, V, term, trunc, gamma=gamma, lam=lam)[:, 0], [0.75, 1.0, 3.0])
    # truncated instead: bootstrap from V[2] (= 2) but still no flow: delta1 = 2 + 1 - 1 = 2
    term[1], trunc[1] = False, True
    np.testing.assert_allclose(E.gae(r, V, term, trunc, gamma=gamma, lam=lam)[:, 0], [1.0, 2.0, 3.0])


@given(seed=st.integers(0, 10_000), lam=st.sampled_from([0.0, 1.0]))
def test_gae_limits(seed, lam):
    rng = np.random.default_rng(seed)
    T, N, gamma = 7, 3, 0.9
    r, V = rng.normal(size=(T, N)), rng.normal(size=(T + 1, N))
    term = np.zeros((T, N), bool)
    term[-1] = True
    adv = E.gae(r, V, term, np.zeros((T, N), bool), gamma=gamma, lam=lam)
    if lam == 0.0:
        expected = r + gamma * np.vstack([V[1:-1], np.zeros((1, N))]) - V[:-1]
    else:
        expected = rollouts.discounted_cumsum(r.T, gamma).T - V[:-1]
    np.testing.assert_allclose(adv, expected, atol=1e-12)


def test_linear_value_recovers_a_linear_function(rng):
    x = rng.normal(size=(500, 3))
    y = 1.0 + x @ np.array([2.0, -1.0, 0.5]) + 0.5 * x[:, 0] ** 2
    vf = E.LinearValue(E.polynomial_features(2), ridge=1e-9).fit(x, y)
    np.testing.assert_allclose(vf.predict(x), y, atol=1e-5)
    assert E.polynomial_features(2)(x).shape == (500, 1 + 3 + 6)
    assert E.polynomial_features(3)(x).shape == (500, 1 + 3 + 6 + 10)


def test_estimator_bad_input(setting):
    mdp, pol, theta, ep = setting
    with pytest.raises(ValueError, match="baseline must have shape"):
        E.gpomdp(pol, theta, ep, baseline=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"lam must be in \[0, 1\]"):
        E.gae(np.zeros((2, 1)), np.zeros((3, 1)), np.zeros((2, 1)), np.zeros((2, 1)), gamma=0.9, lam=1.5)
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\)"):
        E.gae(np.zeros((2, 1)), np.zeros((3, 1)), np.zeros((2, 1)), np.zeros((2, 1)), gamma=1.0, lam=0.5)
    with pytest.raises(ValueError, match=r"values must have shape \(3, 1\)"):
        E.gae(np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)), gamma=0.9, lam=0.5)
    with pytest.raises(ValueError, match="ridge must be > 0"):
        E.LinearValue(np.eye(3), ridge=0.0)
    with pytest.raises(ValueError, match=r"vec must have shape \(8,\)"):
        E.fisher_vector_product_mc(pol, theta, ep, np.zeros(3))
