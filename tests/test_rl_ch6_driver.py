"""Chapter 8 (policy-gradient convergence II): the vectorised driver, pinned at the level of the algorithm.

The recording tests log every parameter at which the driver samples trajectories and evaluates
the estimators, and check them against the points of Algorithms 1 and 2: the extrapolated point
of N-PG-IGT and the uniform point of (N)-HARPG. Evaluating N-PG-IGT's gradient at theta_t, or the
Hessian of HARPG at theta_t instead of theta_hat_t, fails them. The batched problems are held
against the one-row estimators of `second_order`, and the statistics of many runs against cases
with known answers.
"""

import numpy as np
import pytest

import fisherlab as fl
from fisherlab.rl import convergence as cv
from fisherlab.rl import lqr as L
from fisherlab.rl import rollouts as ro
from fisherlab.rl import second_order as so


@pytest.fixture
def finite():
    mdp = fl.rl.random_mdp(4, 2, rng=np.random.default_rng(0), gamma=0.8)
    return mdp, fl.rl.TabularSoftmax(4, 2)


class Recorder(cv.BatchProblem):
    """A problem that logs the parameters of every call before delegating to ``inner``."""

    def __init__(self, inner):
        self.inner, self.dim = inner, inner.dim
        self.sampled, self.grad_at, self.hess_at, self.hess_vecs = [], [], [], []

    def sample(self, thetas, sizes, rngs):
        self.sampled.append(np.array(thetas, dtype=float))
        return self.inner.sample(thetas, sizes, rngs)

    def gradient(self, thetas, batch, *, baseline):
        self.grad_at.append(np.array(thetas, dtype=float))
        return self.inner.gradient(thetas, batch, baseline=baseline)

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        self.hess_at.append(np.array(thetas, dtype=float))
        self.hess_vecs.append(np.array(vecs, dtype=float))
        return self.inner.hessian_vector(thetas, batch, vecs, first_term=first_term, baseline=baseline)

    def env_steps(self, batch):
        return self.inner.env_steps(batch)

    def mean_return(self, batch):
        return self.inner.mean_return(batch)


class Quadratic(cv.BatchProblem):
    """J = -1/2 (theta - c)^T A (theta - c) with exact gradients and Hessian-vector products."""

    def __init__(self, A, c):
        self.A, self.c, self.dim = np.asarray(A, float), np.asarray(c, float), len(c)

    def sample(self, thetas, sizes, rngs):
        return None

    def gradient(self, thetas, batch, *, baseline):
        return -(np.asarray(thetas) - self.c) @ self.A.T

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        return -np.asarray(vecs) @ self.A.T

    def env_steps(self, batch):
        return np.zeros(1, dtype=np.int64)

    def mean_return(self, batch):
        return np.zeros(1)

    def objective(self, thetas):
        x = np.asarray(thetas) - self.c
        return -0.5 * np.einsum("ni,ij,nj->n", x, self.A, x)


def _finite_problem(finite, H=8):
    mdp, policy = finite
    return cv.FiniteMDPProblem(mdp, policy, H)


# ---- the points of Algorithms 1 and 2 ---------------------------------------------------------------
def test_igt_samples_and_estimates_at_the_extrapolated_point(finite):
    rec = Recorder(_finite_problem(finite))
    T = 25
    seeds = [3, 4]
    runs = cv.run_batch(rec, np.zeros(8), T, cv.Config("n-pg-igt", 0.7, batch_size=3),
                        rngs=[np.random.default_rng(s) for s in seeds], eval_points=[0])
    _, eta = cv.step_sizes("n-pg-igt", np.arange(T), 0.7)
    assert len(rec.sampled) == T and len(rec.grad_at) == T
    np.testing.assert_array_equal(rec.sampled[0], runs.thetas[:, 0])
    for t in range(1, T):
        th, prev = runs.thetas[:, t], runs.thetas[:, t - 1]
        tilde = th + (1 - eta[t]) / eta[t] * (th - prev)  # Algorithm 1, line 2
        np.testing.assert_allclose(rec.sampled[t], tilde, rtol=0, atol=1e-12)
        np.testing.assert_allclose(rec.grad_at[t], tilde, rtol=0, atol=1e-12)
        assert np.linalg.norm(tilde - th) > 1e-3  # the extrapolation is not negligible


