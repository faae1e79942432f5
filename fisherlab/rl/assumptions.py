r"""The assumptions of the convergence theory, computed: Proposition 1's constants, Fisher
non-degeneracy, the transfer error, and the relaxed weak gradient domination inequality.

Fatkhullin, Barakat, Kireeva and He (ICML 2023) assume

1. bounded scores and Hessians: :math:`\lVert\nabla\log\pi_\theta(a|s)\rVert\le M_g`,
   :math:`\lVert\nabla^2\log\pi_\theta(a|s)\rVert\le M_h`, rewards in :math:`[-r_\max, r_\max]`;
2. (for N-PG-IGT) a Lipschitz Hessian of :math:`\log\pi`:
   :math:`\lVert\nabla^2\log\pi_\theta(a|s) - \nabla^2\log\pi_{\theta'}(a|s)\rVert\le l_2\lVert\theta-\theta'\rVert`;
3. Fisher non-degeneracy: :math:`F_\rho(\theta)\succeq\mu_F I` for every :math:`\theta`;
4. a bounded transfer error :math:`\mathbb E_{(s,a)\sim\nu^\star}\big[(A^{\pi_\theta}(s,a)
   - (1-\gamma)w^\star(\theta)^\top\nabla\log\pi_\theta(a|s))^2\big]\le\varepsilon_\text{bias}`,
   :math:`w^\star(\theta) = F_\rho(\theta)^\dagger\nabla J(\theta)`, :math:`\nu^\star(s,a) =
   d_\rho^{\pi^\star}(s)\pi^\star(a|s)` (Liu et al. 2020; Agarwal et al. 2021; Ding et al. 2022).

Proposition 1 then gives :math:`L_g = r_\max(M_g^2+M_h)/(1-\gamma)^2` (smoothness of
:math:`J` and :math:`J_H`), :math:`\sigma_g^2 = r_\max^2M_g^2/(1-\gamma)^3` (variance of
:math:`g`) and :math:`\sigma_h^2 = r_\max^2(HM_g^4+M_h^2)/(1-\gamma)^4` (variance of
:math:`B`); Lemma 1 (:func:`lemma1`) a Lipschitz constant :math:`L_h` of :math:`\nabla^2 J` under
Assumptions 1 and 2; Lemma 2 gives :math:`J^\star - J(\theta)\le\frac{\sqrt{\varepsilon_\text{bias}}}{1-\gamma}
+ \frac{M_g}{\mu_F}\lVert\nabla J(\theta)\rVert`.

Introduced in Chapter 7, "Policy-gradient convergence I".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .mdp import FiniteMDP, check_mdp, exact_fisher, exact_gradient, exact_objective, policy_table
from .policies import LinearSoftmax, TabularSoftmax


def _check_softmax(policy):
    return v.check_instance("policy", policy, (TabularSoftmax, LinearSoftmax),
                            "a TabularSoftmax or LinearSoftmax (e.g. fisherlab.rl.TabularSoftmax(S, A))")


def _finite_constant(compute, names: str, what: str) -> float:
    """``compute()`` (plain float arithmetic), with an overflow reported as a clear error."""
    try:
        with v.quiet():
            out = compute()
    except OverflowError:
        out = float("inf")
    return float(v.check_result(np.float64(out), what, names))


def _pi_star(mdp: FiniteMDP, pi_star) -> np.ndarray:
    return optimal_policy(mdp) if pi_star is None else v.check_policy_table("pi_star", pi_star, mdp.n_states,
                                                                            mdp.n_actions)

__all__ = ["softmax_constants", "softmax_l2", "softmax_third_derivative", "lemma1", "proposition1",
           "measured_score_bounds", "shift_directions",
           "lambda_min", "optimal_policy", "transfer_error", "GradientDomination", "gradient_domination"]


def softmax_constants(policy, n_states: int | None = None):
    r"""``(M_g, M_h)`` valid for every :math:`\theta` of a softmax policy.

    For :math:`\pi\propto\exp(x(s)\otimes e_a)^\top\theta`:
    :math:`\nabla\log\pi = x(s)\otimes(e_a-\pi)` with :math:`\lVert e_a-\pi\rVert^2 =
    (1-\pi_a)^2 + \sum_{b\ne a}\pi_b^2\le 2`, and :math:`\nabla^2\log\pi = -x x^\top\otimes
    (\operatorname{diag}\pi-\pi\pi^\top)` whose spectral norm is at most :math:`\lVert x\rVert^2/2`.
    So :math:`M_g = \sqrt2\max_s\lVert x(s)\rVert`, :math:`M_h = \max_s\lVert x(s)\rVert^2/2`
    (both suprema approached, neither attained). Tabular: :math:`x(s) = e_s`.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    _check_softmax(policy)
    if n_states is not None:  # the number of states the caller expects the policy to cover
        n_states = v.check_int("n_states", n_states, minimum=1)
    if isinstance(policy, TabularSoftmax):
        xmax = 1.0
        rows = policy.n_states
    else:
        if policy._x.table is None:
            raise ValueError("policy must have a feature table (features=array) to bound its features")
        rows = policy._x.table.shape[0]
        xmax = float(np.max(np.linalg.norm(policy._x(np.arange(rows)), axis=1)))
    if n_states is not None and n_states != rows:
        raise ValueError(f"n_states must equal the number of states of the policy ({rows}), got {n_states}")
    return float(np.sqrt(2.0) * xmax), 0.5 * xmax**2


