r"""PG, N-PG-IGT, HARPG and N-HARPG: four stochastic policy-gradient methods on one driver,
vectorised over seeds.

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
With ``lr`` :math:`=\gamma_0`, the theorems' step sizes for the normalised methods,
:math:`\gamma_t = 6M_g/(\mu_F(t+2))`, are ``lr = 3 M_g / mu_F``. Every method starts with
:math:`d_0 = \hat g(\theta_0)` (:math:`\eta_0 = 1`), as in the official code.

**The driver is vectorised over runs.** :func:`run_batch` advances ``B`` runs at once (one row
per seed and configuration, each with its own ``numpy.random.Generator``) on a
:class:`BatchProblem`, which samples and estimates for all rows together:
:class:`FiniteMDPProblem` (softmax policies on a finite MDP), :class:`LQRProblem` (linear
Gaussian policy on an LQR) and :class:`VonMisesBandit` (a task that satisfies every assumption
of the theorems) are vectorised; :class:`SampledProblem` wraps any ``sample(theta, n, rng)``
and policy and loops over the rows. Every row draws its random numbers from its own generator
in the order of a single run (the gradient batch, then :math:`q_t`, then the Hessian batch), so
a row of a batch is the run of its seed alone. :func:`run` (one run) and :func:`run_groups`
(configurations times seeds) are thin layers on :func:`run_batch`. The statistics of many runs
(slopes of median curves with bootstrap intervals, medians and their ratios, fates) are at the
end of the module.

Introduced in Chapter 7, "Policy-gradient convergence I"; the experiments at scale in Chapter 8.
"""

from __future__ import annotations

import abc
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.optimize
import scipy.special

from .. import _validate as v
from . import second_order as so
from .lqr import LQR, example_lqr
from .mdp import FiniteMDP, check_mdp, exact_objective, random_mdp, short_corridor, short_corridor_policy
from .policies import LinearSoftmax, Policy, TabularSoftmax
from .rollouts import Episodes

__all__ = ["METHODS", "HESSIAN_POINTS", "Config", "step_sizes", "BatchProblem", "SampledProblem",
           "FiniteMDPProblem", "LQRProblem", "VonMisesBandit", "Runs", "History", "run_batch", "run_groups",
           "run", "run_seeds", "fit_slope", "SlopeFit", "slope_interval", "median_interval", "median_ratio",
           "FATES", "fates", "Task", "chapter_task", "TASKS"]

METHODS = ("pg", "n-pg-igt", "harpg", "n-harpg")
HESSIAN_POINTS = ("uniform", "current")


# ==== configuration and schedules ==================================================================
@dataclass(frozen=True)
class Config:
    """Hyperparameters of one method (the chapter's values are listed in its notebook)."""

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
    extrapolate: bool = True
    """n-pg-igt: gradient at the extrapolated point (False: plain normalised momentum, an ablation)."""
    hessian_point: str = "uniform"
    """(n-)harpg: B at q theta_t + (1 - q) theta_{t-1} ('uniform') or at theta_t ('current', an ablation)."""
    baseline: bool = False
    """Subtract the leave-one-out baseline from the rewards-to-go in g and B v (a remedy; unbiased)."""
    warmup: int = 0
    """Iterations over which gamma_t ramps up linearly to its schedule (a remedy; 0: none)."""

    def __post_init__(self):
        v.check_choice("method", self.method, METHODS)
        v.check_positive("lr", self.lr, scalar=True)
        v.check_int("batch_size", self.batch_size, minimum=1)
        if self.hess_batch_size is not None:
            v.check_int("hess_batch_size", self.hess_batch_size, minimum=1)
        for name in ("first_term", "extrapolate", "baseline"):
            v.check_bool(name, getattr(self, name))
        v.check_choice("hessian_point", self.hessian_point, HESSIAN_POINTS)
        v.check_int("warmup", self.warmup, minimum=0)

    @property
    def normalised(self) -> bool:
        """True for the methods that step a fixed length ``gamma_t`` (n-pg-igt, n-harpg)."""
        return self.method in ("n-pg-igt", "n-harpg")

    @property
    def uses_hessian(self) -> bool:
        """True for the Hessian-aided methods (harpg, n-harpg)."""
        return self.method in ("harpg", "n-harpg")

    @property
    def n_hess(self) -> int:
        """Trajectories of the Hessian batch."""
        return self.hess_batch_size or self.batch_size

    def schedule(self, n_iters: int):
        r"""``(gamma (T,), eta (T,))`` for ``t = 0..T-1``: :func:`step_sizes` times the warm-up ramp
        :math:`\min(1, (t+1)/(w+1))`."""
        t = np.arange(v.check_int("n_iters", n_iters, minimum=1))
        gamma, eta = step_sizes(self.method, t, self.lr)
        if self.warmup:
            gamma = gamma * np.minimum(1.0, (t + 1.0) / (self.warmup + 1.0))
        return gamma, eta


def step_sizes(method: str, t, lr: float):
    r"""``(gamma_t, eta_t)``: step size and momentum weight of ``method`` at iteration ``t`` (array or int).

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    v.check_choice("method", method, METHODS)
    t = v.check_int_array("t", t, minimum=0, max_ndim=1).astype(np.float64)  # iterations 0, 1, ...
    lr = v.check_positive("lr", lr, scalar=True)
    decay = 2.0 / (t + 2.0)
    if method == "pg":
        return lr * np.ones_like(t), np.ones_like(t)
    if method == "n-pg-igt":
        return lr * decay, decay ** 0.8  # Theorem 1: eta_t = (2/(t+2))^(4/5), gamma_t ~ 1/(t+2)
    if method == "harpg":
        return lr * decay**0.5, decay  # Theorem 2: gamma_t = gamma_0 eta_t^(1/2), eta_t = 2/(t+2)
    return lr * decay, decay  # Theorem 3 (N-HARPG): gamma_t ~ 1/(t+2), eta_t = 2/(t+2)


# ==== problems: sampling and estimation for many rows at once ======================================
def _rows(thetas, dim: int, name: str = "thetas", n: int | None = None) -> np.ndarray:
    """``thetas`` as finite float rows of shape ``(n, dim)``."""
    if (isinstance(thetas, np.ndarray) and thetas.dtype == np.float64 and thetas.ndim == 2 and thetas.shape[1] == dim
            and len(thetas) and (n is None or len(thetas) == n) and np.isfinite(thetas).all()):
        return thetas  # the driver's own rows: valid as they are (a fast path, same checks)
    thetas = v.as_float_array(name, thetas)
    if thetas.ndim != 2 or thetas.shape[1] != dim or thetas.shape[0] == 0 or (n is not None and len(thetas) != n):
        raise ValueError(f"{name} must have shape ({'n' if n is None else n}, {dim}) with n >= 1, got {thetas.shape}")
    return thetas


def _rows_any(thetas, dim: int, name: str = "thetas") -> np.ndarray:
    """Rows ``(n, dim)`` of real numbers that may be non-finite (the iterates of diverged runs)."""
    if thetas is None or isinstance(thetas, (str, bytes)) or np.asarray(thetas).dtype.kind not in "fiu":
        raise v.ArgumentTypeError(f"{name} must be an array of real numbers of shape (n, {dim}), "
                                  f"got {v._describe(thetas)}")
    thetas = np.asarray(thetas, dtype=np.float64)
    if thetas.ndim != 2 or thetas.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}), got {thetas.shape}")
    return thetas


_NO_ROWS = object()  # no thetas to check against a batch


def _check_sizes(sizes, n: int) -> np.ndarray:
    if isinstance(sizes, np.ndarray) and sizes.dtype.kind in "iu" and sizes.shape == (n,) and sizes.min() >= 1:
        return sizes.astype(np.int64, copy=False)  # the driver's own sizes (a fast path, same checks)
    sizes = v.check_int_array("sizes", sizes, minimum=1, max_ndim=1)
    if sizes.shape != (n,):
        raise ValueError(f"sizes must have shape ({n},) (one number of trajectories per row), got {sizes.shape}")
    return sizes


def _check_rngs(rngs, n: int) -> list:
    if isinstance(rngs, np.random.Generator) or not isinstance(rngs, (list, tuple)):
        raise v.ArgumentTypeError(f"rngs must be a list of {n} numpy.random.Generator (one per row), "
                                  f"got {v._describe(rngs)}")
    if len(rngs) != n:
        raise ValueError(f"rngs must hold one generator per row ({n}), got {len(rngs)}")
    if not all(isinstance(g, np.random.Generator) for g in rngs):
        i = next(i for i, g in enumerate(rngs) if not isinstance(g, np.random.Generator))
        v.check_generator(f"rngs[{i}]", rngs[i])
    return list(rngs)


def _check_flags(name: str, flags, n: int) -> np.ndarray:
    if isinstance(flags, np.ndarray) and flags.dtype == bool and flags.shape == (n,):
        return flags  # the driver's own flags
    flags = v.check_bool_array(name, flags)
    if flags.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one flag per row), got {flags.shape}")
    return flags


def _segments(sizes) -> tuple[np.ndarray, np.ndarray]:
    """Row index of every episode and the start of each row's block, for episodes stacked row by row."""
    sizes = np.asarray(sizes, dtype=np.int64)
    return np.repeat(np.arange(len(sizes)), sizes), np.concatenate([[0], np.cumsum(sizes)[:-1]])