def test_plain_momentum_ablation_samples_at_theta_t(finite):
    rec = Recorder(_finite_problem(finite))
    runs = cv.run_batch(rec, np.zeros(8), 10, cv.Config("n-pg-igt", 0.7, batch_size=3, extrapolate=False),
                        rngs=[np.random.default_rng(1)], eval_points=[0])
    for t in range(10):
        np.testing.assert_array_equal(rec.sampled[t], runs.thetas[:, t])


@pytest.mark.parametrize("method", ["harpg", "n-harpg"])
def test_hessian_is_sampled_and_evaluated_at_a_uniform_point(method, finite):
    rec = Recorder(_finite_problem(finite))
    T, seeds = 120, [5, 6, 7]
    runs = cv.run_batch(rec, np.zeros(8), T, cv.Config(method, 0.3, batch_size=2, hess_batch_size=2),
                        rngs=[np.random.default_rng(s) for s in seeds], eval_points=[0], record=True)
    # calls alternate: gradient batch (t = 0), then gradient batch and Hessian batch for t >= 1
    assert len(rec.hess_at) == T - 1 and len(rec.sampled) == 2 * T - 1
    qs = []
    for t in range(1, T):
        th, prev = runs.thetas[:, t], runs.thetas[:, t - 1]
        hat = rec.hess_at[t - 1]
        np.testing.assert_array_equal(rec.sampled[2 * t], hat)  # the Hessian batch is drawn at theta_hat
        np.testing.assert_allclose(rec.hess_vecs[t - 1], th - prev, rtol=0, atol=1e-14)  # applied to the step
        np.testing.assert_array_equal(rec.grad_at[t], th)  # HARPG's gradient at theta_t
        np.testing.assert_allclose(runs.theta_hat[:, t], hat, rtol=0, atol=0)
        step = th - prev
        q = np.einsum("nd,nd->n", hat - prev, step) / np.einsum("nd,nd->n", step, step)
        np.testing.assert_allclose(hat, prev + q[:, None] * step, rtol=0, atol=1e-12)  # on the segment
        qs.extend(q)
    qs = np.array(qs)
    assert np.all((qs >= 0) & (qs <= 1))
    # q_t ~ U[0, 1]: mean, spread and the Kolmogorov-Smirnov distance of 357 draws
    ks = np.max(np.abs(np.sort(qs) - (np.arange(1, qs.size + 1) - 0.5) / qs.size))
    assert abs(qs.mean() - 0.5) < 0.06 and 0.05 < qs.std() and ks < 0.08
    assert np.mean(qs > 0.999) < 0.01


def test_hessian_at_theta_t_ablation(finite):
    rec = Recorder(_finite_problem(finite))
    runs = cv.run_batch(rec, np.zeros(8), 12, cv.Config("harpg", 0.3, batch_size=2, hessian_point="current"),
                        rngs=[np.random.default_rng(2)], eval_points=[0])
    for t in range(1, 12):
        np.testing.assert_array_equal(rec.hess_at[t - 1], runs.thetas[:, t])


