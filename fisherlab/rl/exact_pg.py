r"""Exact policy optimisation on finite MDPs: why natural policy gradient converges.

Everything here is exact (linear algebra on a :class:`~fisherlab.rl.mdp.FiniteMDP`, no
sampling), so each convergence theorem of the chapter can be held against the quantity it bounds.

**Tabular softmax NPG is soft policy iteration.** For :math:`\pi_\theta(a|s)\propto\exp\theta_{s,a}`
the exact gradient and Fisher matrix are
:math:`\partial J/\partial\theta_{s,a} = d_\rho^\pi(s)\pi(a|s)A^\pi(s,a)/(1-\gamma)` and
:math:`F_\rho = \operatorname{blockdiag}_s\, d_\rho^\pi(s)(\operatorname{diag}\pi_s - \pi_s\pi_s^\top)`,
so that (Kakade 2002; Agarwal, Kakade, Lee & Mahajan 2021, lemma "NPG as soft policy iteration")

.. math::
    F_\rho(\theta)^+\nabla J(\theta) = \frac{1}{1-\gamma}\Big(A^{\pi}(s,a) - \frac1{|\mathcal A|}
    \sum_b A^\pi(s,b)\Big),\qquad
    \pi^+(a|s) \propto \pi(a|s)\exp\Big(\frac{\eta\,A^{\pi}(s,a)}{1-\gamma}\Big).

``eta = inf`` is the greedy (policy-iteration) step.

**Functions.** Natural direction and update: :func:`npg_direction`, :func:`npg_policy_update`;
runs, each returning an :class:`ExactRun`: :func:`run_npg`, :func:`policy_iteration`,
:func:`run_softmax_pg`, :func:`run_entropy_npg`, :func:`run_linear_npg`; the optimum:
:func:`optimal_policy_value`, :func:`soft_value_iteration`; bounds: :func:`npg_bound` (Agarwal et
al. 2021, "Global convergence for NPG"), :func:`pg_lojasiewicz_bound` and :func:`pg_rate_bound`
(Mei, Xiao, Szepesvári & Schuurmans 2020), :func:`entropy_npg_bound` (Cen, Cheng, Chen, Wei &
Chi 2022, Theorem 1), :func:`npg_regret_bound` (Agarwal et al. 2021, section 6); helpers
:func:`softmax_pg_gradient`, :func:`pg_smoothness`, :func:`soft_values`, :func:`compatible_fit`,
:func:`feature_table`, :func:`reachable_states`, :func:`fisher_condition_bounds`.

Policies are tables ``pi`` of shape ``(S, A)``; tabular parameters (logits) are flat ``(S * A,)``
arrays, ``theta[s * A + a]``, as in :class:`~fisherlab.rl.policies.TabularSoftmax`.

Introduced in Chapter 6, "Why natural policy gradient converges".
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .mdp import FiniteMDP, check_mdp
from .policies import LinearSoftmax, TabularSoftmax

__all__ = [
    "ExactRun",
    "reachable_states",
    "npg_direction",
    "npg_policy_update",
    "run_npg",
    "policy_iteration",
    "optimal_policy_value",
    "npg_bound",
    "fisher_condition_bounds",
    "softmax_pg_gradient",
    "run_softmax_pg",
    "pg_smoothness",
    "pg_lojasiewicz_bound",
    "pg_rate_bound",
    "soft_values",
    "soft_value_iteration",
    "run_entropy_npg",
    "EntropyNPGBound",
    "entropy_npg_bound",
    "feature_table",
    "compatible_fit",
    "run_linear_npg",
    "RegretBound",
    "npg_regret_bound",
]


# ---- validation and exact evaluation (no re-validation inside loops) -----------------------
def _check_mdp(mdp) -> FiniteMDP:
    return check_mdp(mdp)


def _check_eta(eta, *, allow_inf: bool = False, name: str = "eta") -> float:
    if allow_inf and isinstance(eta, (numbers.Real, np.floating)) and not isinstance(eta, bool) and eta == np.inf:
        return np.inf
    rng = "> 0 (or inf)" if allow_inf else "> 0 and finite"
    if isinstance(eta, (numbers.Real, np.floating)) and not isinstance(eta, bool) and not np.isfinite(eta):
        raise ValueError(f"{name} must be {rng}, got {eta!r}")
    eta = v.check_scalar(name, eta)
    if eta <= 0:
        raise ValueError(f"{name} must be {rng}, got {eta!r}")
    return eta


def _check_tau(tau, *, allow_zero: bool = False) -> float:
    tau = v.check_scalar("tau", tau)
    if tau < 0 or (tau == 0 and not allow_zero):
        raise ValueError(f"tau must be {'>= 0' if allow_zero else '> 0'}, got {tau!r}")
    return tau


def _check_run(run, algos: tuple, source: str):
    """``run`` is an :class:`ExactRun` of one of ``algos`` (made by ``source``)."""
    v.check_instance("run", run, ExactRun, f"an ExactRun of {source}")
    if run.algo not in algos:
        raise ValueError(f"run must be an ExactRun of {source}, got a run of {run.algo!r}")
    return run


def _check_logits(mdp: FiniteMDP, theta, name: str = "theta0") -> np.ndarray:
    S, A = mdp.n_states, mdp.n_actions
    if theta is None:
        return np.zeros((S, A))
    theta = v.as_float_array(name, theta)
    if theta.shape == (S * A,):
        theta = theta.reshape(S, A)
    return v.check_shape(name, theta, (S, A)).copy()


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)  # the shift cancels exactly
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _evaluate(mdp: FiniteMDP, pi: np.ndarray, extra_reward=None):
    """``(V (S,), Q (S, A), M = I - gamma P_pi)`` for a validated table ``pi``."""
    S = mdp.n_states
    M = np.eye(S) - mdp.gamma * np.einsum("sa,sat->st", pi, mdp.P)
    r_pi = (pi * mdp.R).sum(axis=1)
    if extra_reward is not None:
        r_pi = r_pi + extra_reward
    V = np.linalg.solve(M, r_pi)
    Q = mdp.R + mdp.gamma * mdp.P @ V
    return V, Q, M


def _occupancy(mdp: FiniteMDP, M: np.ndarray, rho=None) -> np.ndarray:
    rho = mdp.rho if rho is None else rho
    # d^T (I - gamma P_pi) = (1 - gamma) rho^T
    return np.linalg.solve(M.T, (1 - mdp.gamma) * rho)


def _entropy(pi: np.ndarray, log_pi: np.ndarray | None = None) -> np.ndarray:
    """:math:`-\\sum_a \\pi\\log\\pi` per state, with :math:`0\\log 0 = 0`."""
    if log_pi is None:
        log_pi = np.zeros_like(pi)
        np.log(pi, out=log_pi, where=pi > 0)
    return -(np.where(pi > 0, pi * log_pi, 0.0)).sum(axis=1)


# ---- runs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExactRun:
    r"""The iterates of an exact run, ``t = 0, ..., n_iters``.

    Attributes
    ----------
    algo : str
        ``"npg"``, ``"pi"`` (policy iteration), ``"pg"``, ``"entropy-npg"`` or ``"linear-npg"`` /
        ``"q-npg"``.
    policies : ndarray of shape (n_iters + 1, S, A)
        :math:`\pi^{(t)}`.
    objective : ndarray of shape (n_iters + 1,)
        :math:`V^{(t)}(\rho) = J(\pi^{(t)})`, the unregularised objective.
    log_policies : ndarray of shape (n_iters + 1, S, A) or None
        :math:`\log\pi^{(t)}`, finite for softmax runs (None for policy iteration).
    q_values : ndarray of shape (n_iters + 1, S, A) or None
        :math:`Q^{(t)}` (soft :math:`Q_\tau^{(t)}` for entropy-regularised runs).
    grad_norms : ndarray of shape (n_iters + 1,) or None
        :math:`\lVert\nabla J(\theta_t)\rVert_2` (PG runs).
    thetas : ndarray of shape (n_iters + 1, d) or None
        Parameters of a linear softmax run.
    directions : ndarray of shape (n_iters, d) or None
        The update directions :math:`w_t` of a linear softmax run
        (:math:`\theta_{t+1} = \theta_t + \eta w_t`).
    eta : float
        The step size (``inf`` for policy iteration).
    """

    algo: str
    policies: np.ndarray
    objective: np.ndarray
    log_policies: np.ndarray | None = None
    q_values: np.ndarray | None = None
    grad_norms: np.ndarray | None = None
    thetas: np.ndarray | None = None
    directions: np.ndarray | None = None
    eta: float = np.nan

    @property
    def n_iters(self) -> int:
        """Number of updates."""
        return len(self.objective) - 1


def reachable_states(mdp: FiniteMDP) -> np.ndarray:
    r"""States that some trajectory from :math:`\rho` visits with positive probability; bool ``(S,)``.

    For a policy with full support (every softmax policy) these are exactly the states with
    :math:`d_\rho^\pi(s) > 0`. Computed on the graph :math:`s\to s'` if
    :math:`\max_a P(s'|s,a) > 0`, without floating-point thresholds.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    edges = mdp.P.max(axis=1) > 0  # (S, S)
    seen = mdp.rho > 0
    frontier = seen.copy()
    while frontier.any():
        new = edges[frontier].any(axis=0) & ~seen
        seen |= new
        frontier = new
    return seen