def _row_means(values, starts, sizes) -> np.ndarray:
    """Mean of each row's block of ``values`` (episodes stacked row by row along axis 0)."""
    return np.add.reduceat(values, starts, axis=0) / np.asarray(sizes).reshape((-1,) + (1,) * (values.ndim - 1))


def _count_below(cdf, u) -> np.ndarray:
    """Number of entries of ``cdf`` (last axis) that are <= ``u``: an inverse-CDF draw."""
    below = (cdf <= u).view(np.uint8)
    count = below[..., 0].copy()
    for k in range(1, below.shape[-1]):  # a handful of columns: adding them beats a reduction
        count += below[..., k]
    return count


def _quadratic(x, Q) -> np.ndarray:
    r""":math:`x^\top Qx` over the last axis, as a sum over the nonzero :math:`Q_{ij}` (tiny state spaces)."""
    out = np.zeros(x.shape[:-1])
    for i, j in zip(*np.nonzero(Q)):
        out += Q[i, j] * x[..., i] * x[..., j]
    return out


def _loo_baseline(R, row, starts, sizes) -> np.ndarray:
    r"""``R - b`` with :math:`b_t^{(n)}` the mean of :math:`R_t` over the other episodes of the row."""
    sizes = np.asarray(sizes)
    total = np.add.reduceat(R, starts, axis=0)[row]
    others = np.maximum(sizes[row] - 1, 1)[:, None]
    b = np.where((sizes[row] > 1)[:, None], (total - R) / others, 0.0)
    return R - b


class BatchProblem(abc.ABC):
    r"""Sampling and the estimators :math:`\hat g` and :math:`\hat Bv` for ``n`` rows at once.

    Every method takes parameters ``thetas`` of shape ``(n, d)``, one row per run; ``sizes``
    ``(n,)`` trajectories per row; ``rngs`` a list of ``n`` generators, row ``i`` drawing only
    from ``rngs[i]``. Estimates are the means over each row's trajectories, shape ``(n, d)``.
    Introduced in Chapter 7, "Policy-gradient convergence I".
    """

    #: number of parameters d
    dim: int
    #: the type of the batches that ``sample`` returns
    _batch_type: type = object

    def _check_batch(self, batch, thetas=_NO_ROWS, name: str = "thetas"):
        """``batch`` is one of this problem's batches; ``thetas`` (when given) has a row per batch row."""
        if not isinstance(batch, self._batch_type):
            raise v.ArgumentTypeError(f"batch must be a batch returned by {type(self).__name__}.sample, "
                                      f"got {v._describe(batch)}")
        n = len(batch) if isinstance(batch, list) else len(batch.sizes)
        rows = None if thetas is _NO_ROWS else _rows(thetas, self.dim, name, n)
        return n, rows

    def _check_sample_args(self, thetas, sizes, rngs):
        thetas = _rows(thetas, self.dim)
        return thetas, _check_sizes(sizes, len(thetas)), _check_rngs(rngs, len(thetas))

    @abc.abstractmethod
    def sample(self, thetas, sizes, rngs):
        """A batch of trajectories: ``sizes[i]`` of them at ``thetas[i]``, drawn with ``rngs[i]``."""

    @abc.abstractmethod
    def gradient(self, thetas, batch, *, baseline) -> np.ndarray:
        r""":math:`\hat g` of each row, ``(n, d)``; ``baseline`` ``(n,)`` bool."""

    @abc.abstractmethod
    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline) -> np.ndarray:
        r""":math:`\hat B(\theta_i)v_i` of each row, ``(n, d)``; ``first_term``, ``baseline`` ``(n,)`` bool."""

    @abc.abstractmethod
    def env_steps(self, batch) -> np.ndarray:
        """Environment steps of each row's trajectories, ``(n,)`` integers."""

    @abc.abstractmethod
    def mean_return(self, batch) -> np.ndarray:
        """Mean undiscounted return of each row's trajectories, ``(n,)``."""

    def objective(self, thetas) -> np.ndarray:
        r"""Exact :math:`J(\theta_i)`, ``(n,)``; NaN when unknown, :math:`-\infty` where infinite cost."""
        return np.full(len(thetas), np.nan)

    def feasible(self, thetas) -> np.ndarray:
        r"""Rows where the run may go on, ``(n,)`` bool (finite parameters; the LQR also needs a stabilising gain)."""
        return np.all(np.isfinite(_rows_any(thetas, self.dim)), axis=1)

    def gradient_exact(self, thetas) -> np.ndarray:
        r"""Exact :math:`\nabla J(\theta_i)`, ``(n, d)``; NaN when unknown or infeasible."""
        return np.full((len(_rows_any(thetas, self.dim)), self.dim), np.nan)


class SampledProblem(BatchProblem):
    r"""Any sampler ``sample(theta, n_episodes, rng) -> Episodes`` and policy, one row at a time.

    The estimators are those of :mod:`fisherlab.rl.second_order`; ``evaluate(theta) -> float``
    (optional) is the exact objective. Used by :func:`run` and for environments such as CartPole.
    Introduced in Chapter 7, "Policy-gradient convergence I".
    """

    _batch_type = list

    def __init__(self, sample: Callable, policy, evaluate: Callable | None = None):
        v.check_callable("sample", sample, "(theta, n_episodes, rng) -> Episodes")
        v.check_instance("policy", policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.TabularSoftmax(S, A))")
        if evaluate is not None:
            v.check_callable("evaluate", evaluate, "theta -> float")
        self.sample_one, self.policy, self.evaluate = sample, policy, evaluate
        self.dim = policy.dim

    def _check_batch(self, batch, thetas=_NO_ROWS, name: str = "thetas"):
        n, rows = super()._check_batch(batch, thetas, name)
        if not all(isinstance(tr, Episodes) for tr in batch):
            raise v.ArgumentTypeError("batch must be a batch returned by SampledProblem.sample (a list of Episodes), "
                                      f"got a list holding {v._describe(next(tr for tr in batch if not isinstance(tr, Episodes)))}")
        return n, rows

    def sample(self, thetas, sizes, rngs):
        thetas, sizes, rngs = self._check_sample_args(thetas, sizes, rngs)
        out = [self.sample_one(th, int(n), rng) for th, n, rng in zip(thetas, sizes, rngs)]
        if not all(isinstance(tr, Episodes) for tr in out):
            raise ValueError("sample must return an Episodes (e.g. from fisherlab.rl.sample_episodes)")
        return out

    def gradient(self, thetas, batch, *, baseline):
        n, thetas = self._check_batch(batch, thetas)
        baseline = _check_flags("baseline", baseline, n)
        return np.array([so.gradient_estimate(self.policy, th, tr, baseline=bool(b)).mean(axis=0)
                         for th, tr, b in zip(thetas, batch, baseline)]).reshape(len(thetas), self.dim)

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        n, thetas = self._check_batch(batch, thetas)
        vecs = _rows(vecs, self.dim, "vecs", n)
        first_term, baseline = _check_flags("first_term", first_term, n), _check_flags("baseline", baseline, n)
        return np.array([so.hessian_vector_estimate(self.policy, th, tr, vec, first_term=bool(f),
                                                    baseline=bool(b)).mean(axis=0)
                         for th, tr, vec, f, b in zip(thetas, batch, vecs, first_term, baseline)]
                        ).reshape(len(thetas), self.dim)

    def env_steps(self, batch):
        self._check_batch(batch)
        return np.array([tr.n_steps for tr in batch], dtype=np.int64)

    def mean_return(self, batch):
        self._check_batch(batch)
        return np.array([tr.rewards.sum(axis=1).mean() for tr in batch])

    def objective(self, thetas):
        thetas = _rows(thetas, self.dim)
        if self.evaluate is None:
            return np.full(len(thetas), np.nan)
        return np.array([self.evaluate(th) for th in thetas], dtype=np.float64)


class _FixedHorizonRows:
    """``env_steps`` and ``mean_return`` of a problem whose batch stacks fixed-horizon episodes row
    by row (``returns`` ``(E,)``, ``starts`` and ``sizes`` ``(n,)``, ``horizon`` steps each)."""

    def env_steps(self, batch):
        self._check_batch(batch)
        return batch.sizes * self.horizon

    def mean_return(self, batch):
        self._check_batch(batch)
        return _row_means(batch.returns, batch.starts, batch.sizes)


@dataclass(frozen=True)
class _MDPBatch:
    states: np.ndarray  # (E, H) integers, episodes stacked row by row
    actions: np.ndarray  # (E, H)
    R: np.ndarray  # (E, H) discounted rewards-to-go sum_{h >= t} gamma^h r_h
    returns: np.ndarray  # (E,) undiscounted returns
    row: np.ndarray  # (E,) row of each episode
    starts: np.ndarray  # (n,)
    sizes: np.ndarray  # (n,)
    probs: np.ndarray  # (n, S, A) the policy table of each row


