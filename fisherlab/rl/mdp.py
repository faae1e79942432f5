r"""Finite MDPs with exact evaluation: no sampling, only numpy linear algebra.

A finite discounted MDP :math:`(\mathcal S, \mathcal A, P, r, \gamma, \rho)` has ``S`` states,
``A`` actions, transition probabilities ``P[s, a, s']``, expected rewards ``R[s, a]``, a
discount :math:`\gamma \in (0, 1)` and an initial distribution :math:`\rho`. For a stationary
policy given as a table ``pi[s, a]`` of shape ``(S, A)`` everything is exact:

.. math::
    P_\pi = \sum_a \pi(a|s) P(s'|s,a),\quad r_\pi(s) = \sum_a \pi(a|s) r(s,a),\quad
    V^\pi = (I - \gamma P_\pi)^{-1} r_\pi,\quad Q^\pi = r + \gamma P V^\pi,\quad
    A^\pi = Q^\pi - V^\pi,

.. math::
    d_\rho^\pi = (1-\gamma)\,\rho^\top (I - \gamma P_\pi)^{-1}
    \;\Big(= (1-\gamma)\sum_{t\ge0}\gamma^t \Pr(s_t = \cdot \mid s_0\sim\rho)\Big),\qquad
    J(\pi) = \rho^\top V^\pi .

For a parametric policy :math:`\pi_\theta` (any policy of :mod:`fisherlab.rl.policies` with
``probs`` and ``score``), the module functions give the exact objective, the exact policy
gradient (policy-gradient theorem, Sutton et al. 2000), the exact Fisher matrix

.. math::
    \nabla J(\theta) = \frac{1}{1-\gamma}\,\mathbb E_{s\sim d_\rho^{\pi_\theta},\,a\sim\pi_\theta}
    \big[A^{\pi_\theta}(s,a)\,\nabla_\theta\log\pi_\theta(a|s)\big],\qquad
    F_\rho(\theta) = \mathbb E_{s\sim d_\rho^{\pi_\theta},\,a\sim\pi_\theta}
    \big[\nabla\log\pi_\theta(a|s)\,\nabla\log\pi_\theta(a|s)^\top\big],

and the exact TRPO surrogate and mean KL divergence.

Introduced in Chapter 5, "TRPO" (and reused in Chapter 6).
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v

__all__ = [
    "FiniteMDP",
    "random_mdp",
    "river_swim",
    "gridworld",
    "short_corridor",
    "short_corridor_policy",
    "policy_table",
    "exact_objective",
    "exact_gradient",
    "exact_fisher",
    "exact_fisher_vector_product",
    "exact_surrogate",
    "exact_mean_kl",
]


class FiniteMDP:
    r"""A finite discounted MDP with exact policy evaluation.

    Every evaluation method takes a policy table ``pi`` of shape ``(S, A)`` whose rows are
    probability vectors.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    P : array of shape (S, A, S)
        Transition probabilities :math:`P(s'|s,a)`; each ``P[s, a]`` sums to 1.
    R : array of shape (S, A)
        Expected rewards :math:`r(s, a)`.
    gamma : float
        Discount factor in (0, 1).
    rho : array of shape (S,)
        Initial-state distribution :math:`\rho`.
    name : str
        A label for figures and ``repr``.
    """

    def __init__(self, P, R, gamma: float, rho, *, name: str = "mdp"):
        P = v.as_float_array("P", P)
        if P.ndim != 3 or P.shape[0] != P.shape[2] or P.shape[0] < 1 or P.shape[1] < 1:
            raise ValueError(f"P must have shape (S, A, S) with S, A >= 1, got {P.shape}")
        self.P = v.check_probability_vector("P", P)
        S, A, _ = P.shape
        self.R = v.check_shape("R", v.as_float_array("R", R), (S, A))
        self.gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
        rho = v.check_shape("rho", v.as_float_array("rho", rho), (S,))
        self.rho = v.check_probability_vector("rho", rho)
        self.name = v.check_str("name", name)
        with v.quiet():  # r_max / (1 - gamma) bounds every value; it must be a float
            v.check_result(np.max(np.abs(self.R)) / (1 - self.gamma), "r_max / (1 - gamma)", "R and gamma")

    @property
    def n_states(self) -> int:
        """Number of states ``S``."""
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        """Number of actions ``A``."""
        return self.P.shape[1]

    def __repr__(self) -> str:
        return f"FiniteMDP(name={self.name!r}, S={self.n_states}, A={self.n_actions}, gamma={self.gamma})"

    # ---- policy tables ----------------------------------------------------------------------
    def check_pi(self, pi) -> np.ndarray:
        """A policy table of shape ``(S, A)`` with rows summing to 1."""
        pi = v.check_shape("pi", v.as_float_array("pi", pi), (self.n_states, self.n_actions))
        return v.check_probability_vector("pi", pi)

    def transition_matrix(self, pi) -> np.ndarray:
        r""":math:`P_\pi[s, s'] = \sum_a \pi(a|s) P(s'|s,a)`; shape ``(S, S)``."""
        pi = self.check_pi(pi)
        return np.einsum("sa,sat->st", pi, self.P)

    def reward_vector(self, pi) -> np.ndarray:
        r""":math:`r_\pi(s) = \sum_a \pi(a|s) r(s,a)`; shape ``(S,)``."""
        pi = self.check_pi(pi)
        return (pi * self.R).sum(axis=1)

    # ---- exact evaluation -------------------------------------------------------------------
    def value(self, pi) -> np.ndarray:
        r"""State values :math:`V^\pi = (I-\gamma P_\pi)^{-1} r_\pi`; shape ``(S,)``.

        The unique solution of the Bellman equation :math:`V = r_\pi + \gamma P_\pi V`.
        """
        P_pi = self.transition_matrix(pi)
        return np.linalg.solve(np.eye(self.n_states) - self.gamma * P_pi, self.reward_vector(pi))

    def q_value(self, pi) -> np.ndarray:
        r"""Action values :math:`Q^\pi(s,a) = r(s,a) + \gamma\sum_{s'} P(s'|s,a) V^\pi(s')`; ``(S, A)``."""
        return self.R + self.gamma * self.P @ self.value(pi)

    def advantage(self, pi) -> np.ndarray:
        r"""Advantages :math:`A^\pi(s,a) = Q^\pi(s,a) - V^\pi(s)`; shape ``(S, A)``.

        :math:`\sum_a \pi(a|s) A^\pi(s,a) = 0` for every state.
        """
        V = self.value(pi)
        return self.R + self.gamma * self.P @ V - V[:, None]

    def state_distribution(self, pi, rho=None) -> np.ndarray:
        r"""Discounted state distribution :math:`d_\rho^\pi = (1-\gamma)\rho^\top(I-\gamma P_\pi)^{-1}`.

        Shape ``(S,)``; sums to 1. ``rho`` defaults to the MDP's initial distribution.
        """
        rho = self.rho if rho is None else v.check_probability_vector(
            "rho", v.check_shape("rho", v.as_float_array("rho", rho), (self.n_states,)))
        P_pi = self.transition_matrix(pi)
        # d^T (I - gamma P_pi) = (1 - gamma) rho^T  <=>  (I - gamma P_pi)^T d = (1 - gamma) rho
        return np.linalg.solve((np.eye(self.n_states) - self.gamma * P_pi).T, (1 - self.gamma) * rho)

    def objective(self, pi) -> float:
        r"""Expected discounted return :math:`J(\pi) = \rho^\top V^\pi`."""
        return float(self.rho @ self.value(pi))

    def optimal_value(self, *, tol: float = 1e-12, max_iters: int = 100_000) -> np.ndarray:
        r"""Optimal values :math:`V^\star` by value iteration; shape ``(S,)``.

        Iterates :math:`V \leftarrow \max_a (r + \gamma P V)` from 0 until two iterates differ by
        less than ``tol`` (> 0) in sup norm, which puts :math:`V` within
        :math:`\gamma\,\text{tol}/(1-\gamma)` of :math:`V^\star` (Puterman, 1994, Theorem 6.3.1).
        Raises ``ValueError`` when that has not happened after ``max_iters`` (>= 1) iterations:
        a value that has not converged is never returned as :math:`V^\star`.
        """
        tol = v.check_positive("tol", tol, scalar=True)
        max_iters = v.check_int("max_iters", max_iters, minimum=1)
        V = np.zeros(self.n_states)
        change = np.inf
        for _ in range(max_iters):
            V_new = (self.R + self.gamma * self.P @ V).max(axis=1)
            change = float(np.max(np.abs(V_new - V)))
            if change < tol:
                return V_new
            V = V_new
        raise ValueError(f"max_iters = {max_iters} value-iteration steps did not reach tol = {tol:g} "
                         f"(last change {change:.3g}); raise max_iters or tol")

    def optimal_objective(self) -> float:
        r""":math:`J^\star = \rho^\top V^\star`, the best return any policy can reach."""
        return float(self.rho @ self.optimal_value())


# ---- MDPs -----------------------------------------------------------------------------------
def random_mdp(n_states: int, n_actions: int, *, rng: np.random.Generator, gamma: float = 0.9,
               concentration: float = 1.0) -> FiniteMDP:
    r"""A random MDP: each ``P[s, a]`` is Dirichlet(``concentration``), rewards uniform on [0, 1],
    :math:`\rho` Dirichlet(1).

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    n_states, n_actions : int
        Sizes ``S >= 1`` and ``A >= 2``.
    rng : numpy.random.Generator
        The only source of randomness.
    gamma : float
        Discount in (0, 1).
    concentration : float
        Dirichlet parameter, > 0: small values give nearly deterministic transitions.
    """
    S = v.check_int("n_states", n_states, minimum=1)
    A = v.check_int("n_actions", n_actions, minimum=2)
    rng = v.check_generator("rng", rng)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    c = v.check_positive("concentration", concentration, scalar=True)
    with v.quiet():
        P = rng.dirichlet(np.full(S, c), size=(S, A))
    if not np.all(np.isfinite(P)) or np.any(np.abs(P.sum(axis=-1) - 1) > 1e-9):
        raise ValueError(f"concentration must be large enough for numpy's Dirichlet sampler, got {c!r}")
    R = rng.random((S, A))
    rho = rng.dirichlet(np.ones(S))
    return FiniteMDP(P, R, gamma, rho, name=f"random({S}x{A})")


def river_swim(n_states: int = 6, *, gamma: float = 0.95, small_reward: float = 0.005,
               large_reward: float = 1.0) -> FiniteMDP:
    r"""RiverSwim (Strehl & Littman, 2008): a chain that needs exploration.

    States ``0 .. n-1`` along a river. Action 0 swims left, with the current: it always
    succeeds (at state 0 it stays). Action 1 swims right, against the current: it moves right
    with probability 0.35, stays with 0.6 and drifts left with 0.05 (at state 0 the drift is a
    stay; at the last state "right" stays with 0.95 and drifts left with 0.05). Swimming left at
    state 0 earns ``small_reward``; swimming right at the last state earns ``large_reward``.
    Episodes start at state 0 or 1, each with probability 1/2. The myopic policy (stay at the
    left bank) is a strong local attraction; the optimal policy always swims right.

    Introduced in Chapter 5, "TRPO".
    """
    S = v.check_int("n_states", n_states, minimum=3)
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    small_reward = v.check_scalar("small_reward", small_reward)
    large_reward = v.check_scalar("large_reward", large_reward)
    with v.quiet():
        v.check_result(max(abs(small_reward), abs(large_reward)) / (1 - gamma), "r_max / (1 - gamma)",
                       "small_reward, large_reward and gamma")
    P = np.zeros((S, 2, S))
    for s in range(S):
        P[s, 0, max(s - 1, 0)] = 1.0  # left: always succeeds
        if s == S - 1:
            P[s, 1, s] = 0.95
            P[s, 1, s - 1] = 0.05
        else:
            P[s, 1, s + 1] = 0.35
            P[s, 1, s] += 0.6
            P[s, 1, max(s - 1, 0)] += 0.05
    R = np.zeros((S, 2))
    R[0, 0] = small_reward
    R[S - 1, 1] = large_reward
    rho = np.zeros(S)
    rho[:2] = 0.5
    return FiniteMDP(P, R, gamma, rho, name=f"river_swim({S})")


#: action order of :func:`gridworld`: up, right, down, left (row, column moves)
GRID_MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))


def gridworld(size: int = 4, *, slip: float = 0.1, gamma: float = 0.9) -> FiniteMDP:
    r"""A ``size x size`` gridworld: start top-left, reward 1 per step spent in the bottom-right goal.

    Four actions (up, right, down, left; ``GRID_MOVES``). An action moves as intended with
    probability ``1 - slip`` and to one of the two perpendicular directions with ``slip / 2``
    each; moves into a wall stay put. The goal is absorbing, so
    :math:`V^\star(\text{goal}) = 1/(1-\gamma)`. State ``s = row * size + col``.

    Introduced in Chapter 5, "TRPO".
    """
    n = v.check_int("size", size, minimum=2)
    slip = v.check_scalar("slip", slip)
    if not 0.0 <= slip < 1.0:
        raise ValueError(f"slip must be in [0, 1), got {slip!r}")
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    S = n * n
    goal = S - 1
    P = np.zeros((S, 4, S))

    def move(s, m):
        r, c = divmod(s, n)
        dr, dc = GRID_MOVES[m]
        r2, c2 = r + dr, c + dc
        return r2 * n + c2 if 0 <= r2 < n and 0 <= c2 < n else s

    for s in range(S):
        for a in range(4):
            if s == goal:
                P[s, a, goal] = 1.0
                continue
            P[s, a, move(s, a)] += 1 - slip
            P[s, a, move(s, (a + 1) % 4)] += slip / 2
            P[s, a, move(s, (a + 3) % 4)] += slip / 2
    R = np.zeros((S, 4))
    R[goal] = 1.0
    rho = np.zeros(S)
    rho[0] = 1.0
    return FiniteMDP(P, R, gamma, rho, name=f"gridworld({n}x{n})")


def short_corridor(*, gamma: float = 0.9) -> FiniteMDP:
    r"""The short corridor with switched actions (Sutton & Barto, 2018, Example 13.1).

    Three corridor states ``0, 1, 2`` and an absorbing goal ``3``; episodes start at state 0.
    Action 0 moves left and action 1 right, except in state 1, where they are switched (right
    moves left). Moving left at state 0 stays put. Every step outside the goal costs 1 (reward
    -1); the goal pays 0 forever.

    The point of the task is its *aliasing*: with the features of :func:`short_corridor_policy`,
    every state looks the same, so a policy must choose "right" with one probability :math:`p`
    everywhere. Both deterministic choices never reach the goal (:math:`J = -1/(1-\gamma)`);
    the best policy of the class is stochastic, with :math:`p` near 0.6, so the scores
    :math:`\nabla\log\pi` do not vanish at the optimum of the class.

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    P = np.zeros((4, 2, 4))
    P[0, 0, 0] = P[0, 1, 1] = 1.0  # state 0: left stays, right moves on
    P[1, 0, 2] = P[1, 1, 0] = 1.0  # state 1: switched
    P[2, 0, 1] = P[2, 1, 3] = 1.0  # state 2: right reaches the goal
    P[3, :, 3] = 1.0  # the goal is absorbing
    R = -np.ones((4, 2))
    R[3] = 0.0
    return FiniteMDP(P, R, gamma, np.array([1.0, 0.0, 0.0, 0.0]), name="short_corridor")


