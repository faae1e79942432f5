r"""The assumptions of the convergence theory, computed: Proposition 1's constants, Fisher
non-degeneracy, the transfer error, and the relaxed weak gradient domination inequality.

Fatkhullin, Barakat, Kireeva and He (ICML 2023) assume

1. bounded scores and Hessians: :math:`\lVert\nabla\log\pi_\theta(a|s)\rVert\le M_g`,
   :math:`\lVert\nabla^2\log\pi_\theta(a|s)\rVert\le M_h`, rewards in :math:`[-r_\max, r_\max]`;
2. (for N-PG-IGT) a Lipschitz Hessian of :math:`\log\pi`;
3. Fisher non-degeneracy: :math:`F_\rho(\theta)\succeq\mu_F I` for every :math:`\theta`;
4. a bounded transfer error :math:`\mathbb E_{(s,a)\sim\nu^\star}\big[(A^{\pi_\theta}(s,a)
   - (1-\gamma)w^\star(\theta)^\top\nabla\log\pi_\theta(a|s))^2\big]\le\varepsilon_\text{bias}`,
   :math:`w^\star(\theta) = F_\rho(\theta)^\dagger\nabla J(\theta)`, :math:`\nu^\star(s,a) =
   d_\rho^{\pi^\star}(s)\pi^\star(a|s)` (Liu et al. 2020; Agarwal et al. 2021; Ding et al. 2022).

Proposition 1 then gives :math:`L_g = r_\max(M_g^2+M_h)/(1-\gamma)^2` (smoothness of
:math:`J` and :math:`J_H`), :math:`\sigma_g^2 = r_\max^2M_g^2/(1-\gamma)^3` (variance of
:math:`g`) and :math:`\sigma_h^2 = r_\max^2(HM_g^4+M_h^2)/(1-\gamma)^4` (variance of
:math:`B`); Lemma 2 gives :math:`J^\star - J(\theta)\le\frac{\sqrt{\varepsilon_\text{bias}}}{1-\gamma}
+ \frac{M_g}{\mu_F}\lVert\nabla J(\theta)\rVert`.

Introduced in Chapter 6, "Policy-gradient convergence".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .mdp import FiniteMDP, exact_fisher, exact_gradient, exact_objective, policy_table
from .policies import LinearSoftmax, TabularSoftmax

__all__ = ["softmax_constants", "proposition1", "measured_score_bounds", "shift_directions",
           "lambda_min", "optimal_policy", "transfer_error", "GradientDomination", "gradient_domination"]


def softmax_constants(policy, n_states: int | None = None):
    r"""``(M_g, M_h)`` valid for every :math:`\theta` of a softmax policy.

    For :math:`\pi\propto\exp(x(s)\otimes e_a)^\top\theta`:
    :math:`\nabla\log\pi = x(s)\otimes(e_a-\pi)` with :math:`\lVert e_a-\pi\rVert^2 =
    (1-\pi_a)^2 + \sum_{b\ne a}\pi_b^2\le 2`, and :math:`\nabla^2\log\pi = -x x^\top\otimes
    (\operatorname{diag}\pi-\pi\pi^\top)` whose spectral norm is at most :math:`\lVert x\rVert^2/2`.
    So :math:`M_g = \sqrt2\max_s\lVert x(s)\rVert`, :math:`M_h = \max_s\lVert x(s)\rVert^2/2`
    (both suprema approached, neither attained). Tabular: :math:`x(s) = e_s`.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    if isinstance(policy, TabularSoftmax):
        xmax = 1.0
    elif isinstance(policy, LinearSoftmax):
        if policy._x.table is None:
            raise ValueError("policy must have a feature table (features=array) to bound its features")
        xmax = float(np.max(np.linalg.norm(policy._x(np.arange(policy._x.table.shape[0])), axis=1)))
    else:
        raise ValueError(f"policy must be a TabularSoftmax or LinearSoftmax, got {type(policy).__name__}")
    return float(np.sqrt(2.0) * xmax), 0.5 * xmax**2