class FiniteMDPProblem(_FixedHorizonRows, BatchProblem):
    r"""A softmax policy (tabular, or linear in a feature table) on a finite MDP, every row at once.

    With features :math:`x(s)\in\mathbb R^k` and :math:`\theta = \operatorname{vec}\Theta`,
    :math:`\Theta` of shape ``(k, A)``, a trajectory enters :math:`g` and :math:`Bv` only through
    the reward-weighted and plain visit counts of each (state, action),
    :math:`W_{sa} = \sum_t R_t\mathbb 1[s_t=s,a_t=a]` and :math:`C_{sa}`:

    .. math::
        g = \sum_s x(s)\otimes\big(W_{s\cdot} - W_s\,\pi(\cdot|s)\big),\qquad
        Bv = \Big(\sum_{s,a}C_{sa}(u_{sa} - \pi(\cdot|s)^\top u_{s\cdot})\Big)\,g
        - \sum_s W_s\,x(s)\otimes\big(\pi\odot u - \pi\,(\pi^\top u)\big)(s),

    with :math:`u_{s\cdot} = V^\top x(s)` (:math:`V` the vector :math:`v` as a ``(k, A)`` matrix)
    and :math:`W_s = \sum_a W_{sa}`: the score :math:`x(s)\otimes(e_a-\pi)` and the Hessian
    :math:`-x x^\top\otimes(\operatorname{diag}\pi-\pi\pi^\top)` of Chapter 5. Sampling draws
    exactly the uniforms of :func:`fisherlab.rl.rollouts.sample_episodes` from each row's
    generator, so a row's episodes are those of that function.

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Parameters
    ----------
    mdp : FiniteMDP
    policy : TabularSoftmax or LinearSoftmax
        A linear softmax needs a feature table (``features=array``).
    horizon : int
        :math:`H`, the length of every trajectory.
    """

    _batch_type = _MDPBatch

    def __init__(self, mdp: FiniteMDP, policy, horizon: int):
        check_mdp(mdp)
        S, A = mdp.n_states, mdp.n_actions
        if isinstance(policy, TabularSoftmax):
            if policy.n_states != S:
                raise ValueError(f"policy.n_states must equal mdp.n_states = {S}, got {policy.n_states}")
            X = np.eye(S)
        elif isinstance(policy, LinearSoftmax) and policy._x.table is not None:
            if policy._x.table.shape[0] != S:
                raise ValueError(f"the policy's feature table must have {S} rows, got {policy._x.table.shape[0]}")
            X = policy._x(np.arange(S))
        elif isinstance(policy, LinearSoftmax):
            raise ValueError("policy must be a TabularSoftmax or a LinearSoftmax with a feature table "
                             "(features=array), got a LinearSoftmax without one")
        else:
            raise v.ArgumentTypeError("policy must be a fisherlab policy: a TabularSoftmax or a LinearSoftmax with "
                                      f"a feature table, got {v._describe(policy)}")
        if policy.n_actions != A:
            raise ValueError(f"policy.n_actions must equal mdp.n_actions = {A}, got {policy.n_actions}")
        self.mdp, self.policy, self.X = mdp, policy, X
        self.horizon = v.check_int("horizon", horizon, minimum=1)
        self.dim = policy.dim
        self.k = X.shape[1]
        self._P_flat = np.cumsum(mdp.P, axis=2)[:, :, :-1].reshape(S * A, S - 1)  # row s * A + a
        self._sa_offset = np.arange(S) * A
        deterministic = np.all((mdp.P == 0) | (mdp.P == 1))
        self._next = mdp.P.argmax(axis=2).ravel() if deterministic else None  # (S * A,) next state
        self._rho_cdf = np.cumsum(mdp.rho)
        self._disc = mdp.gamma ** np.arange(self.horizon)

    def __repr__(self):
        return f"FiniteMDPProblem({self.mdp.name}, {self.policy!r}, H={self.horizon})"

    def probs(self, thetas) -> np.ndarray:
        r"""Policy tables :math:`\pi_{\theta_i}(a|s)`, ``(n, S, A)``."""
        thetas = _rows(thetas, self.dim)
        logits = np.einsum("sk,nka->nsa", self.X, thetas.reshape(len(thetas), self.k, -1))
        z = logits - logits.max(axis=2, keepdims=True)
        return np.exp(z - np.log(np.exp(z).sum(axis=2, keepdims=True)))

    def sample(self, thetas, sizes, rngs):
        thetas, sizes, rngs = self._check_sample_args(thetas, sizes, rngs)
        pi = self.probs(thetas)
        S, H = self.mdp.n_states, self.horizon
        row, starts = _segments(sizes)
        # the uniforms of rollouts.sample_episodes, row by row: s_0, then a_t and s_{t+1} in turn
        u = np.concatenate([rng.random((2 * H + 1, int(n))) for n, rng in zip(sizes, rngs)], axis=1)
        # inverse-CDF draws: the outcome is the number of partial sums <= u; the last partial sum
        # is 1 > u and never counts, so only the first A - 1 (S - 1) are compared
        pi_cdf = np.cumsum(pi, axis=2)[:, :, :-1]
        E = len(row)
        s = (self._rho_cdf[None, :-1] <= u[0][:, None]).sum(axis=1)
        # every step's action and next state for every state an episode could be in, then follow it
        act = _count_below(pi_cdf[row][None], u[1::2, :, None, None]).astype(np.int64)  # (H, E, S)
        if self._next is not None:  # deterministic transitions: the uniforms of s_{t+1} are drawn, not needed
            nxt = self._next.take(act + self._sa_offset)  # (H, E, S)
        else:
            P_rows = np.take(self._P_flat, act + self._sa_offset, axis=0)  # (H, E, S, S - 1)
            nxt = _count_below(P_rows, u[2::2, :, None, None])  # (H, E, S)
        # follow each episode through the tables, with states numbered e * S + s (one lookup a step)
        base = np.arange(E) * S
        nxt = (nxt + base[None, :, None]).reshape(H, E * S)
        states = np.empty((H, E), dtype=np.int64)
        s = s + base
        for t in range(H):
            states[t] = s
            s = nxt[t].take(s)
        states = (states - base).T
        actions = np.take_along_axis(act, states.T[:, :, None], axis=2)[:, :, 0].T
        r = self.mdp.R[states, actions]
        R = np.cumsum((r * self._disc)[:, ::-1], axis=1)[:, ::-1]
        return _MDPBatch(states, actions, R, r.sum(axis=1), row, starts, np.asarray(sizes, dtype=np.int64), pi)

    def _counts(self, batch: _MDPBatch, R) -> tuple[np.ndarray, np.ndarray]:
        """``W`` (E, S, A): reward-to-go weighted visits; ``C`` (E, S, A): visits."""
        E = len(batch.row)
        S, A = self.mdp.n_states, self.mdp.n_actions
        idx = (np.arange(E)[:, None] * S + batch.states) * A + batch.actions
        W = np.bincount(idx.ravel(), weights=R.ravel(), minlength=E * S * A).reshape(E, S, A)
        C = np.bincount(idx.ravel(), minlength=E * S * A).reshape(E, S, A).astype(np.float64)
        return W, C

    def _per_episode_g(self, batch, baseline):
        R = batch.R
        if np.any(baseline):
            R = np.where(np.asarray(baseline)[batch.row][:, None], _loo_baseline(R, batch.row, batch.starts,
                                                                                  batch.sizes), R)
        W, C = self._counts(batch, R)
        pi = batch.probs[batch.row]  # (E, S, A)
        # g = sum_s x(s) (W_s. - W_s pi(.|s)): the score x(s) (e_a - pi) weighted by R_t
        G = np.einsum("sk,esa->eka", self.X, W - W.sum(axis=2, keepdims=True) * pi).reshape(len(W), -1)
        return G, W, C, pi

    def gradient(self, thetas, batch, *, baseline):
        n, _ = self._check_batch(batch, thetas)
        G = self._per_episode_g(batch, _check_flags("baseline", baseline, n))[0]
        return _row_means(G, batch.starts, batch.sizes)

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        n, _ = self._check_batch(batch, thetas)
        vecs = _rows(vecs, self.dim, "vecs", n)
        first_term = _check_flags("first_term", first_term, n)
        G, W, C, pi = self._per_episode_g(batch, _check_flags("baseline", baseline, n))
        U = np.einsum("sk,nka->nsa", self.X, vecs.reshape(len(vecs), self.k, -1))[batch.row]  # (E, S, A)
        piU = (pi * U).sum(axis=2, keepdims=True)
        # grad^2 Phi v = sum_t R_t grad^2 log pi(a_t|s_t) v = -sum_s W_s x(s) (pi * U - pi <pi, U>)
        out = -np.einsum("sk,esa->eka", self.X, W.sum(axis=2, keepdims=True) * pi * (U - piU)).reshape(len(W), -1)
        # the score-function part (grad log p^T v) g, with grad log p^T v = sum_t psi_t^T v
        dot = (C * (U - piU)).sum(axis=(1, 2))
        out = out + np.where(np.asarray(first_term)[batch.row], dot, 0.0)[:, None] * G
        return _row_means(out, batch.starts, batch.sizes)


    def gradient_exact(self, thetas):
        r"""Exact :math:`\nabla J(\theta_i) = \frac{1}{1-\gamma}\sum_s d_\rho^{\pi}(s)\,x(s)\otimes
        \big(\pi(\cdot|s)\odot A^{\pi}(s,\cdot)\big)` for every row (the policy-gradient theorem with
        the softmax score; :math:`\sum_a\pi A = 0` removes the :math:`-\pi` part), ``(n, d)``; NaN
        for the rows that are not finite (the iterates of diverged runs)."""
        thetas = _rows_any(thetas, self.dim)
        ok = self.feasible(thetas)
        if not ok.all():
            out = np.full(thetas.shape, np.nan)
            if ok.any():
                out[ok] = self.gradient_exact(thetas[ok])
            return out
        pi = self.probs(thetas)
        mdp = self.mdp
        S = mdp.n_states
        P_pi = np.einsum("nsa,sat->nst", pi, mdp.P)
        r_pi = (pi * mdp.R).sum(axis=2)
        I = np.eye(S)
        V = np.linalg.solve(I - mdp.gamma * P_pi, r_pi[:, :, None])[:, :, 0]
        Q = mdp.R[None] + mdp.gamma * np.einsum("sat,nt->nsa", mdp.P, V)
        adv = Q - V[:, :, None]
        # d = (1 - gamma) rho^T (I - gamma P_pi)^{-1}: solve the transposed systems
        d = (1 - mdp.gamma) * np.linalg.solve(np.swapaxes(I - mdp.gamma * P_pi, 1, 2),
                                              np.broadcast_to(mdp.rho, (len(pi), S))[:, :, None])[:, :, 0]
        G = np.einsum("sk,nsa->nka", self.X, d[:, :, None] * pi * adv) / (1 - mdp.gamma)
        return G.reshape(len(pi), -1)

    def objective(self, thetas):
        r""":math:`J(\theta_i) = \rho^\top(I-\gamma P_\pi)^{-1}r_\pi` for every row (batched solve)."""
        pi = self.probs(thetas)
        P_pi = np.einsum("nsa,sat->nst", pi, self.mdp.P)
        r_pi = (pi * self.mdp.R).sum(axis=2)
        I = np.eye(self.mdp.n_states)
        V = np.linalg.solve(I - self.mdp.gamma * P_pi, r_pi[:, :, None])[:, :, 0]
        return V @ self.mdp.rho


