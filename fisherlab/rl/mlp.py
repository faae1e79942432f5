r"""A one-hidden-layer tanh network with a softmax head, in numpy, with analytic derivatives.

.. math::
    a^{(1)} = x W_1 + b_1,\quad h = \tanh a^{(1)},\quad z = h W_2 + b_2,\quad
    \pi_\theta(\cdot|s) = \operatorname{softmax}(z),

with :math:`x = x(s)` of shape ``(n, k)``, :math:`W_1` ``(k, H)``, :math:`b_1` ``(H,)``,
:math:`W_2` ``(H, A)``, :math:`b_2` ``(A,)`` and
``theta = concatenate([W1.ravel(), b1, W2.ravel(), b2])``, so ``d = k H + H + H A + A``.
Without biases (``bias=False``: :math:`b_1 = 0`, :math:`b_2 = 0`, ``theta = concatenate([W1.ravel(),
W2.ravel()])``, ``d = k H + H A``) the logits are an odd function of the input, :math:`z(-x) =
-z(x)`, because tanh is odd: with two actions the policy is mirror-symmetric,
:math:`\pi(a|{-s}) = \pi(1-a|s)`, as CartPole itself is (Chapter 5).

Three passes give everything TRPO needs, and each is a few lines of numpy:

* **backward** (backpropagation, reverse mode): a cotangent :math:`c` of the logits ``(n, A)``
  goes back through the network to :math:`J^\top c`, the vector-Jacobian product. With
  :math:`c = e_a - \pi` it is the score :math:`\nabla_\theta\log\pi_\theta(a|s)`.
* **forward** (Pearlmutter's R-operator, forward mode; Pearlmutter 1994): a direction
  :math:`v` in parameter space is pushed forward to :math:`\mathcal R\{z\} = Jv`, the
  directional derivative of the logits ``(n, A)``.
* The **Fisher-vector product** is one of each, with the categorical's Fisher in between:
  :math:`v \to Jv \to (\operatorname{diag}\pi - \pi\pi^\top)Jv \to J^\top(\operatorname{diag}\pi
  - \pi\pi^\top)Jv` (Schraudolph 2002; Martens 2010). This is how TRPO scales to networks
  (Schulman et al. 2015, appendix C): no matrix of size :math:`d\times d` is ever formed.

The Fisher is the generalised Gauss-Newton matrix of the log-likelihood: unlike the
Hessian of :math:`\log\pi`, which gains a term :math:`\sum_b c_b\nabla^2_\theta z_b` from the
curvature of the network, it is positive semidefinite. ``hvp_log_prob`` differentiates the
backward pass once more with the R-operator and returns the true Hessian-vector product; its
expectation over actions is :math:`-F`, because :math:`\mathbb E_{a\sim\pi}[e_a - \pi] = 0`.

Introduced in Chapter 5, "TRPO" (a neural policy).
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .policies import _Softmax, _StateFeatures

__all__ = ["MLPSoftmax"]


class MLPSoftmax(_Softmax):
    r"""Softmax policy over the logits of a one-hidden-layer tanh network.

    :math:`\pi_\theta(\cdot|s) = \operatorname{softmax}\big(\tanh(x(s)W_1 + b_1)\,W_2 + b_2\big)`;
    see :mod:`fisherlab.rl.mlp` for the passes. ``theta`` has shape ``(d,)`` with
    ``d = k * hidden + hidden + hidden * A + A``.

    Introduced in Chapter 5, "TRPO" (a neural policy).

    Parameters
    ----------
    n_actions : int
        Number of actions ``A >= 2``.
    n_features : int, optional
        Length of the raw state features ``k`` (required unless ``features`` is a table).
    hidden : int
        Width ``H >= 1`` of the hidden layer.
    features : None, array of shape (S, k) or callable
        As for :class:`~fisherlab.rl.policies.LinearSoftmax`: ``None`` means states are feature
        vectors ``(n, k)``.
    bias : bool
        Learn the biases :math:`b_1, b_2` (``True``, the default) or fix them at 0 (an odd
        network; ``d = k * hidden + hidden * A``).
    """

    #: ``init_theta`` needs a generator (``run`` passes it a child of its own)
    random_init = True

    def __init__(self, n_actions: int, *, n_features: int | None = None, hidden: int = 32, features=None,
                 bias: bool = True):
        self.n_actions = v.check_int("n_actions", n_actions, minimum=2)
        self._x = _StateFeatures(n_features, features, False)
        self.n_features = self._x.k
        self.hidden = v.check_int("hidden", hidden, minimum=1)
        self.bias = v.check_bool("bias", bias)
        k, H, A = self.n_features, self.hidden, self.n_actions
        # parameter blocks W1, b1, W2, b2; without biases their blocks have size 0
        self._sizes = (k * H, H, H * A, A) if self.bias else (k * H, 0, H * A, 0)
        self._cuts = tuple(int(c) for c in np.cumsum(self._sizes)[:-1])
        self.dim = int(sum(self._sizes))
        self._zero_b1, self._zero_b2 = np.zeros(H), np.zeros(A)

    def __repr__(self):
        extra = "" if self.bias else ", bias=False"
        return (f"MLPSoftmax(n_actions={self.n_actions}, k={self.n_features}, hidden={self.hidden}{extra}, "
                f"d={self.dim})")

    def check_states(self, states):
        return self._x.check(states)

    def init_theta(self, *, rng: np.random.Generator, out_scale: float = 0.01) -> np.ndarray:
        r"""A random starting parameter ``(d,)``: :math:`W_1` with orthonormal columns (rows if
        ``k < H``) scaled by :math:`\sqrt 2`, :math:`W_2` the same scaled by ``out_scale``, zero
        biases. A small ``out_scale`` starts near the uniform policy. This is the orthogonal
        initialisation of Saxe et al. (2014) with the gains of stable-baselines3's actor.
        """
        rng = v.check_generator("rng", rng)
        out_scale = v.check_positive("out_scale", out_scale, scalar=True)
        k, H, A = self.n_features, self.hidden, self.n_actions
        W1 = np.sqrt(2.0) * _orthogonal(k, H, rng)
        W2 = out_scale * _orthogonal(H, A, rng)
        return self._pack(W1.ravel(), np.zeros(H), W2.ravel(), np.zeros(A))

    # ---- the network -----------------------------------------------------------------------
    def unpack(self, theta):
        """``(W1 (k, H), b1 (H,), W2 (H, A), b2 (A,))`` from ``theta`` ``(d,)`` (views; without
        biases, ``b1`` and ``b2`` are zeros)."""
        theta = self.check_theta(theta)
        return self._unpack(theta)

    def _unpack(self, theta):
        c1, c2, c3 = self._cuts  # plain slices (views); np.split is slow on the environment loop
        W1, W2 = theta[:c1].reshape(self.n_features, self.hidden), theta[c2:c3].reshape(self.hidden, self.n_actions)
        if not self.bias:
            return W1, self._zero_b1, W2, self._zero_b2
        return W1, theta[c1:c2], W2, theta[c3:]

    def _pack(self, gW1, gb1, gW2, gb2):
        """The blocks of a parameter-shaped quantity, ``(d,)`` or per sample ``(n, d)``, joined in
        the order of ``theta`` (the bias blocks left out without biases)."""
        blocks = (gW1, gb1, gW2, gb2) if self.bias else (gW1, gW2)
        return np.concatenate(blocks, axis=-1)

    def _forward(self, theta, states):
        """Input ``x (n, k)``, hidden ``h (n, H)`` and logits ``z (n, A)``."""
        W1, b1, W2, b2 = self._unpack(theta)
        x = self._x(states)
        h = np.tanh(x @ W1 + b1)
        return x, h, h @ W2 + b2

    def _logits(self, theta, states):
        return self._forward(theta, states)[2]

    @staticmethod
    def _backward(x, h, W2, c):
        r"""Backpropagation of a logits cotangent ``c (n, A)``: the per-sample pieces
        ``(x, delta1 (n, H), h, c)`` of :math:`J_i^\top c_i` (outer products x delta1, h c)."""
        dh = c @ W2.T  # dz/dh^T c
        delta1 = dh * (1.0 - h**2)  # through tanh: tanh' = 1 - tanh^2
        return delta1

    def _vjp_sum(self, x, h, W2, c):
        r""":math:`\sum_i J_i^\top c_i`, shape ``(d,)``."""
        d1 = self._backward(x, h, W2, c)
        return self._pack((x.T @ d1).ravel(), d1.sum(axis=0), (h.T @ c).ravel(), c.sum(axis=0))

    def _vjp_each(self, x, h, W2, c):
        r"""Each :math:`J_i^\top c_i`, shape ``(n, d)``."""
        d1 = self._backward(x, h, W2, c)
        n = len(x)
        return self._pack((x[:, :, None] * d1[:, None, :]).reshape(n, -1), d1,
                          (h[:, :, None] * c[:, None, :]).reshape(n, -1), c)

    def _jvp_full(self, theta, x, h, vec):
        r"""The R-operator forward pass: :math:`\mathcal R\{h\}` ``(n, H)`` and
        :math:`\mathcal R\{z\} = Jv` ``(n, A)`` for a direction ``vec`` ``(d,)``."""
        _, _, W2, _ = self._unpack(theta)
        V1, vb1, V2, vb2 = self._unpack(vec)
        Rh = (1.0 - h**2) * (x @ V1 + vb1)  # R{a1} = x V1 + vb1, then through tanh
        Rz = Rh @ W2 + h @ V2 + vb2  # product rule on z = h W2 + b2
        return Rh, Rz

    # ---- the policy interface --------------------------------------------------------------
    def _score(self, theta, states, actions):
        # backprop of the cotangent e_a - pi (the gradient of log softmax in the logits)
        x, h, z = self._forward(theta, states)
        c = -np.exp(_log_softmax(z))
        c[np.arange(len(actions)), actions] += 1.0
        return self._vjp_each(x, h, self._unpack(theta)[2], c)

    def _fisher_factors(self, theta, states, w):
        x, h, z = self._forward(theta, states)
        p = np.exp(_log_softmax(z))
        W2 = self._unpack(theta)[2]
        return (
            lambda vec: self._jvp_full(theta, x, h, vec)[1],  # v -> J v: one R-operator forward pass, (n, A)
            lambda u: w[:, None] * self._fvp_out(p, u),  # J v -> w_i F_out J v, (n, A)
            lambda u: self._vjp_sum(x, h, W2, u),  # -> sum_i w_i J_i^T F_out J_i v: one backward pass, (d,)
        )

    def _jacobians(self, theta, states):
        """Per-sample Jacobians of the logits, ``(n, A, d)`` (for the dense twins)."""
        x, h, _ = self._forward(theta, states)
        W2 = self._unpack(theta)[2]
        n, A = len(x), self.n_actions
        return np.stack([self._vjp_each(x, h, W2, np.tile(np.eye(A)[b], (n, 1))) for b in range(A)], axis=1)

    def _fisher(self, theta, states, w):
        Jm = self._jacobians(theta, states)
        return np.einsum("n,nad,nab,nbe->de", w, Jm, self._cov_out(theta, states), Jm)

    def _hvp(self, theta, states, actions, vec):
        # the R-operator applied to the backward pass of the score (Pearlmutter 1994): every
        # quantity q of the backward pass gets its directional derivative R{q} along vec
        x, h, z = self._forward(theta, states)
        _, _, W2, _ = self._unpack(theta)
        _, _, V2, _ = self._unpack(vec)
        p = np.exp(_log_softmax(z))
        c = -p
        c[np.arange(len(actions)), actions] += 1.0  # cotangent e_a - pi
        Rh, Rz = self._jvp_full(theta, x, h, vec)
        Rc = -self._fvp_out(p, Rz)  # R{e_a - pi} = -(diag pi - pi pi^T) R{z}
        dh = c @ W2.T
        Rdh = Rc @ W2.T + c @ V2.T
        t = 1.0 - h**2
        d1 = dh * t
        Rd1 = Rdh * t - 2.0 * h * Rh * dh  # R{tanh'(a1)} = -2 h R{h}
        n = len(x)
        return self._pack((x[:, :, None] * Rd1[:, None, :]).reshape(n, -1), Rd1,
                          (Rh[:, :, None] * c[:, None, :] + h[:, :, None] * Rc[:, None, :]).reshape(n, -1), Rc)

    def _hessian(self, theta, states, actions):
        # dense twin of _hvp: one Hessian-vector product per basis vector
        cols = [self._hvp(theta, states, actions, e) for e in np.eye(self.dim)]
        return np.stack(cols, axis=2)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _orthogonal(rows, cols, rng):
    """A ``(rows, cols)`` matrix with orthonormal columns (or rows, if ``rows < cols``)."""
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # Haar-distributed (Mezzadri 2007)
    return q if rows >= cols else q.T