def test_igt_direction_is_the_exact_gradient_on_a_quadratic():
    # with exact gradients, IGT's momentum is exactly grad J(theta_t) on a quadratic (the point of
    # the extrapolation: the first-order staleness of the average cancels)
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    problem = Quadratic(A, [1.0, -2.0])
    runs = cv.run_batch(problem, np.zeros(2), 30, cv.Config("n-pg-igt", 0.5), rngs=[np.random.default_rng(0)],
                        eval_points=[0, 30])
    for t in range(30):
        np.testing.assert_allclose(runs.directions[0, t], problem.gradient(runs.thetas[:, t], None, baseline=None)[0],
                                   rtol=1e-10, atol=1e-12)
    plain = cv.run_batch(problem, np.zeros(2), 30, cv.Config("n-pg-igt", 0.5, extrapolate=False),
                         rngs=[np.random.default_rng(0)], eval_points=[0])
    lag = [np.linalg.norm(plain.directions[0, t] - problem.gradient(plain.thetas[:, t], None, baseline=None)[0])
           for t in range(1, 30)]
    assert max(lag) > 1e-2  # without it, the average lags behind


@pytest.mark.parametrize("method", ["harpg", "n-harpg"])
def test_harpg_direction_is_the_exact_gradient_on_a_quadratic(method):
    A = np.array([[1.5, -0.3], [-0.3, 0.7]])
    problem = Quadratic(A, [0.5, 1.0])
    runs = cv.run_batch(problem, np.zeros(2), 25, cv.Config(method, 0.2), rngs=[np.random.default_rng(0)],
                        eval_points=[0])
    for t in range(25):
        np.testing.assert_allclose(runs.directions[0, t], problem.gradient(runs.thetas[:, t], None, baseline=None)[0],
                                   rtol=1e-10, atol=1e-12)


def test_pg_steps_along_each_fresh_gradient(finite):
    rec = Recorder(_finite_problem(finite))
    runs = cv.run_batch(rec, np.zeros(8), 6, cv.Config("pg", 0.5, batch_size=3), rngs=[np.random.default_rng(4)],
                        eval_points=[0])
    np.testing.assert_allclose(np.diff(runs.thetas[0], axis=0), 0.5 * runs.directions[0], atol=1e-14)
    assert not rec.hess_at


# ---- rows of a batch are runs of their seed ----------------------------------------------------------
def test_a_row_of_a_batch_is_the_run_of_its_seed(finite):
    mdp, policy = finite
    H = 8
    sample = lambda th, n, rng: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=H, rng=rng)
    configs = {m: cv.Config(m, 0.5, batch_size=2, hess_batch_size=2) for m in cv.METHODS}
    groups = cv.run_groups(cv.FiniteMDPProblem(mdp, policy, H), np.zeros(8), 15, configs, seeds=[11, 12],
                           eval_points=[0, 15])
    for m, runs in groups.items():
        for k, seed in enumerate([11, 12]):
            alone = cv.run(sample, policy, np.zeros(8), 15, configs[m], rng=np.random.default_rng(seed))
            np.testing.assert_allclose(runs.thetas[k], alone.thetas, rtol=0, atol=1e-10)
            np.testing.assert_array_equal(runs.env_steps[k], alone.env_steps)


def test_run_batch_is_deterministic_and_mixes_methods(finite):
    problem = _finite_problem(finite)
    configs = [cv.Config(m, 0.5, batch_size=2) for m in cv.METHODS]
    a, b = (cv.run_batch(problem, np.zeros(8), 10, configs, rngs=[np.random.default_rng(i) for i in range(4)])
            for _ in range(2))
    np.testing.assert_array_equal(a.thetas, b.thetas)
    assert a.thetas.shape == (4, 11, 8) and a.directions.shape == (4, 10, 8) and a.objective.shape == (4, 11)
    assert np.all(np.isfinite(a.objective)) and [c.method for c in a.configs] == list(cv.METHODS)
    h = a.history(2)
    assert h.method == "harpg" and h.diverged_at == -1 and h.thetas.shape == (11, 8)


