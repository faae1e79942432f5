"""Exact NPG, policy iteration, softmax PG, entropy-regularised NPG and (Q-)NPG with features
(fisherlab.rl.exact_pg): closed forms against the dense Fisher matrix, finite differences and the
course's CG; the convergence bounds on small MDPs; shapes; bad input. Figures (fisherlab.viz.npg)
are smoke-tested at the end."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import fisherlab as fl  # noqa: E402
from fisherlab.rl import exact_pg as E  # noqa: E402
from fisherlab.rl import mdp as M  # noqa: E402
from fisherlab.rl.assumptions import transfer_error  # noqa: E402


def small_mdps(rng):
    return [M.random_mdp(4, 3, rng=rng, gamma=0.8), M.gridworld(3, gamma=0.9), M.river_swim(4, gamma=0.9),
            M.short_corridor()]


def softmax_table(theta, S, A):
    z = np.asarray(theta).reshape(S, A)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def unreachable_mdp():
    """State 2 is never reached from rho = e_0 (states 0, 1 only move between themselves)."""
    P = np.zeros((3, 2, 3))
    P[0, 0, 0] = P[0, 1, 1] = P[1, 0, 0] = P[1, 1, 1] = 1.0
    P[2, :, 0] = 1.0
    R = np.array([[0.0, 1.0], [0.5, 0.2], [1.0, 0.0]])
    return fl.rl.FiniteMDP(P, R, 0.9, np.array([1.0, 0.0, 0.0]))


def entropy_soft_value(mdp, theta, tau):
    pi = softmax_table(theta, mdp.n_states, mdp.n_actions)
    return float(mdp.rho @ E.soft_values(mdp, pi, tau)[0])


# ---- the natural gradient in closed form -----------------------------------------------------
def test_npg_direction_is_the_pseudo_inverse_of_the_dense_fisher(rng):
    for mdp in small_mdps(rng):
        pol = fl.rl.TabularSoftmax(mdp.n_states, mdp.n_actions)
        theta = rng.normal(size=pol.dim)
        F, g = M.exact_fisher(mdp, pol, theta), M.exact_gradient(mdp, pol, theta)
        w = E.npg_direction(mdp, M.policy_table(mdp, pol, theta))
        assert w.shape == (pol.dim,)
        np.testing.assert_allclose(w, np.linalg.pinv(F, rcond=1e-13) @ g, atol=1e-9)
        np.testing.assert_allclose(F @ w, g, atol=1e-12)  # it solves F w = grad J


def test_npg_direction_equals_cg_with_the_fisher_operator(rng):
    mdp = M.gridworld(3, gamma=0.9)
    pol = fl.rl.TabularSoftmax(mdp.n_states, mdp.n_actions)
    theta = 0.5 * rng.normal(size=pol.dim)
    pi = M.policy_table(mdp, pol, theta)
    op = pol.fisher_operator(theta, np.arange(mdp.n_states), weights=mdp.state_distribution(pi))
    sol = fl.linalg.cg(op, M.exact_gradient(mdp, pol, theta), cg_iters=200, tol=1e-13)
    np.testing.assert_allclose(sol.x, E.npg_direction(mdp, pi), atol=1e-9)


def test_npg_direction_is_centred_advantage_and_zero_off_the_reachable_states(rng):
    mdp = unreachable_mdp()
    np.testing.assert_array_equal(E.reachable_states(mdp), [True, True, False])
    pol = fl.rl.TabularSoftmax(3, 2)
    theta = rng.normal(size=6)
    pi = M.policy_table(mdp, pol, theta)
    w = E.npg_direction(mdp, pi).reshape(3, 2)
    adv = mdp.advantage(pi)
    np.testing.assert_allclose(w[:2], (adv - adv.mean(axis=1, keepdims=True))[:2] / (1 - mdp.gamma), atol=1e-12)
    np.testing.assert_array_equal(w[2], 0.0)
    np.testing.assert_allclose(w.ravel(), np.linalg.pinv(M.exact_fisher(mdp, pol, theta), rcond=1e-13)
                               @ M.exact_gradient(mdp, pol, theta), atol=1e-9)


def test_npg_policy_update_is_the_parameter_step_along_f_plus_grad(rng):
    for mdp in small_mdps(rng):
        S, A = mdp.n_states, mdp.n_actions
        pol = fl.rl.TabularSoftmax(S, A)
        theta = rng.normal(size=pol.dim)
        pi = M.policy_table(mdp, pol, theta)
        for eta in (0.3, 2.0):
            w = np.linalg.pinv(M.exact_fisher(mdp, pol, theta), rcond=1e-13) @ M.exact_gradient(mdp, pol, theta)
            np.testing.assert_allclose(E.npg_policy_update(mdp, pi, eta), softmax_table(theta + eta * w, S, A),
                                       atol=1e-10)


def test_npg_policy_update_tends_to_the_greedy_step(rng):
    mdp = M.random_mdp(5, 3, rng=rng, gamma=0.9)
    pi = softmax_table(rng.normal(size=15), 5, 3)
    greedy = E.npg_policy_update(mdp, pi, np.inf)
    q = mdp.q_value(pi)
    np.testing.assert_array_equal(greedy.argmax(axis=1), q.argmax(axis=1))
    np.testing.assert_allclose(greedy.max(axis=1), 1.0)
    dist = [np.abs(E.npg_policy_update(mdp, pi, eta) - greedy).max() for eta in (1.0, 10.0, 100.0, 1e4)]
    assert np.all(np.diff(dist) < 0) and dist[-1] < 1e-8


def test_run_npg_improves_every_state_and_meets_agarwals_bound(rng):
    for mdp in small_mdps(rng):
        _, V_star = E.optimal_policy_value(mdp)
        for eta in (0.1, 1.0, 10.0):
            run = E.run_npg(mdp, eta=eta, n_iters=40)
            assert run.policies.shape == (41, mdp.n_states, mdp.n_actions) and run.objective.shape == (41,)
            V = np.einsum("tsa,tsa->ts", run.policies, run.q_values)
            assert np.all(np.diff(V, axis=0) >= -1e-12)  # V^(t+1)(s) >= V^(t)(s) at every state
            span = mdp.R.max() - mdp.R.min()
            bound = E.npg_bound(np.arange(1, 41), eta=eta, n_actions=mdp.n_actions, gamma=mdp.gamma,
                                reward_span=span)
            assert np.all(mdp.rho @ V_star - run.objective[1:] <= bound + 1e-12)


def test_run_npg_equals_repeated_policy_updates_and_ignores_rho(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    run = E.run_npg(mdp, eta=0.7, n_iters=5)
    pi = np.full((4, 3), 1 / 3)
    for t in range(5):
        pi = E.npg_policy_update(mdp, pi, 0.7)
        np.testing.assert_allclose(run.policies[t + 1], pi, atol=1e-12)
    other = fl.rl.FiniteMDP(mdp.P, mdp.R, mdp.gamma, np.array([1.0, 0, 0, 0]))
    np.testing.assert_allclose(E.run_npg(other, eta=0.7, n_iters=5).policies, run.policies, atol=1e-13)


def test_policy_iteration_reaches_the_optimum(rng):
    for mdp in small_mdps(rng):
        run = E.policy_iteration(mdp)
        assert run.n_iters <= 10 and np.all(np.diff(run.objective) >= -1e-12)
        pi_star, V_star = E.optimal_policy_value(mdp)
        np.testing.assert_allclose(V_star, mdp.optimal_value(), atol=1e-9)
        np.testing.assert_array_equal(pi_star.max(axis=1), 1.0)  # deterministic
        assert run.objective[-1] == pytest.approx(mdp.rho @ V_star, abs=1e-12)


def test_npg_bound_closed_form():
    T = np.array([1, 10, 100])
    np.testing.assert_allclose(E.npg_bound(T, eta=2.0, n_actions=4, gamma=0.9),
                               np.log(4) / (2.0 * T) + 100.0 / T)
    assert E.npg_bound(5, eta=1.0, n_actions=2, gamma=0.5, reward_span=2.0) == pytest.approx(np.log(2) / 5 + 8 / 5)


def test_fisher_condition_bounds_bracket_the_dense_condition_number(rng):
    for mdp in small_mdps(rng)[:3]:
        pol = fl.rl.TabularSoftmax(mdp.n_states, mdp.n_actions)
        theta = 1.5 * rng.normal(size=pol.dim)
        ev = np.linalg.eigvalsh(M.exact_fisher(mdp, pol, theta))
        ev = ev[ev > 1e-12 * ev.max()]
        kappa = np.log10(ev.max() / ev.min())
        lo, hi = E.fisher_condition_bounds(mdp, np.log(M.policy_table(mdp, pol, theta)))
        assert lo - 1e-9 <= kappa <= hi + 1e-9


# ---- vanilla softmax PG --------------------------------------------------------------------------
def test_softmax_pg_gradient_closed_form(rng):
    for mdp in small_mdps(rng):
        pol = fl.rl.TabularSoftmax(mdp.n_states, mdp.n_actions)
        theta = rng.normal(size=pol.dim)
        g = E.softmax_pg_gradient(mdp, M.policy_table(mdp, pol, theta))
        np.testing.assert_allclose(g, M.exact_gradient(mdp, pol, theta), atol=1e-12)
        e = 1e-6 * np.eye(pol.dim)[3]
        fd = (M.exact_objective(mdp, pol, theta + e) - M.exact_objective(mdp, pol, theta - e)) / 2e-6
        assert g[3] == pytest.approx(fd, abs=1e-7)


def test_softmax_pg_ascends_and_meets_the_lojasiewicz_and_rate_bounds(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.7)
    pi_star, V_star = E.optimal_policy_value(mdp)
    L = E.pg_smoothness(mdp)
    assert L == pytest.approx(8 * (mdp.R.max() - mdp.R.min()) / 0.3**3)
    run = E.run_softmax_pg(mdp, lr=1 / L, n_iters=300)
    assert run.grad_norms.shape == (301,)
    # ascent lemma with eta = 1/L: J(t+1) - J(t) >= (eta / 2) ||grad||^2
    assert np.all(np.diff(run.objective) >= run.grad_norms[:-1] ** 2 / (2 * L) - 1e-14)
    for t in (0, 100, 300):
        assert run.grad_norms[t] >= E.pg_lojasiewicz_bound(mdp, run.policies[t], pi_star) * (1 - 1e-9)
    bound = E.pg_rate_bound(mdp, run, pi_star)
    gap = mdp.rho @ V_star - run.objective
    assert bound.shape == (301,) and bound[0] == pytest.approx(gap[0])
    assert np.all(gap <= bound + 1e-12) and bound[-1] < bound[0]
    fast = E.run_softmax_pg(mdp, lr=1.0, n_iters=5)
    with pytest.raises(ValueError, match="run.eta must be <= 1/L"):
        E.pg_rate_bound(mdp, fast, pi_star)


# ---- entropy regularisation ------------------------------------------------------------------------
def test_soft_values_with_tau_zero_are_the_values_and_solve_the_soft_bellman_equation(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    pi = softmax_table(rng.normal(size=12), 4, 3)
    V0, Q0 = E.soft_values(mdp, pi, 0.0)
    np.testing.assert_allclose(V0, mdp.value(pi), atol=1e-12)
    np.testing.assert_allclose(Q0, mdp.q_value(pi), atol=1e-12)
    V, Q = E.soft_values(mdp, pi, 0.3)
    np.testing.assert_allclose(V, (pi * (Q - 0.3 * np.log(pi))).sum(axis=1), atol=1e-12)


def test_soft_value_iteration_fixed_point_and_small_tau_limit(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    tau = 0.2
    Q = E.soft_value_iteration(mdp, tau)
    pi = softmax_table(Q / tau, 4, 3)
    np.testing.assert_allclose(E.soft_values(mdp, pi, tau)[1], Q, atol=1e-10)  # pi_tau* is soft-greedy
    Q_small = E.soft_value_iteration(mdp, 1e-3)
    q_star = mdp.R + mdp.gamma * mdp.P @ E.optimal_policy_value(mdp)[1]
    assert np.max(np.abs(Q_small - q_star)) <= 1e-3 * np.log(3) / (1 - mdp.gamma) + 1e-9


def test_entropy_npg_is_the_natural_step_on_the_regularised_value(rng):
    mdp = M.random_mdp(3, 2, rng=rng, gamma=0.8)
    pol = fl.rl.TabularSoftmax(3, 2)
    theta, tau, eta = rng.normal(size=6), 0.3, 0.4
    # gradient of V_tau(rho) by central differences, natural step with the dense Fisher
    g = np.array([(entropy_soft_value(mdp, theta + 1e-6 * e, tau) - entropy_soft_value(mdp, theta - 1e-6 * e, tau))
                  / 2e-6 for e in np.eye(6)])
    step = np.linalg.pinv(M.exact_fisher(mdp, pol, theta), rcond=1e-12) @ g
    run = E.run_entropy_npg(mdp, eta=eta, tau=tau, n_iters=1, theta0=theta)
    np.testing.assert_allclose(run.policies[1], softmax_table(theta + eta * step, 3, 2), atol=1e-7)


def test_entropy_npg_at_the_largest_step_is_soft_policy_iteration_and_meets_cens_bound(rng):
    for mdp in small_mdps(rng)[:3]:
        tau = 0.2
        q_star = E.soft_value_iteration(mdp, tau)
        big = (1 - mdp.gamma) / tau
        run = E.run_entropy_npg(mdp, eta=big, tau=tau, n_iters=3)
        np.testing.assert_allclose(run.policies[1], softmax_table(run.q_values[0] / tau, mdp.n_states,
                                                                  mdp.n_actions), atol=1e-12)
        for eta in (0.2 * big, big):
            run = E.run_entropy_npg(mdp, eta=eta, tau=tau, n_iters=30)
            b = E.entropy_npg_bound(mdp, run, q_star, tau)
            err_q = np.abs(run.q_values[1:] - q_star).max(axis=(1, 2))
            log_star = np.log(softmax_table(q_star / tau, mdp.n_states, mdp.n_actions))
            err_log = np.abs(run.log_policies[1:] - log_star).max(axis=(1, 2))
            assert b.q.shape == (30,) and b.c1 > 0
            assert np.all(err_q <= b.q + 1e-9) and np.all(err_log <= b.log_pi + 1e-9)


# ---- function approximation ------------------------------------------------------------------------
def linear_case(rng):
    mdp = M.random_mdp(5, 3, rng=rng, gamma=0.8)
    pol = fl.rl.LinearSoftmax(3, features=rng.normal(size=(5, 2)), bias=True)
    return mdp, pol


def test_feature_table_reads_the_logits(rng):
    mdp, pol = linear_case(rng)
    phi = E.feature_table(mdp, pol)
    theta = rng.normal(size=pol.dim)
    assert phi.shape == (5, 3, pol.dim)
    np.testing.assert_allclose(phi @ theta, pol.logits(theta, np.arange(5)), atol=1e-12)


def test_compatible_fit_is_the_natural_gradient_with_the_dense_fisher(rng):
    mdp, pol = linear_case(rng)
    theta = rng.normal(size=pol.dim)
    F, g = M.exact_fisher(mdp, pol, theta), M.exact_gradient(mdp, pol, theta)
    w = E.compatible_fit(mdp, pol, theta)
    np.testing.assert_allclose(w, (1 - mdp.gamma) * np.linalg.pinv(F, rcond=1e-12) @ g, atol=1e-9)
    w_damped = E.compatible_fit(mdp, pol, theta, damping=0.1)
    np.testing.assert_allclose(w_damped, (1 - mdp.gamma) * np.linalg.solve(F + 0.1 * np.eye(pol.dim), g),
                               atol=1e-10)
    # the tabular case: the fit is the centred advantage (the state-wise constant is the null space)
    tab = fl.rl.TabularSoftmax(5, 3)
    th = rng.normal(size=15)
    np.testing.assert_allclose(E.compatible_fit(mdp, tab, th),
                               (1 - mdp.gamma) * E.npg_direction(mdp, M.policy_table(mdp, tab, th)), atol=1e-9)


def test_q_fit_satisfies_the_normal_equations(rng):
    mdp, pol = linear_case(rng)
    theta = rng.normal(size=pol.dim)
    pi = M.policy_table(mdp, pol, theta)
    nu = mdp.state_distribution(pi)[:, None] * pi
    phi = E.feature_table(mdp, pol)
    w = E.compatible_fit(mdp, pol, theta, target="q")
    resid = mdp.q_value(pi) - phi @ w
    np.testing.assert_allclose(np.einsum("sa,sak->k", nu * resid, phi), 0.0, atol=1e-10)


def test_linear_npg_with_tabular_features_is_tabular_npg(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    tab = fl.rl.TabularSoftmax(4, 3)
    lin = E.run_linear_npg(mdp, tab, eta=2.0, n_iters=6)
    ref = E.run_npg(mdp, eta=2.0 * (1 - mdp.gamma), n_iters=6)
    assert lin.thetas.shape == (7, 12) and lin.directions.shape == (6, 12)
    np.testing.assert_allclose(lin.policies, ref.policies, atol=1e-10)


def test_npg_regret_bound_holds_and_errors_are_bounded_by_the_transfer_error(rng):
    mdp, pol = linear_case(rng)
    pi_star, _ = E.optimal_policy_value(mdp)
    for target in ("advantage", "q"):
        run = E.run_linear_npg(mdp, pol, eta=0.5, n_iters=25, target=target, damping=1e-3)
        rb = E.npg_regret_bound(mdp, pol, run, pi_star)
        assert rb.bound.shape == rb.average_gap.shape == rb.errors.shape == (25,)
        assert rb.kl0 == pytest.approx(np.log(3)) and rb.beta > 0
        assert np.all(rb.average_gap <= rb.bound + 1e-12)
    run = E.run_linear_npg(mdp, pol, eta=0.5, n_iters=10)
    rb = E.npg_regret_bound(mdp, pol, run, pi_star)
    eps = np.array([transfer_error(mdp, pol, th, pi_star=pi_star) for th in run.thetas[:10]])
    assert np.all(np.abs(rb.errors) <= np.sqrt(eps) + 1e-9)  # Jensen: |err_t| <= sqrt(eps_bias)


# ---- bad input -------------------------------------------------------------------------------------
def test_bad_input_raises(rng):
    mdp = M.random_mdp(3, 2, rng=rng)
    pi = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match="mdp must be a FiniteMDP"):
        E.npg_direction("mdp", pi)
    with pytest.raises(ValueError, match="pi entries must be > 0"):
        E.npg_direction(mdp, np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="pi must sum to 1"):
        E.npg_policy_update(mdp, np.full((3, 2), 0.4), 1.0)
    for bad in (0.0, -1.0, np.nan, "big"):
        with pytest.raises(ValueError, match="eta must be"):
            E.run_npg(mdp, eta=bad, n_iters=3)
    with pytest.raises(ValueError, match="eta must be > 0 and finite"):
        E.run_npg(mdp, eta=np.inf, n_iters=3)
    with pytest.raises(ValueError, match="n_iters must be >= 0"):
        E.run_npg(mdp, eta=1.0, n_iters=-1)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(3, 2\)"):
        E.run_npg(mdp, eta=1.0, n_iters=2, theta0=np.zeros(5))
    with pytest.raises(ValueError, match="n_iters must be integers >= 1"):
        E.npg_bound(0, eta=1.0, n_actions=2, gamma=0.9)
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\)"):
        E.npg_bound(3, eta=1.0, n_actions=2, gamma=1.0)
    with pytest.raises(ValueError, match="n_actions must be >= 2"):
        E.npg_bound(3, eta=1.0, n_actions=1, gamma=0.9)
    with pytest.raises(ValueError, match="lr must be > 0"):
        E.run_softmax_pg(mdp, lr=0.0, n_iters=3)
    with pytest.raises(ValueError, match="max_iters must be >= 1"):
        E.policy_iteration(mdp, max_iters=0)
    with pytest.raises(ValueError, match="tau must be > 0"):
        E.soft_value_iteration(mdp, 0.0)
    with pytest.raises(ValueError, match="tau must be >= 0"):
        E.soft_values(mdp, pi, -0.1)
    with pytest.raises(ValueError, match=r"eta must be <= \(1 - gamma\) / tau"):
        E.run_entropy_npg(mdp, eta=10.0, tau=0.1, n_iters=3)
    with pytest.raises(ValueError, match="run must be an ExactRun of run_entropy_npg"):
        E.entropy_npg_bound(mdp, E.run_npg(mdp, eta=1.0, n_iters=2), np.zeros((3, 2)), 0.1)
    with pytest.raises(ValueError, match="run must be an ExactRun of run_softmax_pg"):
        E.pg_rate_bound(mdp, E.run_npg(mdp, eta=1.0, n_iters=2), pi)
    with pytest.raises(ValueError, match="target must be one of"):
        E.compatible_fit(mdp, fl.rl.TabularSoftmax(3, 2), np.zeros(6), target="v")
    with pytest.raises(ValueError, match="damping must be >= 0"):
        E.run_linear_npg(mdp, fl.rl.TabularSoftmax(3, 2), eta=1.0, n_iters=2, damping=-1.0)
    with pytest.raises(ValueError, match="policy must be a LinearSoftmax or TabularSoftmax"):
        E.feature_table(mdp, fl.rl.LinearGaussian(n_features=1))
    with pytest.raises(ValueError, match="policy.n_actions must equal mdp.n_actions"):
        E.feature_table(mdp, fl.rl.TabularSoftmax(3, 3))
    with pytest.raises(ValueError, match="run must be an ExactRun of run_linear_npg"):
        E.npg_regret_bound(mdp, fl.rl.TabularSoftmax(3, 2), E.run_npg(mdp, eta=1.0, n_iters=2), pi)
    with pytest.raises(ValueError, match=r"log_pi must have shape \(3, 2\)"):
        E.fisher_condition_bounds(mdp, np.zeros((2, 2)))


# ---- figures (fisherlab.viz.npg): smoke tests that check the drawn data ---------------------------
@pytest.fixture
def _close_figures():
    yield
    plt.close("all")


def test_measured_vs_bound_draws_both_in_one_colour(_close_figures):
    from fisherlab.viz import npg as vn

    x = np.arange(1, 6)
    ax = vn.measured_vs_bound(x, {"a": 1.0 / x**2, "b": np.zeros(5)}, {"a": 1.0 / x, "extra": 2.0 / x}, logx=True)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    np.testing.assert_allclose(lines["a"].get_ydata(), 1.0 / x**2)
    np.testing.assert_allclose(lines["b"].get_ydata(), vn.FLOOR)  # zeros drawn at the floor
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--" and len(ln.get_xdata())]
    assert dashed[0].get_color() == lines["a"].get_color() and "extra" in lines
    assert ax.get_yscale() == "log" and ax.get_xscale() == "log"


def test_method_curves_colour_by_method_and_bounds(_close_figures):
    from fisherlab.viz import npg as vn

    g = np.array([1.0, 0.5, 0.25])
    ax = vn.method_curves({"PG, eta = 1": g, "PG, eta = 10": g / 2, "NPG": g / 4, "PI": np.array([1.0, 0.0]),
                           "Q-NPG": g}, bounds={"PG, eta = 1": g * 2}, title="t")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert lines["PG, eta = 1"].get_color() == lines["PG, eta = 10"].get_color() == vn.METHOD_STYLES["pg"]["color"]
    assert lines["PG, eta = 1"].get_linestyle() != lines["PG, eta = 10"].get_linestyle()
    assert lines["Q-NPG"].get_color() == vn.METHOD_STYLES["q-npg"]["color"]
    np.testing.assert_allclose(lines["PI"].get_ydata(), [1.0, vn.FLOOR])
    np.testing.assert_allclose(lines["bound for PG, eta = 1"].get_ydata(), g * 2)
    assert ax.get_xscale() == "symlog" and ax.get_title() == "t"


def test_direction_scatter_greedy_limit_plateaus_conditioning_bias(_close_figures):
    from fisherlab.viz import npg as vn

    x = np.linspace(-1, 1, 5)
    axes = vn.direction_scatter(x, x, 0.1 * x)
    np.testing.assert_allclose(axes[1].get_lines()[-1].get_ydata(), 0.1 * x)
    ax = vn.greedy_limit(np.array([1.0, 10.0]), {"m": np.array([0.5, 1e-3])})
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.5, 1e-3])
    ax = vn.plateau_lengths([4, 5, 6], {"PG": [5, 12, None], "NPG": [1, 1, 2]}, budget=100)
    labels = {ln.get_label(): ln for ln in ax.get_lines()}
    np.testing.assert_allclose(labels["PG"].get_ydata(), [5, 12])
    np.testing.assert_allclose(labels["PG: not within 100"].get_ydata(), [100])
    ax, right = vn.fisher_conditioning(np.arange(3), np.array([1.0, 0.1, 0.0]), np.array([1.0, 5, 9]),
                                       np.array([1.0, 6, 11]))
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [1, 5, 9])
    ax = vn.regularisation_bias(np.array([0.1, 1.0]), {"m": np.array([0.01, 0.5])}, np.array([0.2, 2.0]))
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.01, 0.5])