def npg_direction(mdp: FiniteMDP, pi) -> np.ndarray:
    r"""The natural gradient :math:`F_\rho(\theta)^+\nabla J(\theta)` of a tabular softmax policy, in closed form.

    .. math::
        \big[F_\rho^+\nabla J\big]_{s,a} = \frac{1}{1-\gamma}\Big(A^\pi(s,a) - \frac{1}{|\mathcal A|}
        \sum_b A^\pi(s,b)\Big)\quad\text{if } d_\rho^\pi(s) > 0,\qquad 0 \text{ otherwise}.

    Any vector :math:`A^\pi/(1-\gamma) + c(s)` solves :math:`F_\rho w = \nabla J`; the
    pseudo-inverse picks the one orthogonal to the null space (constant in :math:`a` at every
    state, and zero on states :math:`\rho` never reaches). Shape ``(S * A,)``, ordered like
    ``TabularSoftmax``'s ``theta``.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    mdp : FiniteMDP
    pi : array of shape (S, A)
        A policy table with every entry > 0 (a softmax policy).
    """
    mdp = _check_mdp(mdp)
    pi = mdp.check_pi(pi)
    if np.any(pi <= 0):
        raise ValueError(f"pi entries must be > 0 (a softmax policy has full support), got min {pi.min()!r}")
    _, Q, _ = _evaluate(mdp, pi)
    adv = Q - (pi * Q).sum(axis=1, keepdims=True)
    w = (adv - adv.mean(axis=1, keepdims=True)) / (1 - mdp.gamma)
    w[~reachable_states(mdp)] = 0.0
    return w.ravel()


def _greedy_mask(adv: np.ndarray, atol: float) -> np.ndarray:
    return adv >= adv.max(axis=1, keepdims=True) - atol


