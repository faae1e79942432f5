r"""Batched trajectories: fixed-horizon episodes, and step batches of a vector env.

Two layouts, both vectorised over episodes or environment copies (the only Python loop is
over time):

* :class:`Episodes` (from :func:`sample_episodes` on a :class:`~fisherlab.rl.mdp.FiniteMDP`,
  :func:`sample_env` on a vector environment, or ``LQR.sample``): ``N`` episodes of at most ``H``
  steps, arrays of shape ``(N, H)``, with a ``mask`` for episodes that end early. The layout of
  the textbook estimators (REINFORCE, GPOMDP) and of Chapter 6.
* :class:`Batch` (from :func:`collect`): ``T`` consecutive steps of ``N`` environment copies,
  arrays ``(T, N)``; episodes run across batches and restart inside them. The layout of GAE
  and of TRPO on CartPole.

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .envs import check_env, check_policy_for_env
from .mdp import FiniteMDP, check_policy_for

__all__ = ["Episodes", "sample_episodes", "sample_env", "Batch", "collect", "discounted_cumsum"]


def discounted_cumsum(rewards, gamma: float) -> np.ndarray:
    r"""Rewards-to-go along the last axis: :math:`G_t = \sum_{h\ge t}\gamma^{h-t} r_h`; same shape.

    ``rewards`` has shape ``(..., H)`` (at least 1-D); ``gamma`` is in [0, 1] (1: undiscounted).
    """
    r = v.as_float_array("rewards", rewards)
    if r.ndim == 0:
        raise ValueError("rewards must have shape (..., H) with a time axis, got a scalar")
    gamma = v.check_closed_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    out = np.empty_like(r)
    acc = np.zeros(r.shape[:-1])
    with v.quiet():
        for t in range(r.shape[-1] - 1, -1, -1):
            acc = r[..., t] + gamma * acc
            out[..., t] = acc
    return v.check_result(out, "the rewards-to-go", "rewards")


@dataclass(frozen=True)
class Episodes:
    r"""``N`` episodes of at most ``H`` steps, arrays with a leading ``(N, H)`` (episodes, time).

    Introduced in Chapter 5, "TRPO"; the ``mask`` (episodes that end early) in Chapter 6.

    Attributes
    ----------
    states : array of shape (N, H) (integers) or (N, H, obs_dim)
    actions : array of shape (N, H) (integers) or (N, H, action_dim)
    rewards : array of shape (N, H)
        :math:`r(s_t, a_t)`; 0 after the end of an episode.
    gamma : float
        Discount :math:`\gamma \in (0, 1)`.
    mask : array of shape (N, H), optional
        1.0 at the steps that happened, 0.0 after the episode ended (CartPole episodes end before
        ``H``). Default: every episode runs all ``H`` steps.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    gamma: float
    mask: np.ndarray | None = None

    def __post_init__(self):
        rewards = v.as_float_array("rewards", self.rewards)
        if rewards.ndim != 2 or 0 in rewards.shape:
            raise ValueError(f"rewards must have shape (N, H) with N, H >= 1, got {rewards.shape}")
        lead = rewards.shape
        for name in ("states", "actions"):
            value = getattr(self, name)
            v.as_float_array(name, value)  # real and finite; integer states keep their dtype below
            arr = np.asarray(value)
            if arr.shape[:2] != lead:
                raise ValueError(f"{name} must have shape (N, H) = {lead} or (N, H, dim) like rewards, got {arr.shape}")
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "rewards", rewards)
        object.__setattr__(self, "gamma", v.check_open_interval("gamma", self.gamma, 0.0, 1.0, scalar=True))
        if self.mask is None:
            mask = np.ones(lead)
        else:
            mask = v.check_bool_array("mask", self.mask).astype(np.float64)
            if mask.shape != lead:
                raise ValueError(f"mask must have shape (N, H) = {lead} like rewards, got {mask.shape}")
        object.__setattr__(self, "mask", mask)

    @property
    def n_episodes(self) -> int:
        return self.rewards.shape[0]

    @property
    def horizon(self) -> int:
        return self.rewards.shape[1]

    @property
    def n_steps(self) -> int:
        """Environment steps the batch cost (the number of real transitions)."""
        return int(self.mask.sum())

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

    def flat(self):
        """States and actions with the (N, H) axes merged, for the policy's batched methods."""
        N, H = self.rewards.shape
        return (self.states.reshape((N * H,) + self.states.shape[2:]),
                self.actions.reshape((N * H,) + self.actions.shape[2:]))


#: sample_episodes precomputes H * N * S * max(S, A) lookups; above this it steps draw by draw
_TABLE_LIMIT = 2_000_000


