r"""Batched trajectories: fixed-horizon episodes of a finite MDP, and step batches of a vector env.

Two layouts, both vectorised over episodes or environment copies (the only Python loop is
over time):

* :class:`Episodes` (from :func:`sample_episodes`): ``N`` episodes of a
  :class:`~fisherlab.rl.mdp.FiniteMDP`, each exactly ``H`` steps, arrays of shape ``(N, H)``.
  The layout of the textbook estimators (REINFORCE, GPOMDP) and of Chapter 6.
* :class:`Batch` (from :func:`collect`): ``T`` consecutive steps of ``N`` environment copies,
  arrays ``(T, N)``; episodes run across batches and restart inside them. The layout of GAE
  and of TRPO on CartPole.

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .mdp import FiniteMDP

__all__ = ["Episodes", "sample_episodes", "Batch", "collect", "discounted_cumsum"]


def discounted_cumsum(rewards, gamma: float) -> np.ndarray:
    r"""Rewards-to-go along the last axis: :math:`G_t = \sum_{h\ge t}\gamma^{h-t} r_h`; same shape."""
    r = v.as_float_array("rewards", rewards)
    out = np.empty_like(r)
    acc = np.zeros(r.shape[:-1])
    for t in range(r.shape[-1] - 1, -1, -1):
        acc = r[..., t] + gamma * acc
        out[..., t] = acc
    return out


@dataclass(frozen=True)
class Episodes:
    r"""``N`` episodes of ``H`` steps: ``states``, ``actions`` (integers) and ``rewards``, each ``(N, H)``.

    Introduced in Chapter 5, "TRPO".
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    gamma: float

    @property
    def n_episodes(self) -> int:
        return self.states.shape[0]

    @property
    def horizon(self) -> int:
        return self.states.shape[1]

    @property
    def discounts(self) -> np.ndarray:
        r""":math:`\gamma^t`, shape ``(H,)``."""
        return self.gamma ** np.arange(self.horizon)

    def returns(self) -> np.ndarray:
        r"""Discounted returns :math:`\sum_t\gamma^t r_t` of each episode; shape ``(N,)``."""
        return self.rewards @ self.discounts

    def rewards_to_go(self) -> np.ndarray:
        r""":math:`G_t = \sum_{h\ge t}\gamma^{h-t} r_h`; shape ``(N, H)``."""
        return discounted_cumsum(self.rewards, self.gamma)


def sample_episodes(mdp: FiniteMDP, policy, theta, *, n_episodes: int, horizon: int,
                    rng: np.random.Generator) -> Episodes:
    r"""Sample ``n_episodes`` episodes of ``horizon`` steps of ``policy`` at ``theta`` on ``mdp``.

    :math:`s_0\sim\rho`, :math:`a_t\sim\pi_\theta(\cdot|s_t)`, :math:`s_{t+1}\sim P(\cdot|s_t,a_t)`.
    Estimates built from them are those of the discounted objective truncated at ``H``: the bias
    is at most :math:`\gamma^H r_\max/(1-\gamma)` per unit of reward.

    Introduced in Chapter 5, "TRPO".
    """
    N = v.check_int("n_episodes", n_episodes, minimum=1)
    H = v.check_int("horizon", horizon, minimum=1)
    rng = v.check_generator("rng", rng)
    cdf = np.cumsum(mdp.P, axis=2)
    states = np.empty((N, H), dtype=np.int64)
    actions = np.empty((N, H), dtype=np.int64)
    s = np.minimum(np.searchsorted(np.cumsum(mdp.rho), rng.random(N) * mdp.rho.sum(), side="right"), mdp.n_states - 1)
    for t in range(H):
        a = policy.sample(theta, s, rng=rng)
        states[:, t], actions[:, t] = s, a
        c = cdf[s, a]
        s = np.minimum((c < rng.random(N)[:, None] * c[:, -1:]).sum(axis=1), mdp.n_states - 1)
    return Episodes(states, actions, mdp.R[states, actions], mdp.gamma)


@dataclass(frozen=True)
class Batch:
    r"""``T`` steps of ``N`` environment copies.

    Attributes
    ----------
    obs : array of shape (T + 1, N, ...)
        ``obs[t]`` is where the action ``actions[t]`` was taken; ``obs[t + 1]`` what followed (at
        the end of an episode, its final observation).
    actions : array of shape (T, N, ...)
    rewards, log_probs : arrays of shape (T, N)
        Rewards and :math:`\log\pi_{\theta_\text{old}}(a_t|s_t)`.
    terminated, truncated : bool arrays of shape (T, N)
        The episode ended at this step: by the task (no bootstrap) or by the time limit
        (bootstrap from ``obs[t + 1]``).
    valid : bool array of shape (T, N)
        False at the autoreset steps of the environment (no real transition).
    episode_returns : array
        Undiscounted returns of the episodes completed during the batch.
    """

    obs: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    log_probs: np.ndarray
    terminated: np.ndarray
    truncated: np.ndarray
    valid: np.ndarray
    episode_returns: np.ndarray

    @property
    def n_steps(self) -> int:
        """Number of real environment steps in the batch."""
        return int(self.valid.sum())


def collect(env, policy, theta, n_steps: int, *, rng: np.random.Generator) -> Batch:
    r"""Run ``policy`` at ``theta`` for ``n_steps`` steps in every copy of ``env`` (a vector env of
    :mod:`fisherlab.rl.envs`, already reset); returns a :class:`Batch` of shape ``(T, N)``.

    Introduced in Chapter 5, "TRPO".
    """
    T = v.check_int("n_steps", n_steps, minimum=1)
    rng = v.check_generator("rng", rng)
    theta = policy.check_theta(theta)
    obs0 = env.obs
    N = env.num_envs
    obs = np.empty((T + 1,) + obs0.shape, dtype=obs0.dtype)
    actions = None
    rewards = np.empty((T, N))
    log_probs = np.empty((T, N))
    terminated = np.empty((T, N), dtype=bool)
    truncated = np.empty((T, N), dtype=bool)
    valid = np.empty((T, N), dtype=bool)
    n_done_before = len(env.episode_returns)
    o = policy.check_states(obs0)
    for t in range(T):
        # theta and the first states are validated above; the environment's own observations
        # need no check inside the loop (the environment loop is the hot path)
        a = policy._sample(theta, o, rng)
        if actions is None:
            actions = np.empty((T,) + a.shape, dtype=a.dtype)
        obs[t], actions[t], valid[t] = o, a, ~env.needs_reset
        o, rewards[t], terminated[t], truncated[t] = env.step(a)
    obs[T] = o
    # log pi_old of every action, in one vectorised call after the loop
    flat = obs[:T].reshape((T * N,) + obs0.shape[1:])
    log_probs[:] = policy.log_prob(theta, flat, actions.reshape((T * N,) + actions.shape[2:])).reshape(T, N)
    return Batch(obs, actions, rewards, log_probs, terminated, truncated, valid,
                 np.asarray(env.episode_returns[n_done_before:], dtype=np.float64))