def npg_policy_update(mdp: FiniteMDP, pi, eta, *, atol: float = 1e-10) -> np.ndarray:
    r"""One exact NPG step of a tabular softmax policy: multiplicative weights on the advantages.

    .. math::
        \pi^+(a|s) = \frac{\pi(a|s)\exp\big(\eta A^\pi(s,a)/(1-\gamma)\big)}{Z(s)},\qquad
        Z(s) = \sum_b \pi(b|s)\exp\big(\eta A^\pi(s,b)/(1-\gamma)\big),

    i.e. :math:`\theta^+ = \theta + \eta F_\rho^+\nabla J` (Agarwal et al. 2021, lemma "NPG as soft
    policy iteration"),
    at every state (on states :math:`\rho` never reaches, :math:`F_\rho^+\nabla J = 0` and the
    parametric update leaves them alone; neither changes :math:`J`). As :math:`\eta\to\infty`,
    :math:`\pi^+(\cdot|s)` keeps only the actions that maximise :math:`A^\pi(s,\cdot)`, in
    proportion to :math:`\pi`: ``eta=numpy.inf`` returns this greedy policy-iteration step
    (advantages within ``atol`` of the maximum count as ties). Returns a table ``(S, A)``.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    pi = mdp.check_pi(pi)
    eta = _check_eta(eta, allow_inf=True)
    atol = v.check_positive("atol", atol, scalar=True)
    _, Q, _ = _evaluate(mdp, pi)
    adv = Q - (pi * Q).sum(axis=1, keepdims=True)
    if eta == np.inf:
        # --- the limit: keep the greedy actions, in proportion to pi (policy iteration)
        kept = pi * _greedy_mask(adv, atol)
        norm = kept.sum(axis=1, keepdims=True)
        if np.any(norm <= 0):
            raise ValueError("pi must give positive probability to a greedy action at every state for eta=inf")
        return kept / norm
    # --- multiplicative weights, in log space so that tiny probabilities do not underflow early
    log_pi = np.full_like(pi, -np.inf)
    np.log(pi, out=log_pi, where=pi > 0)
    z = log_pi + eta * adv / (1 - mdp.gamma)
    return np.exp(_log_softmax(z))


def run_npg(mdp: FiniteMDP, *, eta: float, n_iters: int, theta0=None) -> ExactRun:
    r"""Exact NPG with the tabular softmax policy from ``theta0`` (default: the uniform policy).

    .. math::
        \theta^{(t+1)} = \theta^{(t)} + \frac{\eta}{1-\gamma}A^{(t)},\qquad
        \pi^{(t+1)}(a|s)\propto\pi^{(t)}(a|s)\exp\big(\eta A^{(t)}(s,a)/(1-\gamma)\big),

    the update of :func:`npg_policy_update` carried in the logits (which never underflow).
    The iterates do not depend on :math:`\rho` (only the recorded objective does).

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    eta : float
        Step size :math:`\eta > 0` (Agarwal et al.'s convention: the step is :math:`\eta F^+\nabla J`).
    n_iters : int
        Number of updates ``T >= 0``.
    theta0 : array of shape (S * A,) or (S, A), optional
        Initial logits.
    """
    mdp = _check_mdp(mdp)
    eta = _check_eta(eta)
    T = v.check_int("n_iters", n_iters, minimum=0)
    theta = _check_logits(mdp, theta0)
    S, A = mdp.n_states, mdp.n_actions
    pols, logs, qs, obj = (np.empty((T + 1, S, A)), np.empty((T + 1, S, A)), np.empty((T + 1, S, A)),
                           np.empty(T + 1))
    for t in range(T + 1):
        log_pi = _log_softmax(theta)
        pi = np.exp(log_pi)
        V, Q, _ = _evaluate(mdp, pi)
        pols[t], logs[t], qs[t], obj[t] = pi, log_pi, Q, mdp.rho @ V
        if t < T:
            # --- the natural step: theta + eta F^+ grad J = theta + eta A / (1 - gamma) (+ c(s))
            theta = log_pi + eta * (Q - V[:, None]) / (1 - mdp.gamma)
    return ExactRun("npg", pols, obj, log_policies=logs, q_values=qs, eta=eta)


def policy_iteration(mdp: FiniteMDP, pi0=None, *, max_iters: int = 1000, atol: float = 1e-10) -> ExactRun:
    r"""Howard's policy iteration: :math:`\pi_{k+1}(s) = \arg\max_a Q^{\pi_k}(s,a)` until stable.

    Starts from ``pi0`` (default: the uniform policy) and stops at the first greedy policy that
    is greedy for its own :math:`Q` (ties within ``atol`` keep the current action, then the
    lowest index). Every iterate after the first is deterministic; the last is optimal. Policy
    iteration is the :math:`\eta\to\infty` limit of each NPG step (:func:`npg_policy_update`).

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    max_iters = v.check_int("max_iters", max_iters, minimum=1)
    atol = v.check_positive("atol", atol, scalar=True)
    S, A = mdp.n_states, mdp.n_actions
    pi = np.full((S, A), 1.0 / A) if pi0 is None else v.check_policy_table("pi0", pi0, S, A).copy()
    pols, qs, obj = [], [], []
    for _ in range(max_iters + 1):
        V, Q, _ = _evaluate(mdp, pi)
        pols.append(pi)
        qs.append(Q)
        obj.append(float(mdp.rho @ V))
        greedy = _greedy_mask(Q, atol)
        if len(pols) > 1 and np.all(greedy[pi > 0]):
            break  # pi is greedy for its own Q: optimal (Bellman optimality equation)
        # keep the current action where it is among the maximisers, else the first maximiser
        current = pi.argmax(axis=1)
        keep = greedy[np.arange(S), current]
        action = np.where(keep, current, greedy.argmax(axis=1)) if len(pols) > 1 else greedy.argmax(axis=1)
        pi = np.zeros((S, A))
        pi[np.arange(S), action] = 1.0
    else:
        raise ValueError(f"max_iters must be large enough for policy iteration to stop, got {max_iters}")
    return ExactRun("pi", np.array(pols), np.array(obj), q_values=np.array(qs), eta=np.inf)


def optimal_policy_value(mdp: FiniteMDP) -> tuple[np.ndarray, np.ndarray]:
    r"""A deterministic optimal policy :math:`\pi^\star` ``(S, A)`` and :math:`V^\star` ``(S,)``, by policy iteration.

    :math:`V^\star = V^{\pi^\star}` is the solution of a linear system, exact to rounding (value
    iteration would stop at a tolerance).

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    run = policy_iteration(mdp)
    pi_star = run.policies[-1]
    V, _, _ = _evaluate(mdp, pi_star)
    return pi_star, V


def npg_bound(n_iters, *, eta: float, n_actions: int, gamma: float, reward_span: float = 1.0) -> np.ndarray:
    r"""Agarwal et al.'s bound on the gap of exact tabular NPG from the uniform policy.

    .. math::
        V^\star(\rho) - V^{(T)}(\rho) \le \frac{\log|\mathcal A|}{\eta T} + \frac{1}{(1-\gamma)^2 T}

    (Agarwal, Kakade, Lee & Mahajan 2021, theorem "Global convergence for NPG", rewards in [0, 1]).
    For rewards in an
    interval of length ``reward_span`` the second term is multiplied by it (the proof uses
    only :math:`V^{(T)} - V^{(0)}\le \text{span}/(1-\gamma)`). Same shape as ``n_iters`` (each ``T >= 1``).

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    T = v.check_int_array("n_iters", n_iters, minimum=1).astype(np.float64)
    eta = _check_eta(eta)
    A = v.check_int("n_actions", n_actions, minimum=2)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    span = v.check_positive("reward_span", reward_span, scalar=True)
    return np.log(A) / (eta * T) + span / ((1 - gamma) ** 2 * T)


def fisher_condition_bounds(mdp: FiniteMDP, log_pi) -> tuple[float, float]:
    r"""Bounds on :math:`\log_{10}` of the condition number of :math:`F_\rho` on its range (tabular softmax).

    :math:`F_\rho = \operatorname{blockdiag}_s d(s)(\operatorname{diag}\pi_s - \pi_s\pi_s^\top)`.
    The eigenvalues :math:`0=\mu_1\le\mu_2\le\dots\le\mu_A` of
    :math:`\operatorname{diag}p - pp^\top` interlace the sorted probabilities,
    :math:`\mu_i\le p_{(i)}\le\mu_{i+1}` (a rank-one downdate), so with
    :math:`\kappa = \lambda_{\max}/\lambda_{\min>0}`

    .. math::
        \frac{\max_s d(s)\,p_{(A-1)}(s)}{\min_s d(s)\,p_{(2)}(s)} \le \kappa \le
        \frac{\max_s d(s)\,p_{(A)}(s)}{\min_s d(s)\,p_{(1)}(s)} .

    Computed from ``log_pi`` (``(S, A)``, e.g. a row of ``ExactRun.log_policies``), so that
    probabilities far below the smallest float still count. Returns ``(lower, upper)`` in
    :math:`\log_{10}`; states with :math:`d(s) = 0` are left out.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    log_pi = v.check_shape("log_pi", v.as_float_array("log_pi", log_pi), (mdp.n_states, mdp.n_actions))
    pi = np.exp(log_pi)
    v.check_probability_vector("exp(log_pi)", pi)
    _, _, M = _evaluate(mdp, pi)
    d = _occupancy(mdp, M)
    on = reachable_states(mdp) & (d > 0)
    log_d = np.log(d[on])
    lp = np.sort(log_pi[on], axis=1)
    hi_num, lo_num = np.max(log_d + lp[:, -1]), np.max(log_d + lp[:, -2])
    lo_den, hi_den = np.min(log_d + lp[:, 1]), np.min(log_d + lp[:, 0])
    return float((lo_num - lo_den) / np.log(10)), float((hi_num - hi_den) / np.log(10))


# ---- vanilla softmax policy gradient --------------------------------------------------------
def softmax_pg_gradient(mdp: FiniteMDP, pi) -> np.ndarray:
    r"""Exact :math:`\nabla J(\theta)` of a tabular softmax policy, in closed form; shape ``(S * A,)``.

    .. math::
        \frac{\partial J}{\partial\theta_{s,a}} = \frac{1}{1-\gamma}\,d_\rho^\pi(s)\,\pi(a|s)\,A^\pi(s,a)

    (Agarwal et al. 2021, appendix C; the policy-gradient theorem with the softmax score
    :math:`e_{s,a} - \pi(\cdot|s)`). Compared with :func:`npg_direction`, two factors stand in
    front of the advantage: the visitation :math:`d_\rho^\pi(s)` and the probability
    :math:`\pi(a|s)`. The Fisher matrix divides both out.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    pi = mdp.check_pi(pi)
    V, Q, M = _evaluate(mdp, pi)
    d = _occupancy(mdp, M)
    return (d[:, None] * pi * (Q - V[:, None]) / (1 - mdp.gamma)).ravel()


def pg_smoothness(mdp: FiniteMDP) -> float:
    r"""The smoothness constant :math:`L = 8\,\text{span}(r)/(1-\gamma)^3` of :math:`\theta\mapsto J(\theta)` (tabular softmax).

    Mei et al. (2020, Lemma 7; also Agarwal et al. 2021) show
    :math:`\lVert\nabla^2 J\rVert \le 8/(1-\gamma)^3` for rewards in [0, 1]; shifting the
    rewards leaves :math:`\nabla^2 J` unchanged and scaling them scales it, hence the span.
    Gradient ascent with :math:`\eta\le 1/L` increases :math:`J` at every step.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    span = float(mdp.R.max() - mdp.R.min())
    return 8.0 * max(span, 1e-300) / (1 - mdp.gamma) ** 3


def run_softmax_pg(mdp: FiniteMDP, *, lr: float, n_iters: int, theta0=None) -> ExactRun:
    r"""Exact softmax policy gradient ascent on :math:`J(\theta) = V^{\pi_\theta}(\rho)`.

    .. math::
        \theta_{t+1} = \theta_t + \eta\,\nabla J(\theta_t),\qquad
        [\nabla J]_{s,a} = \frac{d_\rho^{\pi_t}(s)\pi_t(a|s)A^{(t)}(s,a)}{1-\gamma}.

    ``lr`` is :math:`\eta`; the theory's step is :math:`1/L` (:func:`pg_smoothness`). The run
    records :math:`\lVert\nabla J(\theta_t)\rVert` for the Łojasiewicz check
    (:func:`pg_lojasiewicz_bound`).

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    lr = v.check_positive("lr", lr, scalar=True)
    T = v.check_int("n_iters", n_iters, minimum=0)
    theta = _check_logits(mdp, theta0)
    S, A = mdp.n_states, mdp.n_actions
    pols, logs, obj, gn = np.empty((T + 1, S, A)), np.empty((T + 1, S, A)), np.empty(T + 1), np.empty(T + 1)
    for t in range(T + 1):
        log_pi = _log_softmax(theta)
        pi = np.exp(log_pi)
        V, Q, M = _evaluate(mdp, pi)
        d = _occupancy(mdp, M)
        grad = d[:, None] * pi * (Q - V[:, None]) / (1 - mdp.gamma)
        pols[t], logs[t], obj[t], gn[t] = pi, log_pi, mdp.rho @ V, np.sqrt(np.sum(grad**2))
        # --- the vanilla step: theta + lr * grad J
        theta = theta + lr * grad
    return ExactRun("pg", pols, obj, log_policies=logs, grad_norms=gn, eta=lr)


def _optimal_actions(pi_star: np.ndarray) -> np.ndarray:
    return pi_star.argmax(axis=1)


def pg_lojasiewicz_bound(mdp: FiniteMDP, pi, pi_star) -> float:
    r"""The right side of Mei et al.'s non-uniform Łojasiewicz inequality at ``pi``.

    .. math::
        \lVert\nabla J(\theta)\rVert_2 \;\ge\;
        \frac{\min_s\pi_\theta(a^\star(s)|s)}{\sqrt{S}\,\lVert d_\rho^{\pi^\star}/d_\rho^{\pi_\theta}\rVert_\infty}
        \big(V^\star(\rho) - V^{\pi_\theta}(\rho)\big)

    (Mei, Xiao, Szepesvári & Schuurmans 2020, Lemma 8, with :math:`\mu = \rho`), where
    :math:`a^\star(s)` is the action of the deterministic optimal policy ``pi_star``. The ratio
    is taken over the states with :math:`d_\rho^{\pi^\star}(s) > 0`.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    pi = mdp.check_pi(pi)
    pi_star = v.check_policy_table("pi_star", pi_star, mdp.n_states, mdp.n_actions)
    V, _, M = _evaluate(mdp, pi)
    V_star, _, M_star = _evaluate(mdp, pi_star)
    d, d_star = _occupancy(mdp, M), _occupancy(mdp, M_star)
    on = d_star > 0
    if np.any(d[on] <= 0):
        return 0.0
    ratio = float(np.max(d_star[on] / d[on]))
    c = float(pi[np.arange(mdp.n_states), _optimal_actions(pi_star)].min())
    return c / (np.sqrt(mdp.n_states) * ratio) * float(mdp.rho @ (V_star - V))


def pg_rate_bound(mdp: FiniteMDP, run: ExactRun, pi_star) -> np.ndarray:
    r"""The :math:`O(1/t)` bound on :math:`V^\star(\rho) - V^{(t)}(\rho)` for a PG run with :math:`\eta\le 1/L`.

    The ascent lemma of an :math:`L`-smooth objective, :math:`\delta_{t+1}\le\delta_t -
    \frac{\eta}{2}\lVert\nabla J(\theta_t)\rVert^2`, and the Łojasiewicz inequality
    :math:`\lVert\nabla J(\theta_t)\rVert\ge \frac{c_t}{\sqrt S m_t}\delta_t` give
    :math:`\delta_{t+1}\le\delta_t-\kappa_t\delta_t^2` with :math:`\kappa_t = \eta c_t^2/(2Sm_t^2)`,
    hence :math:`1/\delta_{t+1}\ge 1/\delta_t + \kappa_t` and

    .. math::
        \delta_t \le \Big(\frac{1}{\delta_0} + \sum_{k<t}\kappa_k\Big)^{-1},\qquad
        c_k = \min_s\pi_k(a^\star(s)|s),\quad m_k = \lVert d_\rho^{\pi^\star}/d_\rho^{\pi_k}\rVert_\infty .

    This is the argument of Mei et al. (2020, Theorem 4) with the constants measured along the
    run instead of bounded uniformly. Their uniform version takes :math:`c = \inf_t c_t` and
    :math:`m_t\le\lVert d_\rho^{\pi^\star}/\rho\rVert_\infty/(1-\gamma)` (because
    :math:`d_\rho^\pi\ge(1-\gamma)\rho`), which gives
    :math:`\delta_t\le 16S\lVert d_\rho^{\pi^\star}/\rho\rVert_\infty^2/(c^2(1-\gamma)^5t)` for
    rewards in [0, 1]; the paper states
    :math:`16S\lVert d_\mu^{\pi^\star}/\mu\rVert_\infty^2\lVert 1/\mu\rVert_\infty/(c^2(1-\gamma)^6t)`
    for the gap at any :math:`\rho` when PG ascends :math:`V(\mu)`. Shape ``(n_iters + 1,)``.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Raises
    ------
    ValueError
        If ``run`` is not a PG run or its step size exceeds :math:`1/L`.
    """
    mdp = _check_mdp(mdp)
    _check_run(run, ("pg",), "run_softmax_pg")
    pi_star = v.check_policy_table("pi_star", pi_star, mdp.n_states, mdp.n_actions)
    L = pg_smoothness(mdp)
    if run.eta > 1.0 / L * (1 + 1e-12):
        raise ValueError(f"run.eta must be <= 1/L = {1 / L:.6g} for the bound, got {run.eta!r}")
    V_star, _, M_star = _evaluate(mdp, pi_star)
    d_star = _occupancy(mdp, M_star)
    on = d_star > 0
    a_star = _optimal_actions(pi_star)
    S = mdp.n_states
    kappa = np.empty(run.n_iters)
    for k in range(run.n_iters):
        pi = run.policies[k]
        _, _, M = _evaluate(mdp, pi)
        m = np.max(d_star[on] / _occupancy(mdp, M)[on])
        c = pi[np.arange(S), a_star].min()
        kappa[k] = run.eta * c**2 / (2 * S * m**2)
    delta0 = float(mdp.rho @ V_star) - run.objective[0]
    if delta0 <= 0:
        return np.zeros(run.n_iters + 1)
    return 1.0 / (1.0 / delta0 + np.concatenate([[0.0], np.cumsum(kappa)]))


# ---- entropy regularisation -----------------------------------------------------------------
def soft_values(mdp: FiniteMDP, pi, tau: float, *, log_pi=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Entropy-regularised values :math:`(V_\tau^\pi, Q_\tau^\pi)` of a policy table; shapes ``(S,)``, ``(S, A)``.

    .. math::
        V_\tau^\pi(s) = \mathbb E\Big[\sum_{t\ge0}\gamma^t\big(r(s_t,a_t) - \tau\log\pi(a_t|s_t)\big)
        \,\Big|\, s_0 = s\Big],\qquad Q_\tau^\pi(s,a) = r(s,a) + \gamma\sum_{s'}P(s'|s,a)V_\tau^\pi(s'),

    so :math:`V_\tau^\pi = (I-\gamma P_\pi)^{-1}(r_\pi + \tau\mathcal H_\pi)` with the entropy
    :math:`\mathcal H_\pi(s) = -\sum_a\pi(a|s)\log\pi(a|s)` (Cen et al. 2022, section 2).
    ``tau = 0`` gives the ordinary values. ``log_pi`` (optional, ``(S, A)``) avoids
    :math:`\log` of tiny probabilities.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    pi = mdp.check_pi(pi)
    tau = _check_tau(tau, allow_zero=True)
    if log_pi is not None:
        log_pi = v.check_shape("log_pi", v.as_float_array("log_pi", log_pi), pi.shape)
        if not np.allclose(np.exp(log_pi), pi, rtol=1e-8, atol=1e-12):
            raise ValueError("log_pi must be the logarithm of pi (exp(log_pi) = pi)")
    V, Q, _ = _evaluate(mdp, pi, extra_reward=tau * _entropy(pi, log_pi))
    return V, Q


def _soft_max(Q: np.ndarray, tau: float) -> np.ndarray:
    m = Q.max(axis=1)
    return m + tau * np.log(np.exp((Q - m[:, None]) / tau).sum(axis=1))


def soft_value_iteration(mdp: FiniteMDP, tau: float, *, tol: float = 1e-12, max_iters: int = 100_000):
    r"""The soft-optimal :math:`Q_\tau^\star` ``(S, A)`` by soft value iteration.

    .. math::
        Q_{k+1}(s,a) = r(s,a) + \gamma\sum_{s'}P(s'|s,a)\,\tau\log\sum_{b}\exp\big(Q_k(s',b)/\tau\big),

    a :math:`\gamma`-contraction in the sup norm whose fixed point is :math:`Q_\tau^\star`; the
    soft-optimal policy is :math:`\pi_\tau^\star(a|s)\propto\exp(Q_\tau^\star(s,a)/\tau)`. Stops
    when :math:`\frac{\gamma}{1-\gamma}\lVert Q_{k+1}-Q_k\rVert_\infty\le` ``tol``, which bounds
    :math:`\lVert Q_{k+1}-Q_\tau^\star\rVert_\infty`.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    tau = _check_tau(tau)
    tol = v.check_positive("tol", tol, scalar=True)
    max_iters = v.check_int("max_iters", max_iters, minimum=1)
    g = mdp.gamma
    Q = np.zeros((mdp.n_states, mdp.n_actions))
    for _ in range(max_iters):
        Q_new = mdp.R + g * mdp.P @ _soft_max(Q, tau)
        diff = np.max(np.abs(Q_new - Q))
        Q = Q_new
        if g / (1 - g) * diff <= tol:
            return Q
    raise ValueError(f"max_iters must be large enough to reach tol={tol:g}, got {max_iters}")


def run_entropy_npg(mdp: FiniteMDP, *, eta: float, tau: float, n_iters: int, theta0=None) -> ExactRun:
    r"""Exact entropy-regularised NPG (Cen et al. 2022, Algorithm 1) with the tabular softmax policy.

    .. math::
        \theta^{(t+1)} = \Big(1-\frac{\eta\tau}{1-\gamma}\Big)\theta^{(t)} + \frac{\eta}{1-\gamma}Q_\tau^{(t)},
        \qquad \pi^{(t+1)}(a|s)\propto\pi^{(t)}(a|s)^{1-\frac{\eta\tau}{1-\gamma}}
        \exp\Big(\frac{\eta Q_\tau^{(t)}(s,a)}{1-\gamma}\Big),

    which is :math:`\theta + \eta F_\rho^+\nabla V_\tau(\rho)` up to per-state constants. The
    step must satisfy :math:`0<\eta\le(1-\gamma)/\tau`; at the largest step the update is soft
    policy iteration, :math:`\pi^{(t+1)}\propto\exp(Q_\tau^{(t)}/\tau)`. ``q_values`` holds
    :math:`Q_\tau^{(t)}`; ``objective`` the unregularised :math:`V^{(t)}(\rho)`.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    eta, tau = _check_eta(eta), _check_tau(tau)
    g = mdp.gamma
    if eta > (1 - g) / tau * (1 + 1e-12):
        raise ValueError(f"eta must be <= (1 - gamma) / tau = {(1 - g) / tau:.6g}, got {eta!r}")
    T = v.check_int("n_iters", n_iters, minimum=0)
    theta = _check_logits(mdp, theta0)
    S, A = mdp.n_states, mdp.n_actions
    pols, logs, qs, obj = (np.empty((T + 1, S, A)), np.empty((T + 1, S, A)), np.empty((T + 1, S, A)),
                           np.empty(T + 1))
    shrink = max(1.0 - eta * tau / (1 - g), 0.0)
    for t in range(T + 1):
        log_pi = _log_softmax(theta)
        pi = np.exp(log_pi)
        V_tau, Q_tau = soft_values(mdp, pi, tau, log_pi=log_pi)
        V, _, _ = _evaluate(mdp, pi)
        pols[t], logs[t], qs[t], obj[t] = pi, log_pi, Q_tau, mdp.rho @ V
        # --- the regularised natural step (Cen et al. 2022, Algorithm 1)
        theta = shrink * log_pi + eta * Q_tau / (1 - g)
    return ExactRun("entropy-npg", pols, obj, log_policies=logs, q_values=qs, eta=eta)


@dataclass(frozen=True)
class EntropyNPGBound:
    r"""Cen et al.'s bounds for :math:`t = 1, \dots, T` (arrays of shape ``(T,)``) and their constant.

    ``q[t-1]`` bounds :math:`\lVert Q_\tau^\star - Q_\tau^{(t)}\rVert_\infty`; ``log_pi[t-1]``
    bounds :math:`\lVert\log\pi_\tau^\star - \log\pi^{(t)}\rVert_\infty`; ``c1`` is :math:`C_1`.
    """

    q: np.ndarray
    log_pi: np.ndarray
    c1: float


def entropy_npg_bound(mdp: FiniteMDP, run: ExactRun, q_star, tau: float) -> EntropyNPGBound:
    r"""The linear rate of entropy-regularised NPG (Cen, Cheng, Chen, Wei & Chi 2022, Theorem 1).

    For :math:`0<\eta\le(1-\gamma)/\tau` and every :math:`t\ge0`,

    .. math::
        \lVert Q_\tau^\star - Q_\tau^{(t+1)}\rVert_\infty \le C_1\gamma(1-\eta\tau)^t,\qquad
        \lVert\log\pi_\tau^\star - \log\pi^{(t+1)}\rVert_\infty \le 2C_1\tau^{-1}(1-\eta\tau)^t,

    .. math::
        C_1 = \lVert Q_\tau^\star - Q_\tau^{(0)}\rVert_\infty
        + 2\tau\Big(1-\frac{\eta\tau}{1-\gamma}\Big)\lVert\log\pi_\tau^\star-\log\pi^{(0)}\rVert_\infty .

    ``run`` comes from :func:`run_entropy_npg` with this ``tau``; ``q_star`` from
    :func:`soft_value_iteration`.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    tau = _check_tau(tau)
    _check_run(run, ("entropy-npg",), "run_entropy_npg")
    q_star = v.check_shape("q_star", v.as_float_array("q_star", q_star), (mdp.n_states, mdp.n_actions))
    eta, g = run.eta, mdp.gamma
    log_pi_star = _log_softmax(q_star / tau)
    c1 = (np.max(np.abs(q_star - run.q_values[0]))
          + 2 * tau * (1 - eta * tau / (1 - g)) * np.max(np.abs(log_pi_star - run.log_policies[0])))
    t = np.arange(run.n_iters)
    rate = (1 - eta * tau) ** t
    return EntropyNPGBound(q=c1 * g * rate, log_pi=2 * c1 / tau * rate, c1=float(c1))


# ---- function approximation: compatible features and Q-NPG ---------------------------------
def feature_table(mdp: FiniteMDP, policy) -> np.ndarray:
    r"""The features :math:`\phi(s,a)` of a softmax policy, :math:`\text{logits}_a(s) = \theta^\top\phi(s,a)`; ``(S, A, d)``.

    Read off the policy's (linear) logits, one basis vector at a time. For
    :class:`~fisherlab.rl.policies.LinearSoftmax`, :math:`\phi(s,a) = x(s)\otimes e_a`.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    v.check_instance("policy", policy, (LinearSoftmax, TabularSoftmax),
                     "a LinearSoftmax or TabularSoftmax (e.g. fisherlab.rl.TabularSoftmax(S, A))")
    if policy.n_actions != mdp.n_actions:
        raise ValueError(f"policy.n_actions must equal mdp.n_actions = {mdp.n_actions}, got {policy.n_actions}")
    if isinstance(policy, TabularSoftmax) and policy.n_states != mdp.n_states:
        raise ValueError(f"policy.n_states must equal mdp.n_states = {mdp.n_states}, got {policy.n_states}")
    if isinstance(policy, LinearSoftmax) and (policy._x.table is None or policy._x.table.shape[0] != mdp.n_states):
        raise ValueError(f"policy must have a feature table with one row per state ({mdp.n_states}), "
                         f"got {None if policy._x.table is None else policy._x.table.shape[0]} rows")
    states = np.arange(mdp.n_states)
    return np.stack([policy.logits(e, states) for e in np.eye(policy.dim)], axis=-1)


TARGETS = ("advantage", "q")


def compatible_fit(mdp: FiniteMDP, policy, theta, *, target: str = "advantage",
                   damping: float = 0.0) -> np.ndarray:
    r"""The least-squares weights of NPG (``target="advantage"``) or Q-NPG (``target="q"``); shape ``(d,)``.

    With :math:`\nu(s,a) = d_\rho^{\pi_\theta}(s)\pi_\theta(a|s)` and damping :math:`\lambda\ge0`,

    * ``"advantage"``: :math:`w = \arg\min_w \mathbb E_\nu[(A^{\pi_\theta}(s,a) - w^\top\nabla\log\pi_\theta(a|s))^2]
      + \lambda\lVert w\rVert^2`, the compatible function approximation of Kakade (2001); its
      normal equations are :math:`(F_\rho + \lambda I)w = (1-\gamma)\nabla J`, so without damping the
      minimum-norm solution is :math:`(1-\gamma)F_\rho^+\nabla J` (Agarwal et al. 2021, section 6.1),
      and with damping it is the damped direction of TRPO's conjugate gradient (Chapter 5);
    * ``"q"``: :math:`w = \arg\min_w \mathbb E_\nu[(Q^{\pi_\theta}(s,a) - w^\top\phi(s,a))^2]
      + \lambda\lVert w\rVert^2` with the policy's own features :math:`\phi` (Q-NPG, Agarwal et al.
      2021, section 6.2; the course fits on the on-policy :math:`\nu`, the paper on the
      visitation :math:`d_{\nu_0}` of an exploratory start).

    The minimum-norm least-squares solution (``numpy.linalg.lstsq``).

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    v.check_choice("target", target, TARGETS)
    damping = _check_damping(damping)
    phi = feature_table(mdp, policy)
    theta = policy.check_theta(theta)
    return _fit(mdp, phi, theta, target, damping)[0]


def _check_damping(damping) -> float:
    return v.check_nonnegative("damping", damping, scalar=True)


def _fit(mdp, phi, theta, target, damping=0.0):
    """``(w, pi, log_pi, V, Q, d)`` for a linear softmax with feature table ``phi`` (S, A, d)."""
    log_pi = _log_softmax(phi @ theta)
    pi = np.exp(log_pi)
    V, Q, M = _evaluate(mdp, pi)
    d = _occupancy(mdp, M)
    if target == "advantage":
        X = phi - np.einsum("sa,sak->sk", pi, phi)[:, None, :]  # scores psi(s, a)
        y = Q - V[:, None]
    else:
        X, y = phi, Q
    sw = np.sqrt(np.maximum(d[:, None] * pi, 0.0))  # weights nu(s, a)
    k = phi.shape[-1]
    X, y = (sw[..., None] * X).reshape(-1, k), (sw * y).ravel()
    if damping:  # ridge rows: + damping ||w||^2
        X, y = np.vstack([X, np.sqrt(damping) * np.eye(k)]), np.concatenate([y, np.zeros(k)])
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    return w, pi, log_pi, V, Q, d


def run_linear_npg(mdp: FiniteMDP, policy, *, eta: float, n_iters: int, target: str = "advantage",
                   damping: float = 0.0, theta0=None) -> ExactRun:
    r"""NPG (``target="advantage"``) or Q-NPG (``target="q"``) with a linear softmax policy, exact.

    .. math::
        \theta_{t+1} = \theta_t + \eta\,w_t,\qquad w_t = \text{compatible\_fit}(\theta_t),

    Agarwal et al. (2021, section 6)'s updates with exact fits; :math:`\eta w_t` with the
    advantage fit is :math:`\eta(1-\gamma)F_\rho^+\nabla J`, so for the tabular policy this is
    :func:`run_npg` with step :math:`\eta(1-\gamma)`. ``damping`` is the ridge :math:`\lambda` of
    :func:`compatible_fit` (it keeps :math:`\lVert w_t\rVert` bounded, as the norm ball of
    Agarwal et al.'s analysis does). The run records ``thetas`` ``(T+1, d)`` and ``directions``
    :math:`w_t` ``(T, d)``.

    Introduced in Chapter 6, "Why natural policy gradient converges".
    """
    mdp = _check_mdp(mdp)
    eta = _check_eta(eta)
    T = v.check_int("n_iters", n_iters, minimum=0)
    v.check_choice("target", target, TARGETS)
    damping = _check_damping(damping)
    phi = feature_table(mdp, policy)
    theta = policy.init_theta() if theta0 is None else policy.check_theta(theta0, "theta0").copy()
    S, A = mdp.n_states, mdp.n_actions
    pols, logs, qs = np.empty((T + 1, S, A)), np.empty((T + 1, S, A)), np.empty((T + 1, S, A))
    obj, thetas, ws = np.empty(T + 1), np.empty((T + 1, policy.dim)), np.empty((T, policy.dim))
    for t in range(T + 1):
        w, pi, log_pi, V, Q, _ = _fit(mdp, phi, theta, target, damping)
        pols[t], logs[t], qs[t], obj[t], thetas[t] = pi, log_pi, Q, mdp.rho @ V, theta
        if t < T:
            ws[t] = w
            theta = theta + eta * w  # --- the (Q-)NPG step
    algo = "linear-npg" if target == "advantage" else "q-npg"
    return ExactRun(algo, pols, obj, log_policies=logs, q_values=qs, thetas=thetas, directions=ws, eta=eta)


@dataclass(frozen=True)
class RegretBound:
    r"""The terms of the NPG regret lemma for :math:`T = 1,\dots,n` (arrays of shape ``(n,)``).

    ``bound[T-1]`` bounds the average gap ``average_gap[T-1]``
    :math:`=\frac1T\sum_{t<T}(V^\star(\rho)-V^{(t)}(\rho))`; ``errors[t]`` is the transfer term
    :math:`\mathrm{err}_t`; ``beta`` the smoothness of :math:`\log\pi`; ``kl0`` the initial
    :math:`\mathbb E_{s\sim d^\star}\mathrm{KL}(\pi^\star_s\|\pi^{(0)}_s)`.
    """

    bound: np.ndarray
    average_gap: np.ndarray
    errors: np.ndarray
    beta: float
    kl0: float


def npg_regret_bound(mdp: FiniteMDP, policy, run: ExactRun, pi_star) -> RegretBound:
    r"""The NPG regret lemma (Agarwal et al. 2021, section 6) evaluated on a linear softmax run.

    If every :math:`\log\pi_\theta(a|s)` is :math:`\beta`-smooth in :math:`\theta` and
    :math:`\theta_{t+1} = \theta_t + \eta w_t` with any :math:`w_t`, then for every :math:`T\ge1`

    .. math::
        \frac1T\sum_{t<T}\big(V^\star(\rho) - V^{(t)}(\rho)\big) \le \frac{1}{1-\gamma}\Big(
        \frac{\mathbb E_{s\sim d^\star}\mathrm{KL}(\pi^\star_s\|\pi^{(0)}_s)}{\eta T}
        + \frac{\eta\beta W_T^2}{2} + \frac1T\sum_{t<T}\mathrm{err}_t\Big),

    .. math::
        \mathrm{err}_t = \mathbb E_{s\sim d^\star,a\sim\pi^\star}\big[A^{(t)}(s,a)
        - w_t^\top\nabla\log\pi_{\theta_t}(a|s)\big],\qquad W_T = \max_{t<T}\lVert w_t\rVert,

    with :math:`d^\star = d_\rho^{\pi^\star}` and :math:`\pi^\star` the given optimal policy.
    For a softmax, :math:`\nabla^2\log\pi = -\operatorname{Cov}_\pi(\phi)`, and the variance
    of :math:`u^\top\phi(s,\cdot)` is at most a quarter of its squared range (Popoviciu), so
    :math:`\beta = \max_{s,a,b}\lVert\phi(s,a)-\phi(s,b)\rVert^2/4` (:math:`\lVert x(s)\rVert^2/2`
    for ``LinearSoftmax``).

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    policy : LinearSoftmax or TabularSoftmax
        The policy class of ``run``.
    run : ExactRun
        From :func:`run_linear_npg` (either target).
    pi_star : array of shape (S, A)
        An optimal policy table (e.g. from :func:`optimal_policy_value`).
    """
    mdp = _check_mdp(mdp)
    _check_run(run, ("linear-npg", "q-npg"), "run_linear_npg")
    if run.n_iters < 1:
        raise ValueError("run must have n_iters >= 1")
    pi_star = v.check_policy_table("pi_star", pi_star, mdp.n_states, mdp.n_actions)
    phi = feature_table(mdp, policy)
    if run.thetas.shape[1] != phi.shape[-1]:
        raise ValueError(f"policy.dim must equal the run's parameter dimension {run.thetas.shape[1]}, "
                         f"got {policy.dim}")
    V_star, _, M_star = _evaluate(mdp, pi_star)
    d_star = _occupancy(mdp, M_star)
    nu_star = d_star[:, None] * pi_star  # (S, A)
    diffs = phi[:, :, None, :] - phi[:, None, :, :]
    beta = float(np.max(np.sum(diffs**2, axis=-1))) / 4
    lp0 = run.log_policies[0]
    kl0 = float(np.sum(nu_star * np.where(pi_star > 0, np.log(np.where(pi_star > 0, pi_star, 1.0)) - lp0, 0.0)))
    T = run.n_iters
    errors = np.empty(T)
    for t in range(T):
        pi, Q = run.policies[t], run.q_values[t]
        adv = Q - (pi * Q).sum(axis=1, keepdims=True)
        scores = phi - np.einsum("sa,sak->sk", pi, phi)[:, None, :]
        errors[t] = np.sum(nu_star * (adv - scores @ run.directions[t]))
    n = np.arange(1, T + 1)
    W = np.maximum.accumulate(np.linalg.norm(run.directions, axis=1))
    bound = (kl0 / (run.eta * n) + run.eta * beta * W**2 / 2 + np.cumsum(errors) / n) / (1 - mdp.gamma)
    gaps = float(mdp.rho @ V_star) - run.objective[:T]
    return RegretBound(bound=bound, average_gap=np.cumsum(gaps) / n, errors=errors, beta=beta, kl0=kl0)