@dataclass(frozen=True)
class _LQRBatch:
    x: np.ndarray  # (E, H, n) states
    delta: np.ndarray  # (E, H, m) (u - W^T x) / sigma^2
    R: np.ndarray  # (E, H)
    returns: np.ndarray
    row: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray


class LQRProblem(BatchProblem):
    r"""The linear Gaussian policy on an :class:`~fisherlab.rl.lqr.LQR`, every row at once.

    With :math:`\theta = \operatorname{vec}W` (``(n, m)``, mean :math:`W^\top x`) and
    :math:`\delta_t = \Sigma_u^{-1}(u_t - W^\top x_t)`, the score is :math:`x_t\otimes\delta_t`
    and :math:`\nabla^2\log\pi = -x_tx_t^\top\otimes\Sigma_u^{-1}`, so

    .. math::
        g = \sum_t R_t\,x_t\otimes\delta_t,\qquad
        Bv = \Big(\sum_t x_t^\top V\delta_t\Big)g - \sum_t R_t\,x_t\otimes\Sigma_u^{-1}V^\top x_t .

    A row is feasible while its gain is stabilising (:math:`\sqrt\gamma\,\rho(A-BK)<1`, finite
    cost); sampling draws the numbers of ``LQR.sample`` from each row's generator, in its order.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """

    _batch_type = _LQRBatch

    def __init__(self, task: LQR, horizon: int):
        v.check_instance("task", task, LQR, "an LQR (e.g. fisherlab.rl.lqr.example_lqr())")
        self.task = task
        self.horizon = v.check_int("horizon", horizon, minimum=1)
        self.n, self.m = task.n, task.m
        self.dim = task.n * task.m
        self._chol0 = np.linalg.cholesky(task.Sigma0)
        self._noisy = bool(np.any(task.W))
        self._cholW = np.linalg.cholesky(task.W + 1e-12 * np.eye(self.n)) if self._noisy else None
        self._disc = task.gamma ** np.arange(self.horizon)
        self._inv_var = task.sigma ** -2.0

    def __repr__(self):
        return f"LQRProblem({self.task!r}, H={self.horizon})"

    def gains(self, thetas) -> np.ndarray:
        """The gains ``K`` of every row, ``(n_rows, m, n)``."""
        thetas = _rows(thetas, self.dim)
        return -np.swapaxes(thetas.reshape(len(thetas), self.n, self.m), 1, 2)

    def sample(self, thetas, sizes, rngs):
        task, H, n, m = self.task, self.horizon, self.n, self.m
        thetas, sizes, rngs = self._check_sample_args(thetas, sizes, rngs)
        row, starts = _segments(sizes)
        # the draws of LQR.sample, in its order (x_0, then the action noise, then the process noise),
        # as one call per row: a generator's normals drawn in one call or in several are the same
        k0, k1 = n, H * m
        k2 = H * n if self._noisy else 0
        draws = [rng.standard_normal(int(size) * (k0 + k1 + k2)) for size, rng in zip(sizes, rngs)]
        # (no BLAS in this hot path: multithreaded BLAS on tiny products stalls on a busy machine)
        x0 = np.concatenate([d[: int(size) * k0].reshape(-1, n) for d, size in zip(draws, sizes)])
        x = np.einsum("ei,ji->ej", x0, self._chol0)
        eps = np.concatenate([d[int(size) * k0: int(size) * (k0 + k1)].reshape(H, -1, m)
                              for d, size in zip(draws, sizes)], axis=1) * task.sigma  # (H, E, m)
        Wpi = thetas.reshape(len(thetas), n, m)[row]  # (E, n, m)
        E = len(row)
        # closed loop: x_{t+1} = (A + B W^T) x_t + B eps_t (+ w_t); the actions follow after the loop
        M = task.A.T[None] + np.einsum("eik,jk->eij", Wpi, task.B)  # (E, n, n), acting on row vectors x
        push = np.einsum("hem,jm->hej", eps, task.B)
        if self._noisy:
            w = np.concatenate([d[int(size) * (k0 + k1):].reshape(H, -1, n) for d, size in zip(draws, sizes)], axis=1)
            push = push + np.einsum("hei,ji->hej", w, self._cholW)
        xs = np.empty((H, E, n))
        with np.errstate(over="ignore", invalid="ignore"):
            rows_M = [M[:, i, :] for i in range(n)]
            for t in range(H):
                xs[t] = x
                # x M for every episode: n multiply-adds beat a batched product of tiny matrices
                nxt = push[t] + x[:, :1] * rows_M[0]
                for i in range(1, n):
                    nxt += x[:, i:i + 1] * rows_M[i]
                x = nxt
            mean = np.einsum("hei,eij->hej", xs, Wpi)  # (H, E, m)
            us = mean + eps
            # x^T Q x + u^T R u, with the products by Q and R as single matrix products
            r = -(_quadratic(xs, task.Q) + _quadratic(us, task.R)).T
            delta = (eps * self._inv_var).transpose(1, 0, 2)  # (u - W^T x) / sigma^2, (E, H, m)
            xs = xs.transpose(1, 0, 2)  # (E, H, n)
            R = np.cumsum((r * self._disc)[:, ::-1], axis=1)[:, ::-1]
        return _LQRBatch(xs, delta, R, r.sum(axis=1), row, starts, np.asarray(sizes, dtype=np.int64))

    def _R(self, batch, baseline):
        R = batch.R
        if np.any(baseline):
            R = np.where(np.asarray(baseline)[batch.row][:, None],
                         _loo_baseline(R, batch.row, batch.starts, batch.sizes), R)
        return R

    def gradient(self, thetas, batch, *, baseline):
        n, _ = self._check_batch(batch, thetas)
        baseline = _check_flags("baseline", baseline, n)
        with np.errstate(over="ignore", invalid="ignore"):
            Rx = self._R(batch, baseline)[:, :, None] * batch.x
            G = np.einsum("ehi,ehj->eij", Rx, batch.delta).reshape(len(batch.row), -1)
            return _row_means(G, batch.starts, batch.sizes)

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        n, _ = self._check_batch(batch, thetas)
        vecs = _rows(vecs, self.dim, "vecs", n)
        first_term, baseline = _check_flags("first_term", first_term, n), _check_flags("baseline", baseline, n)
        with np.errstate(over="ignore", invalid="ignore"):
            R = self._R(batch, baseline)
            V = vecs.reshape(len(vecs), self.n, self.m)[batch.row]  # (E, n, m)
            xV = np.einsum("ehi,eij->ehj", batch.x, V)  # (E, H, m): V^T x_t
            Rx = R[:, :, None] * batch.x
            G = np.einsum("ehi,ehj->eij", Rx, batch.delta).reshape(len(R), -1)
            # grad^2 Phi v = -sum_t R_t x_t (Sigma_u^-1 V^T x_t)
            out = -np.einsum("ehi,ehj->eij", Rx, xV * self._inv_var).reshape(len(R), -1)
            dot = np.einsum("ehj,ehj->e", xV, batch.delta)  # grad log p^T v = sum_t x_t^T V delta_t
            out = out + np.where(np.asarray(first_term)[batch.row], dot, 0.0)[:, None] * G
            return _row_means(out, batch.starts, batch.sizes)

    def env_steps(self, batch):
        self._check_batch(batch)
        return batch.sizes * self.horizon

    def mean_return(self, batch):
        self._check_batch(batch)
        with np.errstate(over="ignore", invalid="ignore"):
            return _row_means(batch.returns, batch.starts, batch.sizes)

    def feasible(self, thetas):
        thetas = _rows_any(thetas, self.dim)
        ok = np.all(np.isfinite(thetas), axis=1)
        out = np.zeros(len(thetas), dtype=bool)
        if ok.any():
            AK = self.task.A - self.task.B @ self.gains(thetas[ok])
            radius = np.abs(np.linalg.eigvals(AK)).max(axis=1)
            out[ok] = np.sqrt(self.task.gamma) * radius < 1.0
        return out

    def gradient_exact(self, thetas):
        r"""Exact :math:`\nabla J` of every row (``LQR.gradient``; NaN where the gain is not stabilising)."""
        thetas = _rows_any(thetas, self.dim)
        out = np.full((len(thetas), self.dim), np.nan)
        ok = self.feasible(thetas)
        for i in np.flatnonzero(ok):
            out[i] = self.task.gradient(self.task.gain(thetas[i]))
        return out

    def objective(self, thetas):
        r"""Exact :math:`J` of every row (``-inf`` where the gain is not stabilising), by a batched
        Kronecker solve of the Lyapunov equation :math:`P = Q + K^\top RK + \gamma A_K^\top PA_K`."""
        task, n = self.task, self.n
        thetas = _rows(thetas, self.dim)
        out = np.full(len(thetas), -np.inf)
        ok = self.feasible(thetas)
        if ok.any():
            K = self.gains(thetas[ok])
            AK = task.A - task.B @ K
            M = np.eye(n * n) - task.gamma * np.einsum("kij,klm->kjmil", AK, AK).reshape(-1, n * n, n * n)
            rhs = (task.Q + np.swapaxes(K, 1, 2) @ task.R @ K).reshape(-1, n * n, 1)
            P = np.linalg.solve(M, rhs).reshape(-1, n, n)
            noise = task.B @ task.Sigma_u @ task.B.T + task.W
            const = (np.trace(task.R @ task.Sigma_u) + task.gamma * np.einsum("kij,ji->k", P, noise)) / (1 - task.gamma)
            out[ok] = -np.einsum("kij,ji->k", P, task.Sigma0) - const
        return out


