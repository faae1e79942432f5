"""PG, NPG and TRPO: one update rule with a switch; exact runs on finite MDPs, smoke runs on
sampled environments that assert learning happened, the trust region, bad input."""

import numpy as np
import pytest

import fisherlab as fl
from fisherlab.rl import algorithms as alg
from fisherlab.rl import envs
from fisherlab.rl import mdp as M


@pytest.fixture
def river():
    mdp = M.river_swim(5)
    return mdp, fl.rl.TabularSoftmax(5, 2)


@pytest.mark.parametrize("algo", ["pg", "npg", "trpo"])
def test_exact_runs_improve(river, algo):
    mdp, pol = river
    h = alg.run_exact(mdp, pol, pol.init_theta(), n_iters=30, config=alg.Config(algo=algo, lr=1.0, delta=0.05))
    assert h.returns.shape == (31,) and h.thetas.shape == (31, pol.dim) and h.kl.shape == (30,)
    assert h.returns[-1] > h.returns[0] + 0.1


def test_trpo_respects_the_trust_region_and_beats_pg(river):
    mdp, pol = river
    delta = 0.05
    trpo = alg.run_exact(mdp, pol, pol.init_theta(), n_iters=40, config=alg.Config(algo="trpo", delta=delta))
    pg = alg.run_exact(mdp, pol, pol.init_theta(), n_iters=40, config=alg.Config(algo="pg", lr=1.0))
    assert np.all(trpo.kl[trpo.accepted] <= delta + 1e-12)
    assert np.all(trpo.surrogate_gain[trpo.accepted] > 0)
    assert trpo.returns[-1] > pg.returns[-1]
    # every TRPO return is at least the previous one minus nothing catastrophic (monotone here)
    assert np.all(np.diff(trpo.returns) > -1e-3)


def test_npg_step_has_kl_delta_to_second_order(rng):
    mdp = M.random_mdp(4, 3, rng=rng, gamma=0.8)
    pol = fl.rl.TabularSoftmax(4, 3)
    theta = rng.normal(size=pol.dim)
    for delta in (1e-3, 1e-5):
        cfg = alg.Config(algo="npg", delta=delta, damping=0.0, cg_iters=pol.dim)
        _, info = alg.policy_update(theta, alg.exact_model(mdp, pol, theta), cfg)
        assert info.kl == pytest.approx(delta, rel=20 * np.sqrt(delta))


def test_npg_direction_is_the_natural_gradient(rng):
    """With damping 0 and enough CG iterations, the step is parallel to F^+ g.

    A softmax Fisher is singular (adding one vector to every action's weights leaves the policy
    unchanged), but g lies in its range and CG from 0 stays there: it finds F^+ g."""
    mdp = M.random_mdp(3, 2, rng=rng, gamma=0.8)
    pol = fl.rl.LinearSoftmax(2, features=rng.normal(size=(3, 2)))  # d = 4, rank F = 2
    theta = rng.normal(size=pol.dim)
    F = M.exact_fisher(mdp, pol, theta)
    g = M.exact_gradient(mdp, pol, theta)
    new, info = alg.policy_update(theta, alg.exact_model(mdp, pol, theta),
                                  alg.Config(algo="npg", damping=0.0, cg_iters=4))
    s = np.linalg.pinv(F) @ g
    step = new - theta
    np.testing.assert_allclose(step, np.sqrt(2 * 0.01 / (s @ F @ s)) * s, rtol=1e-6)