def test_diverged_runs_stop(finite):
    task = L.example_lqr(gamma=0.7)
    problem = cv.LQRProblem(task, 10)
    runs = cv.run_batch(problem, np.zeros(2), 30, [cv.Config("pg", 0.001, batch_size=4), cv.Config("pg", 5.0, batch_size=4)],
                        rngs=[np.random.default_rng(0), np.random.default_rng(0)])
    assert runs.diverged.tolist() == [False, True]
    t = runs.diverged_at[1]
    assert 1 <= t <= 30 and not problem.feasible(runs.thetas[1, t][None])[0]
    assert np.all(np.isnan(runs.thetas[1, t + 1:])) and np.all(runs.objective[1, t:] == -np.inf)
    assert np.all(np.isfinite(runs.objective[1, :t])) and np.all(np.isfinite(runs.objective[0]))
    assert np.isinf(runs.gaps(task.optimal_objective())[1, -1])


def test_env_steps_count_both_batches(finite):
    problem = _finite_problem(finite, H=5)
    runs = cv.run_batch(problem, np.zeros(8), 4, [cv.Config("pg", 0.1, batch_size=3),
                                                  cv.Config("harpg", 0.1, batch_size=2, hess_batch_size=4)],
                        rngs=[np.random.default_rng(0), np.random.default_rng(1)], eval_points=[0])
    np.testing.assert_array_equal(runs.env_steps[0], [0, 15, 30, 45, 60])
    np.testing.assert_array_equal(runs.env_steps[1], [0, 10, 40, 70, 100])


# ---- the batched problems --------------------------------------------------------------------------
def _both(problem, sampled, thetas, sizes, vecs, seed=0):
    flags = np.array([True, False, True])[: len(thetas)]
    out = []
    for p in (problem, sampled):
        batch = p.sample(thetas, sizes, [np.random.default_rng(seed + i) for i in range(len(thetas))])
        out.append([p.gradient(thetas, batch, baseline=~flags), p.gradient(thetas, batch, baseline=flags),
                    p.hessian_vector(thetas, batch, vecs, first_term=flags, baseline=~flags),
                    p.hessian_vector(thetas, batch, vecs, first_term=~flags, baseline=flags),
                    p.env_steps(batch), p.mean_return(batch)])
    return out


def test_finite_mdp_problem_matches_the_one_row_estimators(finite):
    mdp, policy = finite
    H = 7
    rng = np.random.default_rng(1)
    thetas, vecs = rng.normal(size=(3, 8)), rng.normal(size=(3, 8))
    sampled = cv.SampledProblem(lambda th, n, r: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=H, rng=r),
                                policy)
    a, b = _both(cv.FiniteMDPProblem(mdp, policy, H), sampled, thetas, [3, 1, 4], vecs)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


def test_linear_softmax_problem_matches_the_one_row_estimators():
    rng = np.random.default_rng(2)
    mdp = fl.rl.random_mdp(3, 3, rng=rng, gamma=0.7)
    policy = fl.rl.LinearSoftmax(3, features=rng.normal(size=(3, 2)), bias=True)
    thetas, vecs = rng.normal(size=(2, policy.dim)), rng.normal(size=(2, policy.dim))
    sampled = cv.SampledProblem(lambda th, n, r: ro.sample_episodes(mdp, policy, th, n_episodes=n, horizon=6, rng=r),
                                policy)
    a, b = _both(cv.FiniteMDPProblem(mdp, policy, 6), sampled, thetas, [2, 3], vecs)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


def test_lqr_problem_matches_the_one_row_estimators():
    task = L.example_lqr(gamma=0.7)
    rng = np.random.default_rng(3)
    thetas = np.array([[0.0, 0.0], [-0.5, -1.0], [-1.0, -1.5]])
    vecs = rng.normal(size=(3, 2))
    sampled = cv.SampledProblem(lambda th, n, r: task.sample(th, n_episodes=n, horizon=9, rng=r), task.policy())
    a, b = _both(cv.LQRProblem(task, 9), sampled, thetas, [2, 3, 1], vecs)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)