@dataclass(frozen=True)
class _BanditBatch:
    dev: np.ndarray  # (E, H, d) a_t - theta
    R: np.ndarray  # (E, H)
    returns: np.ndarray
    row: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray


class VonMisesBandit(_FixedHorizonRows, BatchProblem):
    r"""A task that satisfies every assumption of the theorems: one state, angles as actions.

    Every step the agent picks :math:`d` angles :math:`a_i\sim\mathrm{vM}(\theta_i,\kappa)`
    (von Mises, location :math:`\theta_i`, fixed concentration :math:`\kappa`) and receives
    :math:`r(a) = \frac1d\sum_i\cos(a_i - a_i^\star)\in[-1, 1]`; the discount is :math:`\gamma`.
    The score :math:`\kappa\sin(a_i-\theta_i)` and the Hessian
    :math:`-\kappa\operatorname{diag}\cos(a_i-\theta_i)` are bounded, the Hessian is
    :math:`\kappa`-Lipschitz, and the Fisher matrix is the same at every :math:`\theta`:

    .. math::
        M_g = \kappa\sqrt d,\quad M_h = l_2 = \kappa,\quad r_\max = 1,\quad
        F_\rho(\theta) = \kappa\rho(\kappa)I,\ \mu_F = \kappa\rho(\kappa),\quad
        \rho(\kappa) = I_1(\kappa)/I_0(\kappa),

    and :math:`J(\theta) = \frac{\rho(\kappa)}{d(1-\gamma)}\sum_i\cos(\theta_i-a_i^\star)`, whose
    maximum over the class is :math:`J^\star_\Pi = \rho(\kappa)/(1-\gamma)` at
    :math:`\theta = a^\star` (Mardia & Jupp 2000, section 3.5, for the moments).

    Introduced in Chapter 8, "Policy-gradient convergence II".

    Parameters
    ----------
    targets : array (d,)
        :math:`a^\star`.
    kappa : float
        Concentration :math:`\kappa > 0`.
    gamma : float
        Discount in (0, 1).
    horizon : int
        :math:`H`.
    """

    _batch_type = _BanditBatch

    def __init__(self, targets, *, kappa: float, gamma: float, horizon: int):
        self.targets = v.as_float_array("targets", targets)
        if self.targets.ndim != 1 or self.targets.size < 1:
            raise ValueError(f"targets must have shape (d,), got {self.targets.shape}")
        self.kappa = v.check_positive("kappa", kappa, scalar=True)
        self.gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
        self.horizon = v.check_int("horizon", horizon, minimum=1)
        self.dim = self.targets.size
        self._disc = self.gamma ** np.arange(self.horizon)

    def __repr__(self):
        return f"VonMisesBandit(d={self.dim}, kappa={self.kappa}, gamma={self.gamma}, H={self.horizon})"

    @property
    def rho(self) -> float:
        r""":math:`\rho(\kappa) = \mathbb E[\cos(a-\theta)] = I_1(\kappa)/I_0(\kappa)`."""
        return float(scipy.special.i1e(self.kappa) / scipy.special.i0e(self.kappa))

    def constants(self) -> dict:
        r"""``{"M_g", "M_h", "l_2", "mu_F", "r_max"}`` of Assumptions 1-3 (exact)."""
        return {"M_g": self.kappa * np.sqrt(self.dim), "M_h": self.kappa, "l_2": self.kappa,
                "mu_F": self.kappa * self.rho, "r_max": 1.0}

    def optimal_objective(self) -> float:
        r""":math:`J^\star_\Pi = \rho(\kappa)/(1-\gamma)`."""
        return self.rho / (1 - self.gamma)

    def objective(self, thetas):
        thetas = _rows(thetas, self.dim)
        return self.rho * np.cos(thetas - self.targets).mean(axis=1) / (1 - self.gamma)

    def gradient_exact(self, thetas) -> np.ndarray:
        r""":math:`\nabla J(\theta_i)`, ``(n, d)``; NaN for the rows that are not finite (diverged runs)."""
        thetas = _rows_any(thetas, self.dim)
        with np.errstate(invalid="ignore"):  # sin(inf) is NaN, as documented
            return -self.rho * np.sin(thetas - self.targets) / (self.dim * (1 - self.gamma))

    def sample(self, thetas, sizes, rngs):
        thetas, sizes, rngs = self._check_sample_args(thetas, sizes, rngs)
        row, starts = _segments(sizes)
        H, d = self.horizon, self.dim
        dev = np.concatenate([rng.vonmises(0.0, self.kappa, size=(int(n), H, d)) for n, rng in zip(sizes, rngs)])
        # a_t = theta + dev: the reward depends on a_t - a* = dev + theta - a*
        r = np.cos(dev + (thetas[row] - self.targets)[:, None, :]).mean(axis=2)
        R = np.cumsum((r * self._disc)[:, ::-1], axis=1)[:, ::-1]
        return _BanditBatch(dev, R, r.sum(axis=1), row, starts, np.asarray(sizes, dtype=np.int64))

    def _R(self, batch, baseline):
        if np.any(baseline):
            return np.where(np.asarray(baseline)[batch.row][:, None],
                            _loo_baseline(batch.R, batch.row, batch.starts, batch.sizes), batch.R)
        return batch.R

    def gradient(self, thetas, batch, *, baseline):
        n, _ = self._check_batch(batch, thetas)
        baseline = _check_flags("baseline", baseline, n)
        G = self.kappa * np.einsum("eh,ehd->ed", self._R(batch, baseline), np.sin(batch.dev))
        return _row_means(G, batch.starts, batch.sizes)

    def hessian_vector(self, thetas, batch, vecs, *, first_term, baseline):
        n, _ = self._check_batch(batch, thetas)
        vecs = _rows(vecs, self.dim, "vecs", n)[batch.row]  # (E, d)
        first_term, baseline = _check_flags("first_term", first_term, n), _check_flags("baseline", baseline, n)
        R = self._R(batch, baseline)
        score = self.kappa * np.sin(batch.dev)  # (E, H, d)
        G = np.einsum("eh,ehd->ed", R, score)
        out = -self.kappa * np.einsum("eh,ehd->ed", R, np.cos(batch.dev)) * vecs
        dot = np.einsum("ehd,ed->e", score, vecs)
        out = out + np.where(np.asarray(first_term)[batch.row], dot, 0.0)[:, None] * G
        return _row_means(out, batch.starts, batch.sizes)