def proposition1(*, r_max: float, gamma: float, M_g: float, M_h: float, horizon: int) -> dict:
    r"""The constants of Proposition 1: ``{"L_g", "sigma_g2", "sigma_h2"}``.

    .. math::
        L_g = \frac{r_\max(M_g^2+M_h)}{(1-\gamma)^2},\quad
        \sigma_g^2 = \frac{r_\max^2M_g^2}{(1-\gamma)^3},\quad
        \sigma_h^2 = \frac{r_\max^2(HM_g^4+M_h^2)}{(1-\gamma)^4}.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    r_max = float(v.check_positive("r_max", r_max))
    gamma = float(v.check_open_interval("gamma", gamma, 0.0, 1.0))
    M_g, M_h = float(v.check_positive("M_g", M_g)), float(v.check_positive("M_h", M_h))
    H = v.check_int("horizon", horizon, minimum=1)
    c = 1.0 - gamma
    return {"L_g": r_max * (M_g**2 + M_h) / c**2,
            "sigma_g2": r_max**2 * M_g**2 / c**3,
            "sigma_h2": r_max**2 * (H * M_g**4 + M_h**2) / c**4}


def measured_score_bounds(policy, theta, n_states: int):
    r"""``(max ||grad log pi||, max ||grad^2 log pi||_2)`` over all states and actions at ``theta``.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    S = v.check_int("n_states", n_states, minimum=1)
    A = policy.n_actions
    states, actions = np.repeat(np.arange(S), A), np.tile(np.arange(A), S)
    g = np.linalg.norm(policy.score(theta, states, actions), axis=1).max()
    h = np.linalg.norm(policy.hessian_log_prob(theta, states, actions), ord=2, axis=(1, 2)).max()
    return float(g), float(h)


def shift_directions(policy) -> np.ndarray:
    r"""Directions along which a softmax policy does not change: ``(k, d)``, orthonormal rows.

    Adding :math:`c\,u` to every logit of every state (:math:`\Delta\theta = u\otimes\mathbf 1_A`)
    leaves :math:`\pi_\theta` unchanged, so :math:`F_\rho(\theta)(u\otimes\mathbf 1) = 0` for
    every :math:`\theta`: in these coordinates Assumption 3 fails for a trivial reason. The
    identifiable part of :math:`\theta` is the orthogonal complement.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    if isinstance(policy, TabularSoftmax):
        k = policy.n_states
    elif isinstance(policy, LinearSoftmax):
        k = policy.n_features
    else:
        raise ValueError(f"policy must be a TabularSoftmax or LinearSoftmax, got {type(policy).__name__}")
    A = policy.n_actions
    return np.kron(np.eye(k), np.ones((1, A))) / np.sqrt(A)


def lambda_min(F, *, exclude=None) -> float:
    r"""Smallest eigenvalue of a symmetric ``F`` ``(d, d)``, on the orthogonal complement of the rows
    of ``exclude`` ``(k, d)`` (orthonormal) when given.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    F = v.check_square("F", F)
    if exclude is not None:
        E = v.as_float_array("exclude", exclude)
        if E.ndim != 2 or E.shape[1] != F.shape[0]:
            raise ValueError(f"exclude must have shape (k, {F.shape[0]}), got {E.shape}")
        # an orthonormal basis U of the complement: the last d - k left singular vectors
        u, s, _ = np.linalg.svd(E.T, full_matrices=True)
        U = u[:, int(np.sum(s > 1e-10)):]
        F = U.T @ F @ U
    return float(np.linalg.eigvalsh((F + F.T) / 2)[0])


def optimal_policy(mdp: FiniteMDP) -> np.ndarray:
    r"""A deterministic optimal policy table ``(S, A)``: greedy in :math:`Q^\star` (first maximiser)."""
    Q = mdp.R + mdp.gamma * mdp.P @ mdp.optimal_value()
    pi = np.zeros_like(Q)
    pi[np.arange(mdp.n_states), Q.argmax(axis=1)] = 1.0
    return pi