def test_lqr_problem_with_process_noise_matches_lqr_sample():
    A, B = np.array([[0.9, 0.1], [0.0, 0.8]]), np.array([[0.0], [0.3]])
    task = L.LQR(A, B, np.eye(2), 0.2 * np.eye(1), gamma=0.6, sigma=0.4, W=0.05 * np.eye(2))
    sampled = cv.SampledProblem(lambda th, n, r: task.sample(th, n_episodes=n, horizon=5, rng=r), task.policy())
    thetas = np.array([[0.1, -0.2], [0.0, 0.3]])
    a, b = _both(cv.LQRProblem(task, 5), sampled, thetas, [2, 2], np.ones((2, 2)))
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)


def test_exact_objectives_and_gradients_of_the_problems(finite):
    mdp, policy = finite
    rng = np.random.default_rng(4)
    thetas = rng.normal(size=(3, 8))
    p = cv.FiniteMDPProblem(mdp, policy, 5)
    np.testing.assert_allclose(p.objective(thetas), [fl.rl.mdp.exact_objective(mdp, policy, th) for th in thetas])
    np.testing.assert_allclose(p.gradient_exact(thetas), [fl.rl.mdp.exact_gradient(mdp, policy, th) for th in thetas],
                               atol=1e-12)
    task = L.example_lqr(gamma=0.7)
    q = cv.LQRProblem(task, 5)
    gains = np.array([[0.0, 0.0], [-0.3, -0.8], [4.0, 4.0]])
    J = q.objective(gains)
    np.testing.assert_allclose(J[:2], [task.objective(task.gain(th)) for th in gains[:2]], rtol=1e-10)
    assert J[2] == -np.inf and q.feasible(gains).tolist() == [True, True, False]
    np.testing.assert_allclose(q.gradient_exact(gains[:2]), [task.gradient(task.gain(th)) for th in gains[:2]])
    assert np.all(np.isnan(q.gradient_exact(gains[2:])))
    assert cv.SampledProblem(lambda *a: None, policy).gradient_exact(thetas).shape == (3, 8)


def test_von_mises_bandit_estimators_are_unbiased():
    bandit = cv.VonMisesBandit([1.0, -0.5], kappa=1.5, gamma=0.6, horizon=6)
    theta, vec = np.array([0.3, 0.4]), np.array([1.0, -2.0])
    n = 20000
    batch = bandit.sample(theta[None], [n], [np.random.default_rng(5)])
    trunc = 1 - bandit.gamma**6  # J_H = (1 - gamma^H) J for a task with one state
    grad_h = trunc * bandit.gradient_exact(theta[None])[0]
    hess_h = -trunc * bandit.rho * np.cos(theta - bandit.targets) / (bandit.dim * (1 - bandit.gamma))  # diag of grad^2 J_H
    g = bandit.kappa * np.einsum("eh,ehd->ed", batch.R, np.sin(batch.dev))
    bv = np.array([bandit.hessian_vector(theta[None], _one(batch, i), vec[None], first_term=[True],
                                         baseline=[False])[0] for i in range(0, n, 500)])
    assert np.all(np.abs(g.mean(0) - grad_h) < 4 * g.std(0) / np.sqrt(n))
    np.testing.assert_allclose(bandit.gradient(theta[None], batch, baseline=[False])[0], g.mean(0))
    full = bandit.hessian_vector(theta[None], batch, vec[None], first_term=[True], baseline=[False])[0]
    per = _per_episode_bv(bandit, batch, theta, vec)
    assert np.all(np.abs(full - hess_h * vec) < 4 * per.std(0) / np.sqrt(n))
    assert bv.shape == (40, 2)
    c = bandit.constants()
    assert c["M_g"] == pytest.approx(1.5 * np.sqrt(2)) and c["mu_F"] == pytest.approx(1.5 * bandit.rho)
    assert bandit.optimal_objective() == pytest.approx(bandit.objective(bandit.targets[None])[0])