# ==== the driver ===================================================================================
@dataclass
class History:
    r"""Per-iteration records of one run; index ``t`` refers to :math:`\theta_t`, ``t = 0..T``.

    Attributes
    ----------
    objective : array (T + 1,)
        Exact :math:`J(\theta_t)` where evaluated, else NaN; :math:`-\infty` after a divergence.
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
        Every iterate (NaN after a divergence).
    diverged_at : int
        The first ``t`` with an infeasible :math:`\theta_t` (LQR: a gain that is not stabilising),
        or -1.
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
    diverged_at: int = -1


@dataclass
class Runs:
    r"""Records of ``B`` runs advanced together by :func:`run_batch`; row ``i`` is one run.

    Attributes
    ----------
    configs : list of Config, one per row
    thetas : array (B, T + 1, d)
        Iterates; NaN after a run's divergence.
    directions : array (B, T, d)
        :math:`d_t` (NaN after a divergence).
    direction_norm : array (B, T)
    objective : array (B, T + 1)
        Exact :math:`J(\theta_t)` at ``eval_points`` (NaN elsewhere), :math:`-\infty` from the
        divergence on.
    batch_return : array (B, T)
    env_steps : array (B, T + 1)
    diverged_at : array (B,)
        First ``t`` with an infeasible :math:`\theta_t`, or -1.
    eval_points : array (P,)
        The iterations where ``objective`` was evaluated.
    theta_hat : array (B, T, d) or None
        (with ``record=True``) the point :math:`\hat\theta_t` of the Hessian estimate (NaN where none).
    corrections : array (B, T, d) or None
        (with ``record=True``) the corrections :math:`v_t` (NaN where none).
    """

    configs: list
    thetas: np.ndarray
    directions: np.ndarray
    direction_norm: np.ndarray
    objective: np.ndarray
    batch_return: np.ndarray
    env_steps: np.ndarray
    diverged_at: np.ndarray
    eval_points: np.ndarray
    theta_hat: np.ndarray | None = None
    corrections: np.ndarray | None = None

    @property
    def n_runs(self) -> int:
        return self.thetas.shape[0]

    @property
    def n_iters(self) -> int:
        return self.thetas.shape[1] - 1

    @property
    def diverged(self) -> np.ndarray:
        """``(B,)`` bool: the run left the feasible set."""
        return self.diverged_at >= 0

    def gaps(self, J_star: float) -> np.ndarray:
        r""":math:`J^\star - J(\theta_t)` at ``eval_points``, ``(B, P)`` (:math:`+\infty` after a divergence)."""
        return v.check_scalar("J_star", J_star) - self.objective[:, self.eval_points]

    def take(self, rows) -> "Runs":
        """The runs of ``rows`` (indices or a boolean mask), as a new :class:`Runs`."""
        if isinstance(rows, np.ndarray) and rows.dtype.kind == "b":
            if rows.shape != (self.n_runs,):
                raise ValueError(f"rows must be a boolean mask of shape ({self.n_runs},), got {rows.shape}")
            rows = np.flatnonzero(rows)
        else:
            rows = v.check_index_array("rows", np.atleast_1d(v.check_int_array("rows", rows, max_ndim=1)), self.n_runs)
        if rows.size == 0:
            raise ValueError("rows must select at least one run, got none")
        pick = lambda a: None if a is None else a[rows]
        return Runs([self.configs[i] for i in rows], self.thetas[rows], self.directions[rows],
                    self.direction_norm[rows], self.objective[rows], self.batch_return[rows],
                    self.env_steps[rows], self.diverged_at[rows], self.eval_points, pick(self.theta_hat),
                    pick(self.corrections))

    def history(self, i: int) -> History:
        """Row ``i`` as a :class:`History`."""
        i = v.check_int("i", i, minimum=0, maximum=self.n_runs - 1)
        return History(self.configs[i].method, self.objective[i], self.batch_return[i], self.direction_norm[i],
                       self.directions[i], self.env_steps[i], self.thetas[i, -1], self.thetas[i], self.configs[i],
                       int(self.diverged_at[i]))


def _check_configs(configs, n_rows=None):
    if isinstance(configs, Config):
        configs = [configs] * (1 if n_rows is None else n_rows)
    if not isinstance(configs, (list, tuple)) or not all(isinstance(c, Config) for c in configs):
        raise v.ArgumentTypeError("configs must be a fisherlab.rl.convergence.Config or a list of them, "
                                  f"got {v._describe(configs)}")
    if not configs:
        raise ValueError("configs must be a Config or a non-empty sequence of Config, got an empty one")
    return list(configs)


def _check_eval_points(eval_points, T: int) -> np.ndarray:
    if eval_points is None:
        return np.arange(T + 1)
    points = np.unique(v.check_int_array("eval_points", eval_points, minimum=0, maximum=T, max_ndim=1))
    if points.size == 0:
        raise ValueError(f"eval_points must hold at least one iteration in [0, {T}], got none")
    return points


def _check_seeds(seeds) -> list:
    if seeds is None or isinstance(seeds, (str, bytes, numbers.Number, np.generic)):
        raise v.ArgumentTypeError(f"seeds must be a sequence of integers >= 0, got {v._describe(seeds)}")
    seeds = [v.check_int("seeds", s, minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must contain at least one integer")
    return seeds


def run_batch(problem: BatchProblem, theta0, n_iters: int, configs, *, rngs, eval_points=None,
              record: bool = False) -> Runs:
    r"""Advance ``B`` runs of PG, N-PG-IGT, HARPG or N-HARPG together for ``n_iters`` iterations.

    Row ``i`` runs ``configs[i]`` with generator ``rngs[i]``; rows may mix methods. Each
    iteration: (1) the gradient batch at :math:`\theta_t` (N-PG-IGT: at the extrapolated
    :math:`\tilde\theta_t`); (2) for (N)-HARPG rows after :math:`t=0`, :math:`q_t\sim U[0,1]`
    and the Hessian batch at :math:`\hat\theta_t`; (3) the direction and (4) the step, as in the
    module docstring. A row whose new parameter is infeasible (``problem.feasible``, or a
    non-finite estimate) is *diverged*: it stops, its later iterates are NaN and its objective
    :math:`-\infty`. The exact objective is evaluated after the run at ``eval_points``.

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Parameters
    ----------
    problem : BatchProblem
    theta0 : array (d,) or (B, d)
        Starting parameters.
    n_iters : int
        :math:`T\ge1`.
    configs : Config or sequence of B Config
    rngs : sequence of B numpy.random.Generator
        Row ``i`` draws only from ``rngs[i]``.
    eval_points : array of int, optional
        Iterations ``t`` in ``[0, T]`` at which to evaluate ``problem.objective`` (default: all).
    record : bool
        Keep :math:`\hat\theta_t` and :math:`v_t` (``Runs.theta_hat``, ``Runs.corrections``).
    """
    v.check_instance("problem", problem, BatchProblem, "a BatchProblem (e.g. a FiniteMDPProblem)")
    T = v.check_int("n_iters", n_iters, minimum=1)
    if isinstance(rngs, np.random.Generator) or not isinstance(rngs, (list, tuple)):
        raise v.ArgumentTypeError(f"rngs must be a list of numpy.random.Generator (one per row), got {v._describe(rngs)}")
    configs = _check_configs(configs, len(rngs))
    B = len(configs)
    if len(rngs) != B:
        raise ValueError(f"rngs must have one generator per row of configs ({B}), got {len(rngs)}")
    rngs = _check_rngs(rngs, B)
    record = v.check_bool("record", record)
    d = problem.dim
    theta0 = v.as_float_array("theta0", theta0)
    if theta0.shape == (d,):
        theta0 = np.broadcast_to(theta0, (B, d))
    elif theta0.shape != (B, d):
        raise ValueError(f"theta0 must have shape ({d},) or ({B}, {d}), got {theta0.shape}")
    points = _check_eval_points(eval_points, T)

    # per-row schedules and switches
    sched = [c.schedule(T) for c in configs]
    lr_all = np.array([s[0] for s in sched])  # (B, T)
    eta_all = np.array([s[1] for s in sched])
    method = np.array([c.method for c in configs])
    normalised = np.array([c.normalised for c in configs])
    hess = np.array([c.uses_hessian for c in configs])
    igt = (method == "n-pg-igt") & np.array([c.extrapolate for c in configs])
    at_theta = np.array([c.hessian_point == "current" for c in configs])
    n_grad = np.array([c.batch_size for c in configs])
    n_hess = np.array([c.n_hess for c in configs])
    first_term = np.array([c.first_term for c in configs])
    baseline = np.array([c.baseline for c in configs])

    thetas = np.full((B, T + 1, d), np.nan)
    directions = np.full((B, T, d), np.nan)
    direction_norm = np.full((B, T), np.nan)
    batch_return = np.full((B, T), np.nan)
    env_steps = np.zeros((B, T + 1), dtype=np.int64)
    diverged_at = np.full(B, -1, dtype=np.int64)
    theta_hat_rec = np.full((B, T, d), np.nan) if record else None
    corr_rec = np.full((B, T, d), np.nan) if record else None
    bad0 = ~problem.feasible(theta0)
    if bad0.any():
        raise ValueError(f"theta0 must be feasible for the problem, got an infeasible row {int(np.argmax(bad0))}")

    theta = np.array(theta0, dtype=np.float64)
    theta_prev = theta.copy()
    direction = np.zeros((B, d))
    alive = np.ones(B, dtype=bool)
    for t in range(T):
        thetas[alive, t] = theta[alive]
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        lr_t, eta = lr_all[idx, t], eta_all[idx, t]
        th, th_prev = theta[idx], theta_prev[idx]
        row_rngs = [rngs[i] for i in idx]

        # ---- the direction d_t ---------------------------------------------------------------------
        if t > 0:
            # implicit gradient transport (Cutkosky & Mehta 2020, sec. 3): the gradient at the
            # extrapolated point makes the momentum average second-order accurate
            shift = np.where(igt[idx], (1 - eta) / eta, 0.0)
            theta_eval = th + shift[:, None] * (th - th_prev)
        else:
            theta_eval = th
        batch = problem.sample(theta_eval, n_grad[idx], row_rngs)
        g = problem.gradient(theta_eval, batch, baseline=baseline[idx])
        steps = problem.env_steps(batch)
        batch_return[idx, t] = problem.mean_return(batch)

        new_d = g.copy()  # d_0 = g_0 (eta_0 = 1); vanilla PG uses g_t alone
        if t > 0:
            m = method[idx]
            mom = m == "n-pg-igt"
            new_d[mom] = (1 - eta[mom, None]) * direction[idx][mom] + eta[mom, None] * g[mom]
            h = np.flatnonzero(hess[idx])
            if h.size:
                rows_h = idx[h]
                # Hessian correction (Fatkhullin et al. 2023, Alg. 2): B at a uniform point between
                # theta_{t-1} and theta_t, applied to theta_t - theta_{t-1}, transports d_{t-1}
                q = np.array([rngs[i].random() for i in rows_h])
                q = np.where(at_theta[rows_h], 1.0, q)
                theta_hat = q[:, None] * th[h] + (1 - q[:, None]) * th_prev[h]
                batch_h = problem.sample(theta_hat, n_hess[rows_h], [rngs[i] for i in rows_h])
                v_t = problem.hessian_vector(theta_hat, batch_h, th[h] - th_prev[h],
                                             first_term=first_term[rows_h], baseline=baseline[rows_h])
                steps[h] += problem.env_steps(batch_h)
                new_d[h] = (1 - eta[h, None]) * (direction[rows_h] + v_t) + eta[h, None] * g[h]
                if record:
                    theta_hat_rec[rows_h, t] = theta_hat
                    corr_rec[rows_h, t] = v_t

        # ---- the step ----------------------------------------------------------------------------
        norm = np.linalg.norm(new_d, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            step = np.where(normalised[idx, None], np.where(norm[:, None] > 0, new_d / norm[:, None], 0.0), new_d)
        new_theta = th + lr_t[:, None] * step

        # ---- bookkeeping -------------------------------------------------------------------------
        direction[idx], direction_norm[idx, t], directions[idx, t] = new_d, norm, new_d
        env_steps[:, t + 1] = env_steps[:, t]
        env_steps[idx, t + 1] += steps
        ok = problem.feasible(new_theta) & np.all(np.isfinite(new_d), axis=1)
        theta_prev[idx], theta[idx] = th, new_theta
        dead = idx[~ok]
        thetas[dead, t + 1] = new_theta[~ok]  # the infeasible iterate, kept for inspection
        diverged_at[dead] = t + 1
        alive[dead] = False
    thetas[alive, T] = theta[alive]
    objective = np.full((B, T + 1), np.nan)
    for p in points:
        live = diverged_at < 0
        live |= p < diverged_at
        objective[~live, p] = -np.inf
        if live.any():
            objective[live, p] = problem.objective(thetas[live, p])
    return Runs(configs, thetas, directions, direction_norm, objective, batch_return, env_steps, diverged_at,
                points, theta_hat_rec, corr_rec)


def run_groups(problem: BatchProblem, theta0, n_iters: int, configs: dict, *, seeds, eval_points=None,
               record: bool = False) -> dict:
    r"""Every configuration of ``configs`` (a dict ``name -> Config``) on every seed, in one batch.

    Row (name, seed) draws from ``numpy.random.default_rng(seed)``, so it is the run of that
    seed alone. Returns a dict ``name -> Runs`` with one row per seed, in the order of ``seeds``.
    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    seeds = _check_seeds(seeds)
    if not isinstance(configs, dict) or not all(isinstance(c, Config) for c in configs.values()):
        raise v.ArgumentTypeError(f"configs must be a dict name -> fisherlab.rl.convergence.Config, got {v._describe(configs)}")
    if not configs:
        raise ValueError("configs must be a non-empty dict name -> Config, got {}")
    names = list(configs)
    rows = [configs[n] for n in names for _ in seeds]
    runs = run_batch(problem, theta0, n_iters, rows, rngs=[np.random.default_rng(s) for _ in names for s in seeds],
                     eval_points=eval_points, record=record)
    k = len(seeds)
    return {n: runs.take(np.arange(i * k, (i + 1) * k)) for i, n in enumerate(names)}


