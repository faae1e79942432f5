"""Chapters 7-8 (policy-gradient convergence): algorithms and assumptions: schedules, smoke runs of PG, N-PG-IGT, HARPG and N-HARPG
that must make progress, the unbiasedness of the HARPG correction, Proposition 1's bounds, the
Fisher facts, the transfer error and the gradient-domination inequality, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl import assumptions as asm
from fisherlab.rl import convergence as cv
from fisherlab.rl import enumeration as en
from fisherlab.rl import lqr as L
from fisherlab.rl import rollouts as ro
from fisherlab.rl import second_order as so


@pytest.fixture
def finite():
    mdp = fl.rl.random_mdp(4, 2, rng=np.random.default_rng(0), gamma=0.8)
    return mdp, fl.rl.TabularSoftmax(4, 2)


def test_schedules():
    t = np.arange(6)
    lr, eta = cv.step_sizes("n-pg-igt", t, 1.0)
    np.testing.assert_allclose(eta, (2 / (t + 2)) ** 0.8)
    np.testing.assert_allclose(lr, 2 / (t + 2))
    lr, eta = cv.step_sizes("harpg", t, 0.5)
    np.testing.assert_allclose(eta, 2 / (t + 2))
    np.testing.assert_allclose(lr, 0.5 * np.sqrt(2 / (t + 2)))
    lr, eta = cv.step_sizes("n-harpg", t, 0.5)
    np.testing.assert_allclose(lr, 1.0 / (t + 2))
    assert cv.step_sizes("harpg", 0, 1.0)[1] == 1.0  # eta_0 = 1: d_0 = g_0 for every method


@pytest.mark.parametrize("method", cv.METHODS)
def test_smoke_runs_make_progress_on_a_finite_mdp(method, finite):
    mdp, policy = finite
    ev = lambda th: fl.rl.mdp.exact_objective(mdp, policy, th)
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=15, rng=rng)
    h = cv.run(sample, policy, policy.init_theta(), 60, cv.Config(method=method, lr=1.0, batch_size=10),
               rng=np.random.default_rng(1), evaluate=ev)
    gap = mdp.optimal_objective() - h.objective
    assert gap[-1] < 0.6 * gap[0], (method, gap[0], gap[-1])
    assert h.thetas.shape == (61, 8) and np.all(np.diff(h.env_steps) > 0)
    per_iter = 150 if method in ("pg", "n-pg-igt") else 300
    assert h.env_steps[-1] == 150 + 59 * per_iter  # HARPG pays one extra batch after t = 0


@pytest.mark.parametrize("method", cv.METHODS)
def test_smoke_runs_make_progress_on_the_lqr(method):
    task = L.example_lqr(gamma=0.9, sigma=0.5)
    policy = task.policy()
    lr = {"pg": 0.003, "harpg": 0.001, "n-pg-igt": 0.3, "n-harpg": 0.3}[method]
    sample = lambda th, n, rng: task.sample(th, n_episodes=n, horizon=25, rng=rng)
    h = cv.run(sample, policy, policy.init_theta(), 60, cv.Config(method=method, lr=lr, batch_size=20),
               rng=np.random.default_rng(2), evaluate=lambda th: task.objective(task.gain(th)), eval_points=[0, 60])
    gap = task.optimal_objective() - h.objective[[0, 60]]
    assert gap[1] < 0.75 * gap[0], (method, gap)
    assert np.isnan(h.objective[1:60]).all()


def test_normalised_steps_have_length_gamma_t(finite):
    mdp, policy = finite
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=10, rng=rng)
    h = cv.run(sample, policy, policy.init_theta(), 12, cv.Config(method="n-harpg", lr=0.7), rng=np.random.default_rng(0))
    lengths = np.linalg.norm(np.diff(h.thetas, axis=0), axis=1)
    np.testing.assert_allclose(lengths, cv.step_sizes("n-harpg", np.arange(12), 0.7)[0])


def test_run_is_deterministic(finite):
    mdp, policy = finite
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=10, rng=rng)
    a, b = (cv.run(sample, policy, policy.init_theta(), 10, cv.Config(method="harpg", lr=1.0),
                   rng=np.random.default_rng(5)) for _ in range(2))
    np.testing.assert_array_equal(a.thetas, b.thetas)


def test_harpg_correction_is_unbiased_for_the_gradient_difference():
    # E_q E_tau[B(tau, theta_q)(theta_1 - theta_0)] = grad J_H(theta_1) - grad J_H(theta_0),
    # with the expectation over q by Gauss-Legendre quadrature and over tau by enumeration
    rng = np.random.default_rng(3)
    mdp = fl.rl.random_mdp(2, 2, rng=rng, gamma=0.8)
    policy = fl.rl.TabularSoftmax(2, 2)
    E = en.enumerate_trajectories(mdp, 4)
    th0, th1 = rng.normal(size=4), rng.normal(size=4)
    nodes, weights = np.polynomial.legendre.leggauss(30)
    q = (nodes + 1) / 2
    corr = sum(w / 2 * E.hessian_vector(policy, qi * th1 + (1 - qi) * th0, th1 - th0) for qi, w in zip(q, weights))
    np.testing.assert_allclose(corr, E.gradient(policy, th1) - E.gradient(policy, th0), atol=1e-10)
    biased = sum(w / 2 * E.hessian_vector(policy, qi * th1 + (1 - qi) * th0, th1 - th0, first_term=False)
                 for qi, w in zip(q, weights))
    assert np.linalg.norm(biased - corr) > 0.05 * np.linalg.norm(corr)


def test_proposition1_bounds_hold_on_enumeration():
    rng = np.random.default_rng(4)
    mdp = fl.rl.random_mdp(2, 2, rng=rng, gamma=0.7)
    policy = fl.rl.TabularSoftmax(2, 2)
    M_g, M_h = asm.softmax_constants(policy)
    H = 5
    c = asm.proposition1(r_max=float(np.abs(mdp.R).max()), gamma=mdp.gamma, M_g=M_g, M_h=M_h, horizon=H)
    E = en.enumerate_trajectories(mdp, H)
    for theta in rng.normal(scale=2.0, size=(5, 4)):
        assert np.linalg.norm(E.hessian(policy, theta), 2) <= c["L_g"]
        assert E.gradient_variance(policy, theta) <= c["sigma_g2"]
        assert E.hessian_variance(policy, theta) <= c["sigma_h2"]
        g, h = asm.measured_score_bounds(policy, theta, 2)
        assert g <= M_g and h <= M_h


@given(seed=st.integers(0, 1000), scale=st.floats(0.0, 4.0))
def test_softmax_constants_bound_every_theta(seed, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, 2))
    policy = fl.rl.LinearSoftmax(3, features=X)
    M_g, M_h = asm.softmax_constants(policy)
    g, h = asm.measured_score_bounds(policy, scale * rng.normal(size=policy.dim), 3)
    assert g <= M_g + 1e-12 and h <= M_h + 1e-12


def test_fisher_facts(finite):
    mdp, policy = finite
    rng = np.random.default_rng(0)
    E = asm.shift_directions(policy)
    theta = rng.normal(size=8)
    F = fl.rl.mdp.exact_fisher(mdp, policy, theta)
    np.testing.assert_allclose(F @ E.T, 0.0, atol=1e-12)  # shifts of the logits are invisible
    assert abs(asm.lambda_min(F)) < 1e-12
    lam = [asm.lambda_min(fl.rl.mdp.exact_fisher(mdp, policy, s * theta), exclude=E) for s in (0.0, 1.0, 4.0, 16.0)]
    assert lam[0] > 0.05 and all(a > b for a, b in zip(lam, lam[1:])) and lam[-1] < 1e-4  # decays to 0


def test_transfer_error_zero_for_tabular_positive_for_features(finite):
    mdp, policy = finite
    rng = np.random.default_rng(1)
    for theta in rng.normal(size=(3, 8)):
        assert asm.transfer_error(mdp, policy, theta) < 1e-20
    restricted = fl.rl.LinearSoftmax(2, features=rng.normal(size=(4, 1)))
    assert asm.transfer_error(mdp, restricted, rng.normal(size=2)) > 1e-4


@given(seed=st.integers(0, 1000))
def test_gradient_domination_holds(seed):
    rng = np.random.default_rng(seed)
    mdp = fl.rl.random_mdp(3, 2, rng=rng, gamma=0.8)
    for policy in (fl.rl.TabularSoftmax(3, 2), fl.rl.LinearSoftmax(2, features=rng.normal(size=(3, 2)))):
        r = asm.gradient_domination(mdp, policy, rng.normal(scale=1.5, size=policy.dim))
        assert r.gap >= -1e-12 and r.holds


def test_bad_input(finite):
    mdp, policy = finite
    with pytest.raises(ValueError, match="method must be one of"):
        cv.Config(method="sgd")
    with pytest.raises(ValueError, match="lr must be > 0"):
        cv.Config(lr=0.0)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        cv.Config(batch_size=0)
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=5, rng=rng)
    with pytest.raises(ValueError, match="n_iters must be >= 1"):
        cv.run(sample, policy, policy.init_theta(), 0, cv.Config(), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        cv.run(sample, policy, policy.init_theta(), 2, cv.Config(), rng=1)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(8,\)"):
        cv.run(sample, policy, np.zeros(3), 2, cv.Config(), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"eval_points must be integers in \[0, 2\]"):
        cv.run(sample, policy, policy.init_theta(), 2, cv.Config(), rng=np.random.default_rng(0),
               evaluate=lambda th: 0.0, eval_points=[5])
    with pytest.raises(ValueError, match="gamma must be in"):
        asm.proposition1(r_max=1.0, gamma=1.0, M_g=1.0, M_h=1.0, horizon=3)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        asm.proposition1(r_max=1.0, gamma=0.5, M_g=1.0, M_h=1.0, horizon=0)
    with pytest.raises(ValueError, match="policy must be a TabularSoftmax or LinearSoftmax"):
        asm.softmax_constants(fl.rl.LinearGaussian(n_features=2))


def test_harpg_direction_is_more_accurate_than_a_fresh_minibatch(finite):
    # the variance reduction of the recursive momentum: along HARPG's own iterates, d_t is closer
    # to grad J_H(theta_t) than a fresh minibatch gradient of the same cost (20 trajectories)
    mdp, policy = finite
    H = 15
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=H, rng=rng)
    h = cv.run(sample, policy, policy.init_theta(), 150, cv.Config(method="harpg", lr=1.0, batch_size=10),
               rng=np.random.default_rng(7))
    rng = np.random.default_rng(8)
    err_d, err_g = [], []
    for t in range(100, 150):
        exact = en.exact_gradient_h(mdp, policy, h.thetas[t], H)
        fresh = so.gradient_estimate(policy, h.thetas[t], sample(h.thetas[t], 20, rng)).mean(axis=0)
        err_d.append(np.linalg.norm(h.directions[t] - exact))
        err_g.append(np.linalg.norm(fresh - exact))
    assert np.mean(err_d) < 0.6 * np.mean(err_g), (np.mean(err_d), np.mean(err_g))


def test_run_seeds(finite):
    mdp, policy = finite
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=5, rng=rng)
    hs = cv.run_seeds(sample, policy, policy.init_theta(), 3, cv.Config(method="pg"), seeds=[3, 4])
    solo = cv.run(sample, policy, policy.init_theta(), 3, cv.Config(method="pg"), rng=np.random.default_rng(4))
    np.testing.assert_array_equal(hs[1].thetas, solo.thetas)
    with pytest.raises(ValueError, match="seeds must contain at least one integer"):
        cv.run_seeds(sample, policy, policy.init_theta(), 3, cv.Config(), seeds=[])


def test_softmax_l2_is_attained_and_bounds_the_third_derivative():
    policy = fl.rl.TabularSoftmax(2, 2)
    l2 = asm.softmax_l2(policy)
    assert l2 == pytest.approx(np.sqrt(6) / 9)
    p = (3 - np.sqrt(3)) / 6
    theta = np.array([0.0, np.log(p / (1 - p)), 0.0, 0.0])
    u = np.array([1.0, -1.0, 0.0, 0.0]) / np.sqrt(2)
    assert abs(asm.softmax_third_derivative(policy, theta, [0], u)[0]) == pytest.approx(l2, abs=1e-12)
    rng = np.random.default_rng(0)
    for _ in range(50):
        th, v = rng.normal(scale=2, size=4), rng.normal(size=4)
        assert np.all(np.abs(asm.softmax_third_derivative(policy, th, [0, 1], v / np.linalg.norm(v))) <= l2 + 1e-12)
    linear = fl.rl.LinearSoftmax(3, features=2.0 * np.eye(2))
    assert asm.softmax_l2(linear) == pytest.approx(8 * np.sqrt(6) / 9)


def test_softmax_third_derivative_matches_finite_differences():
    rng = np.random.default_rng(1)
    policy = fl.rl.LinearSoftmax(3, features=rng.normal(size=(4, 2)), bias=True)
    theta, u = rng.normal(size=policy.dim), rng.normal(size=policy.dim)
    states, h = np.arange(4), 1e-5
    hess = lambda th: policy.hessian_log_prob(th, states, np.zeros(4, dtype=int))
    fd = np.einsum("nij,i,j->n", (hess(theta + h * u) - hess(theta - h * u)) / (2 * h), u, u)
    np.testing.assert_allclose(asm.softmax_third_derivative(policy, theta, states, u), fd, atol=1e-7)


def test_lemma1_bounds_the_change_of_the_exact_hessian():
    rng = np.random.default_rng(2)
    mdp = fl.rl.random_mdp(2, 2, rng=rng, gamma=0.7)
    policy = fl.rl.TabularSoftmax(2, 2)
    M_g, M_h = asm.softmax_constants(policy)
    L_h = asm.lemma1(r_max=float(np.abs(mdp.R).max()), gamma=mdp.gamma, M_g=M_g, M_h=M_h, l_2=asm.softmax_l2(policy))
    assert L_h == pytest.approx(float(np.abs(mdp.R).max()) * ((2 * np.sqrt(2) * M_g**3 + 3 * M_g * M_h)
                                                              * np.sqrt(1.7) / 0.3**2.5 + asm.softmax_l2(policy) / 0.09))
    E = en.enumerate_trajectories(mdp, 4)
    for _ in range(5):
        a, b = rng.normal(scale=2, size=(2, 4))
        assert np.linalg.norm(E.hessian(policy, a) - E.hessian(policy, b), 2) <= L_h * np.linalg.norm(a - b)
    with pytest.raises(ValueError, match="l_2 must be > 0"):
        asm.lemma1(r_max=1.0, gamma=0.5, M_g=1.0, M_h=1.0, l_2=0.0)
    with pytest.raises(ValueError, match="policy must be a TabularSoftmax or LinearSoftmax"):
        asm.softmax_third_derivative(fl.rl.LinearGaussian(n_features=2), np.zeros(2), np.zeros((1, 2)), np.zeros(2))