def _one(batch, i):
    from dataclasses import replace
    return replace(batch, dev=batch.dev[i:i + 1], R=batch.R[i:i + 1], returns=batch.returns[i:i + 1],
                   row=np.zeros(1, dtype=int), starts=np.zeros(1, dtype=int), sizes=np.ones(1, dtype=int))


def _per_episode_bv(bandit, batch, theta, vec):
    score = bandit.kappa * np.sin(batch.dev)
    G = np.einsum("eh,ehd->ed", batch.R, score)
    second = -bandit.kappa * np.einsum("eh,ehd->ed", batch.R, np.cos(batch.dev)) * vec
    return np.einsum("ehd,d->e", score, vec)[:, None] * G + second


def test_baseline_keeps_the_estimators_unbiased_and_reduces_variance(finite):
    mdp, policy = finite
    H = 6
    from fisherlab.rl import enumeration as en
    theta, vec = np.array([0.5, -0.5, 0.2, 0.1, -1.0, 1.0, 0.3, 0.0]), np.array([1.0, -1.0, 0.5, 0.0, 0.2, -0.2, 0.0, 1.0])
    exact_g = en.exact_gradient_h(mdp, policy, theta, H)
    eps = 1e-5
    exact_h = np.array([(en.exact_gradient_h(mdp, policy, theta + eps * e, H)
                         - en.exact_gradient_h(mdp, policy, theta - eps * e, H)) / (2 * eps) for e in np.eye(8)]).T
    rng = np.random.default_rng(6)
    g0, g1, b1 = [], [], []
    for _ in range(3000):  # independent batches of 4 trajectories
        traj = ro.sample_episodes(mdp, policy, theta, n_episodes=4, horizon=H, rng=rng)
        g0.append(so.gradient_estimate(policy, theta, traj).mean(0))
        g1.append(so.gradient_estimate(policy, theta, traj, baseline=True).mean(0))
        b1.append(so.hessian_vector_estimate(policy, theta, traj, vec, baseline=True).mean(0))
    g0, g1, b1 = map(np.array, (g0, g1, b1))
    se = lambda x: x.std(0) / np.sqrt(len(x))
    assert np.all(np.abs(g1.mean(0) - exact_g) < 4 * se(g1) + 1e-12)
    assert np.all(np.abs(b1.mean(0) - exact_h @ vec) < 4 * se(b1) + 1e-8)
    assert g1.var(0).sum() < g0.var(0).sum()
    one = ro.sample_episodes(mdp, policy, theta, n_episodes=1, horizon=H, rng=rng)
    np.testing.assert_array_equal(so.rewards_to_go(one, baseline=True), so.rewards_to_go(one))


# ---- schedules, configurations and tasks --------------------------------------------------------------
def test_warmup_ramps_the_schedule():
    gamma, eta = cv.Config("harpg", 0.5, warmup=4).schedule(10)
    base, base_eta = cv.step_sizes("harpg", np.arange(10), 0.5)
    np.testing.assert_allclose(gamma, base * np.minimum(1, (np.arange(10) + 1) / 5))
    np.testing.assert_array_equal(eta, base_eta)
    cfg = cv.Config("n-harpg", 1.0, batch_size=3)
    assert cfg.normalised and cfg.uses_hessian and cfg.n_hess == 3
    assert not cv.Config("pg").normalised and not cv.Config("n-pg-igt").uses_hessian


@pytest.mark.parametrize("name", cv.TASKS)
def test_chapter_tasks(name):
    task = cv.chapter_task(name, n_iters=100)
    assert task.horizon == int(np.ceil(np.log(101) / (1 - {"finite": 0.8, "lqr": 0.7, "corridor": 0.8,
                                                             "von-mises": 0.5}[name])))
    J0 = task.problem.objective(task.theta0[None])[0]
    assert J0 < task.J_star and set(task.batches) == set(cv.METHODS)
    n, nh = task.batches["harpg"]
    if name != "von-mises":  # one trajectory per estimate there, as in the theorems
        assert n + nh == task.batches["pg"][0]  # equal samples per iteration
    assert task.config("harpg", 0.1, baseline=True).baseline


