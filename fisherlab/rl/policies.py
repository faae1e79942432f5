r"""Policies with analytic log-probabilities, scores, Hessian-vector products and Fisher products.

Three policies share one interface (:class:`Policy`); every method takes the flat parameter
``theta`` of shape ``(d,)`` first.

* :class:`TabularSoftmax`: :math:`\pi_\theta(a|s) \propto \exp\theta_{s,a}` on a finite MDP.
* :class:`LinearSoftmax`: :math:`\pi_\theta(a|s) \propto \exp(x(s)^\top\Theta_{\cdot a})`, i.e. a
  softmax over the features :math:`\phi(s,a) = x(s)\otimes e_a` with ``theta = Theta.ravel()``,
  ``Theta`` of shape ``(k, A)``. The tabular policy is the special case :math:`x(s) = e_s`.
* :class:`LinearGaussian`: :math:`a \sim \mathcal N(W^\top x(s), \operatorname{diag}\sigma^2)` with a
  fixed or a learned log standard deviation.

Softmax facts the course uses (derived in Chapter 5). With :math:`\phi(s,a)` the features,

.. math::
    \nabla_\theta\log\pi_\theta(a|s) = \phi(s,a) - \mathbb E_{b\sim\pi_\theta(\cdot|s)}[\phi(s,b)],
    \qquad
    \nabla^2_\theta\log\pi_\theta(a|s) = -\operatorname{Cov}_{b\sim\pi_\theta(\cdot|s)}[\phi(s,b)],

so the score is the feature minus its mean under the policy, the Hessian of :math:`\log\pi`
does not depend on the action, and the per-state Fisher matrix
:math:`F(s;\theta) = \mathbb E_a[\nabla\log\pi\,\nabla\log\pi^\top]` is the covariance of the
features under the policy, which also equals :math:`-\nabla^2\log\pi`.

Fisher-vector products are matrix-free, in three commented stages,
:math:`v \to Jv \to F_\text{out}Jv \to J^\top F_\text{out} J v`, where :math:`J` is the
Jacobian of the distribution's natural output (logits, or mean and log-std) and
:math:`F_\text{out}` is the Fisher matrix of the output distribution. ``fisher`` is the dense
twin, and the tests hold one against the other in float64.

Shapes: ``states`` are integers ``(n,)`` for tabular policies and for linear policies with a
feature table, or feature vectors ``(n, n_features)``; discrete ``actions`` are integers
``(n,)``; Gaussian ``actions`` are ``(n, action_dim)``; scores and per-sample Hessian-vector
products are ``(n, d)``; Fisher-vector products ``(d,)``; dense Fisher matrices ``(d, d)``.

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

import abc

import numpy as np

from .. import _validate as v
from .. import linalg

__all__ = ["Policy", "TabularSoftmax", "LinearSoftmax", "LinearGaussian"]

_LOG_2PI = float(np.log(2 * np.pi))


class Policy(abc.ABC):
    r"""A stochastic policy :math:`\pi_\theta(a|s)` with analytic derivatives.

    Subclasses implement the private ``_`` methods on validated arrays. ``d = policy.dim``.
    Introduced in Chapter 5, "TRPO".
    """

    #: number of parameters ``d``
    dim: int
    #: True for finite action sets (softmax), False for continuous actions (Gaussian)
    discrete: bool

    # ---- validation -------------------------------------------------------------------------
    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """``theta`` as a float array of shape ``(d,)``; errors name ``name``."""
        name = v.check_str("name", name)
        arr = v.as_float_array(name, theta)
        if arr.shape != (self.dim,):
            raise ValueError(f"{name} must have shape ({self.dim},), the number of parameters of the policy "
                             f"{self!r}, got {arr.shape}")
        return arr

    def check_weights(self, weights, n: int) -> np.ndarray:
        """State weights ``(n,)``, non-negative; ``None`` means ``1/n`` each."""
        n = v.check_int("n", n, minimum=1)
        if weights is None:
            return np.full(n, 1.0 / n)
        w = v.check_shape("weights", v.as_float_array("weights", weights), (n,))
        if np.any(w < 0):
            raise ValueError("weights must be >= 0")
        return w

    @abc.abstractmethod
    def check_states(self, states) -> np.ndarray: ...

    @abc.abstractmethod
    def check_actions(self, actions, n: int) -> np.ndarray: ...

    def init_theta(self) -> np.ndarray:
        """A starting parameter: zeros ``(d,)`` (the uniform policy for softmax policies)."""
        return np.zeros(self.dim)

    # ---- public API ---------------------------------------------------------------------
    @staticmethod
    def _finite(what, names, fn, *args):
        """``fn(*args)`` with overflow warnings silenced, and a clear error naming ``names`` if
        the result is not finite (arguments too large for float64) instead of a NaN."""
        with v.quiet():
            out = fn(*args)
        return v.check_result(out, what, names)

    def log_prob(self, theta, states, actions) -> np.ndarray:
        r""":math:`\log\pi_\theta(a_i|s_i)`; shape ``(n,)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        actions = self.check_actions(actions, len(states))
        return self._finite("log pi", "theta, states and actions", self._log_prob, theta, states, actions)

    def score(self, theta, states, actions) -> np.ndarray:
        r"""Scores :math:`\nabla_\theta\log\pi_\theta(a_i|s_i)`; shape ``(n, d)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        actions = self.check_actions(actions, len(states))
        return self._finite("the score", "theta, states and actions", self._score, theta, states, actions)

    def hessian_log_prob(self, theta, states, actions) -> np.ndarray:
        r"""Hessians :math:`\nabla^2_\theta\log\pi_\theta(a_i|s_i)`; shape ``(n, d, d)`` (dense twin
        of :meth:`hvp_log_prob`)."""
        theta, states = self.check_theta(theta), self.check_states(states)
        actions = self.check_actions(actions, len(states))
        return self._finite("the Hessian", "theta, states and actions", self._hessian, theta, states, actions)

    def hvp_log_prob(self, theta, states, actions, vec) -> np.ndarray:
        r"""Per-sample Hessian-vector products :math:`\nabla^2_\theta\log\pi_\theta(a_i|s_i)\,v`;
        shape ``(n, d)``. Matrix-free."""
        theta, states = self.check_theta(theta), self.check_states(states)
        actions = self.check_actions(actions, len(states))
        vec = self.check_theta(vec, "vec")
        return self._finite("the Hessian-vector product", "theta, states, actions and vec", self._hvp,
                            theta, states, actions, vec)

    def fisher_vector_product(self, theta, states, vec, *, weights=None) -> np.ndarray:
        r"""Matrix-free :math:`\big(\sum_i w_i F(s_i;\theta)\big) v`; shape ``(d,)``.

        :math:`F(s;\theta) = \mathbb E_{a\sim\pi_\theta(\cdot|s)}[\nabla\log\pi\,\nabla\log\pi^\top]`
        is computed analytically (the expectation over actions is exact; only the states are
        samples). ``weights`` (shape ``(n,)``) default to ``1/n``: the mean over states.
        """
        theta, states = self.check_theta(theta), self.check_states(states)
        w = self.check_weights(weights, len(states))
        vec = self.check_theta(vec, "vec")
        return self._finite("F v", "theta, states, vec and weights", self._fvp, theta, states, vec, w)

    def fisher(self, theta, states, *, weights=None) -> np.ndarray:
        r"""Dense :math:`\sum_i w_i F(s_i;\theta)`; shape ``(d, d)`` (twin of :meth:`fisher_vector_product`)."""
        theta, states = self.check_theta(theta), self.check_states(states)
        w = self.check_weights(weights, len(states))
        return self._finite("the Fisher matrix", "theta, states and weights", self._fisher, theta, states, w)

    def fisher_operator(self, theta, states, *, weights=None, damping: float = 0.0) -> linalg.FisherOperator:
        r""":math:`\sum_i w_i F(s_i;\theta) + \lambda I` as a :class:`fisherlab.linalg.FisherOperator`.

        The policy's forward quantities at ``theta`` (probabilities, features) are computed once
        here, so each product inside conjugate gradient costs two passes over the states.
        ``damping`` is :math:`\lambda \ge 0`.
        """
        theta, states = self.check_theta(theta), self.check_states(states)
        jvp, output_vp, vjp = self._fisher_factors(theta, states, self.check_weights(weights, len(states)))
        return linalg.FisherOperator(jvp, output_vp, vjp, self.dim, damping=damping)

    def kl(self, theta_old, theta, states) -> np.ndarray:
        r""":math:`D_\mathrm{KL}(\pi_{\theta_\text{old}}(\cdot|s_i)\,\|\,\pi_\theta(\cdot|s_i))`; shape ``(n,)``."""
        theta_old, theta = self.check_theta(theta_old, "theta_old"), self.check_theta(theta)
        states = self.check_states(states)
        return self._finite("the KL divergence", "theta_old, theta and states", self._kl, theta_old, theta, states)

    def entropy(self, theta, states) -> np.ndarray:
        r"""Entropy of :math:`\pi_\theta(\cdot|s_i)` in nats; shape ``(n,)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("the entropy", "theta and states", self._entropy, theta, states)

    def sample(self, theta, states, *, rng: np.random.Generator) -> np.ndarray:
        r"""One action per state, :math:`a_i\sim\pi_\theta(\cdot|s_i)`."""
        rng = v.check_generator("rng", rng)
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("a sampled action", "theta and states", self._sample, theta, states, rng)

    def mode(self, theta, states) -> np.ndarray:
        """The deterministic action of each state (most probable action, or the mean)."""
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("the mode", "theta and states", self._mode, theta, states)

    # ---- to implement -------------------------------------------------------------------
    @abc.abstractmethod
    def _log_prob(self, theta, states, actions): ...

    @abc.abstractmethod
    def _score(self, theta, states, actions): ...

    @abc.abstractmethod
    def _hessian(self, theta, states, actions): ...

    @abc.abstractmethod
    def _hvp(self, theta, states, actions, vec): ...

    @abc.abstractmethod
    def _fisher_factors(self, theta, states, w):
        """``(jvp, output_vp, vjp)``: the stages of the weighted Fisher-vector product."""

    def _fvp(self, theta, states, vec, w):
        jvp, output_vp, vjp = self._fisher_factors(theta, states, w)
        return vjp(output_vp(jvp(vec)))

    @abc.abstractmethod
    def _fisher(self, theta, states, w): ...

    @abc.abstractmethod
    def _kl(self, theta_old, theta, states): ...

    @abc.abstractmethod
    def _entropy(self, theta, states): ...

    @abc.abstractmethod
    def _sample(self, theta, states, rng): ...

    @abc.abstractmethod
    def _mode(self, theta, states): ...


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)  # shift for stability; cancels exactly
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


