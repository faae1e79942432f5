r"""The categorical family with softmax logits: a Fisher matrix that is singular by design.

Introduced in Chapter 2, "The Fisher information matrix".
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax

from .. import _validate as v
from ._base import Family

__all__ = ["Categorical", "softmax"]


def softmax(theta) -> np.ndarray:
    r"""Probabilities :math:`p_i = e^{\theta_i} / \sum_j e^{\theta_j}` along the last axis.

    Computed as ``exp(log_softmax(theta))``, stable for large logits.

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    theta = v.as_float_array("theta", theta)
    if theta.ndim == 0 or theta.shape[-1] < 1:
        raise ValueError(f"theta must have shape (..., k) with k >= 1 logits, got shape {theta.shape}")
    with v.quiet():
        out = np.exp(log_softmax(theta, axis=-1))
    return v.check_result(out, "softmax", "theta")


class Categorical(Family):
    r"""Categorical distribution over :math:`\{0, \dots, k-1\}` with softmax logits
    :math:`\theta \in \mathbb{R}^k`: :math:`p_i(\theta) = e^{\theta_i}/\sum_j e^{\theta_j}`.

    .. math::
        \ell(\theta; x) = \theta_x - \log\sum_j e^{\theta_j},\qquad
        s(\theta; x) = e_x - p,\qquad
        \nabla^2_\theta\ell = -\big(\operatorname{diag}(p) - p p^\top\big),

    .. math::
        F(\theta) = \mathbb{E}\big[(e_x - p)(e_x - p)^\top\big] = \operatorname{diag}(p) - p p^\top .

    As for the Gaussian mean, the Hessian does not depend on the observation. The Fisher
    matrix has rank :math:`k - 1`: :math:`F\mathbb 1 = p - p\,(p^\top\mathbb 1) = 0`, because
    adding the same constant to every logit does not change the distribution. The data carry
    no information along :math:`\mathbb 1` — that direction is not identifiable — and
    :math:`F^{-1}` does not exist; Chapter 4 meets the consequence (damping or a
    pseudo-inverse in the natural gradient).

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    k : int
        Number of categories, >= 2.
    """

    def __init__(self, k: int = 3):
        self.k = self.dim = v.check_int("k", k, minimum=2)
        self.param_names = tuple(f"theta{i}" for i in range(self.k))
        self.param_tex = tuple(rf"\theta_{{{i}}}" for i in range(self.k))

    def _settings(self):
        return {"k": self.k}

    def probabilities(self, theta) -> np.ndarray:
        """Softmax probabilities of ``theta``; shape ``(..., k)``."""
        return softmax(self.check_theta(theta))

    def check_x(self, x) -> np.ndarray:
        """Outcomes ``x`` of shape ``(n,)``, integers in ``{0, ..., k-1}``."""
        arr = super().check_x(x)
        bad = (arr < 0) | (arr > self.k - 1) | (arr != np.round(arr))
        if np.any(bad):
            raise ValueError(f"x must contain integers in {{0, ..., {self.k - 1}}}, got {arr[bad][0]!r}")
        return arr.astype(np.int64)

    def _pair(self, theta, x):
        theta = self.check_theta(theta)
        return theta[..., None, :], self.check_x(x)

    def _log_likelihood(self, t, x):
        logp = log_softmax(t, axis=-1)  # (..., 1, k)
        return np.take(logp[..., 0, :], x, axis=-1)  # theta_x - logsumexp(theta), (..., n)

    def _score(self, t, x):
        p = np.exp(log_softmax(t, axis=-1))
        onehot = np.eye(self.k)[x]  # (n, k)
        return onehot - p  # e_x - p, (..., n, k)

    def _hessian(self, t, x):
        p = np.exp(log_softmax(t, axis=-1))  # (..., 1, k)
        F = self._fisher_from_p(p)  # (..., 1, k, k)
        return np.broadcast_to(-F, F.shape[:-3] + (x.size, self.k, self.k)).copy()

    @staticmethod
    def _fisher_from_p(p):
        return p[..., :, None] * np.eye(p.shape[-1]) - p[..., :, None] * p[..., None, :]

    def _fisher(self, theta):
        return self._fisher_from_p(np.exp(log_softmax(theta, axis=-1)))

    def fisher_vp(self, theta, vec) -> np.ndarray:
        r"""Matrix-free Fisher-vector product :math:`F v = p \odot v - p\,(p^\top v)`, in
        :math:`O(k)` instead of the :math:`O(k^2)` of ``fisher_exact(theta) @ v``.

        Introduced in Chapter 2, "The Fisher information matrix".

        Parameters
        ----------
        theta : array of shape (..., k)
        vec : array of shape (..., k)
            Broadcast against ``theta``.

        Returns
        -------
        ndarray of shape (..., k)
        """
        p = self.probabilities(theta)
        vec = v.as_float_array("vec", vec)
        if vec.ndim == 0 or vec.shape[-1] != self.k:
            raise ValueError(f"vec must have shape (..., {self.k}), got {vec.shape}")
        with v.quiet():
            out = p * vec - p * np.sum(p * vec, axis=-1, keepdims=True)  # diag(p) v - p (p^T v)
        return v.check_result(out, "the Fisher-vector product", "vec")

    def _sample(self, theta, n_samples, rng):
        p = np.exp(log_softmax(theta))
        return rng.choice(self.k, size=n_samples, p=p / p.sum()).astype(np.float64)

    def _mle(self, x):
        """Centred log-frequencies (logits are defined up to an additive constant)."""
        x = np.asarray(x)
        counts = np.stack([(x == i).sum(axis=-1) for i in range(self.k)], axis=-1)
        if np.any(counts == 0):
            raise ValueError("x must contain every category at least once for a finite logit MLE")
        logf = np.log(counts / counts.sum(axis=-1, keepdims=True))
        return logf - logf.mean(axis=-1, keepdims=True)