def softmax_l2(policy) -> float:
    r"""The Lipschitz constant :math:`l_2` of :math:`\theta\mapsto\nabla^2\log\pi_\theta(a|s)` (Assumption 2)
    for a softmax policy, valid for every :math:`\theta` (a supremum, attained).

    Along a unit direction :math:`u`, with :math:`y_b = (U^\top x(s))_b` the change of the
    logit of action :math:`b` (:math:`U` the matrix of :math:`u`),
    :math:`\nabla^3\log\pi[u,u,u] = -\mathbb E_{b\sim\pi}[(y_b-\bar y)^3]`, minus the third
    central moment of :math:`y` (the logits' cumulant generating function differentiated three
    times). The :math:`y_b` lie in an interval of length at most :math:`\sqrt2\lVert x(s)\rVert`,
    and the third central moment of a variable in an interval of length :math:`L` is at most
    :math:`L^3/(6\sqrt3)`, attained by two points with probabilities :math:`\frac{3\mp\sqrt3}{6}`.
    For a symmetric trilinear form the operator norm is :math:`\sup_u|T[u,u,u]|` (Banach 1938), so

    .. math::
        l_2 = \frac{(\sqrt2\max_s\lVert x(s)\rVert)^3}{6\sqrt3} = \frac{\sqrt6}{9}\max_s\lVert x(s)\rVert^3
        \quad(\sqrt6/9\approx0.272 \text{ for the tabular policy}).

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    M_g, _ = softmax_constants(policy)
    xmax = M_g / np.sqrt(2.0)
    return float(np.sqrt(6.0) / 9.0 * xmax**3)


def softmax_third_derivative(policy, theta, states, vec) -> np.ndarray:
    r"""Exact :math:`\nabla^3\log\pi_\theta(a|s_i)[u,u,u] = -\mathbb E_{b\sim\pi}[(y_b-\bar y)^3]` at
    each state (the same for every action), :math:`y = U^\top x(s_i)`; shape ``(n,)``.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    _check_softmax(policy)
    vec = policy.check_theta(vec, "vec")
    p = policy.probs(theta, states)  # (n, A)
    y = policy.logits(vec, states)  # the logits are linear in theta: logits(u) = J_s u
    with v.quiet():
        centred = y - (p * y).sum(axis=1, keepdims=True)
        out = -(p * centred**3).sum(axis=1)
    return v.check_result(out, "the third derivative", "vec")


def lemma1(*, r_max: float, gamma: float, M_g: float, M_h: float, l_2: float) -> float:
    r"""An explicit Lipschitz constant :math:`L_h` of :math:`\nabla^2 J_H` (every :math:`H`) and
    :math:`\nabla^2 J` under Assumptions 1 and 2 (Lemma 1):

    .. math::
        L_h = r_\max\Big(\frac{(2\sqrt2M_g^3 + 3M_gM_h)\sqrt{1+\gamma}}{(1-\gamma)^{5/2}}
        + \frac{l_2}{(1-\gamma)^2}\Big).

    Proof (Chapter 7): :math:`\nabla^3 J_H[u,u,u] = \sum_t\gamma^t\mathbb E[r_t(X_t^3 + 3X_tY_t + Z_t)]`
    with :math:`X_t` a martingale of :math:`t+1` increments bounded by :math:`M_g`, so
    :math:`\mathbb E|X_t|^3\le2\sqrt2(t+1)^{3/2}M_g^3`; :math:`|Y_t|\le(t+1)M_h`,
    :math:`|Z_t|\le(t+1)l_2`; and :math:`\sum_t\gamma^t(t+1)^{3/2}\le\sqrt{1+\gamma}/(1-\gamma)^{5/2}`
    (Cauchy-Schwarz). The order :math:`(1-\gamma)^{-5/2}` is within the lemma's
    :math:`O((1-\gamma)^{-3})`.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    r_max = v.check_positive("r_max", r_max, scalar=True)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    M_g, M_h = v.check_positive("M_g", M_g, scalar=True), v.check_positive("M_h", M_h, scalar=True)
    l_2 = v.check_positive("l_2", l_2, scalar=True)
    c = 1.0 - gamma
    return _finite_constant(
        lambda: r_max * ((2 * np.sqrt(2) * M_g**3 + 3 * M_g * M_h) * np.sqrt(1 + gamma) / c**2.5 + l_2 / c**2),
        "r_max, gamma, M_g, M_h and l_2", "L_h")


def proposition1(*, r_max: float, gamma: float, M_g: float, M_h: float, horizon: int) -> dict:
    r"""The constants of Proposition 1: ``{"L_g", "sigma_g2", "sigma_h2"}``.

    .. math::
        L_g = \frac{r_\max(M_g^2+M_h)}{(1-\gamma)^2},\quad
        \sigma_g^2 = \frac{r_\max^2M_g^2}{(1-\gamma)^3},\quad
        \sigma_h^2 = \frac{r_\max^2(HM_g^4+M_h^2)}{(1-\gamma)^4}.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    r_max = v.check_positive("r_max", r_max, scalar=True)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    M_g, M_h = v.check_positive("M_g", M_g, scalar=True), v.check_positive("M_h", M_h, scalar=True)
    H = v.check_int("horizon", horizon, minimum=1)
    c = 1.0 - gamma
    names = "r_max, gamma, M_g, M_h and horizon"
    return {"L_g": _finite_constant(lambda: r_max * (M_g**2 + M_h) / c**2, names, "L_g"),
            "sigma_g2": _finite_constant(lambda: r_max**2 * M_g**2 / c**3, names, "sigma_g2"),
            "sigma_h2": _finite_constant(lambda: r_max**2 * (H * M_g**4 + M_h**2) / c**4, names, "sigma_h2")}