class _StateFeatures:
    """State features x(s) of shape (n, k): from a table indexed by integer states, a callable,
    or the states themselves; optionally with a constant 1 appended (``bias``)."""

    def __init__(self, n_features, features, bias):
        self.table = None
        self.fn = None
        if features is None:
            if n_features is None:
                raise ValueError("n_features must be given when features is None (states are feature vectors)")
            self.n_in = v.check_int("n_features", n_features, minimum=1)
        elif callable(features):
            if n_features is None:
                raise ValueError("n_features must be given with a callable features map")
            self.n_in = v.check_int("n_features", n_features, minimum=1)
            self.fn = features
        else:
            if isinstance(features, (str, bytes)):
                raise v.ArgumentTypeError(f"features must be None, a table (S, k) or a callable, got {type(features).__name__}")
            table = v.as_float_array("features", features)
            if table.ndim != 2 or table.shape[0] < 1 or table.shape[1] < 1:
                raise ValueError(f"features must be a table of shape (S, k) with S, k >= 1, got shape {table.shape}")
            if n_features is not None and n_features != table.shape[1]:
                raise ValueError(f"n_features must equal features.shape[1] = {table.shape[1]}, got {n_features}")
            self.table = table
            self.n_in = table.shape[1]
        self.bias = v.check_bool("bias", bias)
        self.k = self.n_in + int(self.bias)

    def check(self, states):
        if self.table is not None:
            return v.check_index_array("states", states, self.table.shape[0])
        if self.fn is not None:
            return states
        arr = v.as_float_array("states", states)
        return v.check_shape("states", arr, (None, self.n_in))

    def raw(self, states):
        """Features without the bias column, ``(n, n_features)``."""
        if self.table is not None:
            return self.table[states]
        if self.fn is not None:
            x = v.as_float_array("features(states)", self.fn(states))
            if x.ndim != 2 or x.shape[1] != self.n_in:
                raise ValueError(f"features(states) must have shape (n, {self.n_in}), got {x.shape}")
            return x
        return states

    def __call__(self, states):
        x = self.raw(states)
        if self.bias:
            x = np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)
        return x

    def matmul(self, states, M):
        """``x(s) @ M`` for ``M`` of shape ``(k, m)``; the bias row is added, not concatenated."""
        x = self.raw(states)
        return x @ M[: self.n_in] + M[self.n_in] if self.bias else x @ M

    def rmatmul(self, states, G):
        """``x(s).T @ G`` for ``G`` of shape ``(n, m)``; shape ``(k, m)``."""
        x = self.raw(states)
        return np.concatenate([x.T @ G, G.sum(axis=0, keepdims=True)]) if self.bias else x.T @ G


