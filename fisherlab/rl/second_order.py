r"""Trajectory-level estimators of Chapter 6: the gradient :math:`g`, the surrogate :math:`\Phi`,
and the Hessian estimator :math:`B` applied to a vector without forming it.

For a trajectory :math:`\tau = (s_0, a_0, \dots, s_{H-1}, a_{H-1})` with scores
:math:`\psi_t = \nabla_\theta\log\pi_\theta(a_t|s_t)` and discounted rewards-to-go
:math:`R_t = \sum_{h=t}^{H-1}\gamma^h r(s_h, a_h)` (note :math:`\gamma^h`, not
:math:`\gamma^{h-t}`),

.. math::
    g(\tau,\theta) = \sum_{t=0}^{H-1} R_t\,\psi_t,\qquad
    \Phi(\tau,\theta) = \sum_{t=0}^{H-1} R_t\,\log\pi_\theta(a_t|s_t),\qquad
    \nabla\log p(\tau|\pi_\theta) = \sum_{t=0}^{H-1}\psi_t,

.. math::
    B(\tau,\theta) = \nabla\Phi(\tau,\theta)\,\nabla\log p(\tau|\pi_\theta)^\top + \nabla^2\Phi(\tau,\theta),
    \qquad
    B(\tau,\theta)\,v = \big(\nabla\log p(\tau|\pi_\theta)^\top v\big)\, g(\tau,\theta)
    + \sum_{t} R_t\,\nabla^2\log\pi_\theta(a_t|s_t)\,v,

where :math:`\nabla\Phi = g` because the rewards do not depend on :math:`\theta`. With
:math:`\tau\sim p(\cdot|\pi_\theta)`, :math:`\mathbb E[g] = \nabla J_H(\theta)` and
:math:`\mathbb E[B] = \nabla^2 J_H(\theta)` (Shen et al. 2019; Fatkhullin et al. 2023, section 2).
:math:`B` is not symmetric; only its mean is. :func:`hessian_vector_estimate` costs one score
pass and one Hessian-vector pass of the policy (matrix-free); :func:`hessian_estimate` is its
dense twin ``(N, d, d)`` for tests and tiny problems. Dropping the first term,
:func:`hessian_vector_estimate` with ``first_term=False``, keeps only :math:`\nabla^2\Phi\,v`,
whose mean is *not* :math:`\nabla^2 J_H\,v`: Chapter 6 measures that bias.

Trajectories are :class:`Trajectories`: arrays with a leading ``(N, H)`` (episodes, time) and
a ``mask`` that is 1 while the episode is running (CartPole episodes end before ``H``).

Introduced in Chapter 6, "Policy-gradient convergence".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v

__all__ = ["Trajectories", "from_episodes", "rewards_to_go", "gradient_estimate", "phi",
           "log_prob_gradient", "hessian_vector_estimate", "hessian_estimate", "sample_finite",
           "sample_env"]


@dataclass(frozen=True)
class Trajectories:
    r"""``N`` trajectories of at most ``H`` steps.

    Introduced in Chapter 6, "Policy-gradient convergence".

    Attributes
    ----------
    states : array of shape (N, H) (integers) or (N, H, obs_dim)
    actions : array of shape (N, H) (integers) or (N, H, action_dim)
    rewards : array of shape (N, H)
        :math:`r(s_t, a_t)`; 0 after the end of an episode.
    mask : array of shape (N, H)
        1.0 at the steps that happened, 0.0 after termination.
    gamma : float
        Discount :math:`\gamma \in (0, 1)`.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    mask: np.ndarray
    gamma: float

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

    def returns(self) -> np.ndarray:
        r"""Discounted returns :math:`\sum_t\gamma^t r_t`; shape ``(N,)``."""
        return self.rewards @ (self.gamma ** np.arange(self.horizon))

    def flat(self):
        """States and actions with the (N, H) axes merged, for the policy's batched methods."""
        N, H = self.rewards.shape
        return (self.states.reshape((N * H,) + self.states.shape[2:]),
                self.actions.reshape((N * H,) + self.actions.shape[2:]))


def from_episodes(episodes) -> Trajectories:
    """:class:`Trajectories` from :class:`fisherlab.rl.rollouts.Episodes` (every step real)."""
    return Trajectories(episodes.states, episodes.actions, episodes.rewards,
                        np.ones(episodes.rewards.shape), float(episodes.gamma))


