r"""Policy-gradient estimators: REINFORCE, GPOMDP, a value baseline, GAE(λ), sampled Fisher products.

On fixed-horizon episodes (:class:`~fisherlab.rl.rollouts.Episodes`, arrays ``(N, H)``) with
scores :math:`\psi_t = \nabla_\theta\log\pi_\theta(a_t|s_t)`:

.. math::
    \hat g_\text{REINFORCE} = \frac1N\sum_{n}\Big(\sum_{t<H}\gamma^t r_t\Big)\sum_{t<H}\psi_t,
    \qquad
    \hat g_\text{GPOMDP} = \frac1N\sum_{n}\sum_{t<H}\psi_t\,\gamma^t\big(G_t - b(s_t)\big),\quad
    G_t = \sum_{h\ge t}\gamma^{h-t}r_h .

Both are unbiased for the gradient of the truncated objective :math:`J_H`
(Williams 1992; Baxter & Bartlett 2001); GPOMDP drops the terms
:math:`r_h\psi_t` with :math:`h < t`, which have mean zero (causality), and so has a smaller
variance; a baseline :math:`b(s_t)` keeps it unbiased because
:math:`\mathbb E_{a\sim\pi}[\psi] = 0`. Each estimate comes with its standard error over
episodes, like the Fisher estimates of Chapter 1.

On step batches (:class:`~fisherlab.rl.rollouts.Batch`, arrays ``(T, N)``), :func:`gae`
computes generalised advantage estimates (Schulman et al. 2016).

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..estimators import _z_score
from .rollouts import Episodes

__all__ = ["VectorEstimate", "reinforce", "gpomdp", "fisher_vector_product_mc", "LinearValue",
           "polynomial_features", "gae"]


@dataclass(frozen=True)
class VectorEstimate:
    """A Monte Carlo estimate of a vector (a gradient, a Fisher-vector product) with its standard error.

    Attributes
    ----------
    value : ndarray of shape (d,)
        The mean of ``terms``.
    stderr : ndarray of shape (d,)
        Elementwise standard error, ``std(terms) / sqrt(N)``.
    terms : ndarray of shape (N, d)
        One independent term per episode (``value`` is their mean).
    method : str
        The estimator's name.
    """

    value: np.ndarray
    stderr: np.ndarray
    terms: np.ndarray
    method: str

    @property
    def n_samples(self) -> int:
        return self.terms.shape[0]

    def z_score(self, exact) -> np.ndarray:
        """``(value - exact) / stderr``: roughly standard normal when the estimator is unbiased.

        ``exact`` has shape ``(d,)``; where the standard error is 0 the z-score is 0 if the
        estimate equals ``exact`` and ±inf otherwise.
        """
        return _z_score(self.value, self.stderr, exact)


def _estimate(terms, method, names="theta and episodes"):
    n = terms.shape[0]
    with v.quiet():
        stderr = terms.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(terms.shape[1], np.inf)
        value = terms.mean(axis=0)
    v.check_result(terms, "the per-episode terms", names)
    if n > 1:
        v.check_result(stderr, "the standard error", names)
    return VectorEstimate(value, stderr, terms, method)


def check_policy_episodes(policy, episodes, name: str = "policy"):
    """``policy`` is a fisherlab policy that accepts the states and actions of ``episodes`` (an
    :class:`~fisherlab.rl.rollouts.Episodes`); ``TypeError`` for other kinds of object."""
    from .policies import Policy

    v.check_instance(name, policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.TabularSoftmax(S, A))")
    v.check_instance("episodes", episodes, Episodes, "an Episodes (from sample_episodes or sample_env)")
    states, actions = episodes.flat()
    try:
        policy.check_actions(actions, len(policy.check_states(states)))
    except ValueError as exc:
        raise ValueError(f"{name} must accept the states and actions of the episodes: {exc}") from None
    return policy


def _scores(policy, theta, ep: Episodes) -> np.ndarray:
    # per-step scores (N, H, d), zero at the masked steps after an episode ended
    check_policy_episodes(policy, ep)
    states, actions = ep.flat()
    return policy.score(theta, states, actions).reshape(ep.rewards.shape + (-1,)) * ep.mask[:, :, None]


def reinforce(policy, theta, episodes: Episodes) -> VectorEstimate:
    r"""REINFORCE (Williams 1992): :math:`\big(\sum_t\gamma^t r_t\big)\sum_t\psi_t` per episode.

    Introduced in Chapter 5, "TRPO".
    """
    psi = _scores(policy, theta, episodes)  # (N, H, d)
    return _estimate(episodes.returns()[:, None] * psi.sum(axis=1), "reinforce")


def gpomdp(policy, theta, episodes: Episodes, *, baseline=None) -> VectorEstimate:
    r"""GPOMDP / reward-to-go (Baxter & Bartlett 2001): :math:`\sum_t\psi_t\gamma^t(G_t - b(s_t))`.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    baseline : None, array of shape (S,) or array of shape (N, H)
        State values :math:`b(s)` indexed by the episodes' states, or one value per step.
    """
    psi = _scores(policy, theta, episodes)
    G = episodes.rewards_to_go()
    if baseline is not None:
        b = v.as_float_array("baseline", baseline)
        n_states = _n_states(policy)
        if b.shape == G.shape:
            G = G - b
        elif b.ndim == 1 and n_states is not None and b.shape == (n_states,):
            G = G - b[episodes.states]
        else:
            want = f"(S,) = ({n_states},) or " if n_states is not None else ""
            raise ValueError(f"baseline must have shape {want}(N, H) = {G.shape}, got {b.shape}")
    weights = episodes.discounts * G  # gamma^t (G_t - b(s_t)), (N, H)
    with v.quiet():
        terms = np.einsum("nh,nhd->nd", weights, psi)
    return _estimate(terms, "gpomdp" if baseline is None else "gpomdp+baseline", "theta, episodes and baseline")


def fisher_vector_product_mc(policy, theta, episodes: Episodes, vec) -> VectorEstimate:
    r"""Sampled :math:`F_\rho(\theta)v` from the scores of sampled actions.

    .. math::
        \widehat{F v} = \frac1N\sum_n\sum_{t<H}(1-\gamma)\gamma^t\,\psi_t\,(\psi_t^\top v),

    unbiased for :math:`F_\rho v` up to the truncation at ``H`` (the weights
    :math:`(1-\gamma)\gamma^t` turn the visits into samples of :math:`d_\rho^\pi`).

    Introduced in Chapter 5, "TRPO".
    """
    psi = _scores(policy, theta, episodes)
    vec = policy.check_theta(vec, "vec")
    w = (1 - episodes.gamma) * episodes.discounts
    with v.quiet():
        terms = np.einsum("h,nhd,nh->nd", w, psi, psi @ vec)
    return _estimate(terms, "fisher-vector (scores)", "theta, episodes and vec")


def _n_states(policy):
    """The number of integer states a policy indexes (tabular, or a feature table), else None."""
    if hasattr(policy, "n_states"):
        return policy.n_states
    table = getattr(getattr(policy, "_x", None), "table", None)
    return None if table is None else table.shape[0]


def polynomial_features(degree: int = 2):
    r"""A feature map ``x -> [1, x, all monomials of x up to degree]`` for :class:`LinearValue`.

    ``degree=2`` on CartPole's 4 observations gives 1 + 4 + 10 = 15 features.
    """
    degree = v.check_int("degree", degree, minimum=1, maximum=3)

    def features(x):
        x = np.asarray(x, dtype=np.float64)
        cols = [np.ones((x.shape[0], 1)), x]
        k = x.shape[1]
        if degree >= 2:
            iu = np.triu_indices(k)
            cols.append((x[:, :, None] * x[:, None, :])[:, iu[0], iu[1]])
        if degree >= 3:
            idx = [(i, j, l) for i in range(k) for j in range(i, k) for l in range(j, k)]
            cols.append(np.stack([x[:, i] * x[:, j] * x[:, l] for i, j, l in idx], axis=1))
        return np.concatenate(cols, axis=1)

    return features


class LinearValue:
    r"""A value baseline linear in features, :math:`\hat V(s) = w^\top\phi(s)`, fit by ridge regression.

    .. math::
        w = (\Phi^\top\Phi + \alpha n I)^{-1}\Phi^\top y .

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    features : callable or array of shape (S, k)
        ``features(states) -> (n, k)``, or a table indexed by integer states.
    ridge : float
        :math:`\alpha > 0`, the ridge penalty per sample (keeps the fit well posed with few samples).
    """

    def __init__(self, features, *, ridge: float = 1e-3):
        if not callable(features):
            if features is None or isinstance(features, (str, bytes)):
                raise v.ArgumentTypeError(f"features must be a callable states -> (n, k) or a table (S, k), "
                                          f"got {type(features).__name__}")
            features = v.as_float_array("features", features)
            if features.ndim != 2 or 0 in features.shape:
                raise ValueError(f"features must be a table of shape (S, k) with S, k >= 1, got {features.shape}")
        self.features = features
        self.ridge = v.check_positive("ridge", ridge, scalar=True)
        self.w = None

    def _phi(self, states):
        if callable(self.features):
            phi = v.as_float_array("features(states)", self.features(states))
            if phi.ndim != 2:
                raise ValueError(f"features(states) must return shape (n, k), got {phi.shape}")
            return phi
        return self.features[v.check_index_array("states", states, self.features.shape[0])]

    def predict(self, states) -> np.ndarray:
        """:math:`\\hat V(s)` for each state; zeros before the first fit."""
        phi = self._phi(states)
        return np.zeros(phi.shape[0]) if self.w is None else phi @ self.w

    def fit(self, states, targets) -> "LinearValue":
        """Ridge regression of ``targets`` (n,) on the features of ``states``."""
        phi = self._phi(states)
        y = v.as_float_array("targets", targets)
        if y.shape != (phi.shape[0],):
            raise ValueError(f"targets must have shape ({phi.shape[0]},), one per entry of states, got {y.shape}")
        with v.quiet():
            A = phi.T @ phi + self.ridge * len(y) * np.eye(phi.shape[1])
            w = np.linalg.solve(A, phi.T @ y)
        self.w = v.check_result(w, "the fitted weights", "states and targets")
        return self


def gae(rewards, values, terminated, truncated, *, gamma: float, lam: float) -> np.ndarray:
    r"""Generalised advantage estimation (Schulman et al. 2016, eq. (16)); shape ``(T, N)``.

    .. math::
        \delta_t = r_t + \gamma(1-\text{term}_t)\,V(s_{t+1}) - V(s_t),\qquad
        \hat A_t = \delta_t + \gamma\lambda\,(1-\text{done}_t)\,\hat A_{t+1},

    where ``done = terminated | truncated``: a terminated episode has value 0 after its last
    step; a truncated one is bootstrapped from the value of its final observation; neither lets
    the recursion cross into the next episode. :math:`\lambda = 0` gives the one-step TD error,
    :math:`\lambda = 1` the discounted return minus :math:`V(s_t)`.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    rewards, terminated, truncated : arrays of shape (T, N)
    values : array of shape (T + 1, N)
        :math:`V(s_0), \dots, V(s_T)`: the last row bootstraps the unfinished episodes.
    gamma : float
        Discount in (0, 1).
    lam : float
        :math:`\lambda \in [0, 1]`: bias (small) versus variance (large).
    """
    r = v.as_float_array("rewards", rewards)
    if r.ndim != 2:
        raise ValueError(f"rewards must have shape (T, N), got {r.shape}")
    T, N = r.shape
    V = v.check_shape("values", v.as_float_array("values", values), (T + 1, N))
    # booleans, or 0 and 1: 0.5, NaN or 'no' are errors, never truthy
    term = v.check_shape("terminated", v.check_bool_array("terminated", terminated), (T, N))
    trunc = v.check_shape("truncated", v.check_bool_array("truncated", truncated), (T, N))
    gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
    lam = v.check_closed_interval("lam", lam, 0.0, 1.0, scalar=True)
    delta = r + gamma * np.where(term, 0.0, V[1:]) - V[:-1]
    carry = gamma * lam * ~(term | trunc)
    adv = np.empty((T, N))
    last = np.zeros(N)
    for t in range(T - 1, -1, -1):
        last = delta[t] + carry[t] * last
        adv[t] = last
    return adv