class _Softmax(Policy):
    r"""Softmax over logits that are linear in ``theta``: :math:`\text{logits}(s) = J_s\theta`.

    Subclasses give the three linear maps of the logits: ``_jvp`` (:math:`V \mapsto` logits
    directions ``(n, A)``), ``_vjp`` (sum over samples of :math:`J_i^\top g_i`, ``(d,)``) and
    ``_per_sample`` (each :math:`J_i^\top g_i`, ``(n, d)``).
    """

    discrete = True
    n_actions: int

    def check_actions(self, actions, n):
        n = v.check_int("n", n, minimum=0)
        a = v.check_index_array("actions", actions, self.n_actions)
        if a.shape[0] != n:
            raise ValueError(f"actions must have shape ({n},) like states, got {a.shape}")
        return a

    def logits(self, theta, states) -> np.ndarray:
        """Logits of each state; shape ``(n, A)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("the logits", "theta and states", self._logits, theta, states)

    def probs(self, theta, states) -> np.ndarray:
        r"""Action probabilities :math:`\pi_\theta(\cdot|s_i)`; shape ``(n, A)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("the probabilities", "theta and states", self._probs, theta, states)

    def _logits(self, theta, states):
        return self._jvp(states, theta)

    def _probs(self, theta, states):
        return np.exp(_log_softmax(self._logits(theta, states)))

    def _log_prob(self, theta, states, actions):
        return _log_softmax(self._logits(theta, states))[np.arange(len(actions)), actions]

    def _score(self, theta, states, actions):
        # the score is the feature minus its mean under the policy: J_i^T (e_a - pi_i)
        p = self._probs(theta, states)
        g = -p
        g[np.arange(len(actions)), actions] += 1.0
        return self._per_sample(states, g)

    def _fvp_out(self, p, u):
        # F_out u = (diag(p) - p p^T) u = p * (u - <p, u>): the Fisher of a categorical in its logits
        return p * (u - (p * u).sum(axis=1, keepdims=True))

    def _hvp(self, theta, states, actions, vec):
        # grad^2 log pi(a|s) = -J^T (diag p - p p^T) J, the same for every action
        p = self._probs(theta, states)
        return -self._per_sample(states, self._fvp_out(p, self._jvp(states, vec)))

    def _fisher_factors(self, theta, states, w):
        p = self._probs(theta, states)
        return (
            lambda vec: self._jvp(states, vec),  # v -> J v: directional derivative of the logits, (n, A)
            lambda u: w[:, None] * self._fvp_out(p, u),  # J v -> w_i F_out J v, (n, A)
            lambda u: self._vjp(states, u),  # -> sum_i w_i J_i^T F_out J_i v, (d,)
        )

    def _jacobians(self, states):
        n, A = len(states), self.n_actions
        eye = np.broadcast_to(np.eye(A), (n, A, A))
        return np.stack([self._per_sample(states, eye[:, b]) for b in range(A)], axis=1)  # (n, A, d)

    def _cov_out(self, theta, states):
        p = self._probs(theta, states)
        return np.einsum("na,ab->nab", p, np.eye(self.n_actions)) - p[:, :, None] * p[:, None, :]

    def _hessian(self, theta, states, actions):
        Jm = self._jacobians(states)
        return -np.einsum("nad,nab,nbe->nde", Jm, self._cov_out(theta, states), Jm)

    def _fisher(self, theta, states, w):
        Jm = self._jacobians(states)
        return np.einsum("n,nad,nab,nbe->de", w, Jm, self._cov_out(theta, states), Jm)

    def _kl(self, theta_old, theta, states):
        lp_old = _log_softmax(self._logits(theta_old, states))
        lp_new = _log_softmax(self._logits(theta, states))
        return np.maximum((np.exp(lp_old) * (lp_old - lp_new)).sum(axis=1), 0.0)

    def _entropy(self, theta, states):
        lp = _log_softmax(self._logits(theta, states))
        return -(np.exp(lp) * lp).sum(axis=1)

    def _sample(self, theta, states, rng):
        # inverse-CDF sampling with one uniform u per state: the action is the number of
        # partial sums of exp(logits) below u times their total (no normalisation needed)
        z = self._logits(theta, states)
        cdf = np.cumsum(np.exp(z - z.max(axis=1, keepdims=True)), axis=1)
        u = rng.random(len(cdf))[:, None]
        return (cdf[:, :-1] < u * cdf[:, -1:]).sum(axis=1)

    def _mode(self, theta, states):
        return np.argmax(self._logits(theta, states), axis=1)


