"""Vectorised environments and rollouts: the numpy CartPole against gymnasium's step for step,
the autoreset convention, finite-MDP sampling against exact transition probabilities."""

import numpy as np
import pytest

import fisherlab as fl
from fisherlab.rl import envs, rollouts


def test_numpy_cartpole_matches_gymnasium_step_for_step(rng):
    n = 6
    gym_env = envs.CartPole(n, backend="gymnasium")
    np_env = envs.CartPole(n)
    gym_env.reset(rng=np.random.default_rng(1))
    np_env.reset(rng=np.random.default_rng(1))
    np_env.state = gym_env._env.state.copy()  # same start
    checked = 0
    for _ in range(1500):
        a = rng.integers(0, 2, n)
        resetting = gym_env.needs_reset.copy()
        o1, r1, te1, tr1 = gym_env.step(a)
        o2, r2, te2, tr2 = np_env.step(a)
        live = ~resetting  # reset draws come from different generators; copy them over below
        assert np.array_equal(o1[live], o2[live])
        assert np.array_equal(r1, r2) and np.array_equal(te1, te2) and np.array_equal(tr1, tr2)
        np_env.state = gym_env._env.state.copy()
        checked += live.sum()
    assert checked > 8000
    assert gym_env.episode_returns == np_env.episode_returns and len(gym_env.episode_returns) > 100
    assert gym_env.total_steps == np_env.total_steps


def test_cartpole_truncates_at_500_and_autoresets():
    env = envs.CartPole(3, max_episode_steps=500)
    env.reset(rng=np.random.default_rng(0))
    pol = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    theta = np.zeros(10)
    theta[[1, 3, 5, 7]] = (0.5, 1.0, 10.0, 2.0)  # push right when the pole falls right: balances CartPole
    for t in range(500):
        obs, r, te, tr = env.step(pol.mode(theta, env.obs))
    assert tr.all() and not te.any() and env.needs_reset.all()
    assert env.episode_returns == [500.0] * 3
    obs, r, te, tr = env.step(np.zeros(3, dtype=int))  # the reset step: reward 0, fresh state
    assert np.all(r == 0) and np.all(np.abs(obs) <= 0.05) and env.total_steps == 1500
    np.testing.assert_array_equal(envs.evaluate(env, pol, theta, n_episodes=4, rng=np.random.default_rng(0)), 500.0)


def test_finite_mdp_env_transitions_match_P(rng):
    mdp = fl.rl.random_mdp(3, 2, rng=rng, gamma=0.9)
    env = envs.FiniteMDPEnv(mdp, 20_000, horizon=5)
    s0 = env.reset(rng=rng)
    np.testing.assert_allclose(np.bincount(s0, minlength=3) / 20_000, mdp.rho, atol=4 * 0.5 / np.sqrt(20_000))
    a = rng.integers(0, 2, 20_000)
    s1, r, te, tr = env.step(a)
    for s in range(3):
        for b in range(2):
            sel = (s0 == s) & (a == b)
            freq = np.bincount(s1[sel], minlength=3) / sel.sum()
            assert np.all(np.abs(freq - mdp.P[s, b]) < 4 * 0.5 / np.sqrt(sel.sum()))
    np.testing.assert_array_equal(r, mdp.R[s0, a])
    for _ in range(4):
        env.step(np.zeros(20_000, dtype=int))
    assert env.needs_reset.all() and len(env.episode_returns) == 20_000


def test_sample_episodes_and_returns(rng):
    mdp = fl.rl.river_swim(5)
    pol = fl.rl.TabularSoftmax(5, 2)
    ep = rollouts.sample_episodes(mdp, pol, np.zeros(10), n_episodes=4000, horizon=60, rng=rng)
    assert ep.states.shape == ep.actions.shape == ep.rewards.shape == (4000, 60)
    G = ep.rewards_to_go()
    np.testing.assert_allclose(G[:, 0], ep.returns())
    np.testing.assert_allclose(G[:, :-1], ep.rewards[:, :-1] + mdp.gamma * G[:, 1:])
    J = fl.rl.mdp.exact_objective(mdp, pol, np.zeros(10))
    rets = ep.returns()
    assert abs(rets.mean() - J) < 4 * rets.std() / np.sqrt(len(rets)) + mdp.gamma**60 / (1 - mdp.gamma)


def test_collect_batch_layout(rng):
    env = envs.CartPole(4)
    env.reset(rng=rng)
    pol = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    theta = rng.normal(size=10) * 0.1
    b = rollouts.collect(env, pol, theta, 50, rng=rng)
    assert b.obs.shape == (51, 4, 4) and b.actions.shape == b.rewards.shape == (50, 4)
    np.testing.assert_allclose(b.log_probs, pol.log_prob(theta, b.obs[:-1].reshape(-1, 4), b.actions.ravel()).reshape(50, 4))
    # a step after an episode's end is a reset step: not valid, no reward
    done = (b.terminated | b.truncated)[:-1]
    assert np.all(~b.valid[1:][done]) and np.all(b.rewards[~b.valid] == 0)
    assert b.n_steps == env.total_steps and b.episode_returns.size > 0


def test_env_bad_input(rng):
    with pytest.raises(ValueError, match="backend must be"):
        envs.CartPole(2, backend="torch")
    env = envs.CartPole(2)
    with pytest.raises(ValueError, match="call reset"):
        env.step([0, 1])
    env.reset(rng=rng)
    with pytest.raises(ValueError, match=r"actions must (be|contain) integers in \[0, 1\]"):
        env.step([0, 2])
    with pytest.raises(ValueError, match="mdp must be a FiniteMDP"):
        envs.FiniteMDPEnv("chain")
    with pytest.raises(ValueError, match="num_envs must be >= 1"):
        envs.FiniteMDPEnv(fl.rl.river_swim(), 0)
    with pytest.raises(ValueError, match="n_steps must be >= 1"):
        rollouts.collect(env, fl.rl.LinearSoftmax(2, n_features=4), np.zeros(8), 0, rng=rng)