def measured_score_bounds(policy, theta, n_states: int):
    r"""``(max ||grad log pi||, max ||grad^2 log pi||_2)`` over all states and actions at ``theta``.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    _check_softmax(policy)
    S = v.check_int("n_states", n_states, minimum=1)
    if isinstance(policy, TabularSoftmax) and S != policy.n_states:
        raise ValueError(f"n_states must equal policy.n_states = {policy.n_states}, got {S}")
    if isinstance(policy, LinearSoftmax) and (policy._x.table is None or S != policy._x.table.shape[0]):
        raise ValueError("n_states must equal the rows of the policy's feature table "
                         f"({None if policy._x.table is None else policy._x.table.shape[0]}), got {S}")
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

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    _check_softmax(policy)
    k = policy.n_states if isinstance(policy, TabularSoftmax) else policy.n_features
    A = policy.n_actions
    return np.kron(np.eye(k), np.ones((1, A))) / np.sqrt(A)


def lambda_min(F, *, exclude=None) -> float:
    r"""Smallest eigenvalue of a symmetric ``F`` ``(d, d)``, on the orthogonal complement of the rows
    of ``exclude`` ``(k, d)`` (orthonormal) when given.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    F = v.check_square("F", F)
    scale = max(1.0, float(np.abs(F).max()))
    if np.any(np.abs(F - F.T) > 1e-8 * scale):
        raise ValueError(f"F must be symmetric, got max |F - F^T| = {np.abs(F - F.T).max():.3g}")
    if exclude is not None:
        E = v.as_float_array("exclude", exclude)
        d = F.shape[0]
        if E.ndim != 2 or E.shape[1] != d or not 1 <= E.shape[0] < d:
            raise ValueError(f"exclude must have shape (k, d) with 1 <= k < d = {d} (d the size of F), got {E.shape}")
        with v.quiet():
            gram = E @ E.T
        if not np.allclose(gram, np.eye(E.shape[0]), rtol=0.0, atol=1e-8):
            raise ValueError("exclude must have orthonormal rows (E E^T = I)")
        # an orthonormal basis U of the complement: the last d - k left singular vectors
        u, s, _ = np.linalg.svd(E.T, full_matrices=True)
        U = u[:, int(np.sum(s > 1e-10)):]
        F = U.T @ F @ U
    with v.quiet():  # (F + F^T) / 2 as F / 2 + F^T / 2: equal (halving is exact), and no overflow
        lam = np.linalg.eigvalsh(F / 2 + F.T / 2)[0]
    return float(v.check_result(lam, "the smallest eigenvalue", "F"))


def optimal_policy(mdp: FiniteMDP) -> np.ndarray:
    r"""A deterministic optimal policy table ``(S, A)``: greedy in :math:`Q^\star` (first maximiser)."""
    check_mdp(mdp)
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

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    w = np.linalg.lstsq(exact_fisher(mdp, policy, theta), exact_gradient(mdp, policy, theta), rcond=1e-12)[0]
    pi_star = _pi_star(mdp, pi_star)
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

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    F = exact_fisher(mdp, policy, theta)
    grad = exact_gradient(mdp, policy, theta)
    mu_F = lambda_min(F, exclude=shift_directions(policy))
    pi_star = _pi_star(mdp, pi_star)
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