class LinearSoftmax(_Softmax):
    r"""Softmax policy linear in state features: :math:`\pi_\theta(a|s) \propto \exp(x(s)^\top\Theta_{\cdot a})`.

    ``theta = Theta.ravel()`` with ``Theta`` of shape ``(k, A)``, so ``d = k * A``. Equivalently a
    softmax over the features :math:`\phi(s,a) = x(s)\otimes e_a`, for which

    .. math::
        \nabla\log\pi_\theta(a|s) = x(s)\otimes(e_a - \pi_\theta(\cdot|s)),\qquad
        F(s;\theta) = \operatorname{Cov}_{a\sim\pi}[\phi(s,a)]
        = x(s)x(s)^\top\otimes\big(\operatorname{diag}\pi - \pi\pi^\top\big).

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    n_actions : int
        Number of actions ``A >= 2``.
    n_features : int, optional
        Length of the raw state features (required unless ``features`` is a table).
    features : None, array of shape (S, k) or callable
        ``None``: states are feature vectors ``(n, n_features)``. A table: states are integers
        indexing its rows. A callable: ``features(states)`` returns ``(n, n_features)``.
    bias : bool
        Append a constant feature 1 (a per-action offset), so ``k = n_features + 1``.
    """

    def __init__(self, n_actions: int, *, n_features: int | None = None, features=None, bias: bool = False):
        self.n_actions = v.check_int("n_actions", n_actions, minimum=2)
        self._x = _StateFeatures(n_features, features, bias)
        self.n_features = self._x.k
        self.dim = self._x.k * self.n_actions

    def __repr__(self):
        return f"LinearSoftmax(n_actions={self.n_actions}, k={self.n_features}, d={self.dim})"

    def check_states(self, states):
        return self._x.check(states)

    def _jvp(self, states, vec):
        return self._x.matmul(states, vec.reshape(self.n_features, self.n_actions))

    def _vjp(self, states, g):
        return self._x.rmatmul(states, g).ravel()

    def _per_sample(self, states, g):
        x = self._x(states)
        return (x[:, :, None] * g[:, None, :]).reshape(len(x), self.dim)


