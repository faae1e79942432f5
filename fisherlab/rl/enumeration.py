r"""Exact trajectory-level quantities on tiny finite MDPs: enumerate every trajectory up to ``H``.

A trajectory :math:`\tau = (s_0, a_0, \dots, s_{H-1}, a_{H-1})` of a finite MDP has probability

.. math::
    p(\tau|\pi_\theta) = \rho(s_0)\,\pi_\theta(a_0|s_0)\prod_{t=1}^{H-1}
    P(s_t|s_{t-1},a_{t-1})\,\pi_\theta(a_t|s_t),

and there are at most :math:`(SA)^H` of them. :class:`Enumeration` lists those with
:math:`\rho(s_0)\prod_t P(s_{t+1}|s_t,a_t) > 0` once (the environment part does not depend on
:math:`\theta`), and then any expectation over :math:`\tau` is a finite weighted sum:

.. math::
    J_H(\theta) = \sum_\tau p(\tau|\pi_\theta)\sum_{t<H}\gamma^t r(s_t,a_t),\quad
    \nabla J_H = \sum_\tau p\,g(\tau,\theta),\quad \nabla^2 J_H = \sum_\tau p\,B(\tau,\theta),

exact to rounding. Two independent exact routes serve as checks: the backward recursion of
:func:`exact_objective_h` / :func:`exact_gradient_h` (finite-horizon policy-gradient theorem,
cost :math:`O(H S^2 A)`) and the REINFORCE form of the Hessian,
:math:`\nabla^2 J_H = \sum_\tau p\,R(\tau)\,(\nabla\log p\,\nabla\log p^\top + \nabla^2\log p)`.

Introduced in Chapter 7, "Policy-gradient convergence I".
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from . import second_order as so
from .mdp import FiniteMDP, check_mdp, check_policy_for, policy_table
from .rollouts import Episodes

__all__ = ["Enumeration", "enumerate_trajectories", "exact_objective_h", "exact_gradient_h"]


class Enumeration:
    r"""Every trajectory of positive environment probability of ``mdp`` up to ``horizon``.

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Attributes
    ----------
    traj : :class:`~fisherlab.rl.rollouts.Episodes`
        ``M`` trajectories, arrays ``(M, H)``.
    env_log_prob : array of shape (M,)
        :math:`\log\rho(s_0) + \sum_t\log P(s_{t+1}|s_t,a_t)`, the part of
        :math:`\log p(\tau|\pi_\theta)` that does not depend on :math:`\theta`.
    """

    def __init__(self, mdp: FiniteMDP, traj: Episodes, env_log_prob: np.ndarray):
        self.mdp = check_mdp(mdp)
        self.traj = v.check_instance("traj", traj, Episodes, "an Episodes (the trajectories)")
        env_log_prob = v.as_float_array("env_log_prob", env_log_prob)
        if env_log_prob.shape != (traj.n_episodes,):
            raise ValueError(f"env_log_prob must have shape ({traj.n_episodes},), one per trajectory, "
                             f"got {env_log_prob.shape}")
        if np.any(env_log_prob > 0):
            raise ValueError(f"env_log_prob must be <= 0 (log-probabilities), got {env_log_prob.max()!r}")
        self.env_log_prob = env_log_prob

    @property
    def n_trajectories(self) -> int:
        return self.traj.n_episodes

    def __repr__(self):
        return f"Enumeration({self.mdp.name}, H={self.traj.horizon}, M={self.n_trajectories})"

    # ---- probabilities and expectations -------------------------------------------------------
    def _check(self, policy, theta):
        """The policy fits the MDP; theta fits the policy."""
        check_policy_for(self.mdp, policy)
        return policy.check_theta(theta)

    def probs(self, policy, theta) -> np.ndarray:
        r""":math:`p(\tau|\pi_\theta)` of every trajectory; shape ``(M,)``; sums to 1."""
        theta = self._check(policy, theta)
        with v.quiet():
            log_pi = so._per_step(policy, theta, self.traj, "log_prob").sum(axis=1)
            out = np.exp(self.env_log_prob + log_pi)
        v.check_result(log_pi, "log p(tau)", "theta")
        return out

    def expect(self, policy, theta, values) -> np.ndarray:
        r""":math:`\mathbb E_{\tau\sim p(\cdot|\pi_\theta)}[f(\tau)]` for ``values`` :math:`f(\tau)` of shape ``(M, ...)``."""
        theta = self._check(policy, theta)
        values = v.as_float_array("values", values)
        if values.shape[:1] != (self.n_trajectories,):
            raise ValueError(f"values must have a leading axis of length M = {self.n_trajectories}, got {values.shape}")
        with v.quiet():
            out = np.tensordot(self.probs(policy, theta), values, axes=1)
        return v.check_result(out, "the expectation", "values")

    def objective(self, policy, theta) -> float:
        r""":math:`J_H(\theta) = \mathbb E[\sum_{t<H}\gamma^t r_t]`."""
        return float(self.expect(policy, theta, self.traj.returns()))

    def gradient(self, policy, theta) -> np.ndarray:
        r""":math:`\nabla J_H(\theta) = \mathbb E[g(\tau,\theta)]`; shape ``(d,)``."""
        theta = self._check(policy, theta)
        return self.expect(policy, theta, so.gradient_estimate(policy, theta, self.traj))

    def hessian(self, policy, theta, *, first_term: bool = True) -> np.ndarray:
        r""":math:`\mathbb E[B(\tau,\theta)]`, equal to :math:`\nabla^2 J_H(\theta)` with the first term; ``(d, d)``."""
        theta = self._check(policy, theta)
        first_term = v.check_bool("first_term", first_term)
        return self.expect(policy, theta, so.hessian_estimate(policy, theta, self.traj, first_term=first_term))

    def hessian_vector(self, policy, theta, vec, *, first_term: bool = True) -> np.ndarray:
        r""":math:`\mathbb E[B(\tau,\theta)\,v]`, matrix-free; shape ``(d,)``."""
        theta = self._check(policy, theta)
        vec = policy.check_theta(vec, "vec")
        first_term = v.check_bool("first_term", first_term)
        with v.quiet():
            terms = so.hessian_vector_estimate(policy, theta, self.traj, vec, first_term=first_term)
        return self.expect(policy, theta, v.check_result(terms, "B v", "vec"))

    def hessian_reinforce(self, policy, theta) -> np.ndarray:
        r"""The REINFORCE form :math:`\mathbb E[R(\tau)(\nabla\log p\,\nabla\log p^\top + \nabla^2\log p)]`; ``(d, d)``.

        Equal to :math:`\nabla^2 J_H` by differentiating :math:`\sum_\tau p\,R` twice; an
        independent check of :meth:`hessian`.
        """
        theta = self._check(policy, theta)
        R = self.traj.returns()
        s = so.log_prob_gradient(policy, theta, self.traj)
        states, actions = self.traj.flat()
        hess = policy.hessian_log_prob(theta, states, actions)
        hess = hess.reshape(self.traj.rewards.shape + hess.shape[1:]).sum(axis=1)
        return self.expect(policy, theta, R[:, None, None] * (s[:, :, None] * s[:, None, :] + hess))

    def gradient_variance(self, policy, theta) -> float:
        r""":math:`\mathbb E\lVert g - \nabla J_H\rVert^2`, exactly (the trace of the covariance of :math:`g`)."""
        theta = self._check(policy, theta)
        g = so.gradient_estimate(policy, theta, self.traj)
        mean = self.expect(policy, theta, g)
        return float(self.expect(policy, theta, ((g - mean) ** 2).sum(axis=1)))

    def hessian_variance(self, policy, theta, *, ord=2) -> float:
        r""":math:`\mathbb E\lVert B - \nabla^2 J_H\rVert^2` in the matrix norm ``ord`` (2: spectral; 'fro')."""
        theta = self._check(policy, theta)
        if isinstance(ord, bool) or not (ord in (1, -1, 2, -2, "fro", "nuc") or (
                isinstance(ord, float) and np.isinf(ord))):
            raise ValueError(f"ord must be a matrix norm order: 2 (spectral), 'fro', 'nuc', 1, -1, -2, inf, -inf; "
                             f"got {ord!r}")
        B = so.hessian_estimate(policy, theta, self.traj)
        mean = self.expect(policy, theta, B)
        return float(self.expect(policy, theta, np.linalg.norm(B - mean, ord=ord, axis=(1, 2)) ** 2))


def enumerate_trajectories(mdp: FiniteMDP, horizon: int, *, max_trajectories: int = 500_000) -> Enumeration:
    r"""All trajectories of ``mdp`` of length ``horizon`` with positive environment probability.

    Cost: :math:`(SA)^H` candidates are listed (``max_trajectories`` bounds that number, so a
    careless call fails fast instead of filling the memory), memory :math:`O(M H)`.

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Parameters
    ----------
    horizon : int
        :math:`H \ge 1`.
    max_trajectories : int
        Upper bound on :math:`(SA)^H`.
    """
    check_mdp(mdp)
    H = v.check_int("horizon", horizon, minimum=1)
    S, A = mdp.n_states, mdp.n_actions
    cap = v.check_int("max_trajectories", max_trajectories, minimum=1)
    if (S * A) ** H > cap:
        raise ValueError(f"horizon must satisfy (S*A)**horizon <= max_trajectories = {cap}, "
                         f"got ({S}*{A})**{H} = {(S * A) ** H}")
    # grow the tree one step at a time, pruning branches of zero environment probability
    states = np.arange(S)[:, None]
    actions = np.zeros((S, 0), dtype=np.int64)
    with np.errstate(divide="ignore"):
        logp = np.log(mdp.rho)
        logP = np.log(mdp.P)
    keep = np.isfinite(logp)
    # the start states with rho > 0, each with an empty action history (defect 1 of issue 17: the
    # actions were allocated for all S states, so any rho with a zero broke the concatenation below)
    states, logp = states[keep], logp[keep]
    actions = actions[keep]
    for t in range(H):
        # choose a_t for every branch
        n = len(states)
        states = np.repeat(states, A, axis=0)
        actions = np.concatenate([np.repeat(actions, A, axis=0), np.tile(np.arange(A), n)[:, None]], axis=1)
        logp = np.repeat(logp, A)
        if t == H - 1:
            break
        # then s_{t+1}
        n = len(states)
        s, a = states[:, -1], actions[:, -1]
        nxt_logp = (logp[:, None] + logP[s, a]).ravel()
        states = np.concatenate([np.repeat(states, S, axis=0), np.tile(np.arange(S), n)[:, None]], axis=1)
        actions = np.repeat(actions, S, axis=0)
        keep = np.isfinite(nxt_logp)
        states, actions, logp = states[keep], actions[keep], nxt_logp[keep]
    rewards = mdp.R[states, actions]
    traj = Episodes(states, actions, rewards, mdp.gamma)
    return Enumeration(mdp, traj, logp)


# ---- the backward recursion: exact J_H and its gradient in O(H S^2 A) -----------------------------
def _check_horizon(horizon):
    return v.check_int("horizon", horizon, minimum=1)


def exact_objective_h(mdp: FiniteMDP, policy, theta, horizon: int) -> float:
    r""":math:`J_H(\theta) = \rho^\top\sum_{t<H}(\gamma P_\pi)^t r_\pi`, the truncated objective.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    check_policy_for(mdp, policy)
    H = _check_horizon(horizon)
    pi = policy_table(mdp, policy, theta)
    P_pi, r_pi = mdp.transition_matrix(pi), mdp.reward_vector(pi)
    V = np.zeros(mdp.n_states)
    for _ in range(H):
        V = r_pi + mdp.gamma * P_pi @ V
    return float(mdp.rho @ V)


