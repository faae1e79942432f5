r"""PG, N-PG-IGT, HARPG and N-HARPG: four stochastic policy-gradient methods on one driver.

All four keep a direction :math:`d_t` and step :math:`\theta_{t+1} = \theta_t + \gamma_t d_t`
(vanilla, HARPG) or :math:`\theta_{t+1} = \theta_t + \gamma_t d_t/\lVert d_t\rVert`
(normalised: N-PG-IGT, N-HARPG). They differ in how :math:`d_t` is built from
:math:`g(\tau,\theta)` and :math:`B(\tau,\theta)v` (:mod:`fisherlab.rl.second_order`), with
:math:`\eta_t` the momentum weight (Fatkhullin, Barakat, Kireeva and He, ICML 2023,
Algorithms 1 and 2):

* ``"pg"``: :math:`d_t = \hat g(\theta_t)`, constant :math:`\gamma_t = \gamma_0`;
* ``"n-pg-igt"``: implicit gradient transport (Cutkosky & Mehta 2020): evaluate the gradient at
  the extrapolated point :math:`\tilde\theta_t = \theta_t + \frac{1-\eta_t}{\eta_t}
  (\theta_t-\theta_{t-1})`, :math:`d_t = (1-\eta_t)d_{t-1} + \eta_t\hat g(\tilde\theta_t)`;
  :math:`\eta_t = (2/(t+2))^{4/5}`, :math:`\gamma_t = \gamma_0\cdot 2/(t+2)`;
* ``"harpg"``: Hessian-aided recursive momentum (STORM with a Hessian correction):
  :math:`q_t\sim U[0,1]`, :math:`\hat\theta_t = q_t\theta_t + (1-q_t)\theta_{t-1}`,
  :math:`v_t = \hat B(\hat\theta_t)(\theta_t-\theta_{t-1})`,
  :math:`d_t = (1-\eta_t)(d_{t-1}+v_t) + \eta_t\hat g(\theta_t)`;
  :math:`\eta_t = 2/(t+2)`, :math:`\gamma_t = \gamma_0\eta_t^{1/2}`;
* ``"n-harpg"``: the same :math:`d_t`, normalised step, :math:`\gamma_t = \gamma_0\cdot 2/(t+2)`.

:math:`v_t` is unbiased for :math:`\nabla J_H(\theta_t) - \nabla J_H(\theta_{t-1})` because
:math:`\nabla J_H(\theta_t)-\nabla J_H(\theta_{t-1}) = \int_0^1\nabla^2J_H(q\theta_t+(1-q)\theta_{t-1})
(\theta_t-\theta_{t-1})\,dq` and :math:`\mathbb E[B] = \nabla^2 J_H`: no importance weights.
The theorems' step sizes are :math:`\gamma_0 = 3M_g/\mu_F` for the normalised methods; in
practice :math:`\gamma_0` is tuned. Every method starts with :math:`d_0 = \hat g(\theta_0)`
(:math:`\eta_0 = 1`), as in the official code.

A problem is given by two callables: ``sample(theta, n_episodes, rng) ->``
:class:`~fisherlab.rl.rollouts.Episodes` and optionally ``evaluate(theta) -> float``
(the exact :math:`J`, when known). :func:`run` returns a :class:`History`.

Introduced in Chapter 6, "Policy-gradient convergence".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import _validate as v
from . import second_order as so

__all__ = ["METHODS", "Config", "History", "run", "run_seeds", "step_sizes"]

METHODS = ("pg", "n-pg-igt", "harpg", "n-harpg")


@dataclass
class Config:
    """Hyperparameters of the four methods (the chapter's values are listed in its notebook)."""

    method: str = "harpg"
    """One of 'pg', 'n-pg-igt', 'harpg', 'n-harpg'."""
    lr: float = 0.05
    """gamma_0: the step-size scale (constant for pg; see step_sizes for the schedules)."""
    batch_size: int = 10
    """Trajectories per gradient estimate g."""
    hess_batch_size: int | None = None
    """Trajectories per Hessian-vector estimate B v (harpg, n-harpg); None: batch_size."""
    first_term: bool = True
    """Keep the score-function term of B v (False: the biased estimator, for comparison)."""

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        v.check_positive("lr", self.lr)
        v.check_int("batch_size", self.batch_size, minimum=1)
        if self.hess_batch_size is not None:
            v.check_int("hess_batch_size", self.hess_batch_size, minimum=1)


def step_sizes(method: str, t, lr: float):
    r"""``(gamma_t, eta_t)``: step size and momentum weight of ``method`` at iteration ``t`` (array or int).

    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    t = np.asarray(t, dtype=np.float64)
    if np.any(t < 0):
        raise ValueError("t must be >= 0")
    decay = 2.0 / (t + 2.0)
    if method == "pg":
        return lr * np.ones_like(t), np.ones_like(t)
    if method == "n-pg-igt":
        return lr * decay, decay ** 0.8  # Theorem 1: eta_t = (2/(t+2))^(4/5), gamma_t ~ 1/(t+2)
    if method == "harpg":
        return lr * decay**0.5, decay  # Theorem 2: gamma_t = gamma_0 eta_t^(1/2), eta_t = 2/(t+2)
    return lr * decay, decay  # Theorem 3 (N-HARPG): gamma_t ~ 1/(t+2), eta_t = 2/(t+2)


@dataclass
class History:
    r"""Per-iteration records of :func:`run`; index ``t`` refers to :math:`\theta_t`, ``t = 0..T``.

    Attributes
    ----------
    objective : array (T + 1,)
        Exact :math:`J(\theta_t)` when ``evaluate`` was given, else NaN.
    batch_return : array (T,)
        Mean undiscounted return of the gradient batch of iteration ``t``.
    direction_norm : array (T,)
        :math:`\lVert d_t\rVert`.
    directions : array (T, d)
        The directions :math:`d_t` themselves (for PG, the minibatch gradient :math:`\hat g_t`).
    env_steps : array (T + 1,)
        Environment steps used before :math:`\theta_t` was reached (cumulative).
    theta : array (d,)
        The final parameter :math:`\theta_T`.
    thetas : array (T + 1, d)
        Every iterate.
    """

    method: str
    objective: np.ndarray
    batch_return: np.ndarray
    direction_norm: np.ndarray
    directions: np.ndarray
    env_steps: np.ndarray
    theta: np.ndarray
    thetas: np.ndarray
    config: Config = field(repr=False, default=None)


def run(sample: Callable, policy, theta0, n_iters: int, config: Config, *, rng: np.random.Generator,
        evaluate: Callable | None = None, eval_points=None) -> History:
    r"""Run one of PG, N-PG-IGT, HARPG, N-HARPG for ``n_iters`` iterations.

    Introduced in Chapter 6, "Policy-gradient convergence".

    Parameters
    ----------
    sample : callable
        ``sample(theta, n_episodes, rng)`` returns :class:`~fisherlab.rl.rollouts.Episodes`
        drawn from :math:`p(\cdot|\pi_\theta)` (for instance ``lqr.sample`` with the horizon fixed).
    policy : Policy
        With ``score`` and ``hvp_log_prob`` (every :mod:`fisherlab.rl.policies` policy).
    theta0 : array (d,)
        Starting parameter.
    n_iters : int
        :math:`T \ge 1`.
    config : Config
    rng : numpy.random.Generator
        Draws the trajectories and the :math:`q_t` of (N)-HARPG.
    evaluate : callable, optional
        ``evaluate(theta) -> float``, the exact objective, recorded for every iterate.
    eval_points : array of int, optional
        Iterations ``t`` in ``[0, T]`` at which to call ``evaluate`` (default: all); the
        others are NaN in ``History.objective``.
    """
    T = v.check_int("n_iters", n_iters, minimum=1)
    rng = v.check_generator("rng", rng)
    if not isinstance(config, Config):
        raise ValueError(f"config must be a Config, got {type(config).__name__}")
    theta = policy.check_theta(theta0, "theta0").copy()
    method, N = config.method, config.batch_size
    N_hess = config.hess_batch_size or N
    normalised = method in ("n-pg-igt", "n-harpg")

    thetas = np.empty((T + 1, theta.size))
    direction_norm = np.empty(T)
    directions = np.empty((T, theta.size))
    batch_return = np.empty(T)
    env_steps = np.zeros(T + 1, dtype=np.int64)
    theta_prev = theta.copy()
    d = None
    for t in range(T):
        thetas[t] = theta
        lr_t, eta = step_sizes(method, t, config.lr)
        steps = 0

        # ---- the direction d_t -----------------------------------------------------------------
        if method == "n-pg-igt" and d is not None:
            # implicit gradient transport (Cutkosky & Mehta 2020, sec. 3): the gradient at the
            # extrapolated point makes the momentum average a second-order accurate estimate
            theta_eval = theta + (1 - eta) / eta * (theta - theta_prev)
        else:
            theta_eval = theta
        traj = sample(theta_eval, N, rng)
        g = so.gradient_estimate(policy, theta_eval, traj).mean(axis=0)
        steps += traj.n_steps
        batch_return[t] = traj.rewards.sum(axis=1).mean()

        if d is None or method == "pg":
            d = g  # d_0 = g_0 (eta_0 = 1); vanilla PG uses g_t alone
        elif method == "n-pg-igt":
            d = (1 - eta) * d + eta * g
        else:
            # Hessian correction (Fatkhullin et al. 2023, Alg. 2): B at a uniform point between
            # theta_{t-1} and theta_t, applied to theta_t - theta_{t-1}, transports d_{t-1}
            q = rng.random()
            theta_hat = q * theta + (1 - q) * theta_prev
            traj_hat = sample(theta_hat, N_hess, rng)
            v_t = so.hessian_vector_estimate(policy, theta_hat, traj_hat, theta - theta_prev,
                                             first_term=config.first_term).mean(axis=0)
            steps += traj_hat.n_steps
            d = (1 - eta) * (d + v_t) + eta * g

        # ---- the step ----------------------------------------------------------------------------
        norm = float(np.linalg.norm(d))
        direction_norm[t] = norm
        directions[t] = d
        if normalised:
            step = d / norm if norm > 0 else np.zeros_like(d)  # normalised step of length gamma_t
        else:
            step = d
        theta_prev, theta = theta, theta + lr_t * step

        # ---- bookkeeping -------------------------------------------------------------------------
        env_steps[t + 1] = env_steps[t] + steps
    thetas[T] = theta
    objective = np.full(T + 1, np.nan)
    if evaluate is not None:
        points = np.arange(T + 1) if eval_points is None else np.unique(np.asarray(eval_points, dtype=np.int64))
        if points.size and (points.min() < 0 or points.max() > T):
            raise ValueError(f"eval_points must be integers in [0, {T}], got {points.min()}..{points.max()}")
        objective[points] = [evaluate(thetas[t]) for t in points]
    return History(method, objective, batch_return, direction_norm, directions, env_steps, theta, thetas, config)


def run_seeds(sample: Callable, policy, theta0, n_iters: int, config: Config, *, seeds, evaluate=None,
              eval_points=None) -> list[History]:
    r""":func:`run` once per seed, each with its own ``numpy.random.default_rng(seed)``.

    ``seeds``: a sequence of integers (explicit, so every run can be repeated alone).
    Introduced in Chapter 6, "Policy-gradient convergence".
    """
    seeds = [v.check_int("seed", s, minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must contain at least one integer")
    return [run(sample, policy, theta0, n_iters, config, rng=np.random.default_rng(s), evaluate=evaluate,
                eval_points=eval_points) for s in seeds]
