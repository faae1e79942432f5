"""Chapter 7 (policy-gradient convergence I): estimators and exact enumeration: E[g] = grad J_H and E[B] = Hess J_H exactly, the
matrix-free B v against its dense twin and against finite differences of g, the bias of B
without its first term, Monte Carlo within error bars, the variance identity, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl import enumeration as en
from fisherlab.rl import rollouts as ro
from fisherlab.rl import second_order as so


def _setup(seed, S=2, A=2, gamma=0.8, linear=False):
    rng = np.random.default_rng(seed)
    mdp = fl.rl.random_mdp(S, A, rng=rng, gamma=gamma, concentration=0.7)
    if linear:
        policy = fl.rl.LinearSoftmax(A, features=rng.normal(size=(S, 2)), bias=True)
    else:
        policy = fl.rl.TabularSoftmax(S, A)
    theta = rng.normal(size=policy.dim)
    return mdp, policy, theta, rng


@pytest.mark.parametrize("linear", [False, True])
@pytest.mark.parametrize("H", [1, 3, 5])
def test_enumeration_is_exact(H, linear):
    mdp, policy, theta, _ = _setup(H, linear=linear)
    E = en.enumerate_trajectories(mdp, H)
    assert E.probs(policy, theta).sum() == pytest.approx(1.0, abs=1e-12)
    assert E.objective(policy, theta) == pytest.approx(en.exact_objective_h(mdp, policy, theta, H), abs=1e-10)
    # E[g] = grad J_H: enumeration against the backward recursion (no trajectories)
    np.testing.assert_allclose(E.gradient(policy, theta), en.exact_gradient_h(mdp, policy, theta, H), atol=1e-10)
    # E[B] = Hess J_H: against the REINFORCE form and against finite differences of the recursion
    hess = E.hessian(policy, theta)
    np.testing.assert_allclose(hess, E.hessian_reinforce(policy, theta), atol=1e-10)
    eps = 1e-5
    fd = np.array([(en.exact_gradient_h(mdp, policy, theta + eps * e, H)
                    - en.exact_gradient_h(mdp, policy, theta - eps * e, H)) / (2 * eps) for e in np.eye(policy.dim)]).T
    np.testing.assert_allclose(hess, fd, atol=1e-7)
    np.testing.assert_allclose(hess, hess.T, atol=1e-10)  # the mean of B is symmetric (B itself is not)


def test_recursion_objective_matches_finite_differences_and_infinite_horizon():
    mdp, policy, theta, _ = _setup(7, S=3, A=2)
    grad = en.exact_gradient_h(mdp, policy, theta, 6)
    eps = 1e-6
    fd = np.array([(en.exact_objective_h(mdp, policy, theta + eps * e, 6)
                    - en.exact_objective_h(mdp, policy, theta - eps * e, 6)) / (2 * eps) for e in np.eye(policy.dim)])
    np.testing.assert_allclose(grad, fd, atol=1e-8)
    # H -> infinity recovers the infinite-horizon quantities of fisherlab.rl.mdp
    assert en.exact_objective_h(mdp, policy, theta, 400) == pytest.approx(fl.rl.mdp.exact_objective(mdp, policy, theta), abs=1e-10)
    np.testing.assert_allclose(en.exact_gradient_h(mdp, policy, theta, 400),
                               fl.rl.mdp.exact_gradient(mdp, policy, theta), atol=1e-9)


def test_hvp_matches_dense_twin_and_finite_differences_of_g(rng):
    mdp, policy, theta, _ = _setup(3, S=3, A=3, linear=True)
    traj = ro.sample_episodes(mdp, policy, theta, n_episodes=7, horizon=5, rng=rng)
    vec = rng.normal(size=policy.dim)
    for first in (True, False):
        dense = so.hessian_estimate(policy, theta, traj, first_term=first)
        np.testing.assert_allclose(so.hessian_vector_estimate(policy, theta, traj, vec, first_term=first),
                                   dense @ vec, atol=1e-12)
    # the second-order part is the Jacobian of g along vec with the trajectory fixed
    eps = 1e-6
    fd = (so.gradient_estimate(policy, theta + eps * vec, traj) - so.gradient_estimate(policy, theta - eps * vec, traj)) / (2 * eps)
    np.testing.assert_allclose(so.hessian_vector_estimate(policy, theta, traj, vec, first_term=False), fd, atol=1e-7)
    # and grad Phi = g, grad log p = sum of scores (finite differences of Phi and of log p)
    fd_phi = np.array([(so.phi(policy, theta + eps * e, traj) - so.phi(policy, theta - eps * e, traj)) / (2 * eps)
                       for e in np.eye(policy.dim)]).T
    np.testing.assert_allclose(fd_phi, so.gradient_estimate(policy, theta, traj), atol=1e-7)


def test_gaussian_policy_hvp_matches_dense(rng):
    lqr = fl.rl.lqr.example_lqr()
    policy = lqr.policy()
    theta = np.array([-0.5, -1.0])
    traj = lqr.sample(theta, n_episodes=4, horizon=6, rng=rng)
    vec = rng.normal(size=2)
    np.testing.assert_allclose(so.hessian_vector_estimate(policy, theta, traj, vec),
                               so.hessian_estimate(policy, theta, traj) @ vec, rtol=1e-12, atol=1e-10)


def test_dropping_the_first_term_biases_the_hessian():
    mdp, policy, theta, _ = _setup(11, S=2, A=2)
    E = en.enumerate_trajectories(mdp, 4)
    exact = E.hessian(policy, theta)
    biased = E.hessian(policy, theta, first_term=False)
    assert np.linalg.norm(biased - exact) > 0.05 * np.linalg.norm(exact)


@given(seed=st.integers(0, 10_000), H=st.integers(1, 4))
def test_variance_identity_and_unbiasedness_property(seed, H):
    mdp, policy, theta, rng = _setup(seed, S=2, A=2)
    E = en.enumerate_trajectories(mdp, H)
    g = so.gradient_estimate(policy, theta, E.traj)
    grad = E.gradient(policy, theta)
    np.testing.assert_allclose(grad, en.exact_gradient_h(mdp, policy, theta, H), atol=1e-10)
    lhs = E.gradient_variance(policy, theta)
    rhs = E.expect(policy, theta, (g**2).sum(axis=1)) - grad @ grad
    assert lhs == pytest.approx(rhs, abs=1e-10)
    vec = rng.normal(size=policy.dim)
    np.testing.assert_allclose(E.hessian_vector(policy, theta, vec), E.hessian(policy, theta) @ vec, atol=1e-10)


def test_sampled_estimates_within_error_bars():
    mdp, policy, theta, rng = _setup(5, S=3, A=2)
    H, N = 4, 20_000
    E = en.enumerate_trajectories(mdp, H)
    traj = ro.sample_episodes(mdp, policy, theta, n_episodes=N, horizon=H, rng=rng)
    vec = rng.normal(size=policy.dim)
    for terms, exact in ((so.gradient_estimate(policy, theta, traj), E.gradient(policy, theta)),
                         (so.hessian_vector_estimate(policy, theta, traj, vec), E.hessian(policy, theta) @ vec)):
        se = terms.std(axis=0, ddof=1) / np.sqrt(N)
        assert np.all(np.abs(terms.mean(axis=0) - exact) <= 4.5 * se + 1e-12)


def test_sampler_law_matches_enumeration(rng):
    mdp, policy, theta, _ = _setup(2, S=2, A=2)
    H, N = 2, 100_000
    E = en.enumerate_trajectories(mdp, H)
    p = E.probs(policy, theta)
    traj = ro.sample_episodes(mdp, policy, theta, n_episodes=N, horizon=H, rng=rng)

    def code(s, a):
        return ((s[:, 0] * 2 + a[:, 0]) * 2 + s[:, 1]) * 2 + a[:, 1]

    freq = np.bincount(code(traj.states, traj.actions), minlength=16)[code(E.traj.states, E.traj.actions)] / N
    assert np.all(np.abs(freq - p) <= 4.5 * np.sqrt(p * (1 - p) / N) + 1e-12)
    # the same draws as a plain simulation loop that samples with policy.sample
    ep = _reference_episodes(mdp, policy, theta, 50, 6, np.random.default_rng(9))
    tr = ro.sample_episodes(mdp, policy, theta, n_episodes=50, horizon=6, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(ep[0], tr.states)
    np.testing.assert_array_equal(ep[1], tr.actions)


def _reference_episodes(mdp, policy, theta, N, H, rng):
    """Step-by-step simulation, one uniform per draw in the order s_0, a_0, s_1, a_1, ..."""
    cdf = np.cumsum(mdp.P, axis=2)
    states, actions = np.empty((N, H), dtype=np.int64), np.empty((N, H), dtype=np.int64)
    s = np.minimum(np.searchsorted(np.cumsum(mdp.rho), rng.random(N), side="right"), mdp.n_states - 1)
    for t in range(H):
        a = policy.sample(theta, s, rng=rng)
        states[:, t], actions[:, t] = s, a
        c = cdf[s, a]
        s = np.minimum((c < rng.random(N)[:, None] * c[:, -1:]).sum(axis=1), mdp.n_states - 1)
    return states, actions


def test_g_is_gpomdp(rng):
    from fisherlab.rl.estimators import gpomdp

    mdp, policy, theta, _ = _setup(4, S=3, A=2)
    ep = ro.sample_episodes(mdp, policy, theta, n_episodes=30, horizon=7, rng=rng)
    np.testing.assert_allclose(so.gradient_estimate(policy, theta, ep),
                               gpomdp(policy, theta, ep).terms, atol=1e-12)


def test_masked_steps_do_not_count(rng):
    mdp, policy, theta, _ = _setup(6, S=3, A=2)
    traj = ro.sample_episodes(mdp, policy, theta, n_episodes=5, horizon=6, rng=rng)
    short = ro.sample_episodes(mdp, policy, theta, n_episodes=5, horizon=4, rng=np.random.default_rng(0))
    # a 6-step batch whose last two steps are masked equals the 4-step batch
    mask = np.ones((5, 6))
    mask[:, 4:] = 0
    pad = lambda a: np.concatenate([a, traj.states[:, :2] * 0], axis=1)
    masked = ro.Episodes(pad(short.states), pad(short.actions),
                         np.concatenate([short.rewards, np.zeros((5, 2))], axis=1), short.gamma, mask)
    vec = rng.normal(size=policy.dim)
    np.testing.assert_allclose(so.gradient_estimate(policy, theta, masked), so.gradient_estimate(policy, theta, short))
    np.testing.assert_allclose(so.hessian_vector_estimate(policy, theta, masked, vec),
                               so.hessian_vector_estimate(policy, theta, short, vec))
    assert masked.n_steps == 20
    # the Chapter 5 estimators skip the masked steps too
    from fisherlab.rl.estimators import gpomdp, reinforce

    for est in (gpomdp, reinforce):
        np.testing.assert_allclose(est(policy, theta, masked).terms, est(policy, theta, short).terms, atol=1e-12)


def test_cartpole_episodes_are_masked(rng):
    env = fl.rl.envs.CartPole(1)
    policy = fl.rl.LinearSoftmax(2, n_features=4)
    traj = ro.sample_env(env, policy, np.zeros(8), n_episodes=6, horizon=200, gamma=0.99, rng=rng)
    lengths = traj.mask.sum(axis=1)
    assert np.all(lengths >= 1) and np.all(lengths < 200)  # a random policy falls within 200 steps
    np.testing.assert_array_equal(traj.rewards, traj.mask)  # reward 1 per real step, 0 after
    assert traj.n_steps == int(lengths.sum())


def test_bad_input():
    mdp, policy, theta, rng = _setup(0)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        en.enumerate_trajectories(mdp, 0)
    with pytest.raises(ValueError, match="horizon must satisfy"):
        en.enumerate_trajectories(mdp, 30)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        en.exact_objective_h(mdp, policy, theta, 0)
    with pytest.raises(ValueError, match="mdp must be a FiniteMDP"):
        en.enumerate_trajectories("mdp", 2)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        ro.sample_episodes(mdp, policy, theta, n_episodes=2, horizon=0, rng=rng)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        ro.sample_episodes(mdp, policy, theta, n_episodes=2, horizon=2, rng=0)
    traj = ro.sample_episodes(mdp, policy, theta, n_episodes=2, horizon=2, rng=rng)
    with pytest.raises(ValueError, match=r"vec must have shape \(4,\)"):
        so.hessian_vector_estimate(policy, theta, traj, np.ones(3))
    with pytest.raises(ValueError, match="gamma must be in"):
        ro.sample_env(fl.rl.envs.CartPole(1), fl.rl.LinearSoftmax(2, n_features=4), np.zeros(8),
                      n_episodes=2, horizon=5, gamma=1.0, rng=rng)
    with pytest.raises(ValueError, match="gamma must be in"):
        fl.rl.random_mdp(2, 2, rng=rng, gamma=1.5)


def test_sample_episodes_tables_match_step_by_step(rng, monkeypatch):
    # the vectorised lookups and the draw-by-draw loop give identical trajectories
    mdp, policy, theta, _ = _setup(3, S=4, A=3)
    fast = ro.sample_episodes(mdp, policy, theta, n_episodes=40, horizon=9, rng=np.random.default_rng(5))
    monkeypatch.setattr(ro, "_TABLE_LIMIT", 0)
    slow = ro.sample_episodes(mdp, policy, theta, n_episodes=40, horizon=9, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(fast.states, slow.states)
    np.testing.assert_array_equal(fast.actions, slow.actions)
    assert len(np.unique(fast.states)) == 4 and len(np.unique(fast.actions)) == 3