def test_sampled_gradient_matches_exact_on_average(rng):
    """The sampled local model's gradient, with exact advantages, is E_{d x pi}[A score]."""
    mdp = M.random_mdp(3, 2, rng=rng, gamma=0.5)
    pol = fl.rl.TabularSoftmax(3, 2)
    theta = rng.normal(size=pol.dim)
    pi = M.policy_table(mdp, pol, theta)
    d, A = mdp.state_distribution(pi), mdp.advantage(pi)
    n = 200_000
    s = rng.choice(3, size=n, p=d)
    a = pol.sample(theta, s, rng=rng)
    model = alg.sampled_model(pol, theta, s, a, A[s, a])
    g_exact = M.exact_gradient(mdp, pol, theta) * (1 - mdp.gamma)
    terms = pol.score(theta, s, a) * A[s, a][:, None]
    assert np.all(np.abs(model.grad - g_exact) < 4.5 * terms.std(axis=0) / np.sqrt(n) + 1e-12)
    vec = rng.normal(size=pol.dim)
    F = M.exact_fisher(mdp, pol, theta)
    assert np.max(np.abs(model.fvp(vec) - F @ vec)) < 0.02


@pytest.mark.parametrize("algo", ["pg", "npg", "trpo"])
def test_smoke_cartpole_learns(algo):
    cfg = alg.Config(algo=algo, num_envs=8, n_steps=64, lr=0.5)
    env = envs.CartPole(cfg.num_envs)
    pol = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    h = alg.run(env, pol, total_steps=6000, rng=np.random.default_rng(0), config=cfg, eval_every=0)
    first = np.nanmean(h.returns[:2])
    last = np.nanmean(h.returns[-3:])
    assert last > 1.5 * first, (first, last)
    assert h.env_steps[-1] >= 6000 and np.all(np.diff(h.env_steps) > 0)
    if algo == "trpo":
        assert np.all(h.kl[h.accepted] <= cfg.delta)


def test_smoke_finite_mdp_env_learns():
    mdp = M.gridworld(3, slip=0.1, gamma=0.9)
    pol = fl.rl.TabularSoftmax(9, 4)
    cfg = alg.Config(algo="trpo", num_envs=8, n_steps=50, gamma=0.9, delta=0.05)
    env = envs.FiniteMDPEnv(mdp, 8, horizon=50)
    h = alg.run(env, pol, total_steps=8000, rng=np.random.default_rng(0), config=cfg, eval_every=0)
    assert M.exact_objective(mdp, pol, h.thetas[-1]) > M.exact_objective(mdp, pol, h.thetas[0]) + 1.0


def test_history_steps_to():
    h = alg.History("trpo", eval_returns=[10.0, 480.0, 500.0], env_steps=[100, 200, 300])
    assert h.steps_to(475) == 200 and h.steps_to(501) is None


def test_bad_config():
    with pytest.raises(ValueError, match="algo must be one of"):
        alg.Config(algo="sac")
    with pytest.raises(ValueError, match="delta must be > 0"):
        alg.Config(delta=0.0)
    with pytest.raises(ValueError, match=r"backtrack_coeff must be in \(0, 1\)"):
        alg.Config(backtrack_coeff=1.0)
    with pytest.raises(ValueError, match="cg_iters must be >= 1"):
        alg.Config(cg_iters=0)
    with pytest.raises(ValueError, match="damping must be >= 0"):
        alg.Config(damping=-1.0)
    with pytest.raises(ValueError, match="env.num_envs must equal config.num_envs"):
        alg.run(envs.CartPole(2), fl.rl.LinearSoftmax(2, n_features=4), total_steps=10,
                rng=np.random.default_rng(0), config=alg.Config(num_envs=4))


def test_eval_until_stops_evaluating_but_not_training():
    cfg = alg.Config(algo="trpo", num_envs=8, n_steps=64)
    h = alg.run(envs.CartPole(8), fl.rl.LinearSoftmax(2, n_features=4, bias=True), total_steps=8000,
                rng=np.random.default_rng(0), config=cfg, eval_every=1, eval_episodes=3, eval_until=0.0)
    assert np.isfinite(h.eval_returns[0]) and np.all(np.isnan(h.eval_returns[1:]))
    assert h.env_steps[-1] >= 8000 and h.steps_to(0.0) == h.env_steps[0]
    # the evaluation's CPU time is recorded once, for the one evaluation, and never again
    assert h.eval_cpu.shape == h.kl.shape and h.eval_cpu[0] > 0 and np.all(h.eval_cpu == h.eval_cpu[0])