class TabularSoftmax(_Softmax):
    r"""Tabular softmax policy :math:`\pi_\theta(a|s) = \exp\theta_{s,a} / \sum_b \exp\theta_{s,b}`.

    ``theta`` has shape ``(S * A,)``, ``theta[s * A + a]`` :math:`=\theta_{s,a}`. It is
    :class:`LinearSoftmax` with one-hot state features, computed by indexing:

    .. math::
        \frac{\partial\log\pi_\theta(a|s)}{\partial\theta_{s',b}} = \mathbb 1[s'=s]\,
        (\mathbb 1[b=a] - \pi_\theta(b|s)).

    Introduced in Chapter 5, "TRPO".
    """

    def __init__(self, n_states: int, n_actions: int):
        self.n_states = v.check_int("n_states", n_states, minimum=1)
        self.n_actions = v.check_int("n_actions", n_actions, minimum=2)
        self.dim = self.n_states * self.n_actions

    def __repr__(self):
        return f"TabularSoftmax(n_states={self.n_states}, n_actions={self.n_actions})"

    def check_states(self, states):
        return v.check_index_array("states", states, self.n_states)

    def _jvp(self, states, vec):
        return vec.reshape(self.n_states, self.n_actions)[states]

    def _vjp(self, states, g):
        out = np.zeros((self.n_states, self.n_actions))
        np.add.at(out, states, g)
        return out.ravel()

    def _per_sample(self, states, g):
        out = np.zeros((len(states), self.n_states, self.n_actions))
        out[np.arange(len(states)), states] = g
        return out.reshape(len(states), self.dim)