def sample_episodes(mdp: FiniteMDP, policy, theta, *, n_episodes: int, horizon: int,
                    rng: np.random.Generator) -> Episodes:
    r"""Sample ``n_episodes`` episodes of ``horizon`` steps of ``policy`` at ``theta`` on ``mdp``.

    :math:`s_0\sim\rho`, :math:`a_t\sim\pi_\theta(\cdot|s_t)`, :math:`s_{t+1}\sim P(\cdot|s_t,a_t)`.
    Estimates built from them are those of the discounted objective truncated at ``H``: the bias
    is at most :math:`\gamma^H r_\max/(1-\gamma)` per unit of reward.

    Each draw is the inverse-CDF lookup of one uniform: ``s_0``, then ``a_t`` and ``s_{t+1}`` in
    turn. The policy table :math:`\pi_\theta(a|s)` (``policy.probs``) is computed once per batch.
    For small MDPs the lookups of every step are done at once for every state an episode could
    be in, so the loop over time only follows the realised state, one table lookup per step;
    for large ones the loop draws step by step. Both give the same episodes.

    Introduced in Chapter 5, "TRPO".
    """
    check_policy_for(mdp, policy)  # a policy over the MDP's states and actions (else actions go missing)
    theta = policy.check_theta(theta)
    N = v.check_int("n_episodes", n_episodes, minimum=1)
    H = v.check_int("horizon", horizon, minimum=1)
    rng = v.check_generator("rng", rng)
    S = mdp.n_states
    pi_cdf = np.cumsum(policy.probs(theta, np.arange(S)), axis=1)  # (S, A)
    pi_cdf[:, -1] = 1.0  # guard against rounding: the last action takes the remainder
    P_cdf = np.cumsum(mdp.P, axis=2)  # (S, A, S)
    P_cdf[:, :, -1] = 1.0
    rho_cdf = np.cumsum(mdp.rho)
    rho_cdf[-1] = 1.0
    u = rng.random((2 * H + 1, N))  # all uniforms of the batch at once
    u_act, u_next = u[1::2], u[2::2]  # (H, N): the draws of a_t and of s_{t+1}
    states = np.empty((N, H), dtype=np.int64)
    s = (rho_cdf[None, :] <= u[0][:, None]).sum(axis=1)
    if H * N * S * max(S, mdp.n_actions) <= _TABLE_LIMIT:
        act = (pi_cdf[None, None, :, :] <= u_act[:, :, None, None]).sum(axis=3)  # (H, N, S)
        nxt = (P_cdf[np.arange(S), act] <= u_next[:, :, None, None]).sum(axis=3)  # (H, N, S)
        episodes = np.arange(N)
        for t in range(H):
            states[:, t] = s
            s = nxt[t, episodes, s]
        actions = np.take_along_axis(act, states.T[:, :, None], axis=2)[:, :, 0].T
    else:
        actions = np.empty((N, H), dtype=np.int64)
        for t in range(H):
            a = (pi_cdf[s] <= u_act[t][:, None]).sum(axis=1)
            states[:, t], actions[:, t] = s, a
            s = (P_cdf[s, a] <= u_next[t][:, None]).sum(axis=1)
    return Episodes(states, actions, mdp.R[states, actions], mdp.gamma)


def sample_env(env, policy, theta, *, n_episodes: int, horizon: int, gamma: float,
               rng: np.random.Generator) -> Episodes:
    r"""``n_episodes`` fresh episodes of a vector environment, each cut at ``horizon`` steps.

    Runs ``env.clone(n_episodes)`` (one copy per episode, see :mod:`fisherlab.rl.envs`) for at
    most ``horizon`` steps and keeps each copy's first episode: after a copy terminates its
    ``mask`` is 0 and its rewards 0. Observations are stored as ``states`` ``(N, H, obs_dim)``;
    ``gamma`` in (0, 1) is the discount of the objective (environments do not carry one).

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    check_env(env)
    check_policy_for_env(env, policy)
    theta = policy.check_theta(theta)
    N = v.check_int("n_episodes", n_episodes, minimum=1)
    H = v.check_int("horizon", horizon, minimum=1)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    rng = v.check_generator("rng", rng)
    ev = env.clone(N)
    obs = ev.reset(rng=rng)
    states = np.zeros((N, H) + obs.shape[1:])
    actions = None
    rewards = np.zeros((N, H))
    mask = np.zeros((N, H))
    alive = np.ones(N, dtype=bool)
    for t in range(H):
        a = policy.sample(theta, obs, rng=rng)
        if actions is None:
            actions = np.zeros((N, H) + a.shape[1:], dtype=a.dtype)
        states[:, t], actions[:, t], mask[:, t] = obs, a, alive
        obs, r, terminated, truncated = ev.step(a)
        rewards[:, t] = np.where(alive, r, 0.0)
        alive = alive & ~(terminated | truncated)
        if not alive.any():
            break
    return Episodes(states, actions, rewards, gamma, mask)


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
    check_env(env)
    if getattr(env, "obs", None) is None:
        raise ValueError("env must be reset before collect (call env.reset(rng=...) once)")
    check_policy_for_env(env, policy)
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
    step = getattr(env, "_step", env.step)  # the unchecked step where there is one: actions come from the policy
    for t in range(T):
        # theta and the first states are validated above; the environment's own observations
        # need no check inside the loop (the environment loop is the hot path)
        a = policy._sample(theta, o, rng)
        if actions is None:
            actions = np.empty((T,) + a.shape, dtype=a.dtype)
        obs[t], actions[t], valid[t] = o, a, ~env.needs_reset
        o, rewards[t], terminated[t], truncated[t] = step(a)
    obs[T] = o
    # log pi_old of every action, in one vectorised call after the loop
    flat = obs[:T].reshape((T * N,) + obs0.shape[1:])
    log_probs[:] = policy.log_prob(theta, flat, actions.reshape((T * N,) + actions.shape[2:])).reshape(T, N)
    return Batch(obs, actions, rewards, log_probs, terminated, truncated, valid,
                 np.asarray(env.episode_returns[n_done_before:], dtype=np.float64))