def transfer_error(mdp: FiniteMDP, policy, theta, *, pi_star=None) -> float:
    r"""Exact transfer error :math:`\mathbb E_{\nu^\star}[(A^{\pi_\theta} - (1-\gamma)w^{\star\top}\psi)^2]`.

    :math:`w^\star = F_\rho(\theta)^\dagger\nabla J(\theta)` is the minimiser of the same square
    error under the policy's own distribution :math:`d_\rho^{\pi_\theta}\pi_\theta`
    (compatible function approximation, Sutton et al. 2000); the error is then measured under
    the optimal policy's :math:`\nu^\star`. Zero for a tabular softmax policy (its scores span
    every advantage); positive, in general, for restricted features. ``pi_star`` (``(S, A)``,
    default :func:`optimal_policy`) saves the value iteration when called many times.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    w = np.linalg.lstsq(exact_fisher(mdp, policy, theta), exact_gradient(mdp, policy, theta), rcond=1e-12)[0]
    pi_star = optimal_policy(mdp) if pi_star is None else mdp.check_pi(pi_star)
    nu = mdp.state_distribution(pi_star)[:, None] * pi_star  # (S, A)
    adv = mdp.advantage(policy_table(mdp, policy, theta))
    S, A = adv.shape
    states, actions = np.repeat(np.arange(S), A), np.tile(np.arange(A), S)
    fit = (1 - mdp.gamma) * (policy.score(theta, states, actions) @ w).reshape(S, A)
    return float(np.sum(nu * (adv - fit) ** 2))


@dataclass(frozen=True)
class GradientDomination:
    r"""The terms of Lemma 2 at one :math:`\theta`, with the constants measured at that :math:`\theta`.

    ``gap`` :math:`= J^\star - J(\theta)`; ``bias_term`` :math:`=\sqrt{\varepsilon_\text{bias}}/(1-\gamma)`;
    ``gradient_term`` :math:`= (M_g/\mu_F)\lVert\nabla J\rVert`; ``mu_F`` the smallest positive
    eigenvalue of :math:`F_\rho(\theta)` on the identifiable directions; ``M_g`` the largest
    score norm on the support of :math:`\nu^\star`. The lemma: ``gap <= bias_term + gradient_term``.
    """

    gap: float
    bias_term: float
    gradient_term: float
    grad_norm: float
    mu_F: float
    M_g: float
    eps_bias: float

    @property
    def bound(self) -> float:
        return self.bias_term + self.gradient_term

    @property
    def holds(self) -> bool:
        return self.gap <= self.bound * (1 + 1e-9) + 1e-12


def gradient_domination(mdp: FiniteMDP, policy, theta, *, pi_star=None) -> GradientDomination:
    r"""Check the relaxed weak gradient domination inequality at ``theta`` (exact quantities).

    .. math::
        J^\star - J(\theta) = \frac{\mathbb E_{\nu^\star}[A^{\pi_\theta}]}{1-\gamma}
        \le \frac{\sqrt{\varepsilon_\text{bias}}}{1-\gamma} + M_g\lVert w^\star\rVert
        \le \frac{\sqrt{\varepsilon_\text{bias}}}{1-\gamma} + \frac{M_g}{\mu_F}\lVert\nabla J(\theta)\rVert.

    ``pi_star``: an optimal policy table (default :func:`optimal_policy`), to save work in loops.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    F = exact_fisher(mdp, policy, theta)
    grad = exact_gradient(mdp, policy, theta)
    mu_F = lambda_min(F, exclude=shift_directions(policy))
    pi_star = optimal_policy(mdp) if pi_star is None else mdp.check_pi(pi_star)
    nu = mdp.state_distribution(pi_star)[:, None] * pi_star
    S, A = nu.shape
    states, actions = np.repeat(np.arange(S), A), np.tile(np.arange(A), S)
    support = nu.ravel() > 0
    M_g = float(np.linalg.norm(policy.score(theta, states[support], actions[support]), axis=1).max())
    eps = transfer_error(mdp, policy, theta, pi_star=pi_star)
    gap = mdp.objective(pi_star) - exact_objective(mdp, policy, theta)
    gnorm = float(np.linalg.norm(grad))
    return GradientDomination(gap=float(gap), bias_term=float(np.sqrt(eps) / (1 - mdp.gamma)),
                              gradient_term=M_g / mu_F * gnorm, grad_norm=gnorm, mu_F=mu_F, M_g=M_g,
                              eps_bias=eps)