def short_corridor_policy():
    r"""The aliased policy class of :func:`short_corridor`: a softmax over two actions whose
    single state feature is 1 in every state, :math:`\pi_\theta(\text{right}) = \sigma(\theta_1-\theta_0)`.

    ``theta = (theta_left, theta_right)``; only the difference matters (adding the same number
    to both is the softmax's shift direction, along which every score is orthogonal).

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    from .policies import LinearSoftmax

    return LinearSoftmax(2, features=np.ones((4, 1)))


# ---- exact quantities of a parametric policy ------------------------------------------------
def _all_states(mdp: FiniteMDP) -> np.ndarray:
    return np.arange(mdp.n_states)


def check_mdp(mdp, name: str = "mdp") -> FiniteMDP:
    """``mdp`` is a :class:`FiniteMDP` (a ``TypeError`` naming the argument otherwise)."""
    return v.check_instance(name, mdp, FiniteMDP, "a FiniteMDP (e.g. fisherlab.rl.river_swim())")


def check_policy_for(mdp: FiniteMDP, policy, name: str = "policy"):
    """``policy`` is a discrete fisherlab policy over the actions of ``mdp`` that accepts its
    integer states ``0 .. S-1``: a ``TypeError`` for another kind of object, a ``ValueError``
    naming ``policy`` for one that does not fit the MDP."""
    from .policies import Policy

    check_mdp(mdp)
    v.check_instance(name, policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.TabularSoftmax(S, A))")
    if not policy.discrete:
        raise ValueError(f"{name} must be a discrete (softmax) policy for a finite MDP, got {policy!r}")
    if policy.n_actions != mdp.n_actions:
        raise ValueError(f"{name}.n_actions must equal mdp.n_actions = {mdp.n_actions}, got {policy.n_actions}")
    try:
        policy.check_states(_all_states(mdp))
    except ValueError as exc:
        raise ValueError(f"{name} must accept the {mdp.n_states} states 0 .. {mdp.n_states - 1} of the MDP: {exc}") from None
    return policy


def policy_table(mdp: FiniteMDP, policy, theta) -> np.ndarray:
    r"""The table :math:`\pi_\theta(a|s)` of shape ``(S, A)`` of a discrete policy on ``mdp``."""
    return _table(mdp, policy, theta, "theta")


def _table(mdp, policy, theta, name):
    check_policy_for(mdp, policy)
    return policy.probs(policy.check_theta(theta, name), _all_states(mdp))


def exact_objective(mdp: FiniteMDP, policy, theta) -> float:
    r""":math:`J(\theta) = \rho^\top V^{\pi_\theta}`. Introduced in Chapter 5, "TRPO"."""
    check_policy_for(mdp, policy)
    return mdp.objective(policy_table(mdp, policy, theta))


def _pairs(mdp: FiniteMDP):
    """Every (state, action) pair: states (S*A,), actions (S*A,), in row-major order."""
    S, A = mdp.n_states, mdp.n_actions
    return np.repeat(np.arange(S), A), np.tile(np.arange(A), S)


def exact_gradient(mdp: FiniteMDP, policy, theta) -> np.ndarray:
    r"""Exact policy gradient by the policy-gradient theorem; shape ``(d,)``.

    .. math::
        \nabla J(\theta) = \frac{1}{1-\gamma}\sum_s d_\rho^{\pi}(s)\sum_a \pi(a|s)\,
        A^{\pi}(s,a)\,\nabla_\theta \log\pi_\theta(a|s).

    (Sutton et al. 2000; Agarwal et al. 2021, eq. (4).) Using :math:`A` instead of :math:`Q`
    changes nothing, because :math:`\mathbb E_{a\sim\pi}[\nabla\log\pi] = 0`.

    Introduced in Chapter 5, "TRPO".
    """
    check_policy_for(mdp, policy)
    pi = policy_table(mdp, policy, theta)
    d = mdp.state_distribution(pi)
    adv = mdp.advantage(pi)
    states, actions = _pairs(mdp)
    scores = policy.score(theta, states, actions)  # (S*A, d)
    weights = (d[:, None] * pi * adv).ravel()  # d(s) pi(a|s) A(s,a)
    return weights @ scores / (1 - mdp.gamma)


def exact_fisher(mdp: FiniteMDP, policy, theta) -> np.ndarray:
    r"""Exact Fisher matrix :math:`F_\rho(\theta)`; shape ``(d, d)``.

    .. math::
        F_\rho(\theta) = \sum_s d_\rho^{\pi_\theta}(s) \sum_a \pi_\theta(a|s)\,
        \nabla\log\pi_\theta(a|s)\nabla\log\pi_\theta(a|s)^\top
        = \sum_s d_\rho^{\pi_\theta}(s)\, F(s;\theta),

    the state-averaged Fisher matrix of the action distributions (Kakade 2002). Computed by the
    policy's analytic per-state Fisher with weights :math:`d_\rho^\pi(s)`; the tests hold it
    against the enumeration above.

    Introduced in Chapter 5, "TRPO".
    """
    check_policy_for(mdp, policy)
    d = mdp.state_distribution(policy_table(mdp, policy, theta))
    return policy.fisher(theta, _all_states(mdp), weights=d)


def exact_fisher_vector_product(mdp: FiniteMDP, policy, theta, vec) -> np.ndarray:
    r"""Matrix-free :math:`F_\rho(\theta)\,v`; shape ``(d,)``. Dense twin: :func:`exact_fisher`."""
    check_policy_for(mdp, policy)
    d = mdp.state_distribution(policy_table(mdp, policy, theta))
    return policy.fisher_vector_product(theta, _all_states(mdp), vec, weights=d)


def exact_surrogate(mdp: FiniteMDP, policy, theta_old, theta) -> float:
    r"""Exact surrogate gain :math:`L_{\theta_\text{old}}(\theta) - J(\theta_\text{old})`.

    .. math::
        L_{\theta_\text{old}}(\theta) - J(\theta_\text{old}) = \frac{1}{1-\gamma}
        \sum_s d_\rho^{\pi_\text{old}}(s)\sum_a \pi_\theta(a|s)\,A^{\pi_\text{old}}(s,a),

    the first-order approximation of :math:`J(\theta) - J(\theta_\text{old})` that keeps the old
    state distribution (Kakade & Langford 2002; Schulman et al. 2015, eq. (3)). It agrees with
    the true improvement to first order in :math:`\theta - \theta_\text{old}`.

    Introduced in Chapter 5, "TRPO".
    """
    check_policy_for(mdp, policy)
    pi_old = _table(mdp, policy, theta_old, "theta_old")
    d_old = mdp.state_distribution(pi_old)
    adv_old = mdp.advantage(pi_old)
    pi_new = _table(mdp, policy, theta, "theta")
    return float(np.sum(d_old[:, None] * pi_new * adv_old) / (1 - mdp.gamma))


def exact_mean_kl(mdp: FiniteMDP, policy, theta_old, theta) -> float:
    r"""Mean KL divergence :math:`\bar D_\mathrm{KL} = \sum_s d_\rho^{\pi_\text{old}}(s)\,
    D_\mathrm{KL}(\pi_\text{old}(\cdot|s)\,\|\,\pi_\theta(\cdot|s))`, TRPO's trust-region measure.

    Introduced in Chapter 5, "TRPO".
    """
    check_policy_for(mdp, policy)
    d_old = mdp.state_distribution(_table(mdp, policy, theta_old, "theta_old"))
    return float(d_old @ policy.kl(theta_old, theta, _all_states(mdp)))