def run(sample: Callable, policy, theta0, n_iters: int, config: Config, *, rng: np.random.Generator,
        evaluate: Callable | None = None, eval_points=None) -> History:
    r"""Run one of PG, N-PG-IGT, HARPG, N-HARPG for ``n_iters`` iterations.

    :func:`run_batch` with one row on a :class:`SampledProblem`.

    Introduced in Chapter 7, "Policy-gradient convergence I".

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
    v.check_instance("config", config, Config, "a fisherlab.rl.convergence.Config")
    problem = SampledProblem(sample, policy, evaluate)
    theta0 = policy.check_theta(theta0, "theta0")
    points = _check_eval_points(eval_points, T)
    if evaluate is None:
        points = [0]
    runs = run_batch(problem, theta0, T, [config], rngs=[rng], eval_points=points)
    h = runs.history(0)
    if evaluate is None:
        h.objective = np.full(T + 1, np.nan)
    return h


def run_seeds(sample: Callable, policy, theta0, n_iters: int, config: Config, *, seeds, evaluate=None,
              eval_points=None) -> list[History]:
    r""":func:`run` once per seed, each with its own ``numpy.random.default_rng(seed)``.

    ``seeds``: a sequence of integers (explicit, so every run can be repeated alone).
    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    seeds = _check_seeds(seeds)
    return [run(sample, policy, theta0, n_iters, config, rng=np.random.default_rng(s), evaluate=evaluate,
                eval_points=eval_points) for s in seeds]


# ==== statistics of many runs ======================================================================
def _check_run_values(name: str, values, ndim: int, *, min_rows: int = 2) -> np.ndarray:
    """Real values of runs (``ndim`` axes, at least ``min_rows`` runs): finite or ``+inf`` (a diverged run)."""
    if values is None or isinstance(values, (str, bytes)) or np.asarray(values).dtype.kind not in "fiu":
        raise v.ArgumentTypeError(f"{name} must be an array of real numbers (+inf for a diverged run), "
                                  f"got {v._describe(values)}")
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != ndim or x.shape[0] < min_rows:
        shape = "1-D, shape (runs,)" if ndim == 1 else "2-D, shape (runs, points)"
        raise ValueError(f"{name} must be {shape} with at least {min_rows} runs, got {x.shape}")
    if np.any(np.isnan(x)) or np.any(x == -np.inf):
        raise ValueError(f"{name} must be finite or +inf (a diverged run), got NaN or -inf")
    return x


def fit_slope(t, y) -> float:
    r"""Least-squares slope of :math:`\log y` against :math:`\log t` (all entries > 0 and finite).

    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    t, y = v.as_float_array("t", t), v.as_float_array("y", y)
    if np.any(t <= 0) or np.any(y <= 0):
        raise ValueError("t and y must be > 0 and finite (a log-log fit)")
    if t.ndim != 1 or t.size < 2:
        raise ValueError(f"t must be 1-D with at least 2 points, got shape {t.shape}")
    if y.shape != t.shape:
        raise ValueError(f"y must be 1-D of the same length as t {t.shape}, got {y.shape}")
    return float(np.polyfit(np.log(t), np.log(y), 1)[0])


@dataclass(frozen=True)
class SlopeFit:
    """A fitted log-log slope of the median curve with its bootstrap interval over runs."""

    slope: float
    low: float
    high: float
    level: float
    """Coverage of ``[low, high]`` (e.g. 0.9)."""
    t: np.ndarray
    """The iterations of the fit."""
    median: np.ndarray
    """The median curve over runs at ``t``."""

    @property
    def intercept(self) -> float:
        """``log median = intercept + slope log t`` (for drawing the fitted line)."""
        return float(np.mean(np.log(self.median)) - self.slope * np.mean(np.log(self.t)))


def _median_slope(t, Y):
    med = np.median(Y, axis=0)
    if np.any(~np.isfinite(med)) or np.any(med <= 0):
        return np.nan
    return float(np.polyfit(np.log(t), np.log(med), 1)[0])


def slope_interval(t, Y, *, rng: np.random.Generator, n_boot: int = 1000, level: float = 0.9) -> SlopeFit:
    r"""Slope of the median over runs of ``Y`` ``(runs, len(t))`` against ``t`` on log-log axes,
    with a percentile bootstrap interval: resample the runs with replacement, take the median
    curve, refit.

    Runs may contain :math:`+\infty` (diverged): the median ignores them while fewer than half
    are infinite; resamples whose median is infinite or not positive are dropped, and the
    interval is NaN if more than 5% are. Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    t = v.check_positive("t", t)
    if t.ndim != 1 or t.size < 2:
        raise ValueError(f"t must be 1-D, > 0, with at least 2 points, got shape {t.shape}")
    Y = _check_run_values("Y", Y, 2)
    if Y.shape[1] != t.size:
        raise ValueError(f"Y must have shape (runs >= 2, {t.size}) to match t of shape {t.shape}, got {Y.shape}")
    rng = v.check_generator("rng", rng)
    n_boot = v.check_int("n_boot", n_boot, minimum=10)
    level = v.check_probability("level", level, scalar=True)
    slope = _median_slope(t, Y)
    idx = rng.integers(0, Y.shape[0], size=(n_boot, Y.shape[0]))
    boots = np.array([_median_slope(t, Y[i]) for i in idx])
    ok = np.isfinite(boots)
    if ok.mean() < 0.95:
        low = high = np.nan
    else:
        low, high = np.quantile(boots[ok], [(1 - level) / 2, (1 + level) / 2])
    return SlopeFit(slope, float(low), float(high), level, t, np.median(Y, axis=0))


