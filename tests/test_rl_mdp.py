"""Exact finite-MDP evaluation: Bellman equations, J = rho^T V, the exact gradient against finite
differences of J, the exact Fisher against its definition by enumeration, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl import mdp as M


def _random_pi(rng, S, A):
    return rng.dirichlet(np.ones(A), size=S)


@pytest.fixture(params=["random", "river", "grid"])
def an_mdp(request, rng):
    if request.param == "random":
        return M.random_mdp(5, 3, rng=rng, gamma=0.9)
    if request.param == "river":
        return M.river_swim(6)
    return M.gridworld(3, slip=0.2)


def test_named_mdps_are_valid():
    for m in (M.river_swim(), M.gridworld(), M.short_corridor(), M.random_mdp(4, 2, rng=np.random.default_rng(0))):
        np.testing.assert_allclose(m.P.sum(axis=2), 1.0, atol=1e-12)
        assert m.rho.sum() == pytest.approx(1.0)


def test_bellman_equations(an_mdp, rng):
    pi = _random_pi(rng, an_mdp.n_states, an_mdp.n_actions)
    V, Q, A = an_mdp.value(pi), an_mdp.q_value(pi), an_mdp.advantage(pi)
    P_pi = an_mdp.transition_matrix(pi)
    np.testing.assert_allclose(V, an_mdp.reward_vector(pi) + an_mdp.gamma * P_pi @ V, atol=1e-10)
    np.testing.assert_allclose((pi * Q).sum(axis=1), V, atol=1e-10)
    np.testing.assert_allclose((pi * A).sum(axis=1), 0.0, atol=1e-10)
    assert an_mdp.objective(pi) == pytest.approx(an_mdp.rho @ V, abs=1e-12)


def test_state_distribution_is_discounted_occupancy(an_mdp, rng):
    pi = _random_pi(rng, an_mdp.n_states, an_mdp.n_actions)
    d = an_mdp.state_distribution(pi)
    P_pi, g = an_mdp.transition_matrix(pi), an_mdp.gamma
    # (1 - gamma) sum_t gamma^t rho^T P_pi^t, summed until gamma^t is negligible
    acc, mu = np.zeros_like(d), an_mdp.rho.copy()
    for t in range(int(np.log(1e-14) / np.log(g)) + 1):
        acc += (1 - g) * g**t * mu
        mu = mu @ P_pi
    np.testing.assert_allclose(d, acc, atol=1e-12)
    assert d.sum() == pytest.approx(1.0) and np.all(d >= 0)
    # J = <d, r_pi> / (1 - gamma)
    assert an_mdp.objective(pi) == pytest.approx(d @ an_mdp.reward_vector(pi) / (1 - g), rel=1e-10)


def test_optimal_value_dominates(an_mdp, rng):
    Vstar = an_mdp.optimal_value()
    for _ in range(5):
        assert np.all(an_mdp.value(_random_pi(rng, an_mdp.n_states, an_mdp.n_actions)) <= Vstar + 1e-9)
    greedy = np.eye(an_mdp.n_actions)[np.argmax(an_mdp.R + an_mdp.gamma * an_mdp.P @ Vstar, axis=1)]
    np.testing.assert_allclose(an_mdp.value(greedy), Vstar, atol=1e-8)


def test_gridworld_goal_value():
    m = M.gridworld(4, slip=0.1, gamma=0.9)
    assert m.optimal_value()[-1] == pytest.approx(1 / (1 - 0.9))


def _policies(m, rng):
    S, A = m.n_states, m.n_actions
    table = rng.normal(size=(S, 3))
    return [fl.rl.TabularSoftmax(S, A), fl.rl.LinearSoftmax(A, features=table, bias=True)]


@given(seed=st.integers(0, 10_000))
def test_exact_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    m = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    for pol in _policies(m, rng):
        theta = rng.normal(size=pol.dim)
        g = M.exact_gradient(m, pol, theta)
        eps = 1e-6
        fd = np.array([(M.exact_objective(m, pol, theta + eps * e) - M.exact_objective(m, pol, theta - eps * e)) / (2 * eps)
                       for e in np.eye(pol.dim)])
        np.testing.assert_allclose(g, fd, atol=1e-7)


def test_exact_fisher_matches_enumeration(an_mdp, rng):
    for pol in _policies(an_mdp, rng):
        theta = rng.normal(size=pol.dim)
        pi = M.policy_table(an_mdp, pol, theta)
        d = an_mdp.state_distribution(pi)
        F_enum = np.zeros((pol.dim, pol.dim))
        for s in range(an_mdp.n_states):
            for a in range(an_mdp.n_actions):
                sc = pol.score(theta, [s], [a])[0]
                F_enum += d[s] * pi[s, a] * np.outer(sc, sc)
        F = M.exact_fisher(an_mdp, pol, theta)
        np.testing.assert_allclose(F, F_enum, atol=1e-12)
        vec = rng.normal(size=pol.dim)
        np.testing.assert_allclose(M.exact_fisher_vector_product(an_mdp, pol, theta, vec), F_enum @ vec, atol=1e-12)


def test_surrogate_and_kl_are_second_order_close(rng):
    """L(theta) - J(old) matches J(theta) - J(old) to first order; mean KL ~ 1/2 dtheta^T F dtheta."""
    m = M.random_mdp(5, 3, rng=rng, gamma=0.9)
    pol = fl.rl.TabularSoftmax(5, 3)
    theta = rng.normal(size=pol.dim)
    direction = rng.normal(size=pol.dim)
    F = M.exact_fisher(m, pol, theta)
    assert M.exact_surrogate(m, pol, theta, theta) == pytest.approx(0.0, abs=1e-12)
    errs = []
    for eps in (1e-2, 1e-3):
        new = theta + eps * direction
        gain = M.exact_objective(m, pol, new) - M.exact_objective(m, pol, theta)
        errs.append(abs(M.exact_surrogate(m, pol, theta, new) - gain))
        kl = M.exact_mean_kl(m, pol, theta, new)
        assert kl == pytest.approx(0.5 * eps**2 * direction @ F @ direction, rel=5 * eps)
    assert errs[1] < errs[0] / 50  # second-order error: shrinks 100x for a 10x smaller step


def test_bad_input_raises():
    P = np.full((2, 2, 2), 0.5)
    R = np.zeros((2, 2))
    rho = np.array([0.5, 0.5])
    with pytest.raises(ValueError, match="P must sum to 1"):
        M.FiniteMDP(np.full((2, 2, 2), 0.4), R, 0.9, rho)
    with pytest.raises(ValueError, match="P entries must be >= 0"):
        M.FiniteMDP(np.array([[[1.5, -0.5]] * 2] * 2), R, 0.9, rho)
    with pytest.raises(ValueError, match="P must have shape"):
        M.FiniteMDP(np.full((2, 2), 0.5), R, 0.9, rho)
    for gamma in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\)"):
            M.FiniteMDP(P, R, gamma, rho)
    with pytest.raises(ValueError, match="rho must sum to 1"):
        M.FiniteMDP(P, R, 0.9, np.array([0.5, 0.6]))
    with pytest.raises(ValueError, match=r"R must have shape \(2, 2\)"):
        M.FiniteMDP(P, np.zeros(2), 0.9, rho)
    m = M.FiniteMDP(P, R, 0.9, rho)
    with pytest.raises(ValueError, match="pi must sum to 1"):
        m.value(np.array([[0.5, 0.6], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        M.random_mdp(3, 2, rng=0)
    with pytest.raises(ValueError, match="n_actions must be >= 2"):
        M.random_mdp(3, 1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="slip must be in"):
        M.gridworld(3, slip=1.0)
    with pytest.raises(ValueError, match="policy.n_actions must equal"):
        M.exact_objective(m, fl.rl.TabularSoftmax(2, 3), np.zeros(6))


def test_short_corridor_has_a_stochastic_optimum_in_its_class():
    import scipy.optimize

    mdp, policy = M.short_corridor(gamma=0.9), M.short_corridor_policy()
    J = lambda x: M.exact_objective(mdp, policy, np.array([0.0, x]))
    # the parametric policy is the table "right with probability p in every state"
    p = 0.3
    pi = np.tile([1 - p, p], (4, 1))
    assert J(np.log(p / (1 - p))) == pytest.approx(mdp.objective(pi), abs=1e-12)
    # both deterministic policies loop forever: J = -1 / (1 - gamma)
    assert J(-40.0) == pytest.approx(-10.0, abs=1e-9) and J(40.0) == pytest.approx(-10.0, abs=1e-9)
    best = scipy.optimize.minimize_scalar(lambda x: -J(x), bracket=(-1.0, 1.0), tol=1e-12)
    p_star = 1 / (1 + np.exp(-best.x))
    assert 0.55 < p_star < 0.65
    assert np.abs(M.exact_gradient(mdp, policy, np.array([0.0, best.x]))).max() < 1e-6
    assert J(best.x) > max(J(best.x - 0.1), J(best.x + 0.1))
    # the aliased class is far from the MDP's optimum, which sees the states (right, left, right)
    assert mdp.optimal_objective() == pytest.approx(-(1 + 0.9 + 0.81), abs=1e-9)
    assert J(best.x) < mdp.optimal_objective() - 1


def test_short_corridor_undiscounted_limit_matches_closed_form():
    # as gamma -> 1, -J tends to the expected number of steps to the goal from state 0. With
    # P(right) = p: V0 = 1/p + V1, V1 = 1 + p V0 + (1-p) V2, V2 = 1 + (1-p) V1 give
    # V0 = 2 (2 - p) / (p (1 - p)), smallest at p = 2 - sqrt(2) (Sutton & Barto 2018, Example 13.1)
    mdp, policy = M.short_corridor(gamma=1 - 1e-7), M.short_corridor_policy()
    for p in (0.3, 0.5, 0.6):
        J = M.exact_objective(mdp, policy, np.array([0.0, np.log(p / (1 - p))]))
        assert -J == pytest.approx(2 * (2 - p) / (p * (1 - p)), rel=1e-5)