def exact_gradient_h(mdp: FiniteMDP, policy, theta, horizon: int) -> np.ndarray:
    r""":math:`\nabla J_H(\theta)` by the finite-horizon policy-gradient theorem; shape ``(d,)``.

    .. math::
        \nabla J_H = \sum_{t<H}\gamma^t\sum_s \mu_t(s)\sum_a\pi_\theta(a|s)\,
        \nabla\log\pi_\theta(a|s)\,Q_{H-t}(s,a),

    with :math:`\mu_t` the law of :math:`s_t` and :math:`Q_k` the :math:`k`-step action value
    (:math:`Q_k = r + \gamma P V_{k-1}`, :math:`V_k = \sum_a\pi Q_k`, :math:`V_0 = 0`).
    No trajectory is enumerated: an independent check of :meth:`Enumeration.gradient`.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    check_policy_for(mdp, policy)
    H = _check_horizon(horizon)
    pi = policy_table(mdp, policy, theta)
    S, A = pi.shape
    P_pi = mdp.transition_matrix(pi)
    # Q_k for k = 1..H steps to go (backward pass)
    Q = np.empty((H + 1, S, A))
    V = np.zeros(S)
    for k in range(1, H + 1):
        Q[k] = mdp.R + mdp.gamma * mdp.P @ V
        V = (pi * Q[k]).sum(axis=1)
    # forward pass: weights gamma^t mu_t(s) pi(a|s) Q_{H-t}(s, a)
    weights = np.zeros((S, A))
    mu = mdp.rho.copy()
    for t in range(H):
        weights += mdp.gamma**t * mu[:, None] * pi * Q[H - t]
        mu = mu @ P_pi
    states, actions = np.repeat(np.arange(S), A), np.tile(np.arange(A), S)
    return weights.ravel() @ policy.score(theta, states, actions)