def median_interval(values, *, rng: np.random.Generator, n_boot: int = 2000, level: float = 0.9):
    r"""``(median, low, high)``: the median of ``values`` (runs) and a percentile bootstrap interval.

    :math:`+\infty` entries (diverged runs) count as larger than every finite value.
    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    x = _check_run_values("values", values, 1)
    rng = v.check_generator("rng", rng)
    n_boot = v.check_int("n_boot", n_boot, minimum=10)
    level = v.check_probability("level", level, scalar=True)
    boots = np.median(x[rng.integers(0, x.size, size=(n_boot, x.size))], axis=1)
    low, high = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    return float(np.median(x)), float(low), float(high)


def median_ratio(a, b, *, rng: np.random.Generator, n_boot: int = 2000, level: float = 0.9):
    r"""``(ratio, low, high)``: :math:`\operatorname{median}(a)/\operatorname{median}(b)` of two
    independent groups of runs, with a percentile bootstrap interval (each group resampled).

    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    a, b = _check_run_values("a", a, 1), _check_run_values("b", b, 1)
    if np.median(b) <= 0:
        raise ValueError(f"b must have a positive median, got {np.median(b):.4g}")
    rng = v.check_generator("rng", rng)
    n_boot = v.check_int("n_boot", n_boot, minimum=10)
    level = v.check_probability("level", level, scalar=True)
    ma = np.median(a[rng.integers(0, a.size, size=(n_boot, a.size))], axis=1)
    mb = np.median(b[rng.integers(0, b.size, size=(n_boot, b.size))], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(mb > 0, ma / mb, np.inf)
    low, high = np.quantile(ratios, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    return float(np.median(a) / np.median(b)), float(low), float(high)


#: the fates of a run, in the order :func:`fates` reports them
FATES = ("diverged", "worse than start", "trapped", "slow", "converging")


def fates(start_gap, end_gap, start_grad=None, end_grad=None, *, converged_below: float = 0.1,
          flat_below: float = 0.25) -> np.ndarray:
    r"""The fate of each run from its optimality gaps (and gradient norms) at the start and the end.

    In order of precedence:

    * ``"diverged"``: infinite final gap (the run left the feasible set);
    * ``"worse than start"``: a finite final gap larger than the starting gap;
    * ``"trapped"``: the final gap is above ``converged_below`` times the starting gap, and the
      gradient has become small *for the gap that remains*: :math:`\lVert\nabla J\rVert/(J^\star-J)`
      at the end is below ``flat_below`` times its value at the start. This is a plateau where the
      local constant of weak gradient domination (Lemma 2, :math:`\mu_F/M_g`) has collapsed, as
      near a deterministic softmax policy (needs ``start_grad`` and ``end_grad``, the norms
      :math:`\lVert\nabla J\rVert`);
    * ``"slow"``: final gap above ``converged_below`` times the starting gap, not on a plateau;
    * ``"converging"``: the rest.

    Returns an array of strings, shape ``(runs,)``. Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    start = v.as_float_array("start_gap", start_gap)
    if np.any(start <= 0):
        raise ValueError(f"start_gap must be finite and > 0, got {start[start <= 0].ravel()[0]!r}")
    if start.ndim != 1 or start.size == 0:
        raise ValueError(f"start_gap must have shape (runs,) with at least one run, got {start.shape}")
    # a final gap is finite (it may be a rounding below 0) or +inf (a diverged run)
    end = _check_run_values("end_gap", end_gap, 1, min_rows=1)
    if end.shape != start.shape:
        raise ValueError(f"end_gap must have the shape of start_gap {start.shape}, got {end.shape}")
    frac = v.check_probability("converged_below", converged_below, scalar=True)
    flat = v.check_probability("flat_below", flat_below, scalar=True)
    out = np.full(start.shape, "converging", dtype=object)
    far = end > frac * start
    out[far] = "slow"
    if (start_grad is None) != (end_grad is None):
        raise ValueError("start_grad and end_grad must be given together")
    if start_grad is not None:
        g0 = v.check_nonnegative("start_grad", start_grad)
        # the final gradient of a diverged run (end_gap = +inf) is unknown: NaN is accepted there
        g1 = _check_run_values("end_grad", np.where(np.isinf(end), 0.0, end_grad) if np.shape(end_grad) == end.shape
                               and np.asarray(end_grad).dtype.kind in "fiu" else end_grad, 1, min_rows=1)
        for name, g in (("start_grad", g0), ("end_grad", g1)):
            if g.shape != start.shape:
                raise ValueError(f"{name} must have the shape of start_gap {start.shape}, got {g.shape}")
        if np.any(g1 < 0) or np.any(np.isinf(g1)):
            raise ValueError("end_grad must be finite and >= 0 (NaN only for a diverged run)")
        g1 = np.where(np.isinf(end), np.nan, g1)
        with np.errstate(invalid="ignore", divide="ignore"):
            plateau = (g1 / end) < flat * (g0 / start)
        out[far & plateau] = "trapped"
    out[end > start] = "worse than start"
    out[~np.isfinite(end)] = "diverged"
    return out


# ==== the chapter's tasks ==========================================================================
@dataclass(frozen=True)
class Task:
    r"""A task of Chapter 8: a :class:`BatchProblem`, its start, its optimum and the batch sizes.

    ``J_star`` is the best return of the policy class (:math:`J^\star_\Pi`); ``batches`` gives
    the trajectories per iteration of each method (``(gradient, Hessian)``), equal in total.
    """

    name: str
    problem: BatchProblem
    theta0: np.ndarray
    J_star: float
    batches: dict
    horizon: int

    def config(self, method: str, lr: float, **kwargs) -> Config:
        """A :class:`Config` of ``method`` with this task's batch sizes."""
        n, n_hess = self.batches[v.check_choice("method", method, tuple(self.batches))]
        return Config(method=method, lr=lr, batch_size=n, hess_batch_size=n_hess, **kwargs)


#: the names accepted by :func:`chapter_task`
TASKS = ("finite", "lqr", "corridor", "von-mises")


def chapter_task(name: str, *, n_iters: int) -> Task:
    r"""The tasks of Chapter 8, with the horizon :math:`H = \lceil(1-\gamma)^{-1}\log(T+1)\rceil`
    of the theorems for ``n_iters`` :math:`= T`.

    * ``"finite"``: the random 4-state, 2-action MDP of Chapter 7 (``random_mdp(4, 2, rng=
      default_rng(0), gamma=0.8)``), tabular softmax from :math:`\theta = 0`; 4 trajectories per
      iteration (2 + 2 for the Hessian-aided methods);
    * ``"lqr"``: ``example_lqr(gamma=0.7, sigma=0.5)`` from the zero gain; 8 (4 + 4);
    * ``"corridor"``: the short corridor with switched actions (``gamma = 0.8``), aliased policy,
      from :math:`\pi(\text{right}) = 0.2`; 4 (2 + 2);
    * ``"von-mises"``: :class:`VonMisesBandit` with :math:`d = 2`, :math:`\kappa = 2`,
      :math:`\gamma = 0.5`, targets :math:`(2, -2)`, from :math:`\theta = 0`; 1 (1 + 1) as in the theorems.

    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    v.check_choice("name", name, TASKS)
    T = v.check_int("n_iters", n_iters, minimum=1)
    four = {"pg": (4, None), "n-pg-igt": (4, None), "harpg": (2, 2), "n-harpg": (2, 2)}
    if name == "finite":
        mdp = random_mdp(4, 2, rng=np.random.default_rng(0), gamma=0.8)
        H = int(np.ceil(np.log(T + 1) / (1 - mdp.gamma)))
        policy = TabularSoftmax(4, 2)
        return Task(name, FiniteMDPProblem(mdp, policy, H), policy.init_theta(), mdp.optimal_objective(), four, H)
    if name == "lqr":
        lq = example_lqr(gamma=0.7, sigma=0.5)
        H = int(np.ceil(np.log(T + 1) / (1 - lq.gamma)))
        eight = {"pg": (8, None), "n-pg-igt": (8, None), "harpg": (4, 4), "n-harpg": (4, 4)}
        return Task(name, LQRProblem(lq, H), np.zeros(lq.n * lq.m), lq.optimal_objective(), eight, H)
    if name == "corridor":
        mdp = short_corridor(gamma=0.8)
        policy = short_corridor_policy()
        H = int(np.ceil(np.log(T + 1) / (1 - mdp.gamma)))
        best = scipy.optimize.minimize_scalar(lambda x: -exact_objective(mdp, policy, np.array([0.0, x])),
                                              bracket=(-1.0, 1.0), tol=1e-12)
        return Task(name, FiniteMDPProblem(mdp, policy, H), np.array([0.7, -0.7]), float(-best.fun), four, H)
    gamma = 0.5
    H = int(np.ceil(np.log(T + 1) / (1 - gamma)))
    bandit = VonMisesBandit([2.0, -2.0], kappa=2.0, gamma=gamma, horizon=H)
    one = {"pg": (1, None), "n-pg-igt": (1, None), "harpg": (1, 1), "n-harpg": (1, 1)}
    return Task(name, bandit, np.zeros(2), bandit.optimal_objective(), one, H)
