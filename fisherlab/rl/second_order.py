r"""Trajectory-level estimators of Chapter 7: the gradient :math:`g`, the surrogate :math:`\Phi`,
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
whose mean is *not* :math:`\nabla^2 J_H\,v`: Chapter 7 measures that bias.

A baseline (``baseline=True``) replaces :math:`R_t` by :math:`R_t - b_t` in both estimators,
with :math:`b_t` the mean of :math:`R_t` over the *other* trajectories of the batch
(leave-one-out, so :math:`b_t` does not depend on the trajectory it is subtracted from). Both
stay unbiased: :math:`b_t` is fixed given the history up to :math:`s_t`, and
:math:`\mathbb E[\psi_t\,|\,s_t] = 0`, :math:`\mathbb E[\psi_t\psi_t^\top + \nabla^2\log\pi_t\,|\,s_t] = 0`
remove every term it creates in :math:`g` and in :math:`Bv` (Chapter 8 derives this).

Trajectories are :class:`~fisherlab.rl.rollouts.Episodes`: arrays with a leading ``(N, H)``
(episodes, time) and a ``mask`` that is 1 while the episode is running (CartPole episodes end
before ``H``). :func:`fisherlab.rl.rollouts.sample_episodes`, :func:`fisherlab.rl.rollouts.sample_env`
and ``LQR.sample`` draw them.

Introduced in Chapter 7, "Policy-gradient convergence I".
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .estimators import check_policy_episodes
from .rollouts import Episodes

__all__ = ["rewards_to_go", "gradient_estimate", "phi", "log_prob_gradient", "hessian_vector_estimate",
           "hessian_estimate"]


def _check_traj(traj) -> Episodes:
    return v.check_instance("traj", traj, Episodes, "an Episodes (from sample_episodes, sample_env or LQR.sample)")


def _check_args(policy, traj, **flags):
    """``traj`` is an Episodes, ``policy`` a fisherlab policy that accepts its states and actions,
    and every flag ``True`` or ``False``."""
    check_policy_episodes(policy, _check_traj(traj))
    for name, flag in flags.items():
        v.check_bool(name, flag)


def rewards_to_go(traj: Episodes, *, baseline: bool = False) -> np.ndarray:
    r""":math:`R_t = \sum_{h=t}^{H-1}\gamma^h r_h` (discount from the start, as in :math:`g`); ``(N, H)``.

    ``baseline=True``: :math:`R_t - b_t` with the leave-one-out mean
    :math:`b_t^{(n)} = \frac{1}{N-1}\sum_{m\ne n}R_t^{(m)}` (0 when :math:`N = 1`); masked steps stay 0.
    """
    _check_traj(traj)
    v.check_bool("baseline", baseline)
    disc = traj.rewards * traj.discounts
    R = np.cumsum(disc[:, ::-1], axis=1)[:, ::-1] * traj.mask
    if baseline and R.shape[0] > 1:
        # leave-one-out: the baseline of trajectory n does not use trajectory n (no bias)
        R = (R - (R.sum(axis=0, keepdims=True) - R) / (R.shape[0] - 1)) * traj.mask
    return R


def _per_step(policy, theta, traj, fn, *args):
    """Apply ``policy.fn(theta, states, actions, *args)`` to every step; shape ``(N, H, ...)``."""
    _check_args(policy, traj)
    states, actions = traj.flat()
    out = getattr(policy, fn)(theta, states, actions, *args)
    return out.reshape(traj.rewards.shape + out.shape[1:])


def gradient_estimate(policy, theta, traj: Episodes, *, baseline: bool = False) -> np.ndarray:
    r"""Per-trajectory policy gradients :math:`g(\tau_n,\theta) = \sum_t R_t\psi_t`; shape ``(N, d)``.

    Reward-to-go (GPOMDP) form: action :math:`a_t` is credited only with the rewards from time
    :math:`t` on, because earlier rewards do not depend on it and their terms have mean zero
    (Baxter & Bartlett 2001). The mean over trajectories is unbiased for :math:`\nabla J_H`,
    with or without the leave-one-out ``baseline`` of :func:`rewards_to_go`.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    psi = _per_step(policy, theta, traj, "score")  # (N, H, d)
    return np.einsum("nh,nhd->nd", rewards_to_go(traj, baseline=baseline), psi)