class LinearGaussian(Policy):
    r"""Gaussian policy with a linear mean: :math:`a \sim \mathcal N(W^\top x(s), \operatorname{diag}\sigma^2)`.

    ``theta = concatenate([W.ravel(), log_std])`` with ``W`` of shape ``(k, m)`` and the
    log standard deviations ``(m,)`` only when ``learn_log_std``; otherwise ``theta = W.ravel()``
    and :math:`\sigma` is fixed. With :math:`z_j = (a_j-\mu_j)/\sigma_j`:

    .. math::
        \log\pi = \sum_j\Big(-\tfrac12 z_j^2 - \log\sigma_j - \tfrac12\log 2\pi\Big),\quad
        \nabla_{W_{\cdot j}}\log\pi = x\,\frac{z_j}{\sigma_j},\quad
        \frac{\partial\log\pi}{\partial\log\sigma_j} = z_j^2 - 1,

    .. math::
        F(s) = \begin{pmatrix} x x^\top\otimes\operatorname{diag}(\sigma^{-2}) & 0\\ 0 & 2I_m\end{pmatrix}.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    n_features : int, optional
        Length of the raw state features (see :class:`LinearSoftmax` for ``features``, ``bias``).
    action_dim : int
        ``m``, the dimension of an action.
    log_std : float or array of shape (m,)
        The (initial) log standard deviation.
    learn_log_std : bool
        Whether ``log_std`` is part of ``theta``.
    """

    discrete = False

    def __init__(self, *, n_features: int | None = None, action_dim: int = 1, features=None, bias: bool = False,
                 log_std=0.0, learn_log_std: bool = False):
        self._x = _StateFeatures(n_features, features, bias)
        self.n_features = self._x.k
        self.action_dim = v.check_int("action_dim", action_dim, minimum=1)
        log_std = v.as_float_array("log_std", log_std)
        if log_std.shape not in ((), (self.action_dim,)):
            raise ValueError(f"log_std must be a number or have shape ({self.action_dim},) (action_dim), got {log_std.shape}")
        self.log_std0 = np.broadcast_to(log_std, (self.action_dim,)).copy()
        self.learn_log_std = v.check_bool("learn_log_std", learn_log_std)
        self.n_mean = self.n_features * self.action_dim
        self.dim = self.n_mean + (self.action_dim if self.learn_log_std else 0)

    def __repr__(self):
        return (f"LinearGaussian(k={self.n_features}, action_dim={self.action_dim}, "
                f"learn_log_std={self.learn_log_std}, d={self.dim})")

    def init_theta(self):
        """Zero mean weights and, when learned, the initial ``log_std``."""
        return np.concatenate([np.zeros(self.n_mean), self.log_std0 if self.learn_log_std else []])

    def check_states(self, states):
        return self._x.check(states)

    def check_actions(self, actions, n):
        n = v.check_int("n", n, minimum=0)
        a = v.as_float_array("actions", actions)
        if a.ndim == 1 and self.action_dim == 1:
            a = a[:, None]
        return v.check_shape("actions", a, (n, self.action_dim))

    def _split(self, theta):
        W = theta[: self.n_mean].reshape(self.n_features, self.action_dim)
        log_std = theta[self.n_mean:] if self.learn_log_std else self.log_std0
        return W, log_std

    def mean(self, theta, states) -> np.ndarray:
        r"""Mean action :math:`\mu(s) = W^\top x(s)`; shape ``(n, m)``."""
        theta, states = self.check_theta(theta), self.check_states(states)
        return self._finite("the mean action", "theta and states", self._mode, theta, states)

    def _log_prob(self, theta, states, actions):
        W, log_std = self._split(theta)
        z = (actions - self._x(states) @ W) * np.exp(-log_std)
        return (-0.5 * z**2 - log_std - 0.5 * _LOG_2PI).sum(axis=1)

    def _score(self, theta, states, actions):
        W, log_std = self._split(theta)
        x = self._x(states)
        sig = np.exp(log_std)
        z = (actions - x @ W) / sig
        g_mean = (x[:, :, None] * (z / sig)[:, None, :]).reshape(len(x), self.n_mean)
        if not self.learn_log_std:
            return g_mean
        return np.concatenate([g_mean, z**2 - 1], axis=1)

    def _hessian(self, theta, states, actions):
        W, log_std = self._split(theta)
        x = self._x(states)
        n, k, m = len(x), self.n_features, self.action_dim
        inv_var = np.exp(-2 * log_std)
        H = np.zeros((n, self.dim, self.dim))
        # mean-mean block: -(x x^T) (x) diag(1/sigma^2)
        Hmm = -np.einsum("nj,nl,ab->njalb", x, x, np.diag(inv_var)).reshape(n, self.n_mean, self.n_mean)
        H[:, : self.n_mean, : self.n_mean] = Hmm
        if self.learn_log_std:
            resid = actions - x @ W  # (n, m)
            # d/dlog sigma_j of x (a_j - mu_j)/sigma_j^2 = -2 x (a_j - mu_j)/sigma_j^2
            cross = -2 * x[:, :, None] * (resid * inv_var)[:, None, :]  # (n, k, m)
            C = np.zeros((n, k, m, m))
            C[:, :, np.arange(m), np.arange(m)] = cross
            C = C.reshape(n, self.n_mean, m)
            H[:, : self.n_mean, self.n_mean:] = C
            H[:, self.n_mean:, : self.n_mean] = C.transpose(0, 2, 1)
            z2 = resid**2 * inv_var
            H[:, self.n_mean:, self.n_mean:] = -2 * z2[:, :, None] * np.eye(m)
        return H

    def _hvp(self, theta, states, actions, vec):
        W, log_std = self._split(theta)
        x = self._x(states)
        inv_var = np.exp(-2 * log_std)
        Vw, vs = self._split(vec) if self.learn_log_std else (vec.reshape(self.n_features, self.action_dim), None)
        u = x @ Vw  # (n, m): directional derivative of the mean
        g = -u * inv_var
        if not self.learn_log_std:
            return (x[:, :, None] * g[:, None, :]).reshape(len(x), self.n_mean)
        resid = actions - x @ W
        g = g - 2 * resid * inv_var * vs
        out_s = -2 * resid * inv_var * u - 2 * resid**2 * inv_var * vs
        return np.concatenate([(x[:, :, None] * g[:, None, :]).reshape(len(x), self.n_mean), out_s], axis=1)

    def _fisher_factors(self, theta, states, w):
        _, log_std = self._split(theta)
        x = self._x(states)
        inv_var = np.exp(-2 * log_std)
        k, m, learn = self.n_features, self.action_dim, self.learn_log_std

        def jvp(vec):  # v -> J v: change of the mean (n, m) and of the log-std (m,)
            return x @ vec[: self.n_mean].reshape(k, m), (vec[self.n_mean:] if learn else None)

        def output_vp(out):  # J v -> F_out J v: N(mu, sigma^2) has Fisher 1/sigma^2 in mu, 2 in log sigma
            u, vs = out
            return w[:, None] * u * inv_var, (2 * w.sum() * vs if learn else None)

        def vjp(out):  # -> sum_i w_i J_i^T F_out J_i v
            a, b = out
            return np.concatenate([(x.T @ a).ravel(), b]) if learn else (x.T @ a).ravel()

        return jvp, output_vp, vjp

    def _fisher(self, theta, states, w):
        _, log_std = self._split(theta)
        x = self._x(states)
        inv_var = np.exp(-2 * log_std)
        F = np.zeros((self.dim, self.dim))
        F[: self.n_mean, : self.n_mean] = np.kron(np.einsum("n,nj,nl->jl", w, x, x), np.diag(inv_var))
        if self.learn_log_std:
            F[self.n_mean:, self.n_mean:] = 2 * w.sum() * np.eye(self.action_dim)
        return F

    def _kl(self, theta_old, theta, states):
        W0, ls0 = self._split(theta_old)
        W1, ls1 = self._split(theta)
        x = self._x(states)
        dmu = x @ (W0 - W1)
        return (ls1 - ls0 + (np.exp(2 * ls0) + dmu**2) / (2 * np.exp(2 * ls1)) - 0.5).sum(axis=1)

    def _entropy(self, theta, states):
        _, log_std = self._split(theta)
        return np.full(len(self._x(states)), float(np.sum(log_std + 0.5 * (_LOG_2PI + 1))))

    def _sample(self, theta, states, rng):
        W, log_std = self._split(theta)
        mu = self._x(states) @ W
        return mu + np.exp(log_std) * rng.standard_normal(mu.shape)

    def _mode(self, theta, states):
        W, _ = self._split(theta)
        return self._x(states) @ W