def test_eval_cpu_counts_only_the_evaluations():
    cfg = alg.Config(algo="trpo", num_envs=4, n_steps=32)
    kw = dict(total_steps=640, config=cfg, eval_episodes=4)
    none = alg.run(envs.CartPole(4), fl.rl.LinearSoftmax(2, n_features=4), rng=np.random.default_rng(0),
                   eval_every=0, **kw)
    every = alg.run(envs.CartPole(4), fl.rl.LinearSoftmax(2, n_features=4), rng=np.random.default_rng(0),
                    eval_every=1, **kw)
    assert np.all(none.eval_cpu == 0.0)
    assert np.all(np.diff(every.eval_cpu) > 0) and every.eval_cpu[0] > 0  # grows at every evaluation


@pytest.mark.parametrize("algo", ["pg", "npg", "trpo"])
@pytest.mark.parametrize("learn_log_std", [False, True])
def test_gaussian_policy_learns_a_linear_target(algo, learn_log_std):
    """A one-step continuous task, reward -(a - w* . x)^2: the sampled local model with a Gaussian
    policy drives the mean weights to w*."""
    rng = np.random.default_rng(0)
    w_star = np.array([1.0, -2.0])
    pol = fl.rl.LinearGaussian(n_features=2, log_std=-0.5, learn_log_std=learn_log_std)
    theta = pol.init_theta()
    cfg = alg.Config(algo=algo, lr=0.05, delta=0.05)
    err0 = np.linalg.norm(theta[:2] - w_star)
    for _ in range(40):
        x = rng.normal(size=(512, 2))
        a = pol.sample(theta, x, rng=rng)
        r = -((a[:, 0] - x @ w_star) ** 2)
        theta, info = alg.policy_update(theta, alg.sampled_model(pol, theta, x, a, r - r.mean()), cfg)
        if algo == "trpo":
            assert not info.accepted or info.kl <= cfg.delta
    assert np.linalg.norm(theta[:2] - w_star) < 0.3 * err0


def test_runs_are_deterministic_for_a_seed_and_evaluation_does_not_change_training():
    cfg = alg.Config(algo="trpo", num_envs=4, n_steps=32)
    pol = fl.rl.LinearSoftmax(2, n_features=4, bias=True)

    def go(eval_every):
        return alg.run(envs.CartPole(4), pol, total_steps=1000, rng=np.random.default_rng(7), config=cfg,
                       eval_every=eval_every, eval_episodes=2)

    a, b, c = go(1), go(1), go(0)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    np.testing.assert_array_equal(a.eval_returns, b.eval_returns)
    np.testing.assert_array_equal(a.thetas, c.thetas)  # evaluation uses its own child generator


def test_progress_bar_runs(river, capsys):
    mdp, pol = river
    h = alg.run_exact(mdp, pol, pol.init_theta(), n_iters=3, config=alg.Config(), progress=True)
    assert h.returns.shape == (4,)


def test_config_defaults_are_the_documented_ones():
    """The defaults are part of the API (Chapter 5 and the benchmarks quote them): TRPO's are
    Spinning Up's (delta, damping, CG and backtracking, gamma, lambda); PPO clips at 0.2 as
    Schulman et al. (2017) do."""
    import dataclasses

    defaults = {f.name: f.default for f in dataclasses.fields(alg.Config)}
    assert defaults == {
        "algo": "trpo", "delta": 0.01, "lr": 0.1, "damping": 0.1, "precondition": True,
        "cg_iters": 10, "backtrack_coeff": 0.8, "backtrack_iters": 10, "gamma": 0.99, "lam": 0.97,
        "num_envs": 16, "n_steps": 128, "normalize_advantages": True, "clip_ratio": 0.2,
        "epochs": 10, "n_minibatches": 4, "target_kl": None,
    }