def phi(policy, theta, traj: Episodes) -> np.ndarray:
    r""":math:`\Phi(\tau_n,\theta) = \sum_t R_t\log\pi_\theta(a_t|s_t)`; shape ``(N,)``.

    A surrogate whose gradient is :math:`g` (the :math:`R_t` are held fixed).
    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    log_pi = _per_step(policy, theta, traj, "log_prob")
    with v.quiet():
        out = (rewards_to_go(traj) * log_pi).sum(axis=1)
    return v.check_result(out, "Phi", "theta and the rewards")


def log_prob_gradient(policy, theta, traj: Episodes) -> np.ndarray:
    r""":math:`\nabla\log p(\tau_n|\pi_\theta) = \sum_t\psi_t`; shape ``(N, d)``.

    Only the policy factors of :math:`p(\tau|\pi_\theta) = \rho(s_0)\prod_t\pi_\theta(a_t|s_t)
    P(s_{t+1}|s_t,a_t)` depend on :math:`\theta`: the gradients of :math:`\log\rho(s_0)` and of
    the transition terms vanish. Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    psi = _per_step(policy, theta, traj, "score")
    return np.einsum("nh,nhd->nd", traj.mask, psi)


def hessian_vector_estimate(policy, theta, traj: Episodes, vec, *, first_term: bool = True,
                            baseline: bool = False) -> np.ndarray:
    r"""Per-trajectory :math:`B(\tau_n,\theta)\,v`, matrix-free; shape ``(N, d)``.

    .. math::
        B v = \underbrace{(\nabla\log p(\tau)^\top v)\, g(\tau,\theta)}_{\text{first term}}
        + \underbrace{\textstyle\sum_t R_t\,\nabla^2\log\pi_\theta(a_t|s_t)\,v}_{\nabla^2\Phi\,v}.

    Cost: one pass of scores and one of per-step Hessian-vector products
    (``policy.hvp_log_prob``); no ``d x d`` matrix is formed. ``first_term=False`` drops the
    first term, which biases the estimator (its mean is no longer :math:`\nabla^2 J_H v`).

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Parameters
    ----------
    vec : array of shape (d,)
        The direction :math:`v` (in (N)-HARPG, :math:`\theta_t - \theta_{t-1}`).
    first_term : bool
        Keep :math:`(\nabla\log p^\top v)\,\nabla\Phi` (unbiased) or drop it (biased).
    baseline : bool
        Use :math:`R_t - b_t` (leave-one-out, :func:`rewards_to_go`) in both terms; still unbiased.
    """
    _check_args(policy, traj, first_term=first_term, baseline=baseline)
    vec = policy.check_theta(vec, "vec")
    R = rewards_to_go(traj, baseline=baseline)  # (N, H)
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


def hessian_estimate(policy, theta, traj: Episodes, *, first_term: bool = True) -> np.ndarray:
    r"""Dense :math:`B(\tau_n,\theta) = g\,\nabla\log p^\top + \nabla^2\Phi`; shape ``(N, d, d)``.

    The twin of :func:`hessian_vector_estimate` (tests hold them together in float64).
    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    _check_args(policy, traj, first_term=first_term)
    R = rewards_to_go(traj)
    states, actions = traj.flat()
    hess = policy.hessian_log_prob(theta, states, actions)
    out = np.einsum("nh,nhde->nde", R, hess.reshape(R.shape + hess.shape[1:]))
    if first_term:
        out = out + np.einsum("nd,ne->nde", gradient_estimate(policy, theta, traj),
                              log_prob_gradient(policy, theta, traj))
    return out