def test_corridor_optimum_is_a_stationary_point():
    task = cv.chapter_task("corridor", n_iters=10)
    x = np.linspace(-2, 2, 401)
    J = task.problem.objective(np.stack([np.zeros_like(x), x], 1))
    assert J.max() <= task.J_star + 1e-12 and task.J_star - J.max() < 1e-4


# ---- statistics of many runs ---------------------------------------------------------------------------
def test_fit_slope_recovers_a_power_law():
    t = np.geomspace(10, 1000, 20)
    assert cv.fit_slope(t, 3 * t**-0.7) == pytest.approx(-0.7)
    with pytest.raises(ValueError, match="t and y must be > 0 and finite"):
        cv.fit_slope(t, -t)
    with pytest.raises(ValueError, match="same length"):
        cv.fit_slope(t, t[:3])


def test_slope_interval_covers_the_slope():
    rng = np.random.default_rng(0)
    t = np.geomspace(30, 3000, 25)
    Y = 2.0 * t**-0.5 * np.exp(rng.normal(scale=0.3, size=(20, t.size)))
    fit = cv.slope_interval(t, Y, rng=np.random.default_rng(1), n_boot=300, level=0.99)
    assert fit.low < -0.5 < fit.high and fit.high - fit.low < 0.2 and fit.level == 0.99
    assert fit.low <= fit.slope <= fit.high and fit.median.shape == t.shape
    np.testing.assert_allclose(np.exp(fit.intercept + fit.slope * np.log(t)), 2 * t**-0.5, rtol=0.3)
    a = cv.slope_interval(t, Y, rng=np.random.default_rng(1), n_boot=300, level=0.99)
    assert (a.slope, a.low, a.high) == (fit.slope, fit.low, fit.high)
    Y[:12, -1] = np.inf  # more than half diverged at the end: no slope
    assert np.isnan(cv.slope_interval(t, Y, rng=np.random.default_rng(1), n_boot=50).slope)
    with pytest.raises(ValueError, match="Y must have shape"):
        cv.slope_interval(t, Y[:, :3], rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        cv.slope_interval(t, Y, rng=1)


def test_median_interval_and_ratio():
    rng = np.random.default_rng(2)
    x = rng.lognormal(size=40)
    med, lo, hi = cv.median_interval(x, rng=np.random.default_rng(3))
    assert med == np.median(x) and lo <= med <= hi
    r, lo, hi = cv.median_ratio(0.25 * x, x, rng=np.random.default_rng(3))
    assert r == pytest.approx(0.25) and lo < 0.25 < hi
    assert cv.median_interval(np.r_[x, np.inf], rng=np.random.default_rng(3))[0] == np.median(np.r_[x, np.inf])
    with pytest.raises(ValueError, match="values must be 1-D"):
        cv.median_interval([1.0], rng=rng)
    with pytest.raises(ValueError, match="b must have a positive median"):
        cv.median_ratio(x, -x, rng=rng)
    with pytest.raises(ValueError, match="level must be in"):
        cv.median_ratio(x, x, rng=rng, level=1.5)


def test_fates():
    start = np.ones(6)
    end = np.array([np.inf, 1.5, 0.5, 0.5, 0.05, 0.0])
    g0, g1 = np.ones(6), np.array([np.nan, 0.1, 0.01, 0.4, 0.01, 0.0])
    f = cv.fates(start, end, g0, g1)
    assert f.tolist() == ["diverged", "worse than start", "trapped", "slow", "converging", "converging"]
    assert cv.fates(start, end).tolist()[2] == "slow"  # without gradients no plateau is detected
    assert set(cv.FATES) >= set(f)
    with pytest.raises(ValueError, match="start_gap must be finite and > 0"):
        cv.fates(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="start_grad and end_grad must be given together"):
        cv.fates(start, end, g0)


# ---- bad input ---------------------------------------------------------------------------------------
def test_bad_input(finite):
    mdp, policy = finite
    problem = _finite_problem(finite)
    with pytest.raises(ValueError, match="hessian_point must be one of"):
        cv.Config(hessian_point="middle")
    with pytest.raises(ValueError, match="warmup must be >= 0"):
        cv.Config(warmup=-1)
    with pytest.raises(ValueError, match="problem must be a BatchProblem"):
        cv.run_batch(object(), np.zeros(8), 2, cv.Config(), rngs=[np.random.default_rng(0)])
    with pytest.raises(ValueError, match="rngs must have one generator per row"):
        cv.run_batch(problem, np.zeros(8), 2, [cv.Config(), cv.Config()], rngs=[np.random.default_rng(0)])
    with pytest.raises(ValueError, match=r"rngs\[0\] must be a numpy.random.Generator"):
        cv.run_batch(problem, np.zeros(8), 2, cv.Config(), rngs=[0])
    with pytest.raises(ValueError, match=r"theta0 must have shape \(8,\) or \(1, 8\)"):
        cv.run_batch(problem, np.zeros(3), 2, cv.Config(), rngs=[np.random.default_rng(0)])
    with pytest.raises(ValueError, match="configs must be a Config or a non-empty sequence"):
        cv.run_batch(problem, np.zeros(8), 2, [], rngs=[])
    with pytest.raises(ValueError, match=r"eval_points must be integers in \[0, 2\]"):
        cv.run_batch(problem, np.zeros(8), 2, cv.Config(), rngs=[np.random.default_rng(0)], eval_points=[3])
    with pytest.raises(ValueError, match="theta0 must be feasible"):
        cv.run_batch(cv.LQRProblem(L.example_lqr(), 5), np.array([9.0, 9.0]), 2, cv.Config(),
                     rngs=[np.random.default_rng(0)])
    with pytest.raises(ValueError, match="configs must be a non-empty dict"):
        cv.run_groups(problem, np.zeros(8), 2, {}, seeds=[0])
    with pytest.raises(ValueError, match="seeds must contain at least one integer"):
        cv.run_groups(problem, np.zeros(8), 2, {"a": cv.Config()}, seeds=[])
    with pytest.raises(ValueError, match="policy must be a TabularSoftmax or a LinearSoftmax with a feature table"):
        cv.FiniteMDPProblem(mdp, fl.rl.LinearSoftmax(2, n_features=3), 5)
    with pytest.raises(ValueError, match="mdp must be a FiniteMDP"):
        cv.FiniteMDPProblem(None, policy, 5)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        cv.FiniteMDPProblem(mdp, policy, 0)
    with pytest.raises(ValueError, match="task must be an LQR"):
        cv.LQRProblem(mdp, 5)
    with pytest.raises(ValueError, match=r"thetas must have shape \(n, 8\)"):
        problem.probs(np.zeros(8))
    with pytest.raises(ValueError, match="kappa must be > 0"):
        cv.VonMisesBandit([0.0], kappa=0.0, gamma=0.5, horizon=3)
    with pytest.raises(ValueError, match=r"targets must have shape \(d,\)"):
        cv.VonMisesBandit(np.zeros((2, 2)), kappa=1.0, gamma=0.5, horizon=3)
    with pytest.raises(ValueError, match="name must be one of"):
        cv.chapter_task("cartpole", n_iters=10)
    with pytest.raises(ValueError, match="sample must be callable"):
        cv.SampledProblem(None, policy)
    with pytest.raises(ValueError, match=r"i must be <= 0"):
        cv.run_batch(problem, np.zeros(8), 2, cv.Config(), rngs=[np.random.default_rng(0)]).history(1)