def rewards_to_go(traj: Trajectories) -> np.ndarray:
    r""":math:`R_t = \sum_{h=t}^{H-1}\gamma^h r_h` (discount from the start, as in :math:`g`); ``(N, H)``."""
    disc = traj.rewards * traj.gamma ** np.arange(traj.horizon)
    return np.cumsum(disc[:, ::-1], axis=1)[:, ::-1] * traj.mask


def _per_step(policy, theta, traj, fn, *args):
    """Apply ``policy.fn(theta, states, actions, *args)`` to every step; shape ``(N, H, ...)``."""
    states, actions = traj.flat()
    out = getattr(policy, fn)(theta, states, actions, *args)
    return out.reshape(traj.rewards.shape + out.shape[1:])


def gradient_estimate(policy, theta, traj: Trajectories) -> np.ndarray:
    r"""Per-trajectory policy gradients :math:`g(\tau_n,\theta) = \sum_t R_t\psi_t`; shape ``(N, d)``.

    Reward-to-go (GPOMDP) form: action :math:`a_t` is credited only with the rewards from time
    :math:`t` on, because earlier rewards do not depend on it and their terms have mean zero
    (Baxter & Bartlett 2001). The mean over trajectories is unbiased for :math:`\nabla J_H`.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    psi = _per_step(policy, theta, traj, "score")  # (N, H, d)
    return np.einsum("nh,nhd->nd", rewards_to_go(traj), psi)


def phi(policy, theta, traj: Trajectories) -> np.ndarray:
    r""":math:`\Phi(\tau_n,\theta) = \sum_t R_t\log\pi_\theta(a_t|s_t)`; shape ``(N,)``.

    A surrogate whose gradient is :math:`g` (the :math:`R_t` are held fixed).
    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    return (rewards_to_go(traj) * _per_step(policy, theta, traj, "log_prob")).sum(axis=1)


def log_prob_gradient(policy, theta, traj: Trajectories) -> np.ndarray:
    r""":math:`\nabla\log p(\tau_n|\pi_\theta) = \sum_t\psi_t`; shape ``(N, d)``.

    Only the policy factors of :math:`p(\tau|\pi_\theta) = \rho(s_0)\prod_t\pi_\theta(a_t|s_t)
    P(s_{t+1}|s_t,a_t)` depend on :math:`\theta`: the gradients of :math:`\log\rho(s_0)` and of
    the transition terms vanish. Introduced in Chapter 6, "Policy-gradient convergence".
    """
    psi = _per_step(policy, theta, traj, "score")
    return np.einsum("nh,nhd->nd", traj.mask, psi)


def hessian_vector_estimate(policy, theta, traj: Trajectories, vec, *, first_term: bool = True) -> np.ndarray:
    r"""Per-trajectory :math:`B(\tau_n,\theta)\,v`, matrix-free; shape ``(N, d)``.

    .. math::
        B v = \underbrace{(\nabla\log p(\tau)^\top v)\, g(\tau,\theta)}_{\text{first term}}
        + \underbrace{\textstyle\sum_t R_t\,\nabla^2\log\pi_\theta(a_t|s_t)\,v}_{\nabla^2\Phi\,v}.

    Cost: one pass of scores and one of per-step Hessian-vector products
    (``policy.hvp_log_prob``); no ``d x d`` matrix is formed. ``first_term=False`` drops the
    first term, which biases the estimator (its mean is no longer :math:`\nabla^2 J_H v`).

    Introduced in Chapter 6, "Policy-gradient convergence".

    Parameters
    ----------
    vec : array of shape (d,)
        The direction :math:`v` (in (N)-HARPG, :math:`\theta_t - \theta_{t-1}`).
    first_term : bool
        Keep :math:`(\nabla\log p^\top v)\,\nabla\Phi` (unbiased) or drop it (biased).
    """
    vec = policy.check_theta(vec, "vec")
    R = rewards_to_go(traj)  # (N, H)
    # the second-order part: grad^2 Phi v = sum_t R_t grad^2 log pi(a_t|s_t) v
    states, actions = traj.flat()
    hv = policy.hvp_log_prob(theta, states, actions, vec).reshape(R.shape + (-1,))
    out = np.einsum("nh,nhd->nd", R, hv)
    if first_term:
        # the score-function part: (grad log p(tau)^T v) * grad Phi, with grad Phi = g
        psi = _per_step(policy, theta, traj, "score")  # (N, H, d)
        g = np.einsum("nh,nhd->nd", R, psi)
        out = out + (np.einsum("nh,nhd,d->n", traj.mask, psi, vec))[:, None] * g
    return out


def hessian_estimate(policy, theta, traj: Trajectories, *, first_term: bool = True) -> np.ndarray:
    r"""Dense :math:`B(\tau_n,\theta) = g\,\nabla\log p^\top + \nabla^2\Phi`; shape ``(N, d, d)``.

    The twin of :func:`hessian_vector_estimate` (tests hold them together in float64).
    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    R = rewards_to_go(traj)
    states, actions = traj.flat()
    hess = policy.hessian_log_prob(theta, states, actions)
    out = np.einsum("nh,nhde->nde", R, hess.reshape(R.shape + hess.shape[1:]))
    if first_term:
        out = out + np.einsum("nd,ne->nde", gradient_estimate(policy, theta, traj),
                              log_prob_gradient(policy, theta, traj))
    return out


# ---- sampling ---------------------------------------------------------------------------------
_TABLE_LIMIT = 2_000_000  # H * N * S * max(S, A) table entries: above it, sample_finite steps draw by draw


def sample_finite(mdp, policy, theta, *, n_episodes: int, horizon: int, rng: np.random.Generator) -> Trajectories:
    r"""``n_episodes`` trajectories of ``horizon`` steps on a finite MDP, :math:`\tau\sim p(\cdot|\pi_\theta)`.

    :math:`s_0\sim\rho`, :math:`a_t\sim\pi_\theta(\cdot|s_t)`, :math:`s_{t+1}\sim P(\cdot|s_t,a_t)`:
    the same law as :func:`fisherlab.rl.rollouts.sample_episodes`, and the same draws: each
    :math:`a_t` and :math:`s_{t+1}` is the inverse-CDF lookup of one uniform, in the same order.
    The policy table :math:`\pi_\theta(a|s)` is computed once per batch, and for small MDPs the
    lookups of every step are done at once for every state the episode could be in, so the loop
    over time does one table lookup per step. That makes the many small batches of Chapter 6
    several times cheaper.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
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
        # Only s_t is sequential. For every step, episode and *possible* state, the action and the
        # next state that the step's uniforms would give are computed at once; the loop then
        # only follows the realised state through these tables (one lookup per step).
        act = (pi_cdf[None, None, :, :] <= u_act[:, :, None, None]).sum(axis=3)  # (H, N, S)
        nxt = (P_cdf[np.arange(S), act] <= u_next[:, :, None, None]).sum(axis=3)  # (H, N, S)
        episodes = np.arange(N)
        for t in range(H):
            states[:, t] = s
            s = nxt[t, episodes, s]
        actions = np.take_along_axis(act, states.T[:, :, None], axis=2)[:, :, 0].T
    else:  # large state spaces: one inverse-CDF lookup per draw, step by step
        actions = np.empty((N, H), dtype=np.int64)
        for t in range(H):
            a = (pi_cdf[s] <= u_act[t][:, None]).sum(axis=1)
            states[:, t], actions[:, t] = s, a
            s = (P_cdf[s, a] <= u_next[t][:, None]).sum(axis=1)
    return Trajectories(states, actions, mdp.R[states, actions], np.ones((N, H)), mdp.gamma)


def sample_env(env, policy, theta, *, n_episodes: int, horizon: int, gamma: float,
               rng: np.random.Generator) -> Trajectories:
    r"""``n_episodes`` fresh episodes of a vector environment, each cut at ``horizon`` steps.

    Runs ``env.clone(n_episodes)`` (one copy per episode, see :mod:`fisherlab.rl.envs`) for at
    most ``horizon`` steps and keeps each copy's first episode: after a copy terminates its
    ``mask`` is 0 and its rewards 0. Observations are stored as ``states`` ``(N, H, obs_dim)``;
    ``gamma`` in (0, 1) is the discount of the objective (environments do not carry one).

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    N = v.check_int("n_episodes", n_episodes, minimum=1)
    H = v.check_int("horizon", horizon, minimum=1)
    gamma = float(v.check_open_interval("gamma", gamma, 0.0, 1.0))
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
    return Trajectories(states, actions, rewards, mask, gamma)
