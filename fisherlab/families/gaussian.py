r"""Multivariate Gaussian families of Chapter 2, "The Fisher information matrix".

Observations are vectors: ``x`` has shape ``(n, k)`` (``k`` the dimension of one observation),
and every family here has ``dim >= 2`` parameters, so ``theta`` has shape ``(..., dim)``, the
score ``(..., n, dim)``, the Hessian ``(..., n, dim, dim)`` and the Fisher matrix
``(..., dim, dim)`` (see :class:`fisherlab.families.Family`).

Three families, from the simplest to the most general:

* :class:`GaussianMean`: known covariance :math:`\Sigma`, parameter the mean. Its Fisher matrix
  is :math:`\Sigma^{-1}` at every :math:`\mu`, and the Hessian of every single log-likelihood is
  already :math:`-\Sigma^{-1}`.
* :class:`GaussianDiagonal`: independent coordinates with unknown means and log standard
  deviations, the parameterisation of Gaussian policies in reinforcement learning.
* :class:`GaussianFull`: unknown mean and full covariance, parameterised by the mean and the
  inverse Cholesky factor of the covariance (log of its diagonal, free off-diagonal entries).

Every family also has ``mean_cov(theta)``, which the closed-form Gaussian KL divergence of
:mod:`fisherlab.divergences` uses.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from ._base import Family

__all__ = ["GaussianMean", "GaussianDiagonal", "GaussianFull"]

_LOG_2PI = float(np.log(2 * np.pi))


class _VectorFamily(Family):
    """Shared plumbing of families whose observations are vectors of length ``k``."""

    k: int = 2

    def check_x(self, x) -> np.ndarray:
        """Observations ``x`` of shape ``(n, k)``; a single observation of shape ``(k,)`` is
        promoted to ``(1, k)`` (and for ``k == 1`` a vector ``(n,)`` to ``(n, 1)``)."""
        arr = v.as_float_array("x", x)
        if arr.ndim == 1 and self.k == 1:
            arr = arr[:, None]
        elif arr.ndim == 1 and arr.shape[0] == self.k:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.k:
            raise ValueError(
                f"x must have shape (n, {self.k}) (n observations of dimension {self.k}), got shape {arr.shape}"
            )
        return arr

    def _pair(self, theta, x):
        # theta (..., dim) -> (..., 1, dim), so that it broadcasts against x (n, k)
        theta = self.check_theta(theta)
        x = self.check_x(x)
        return theta[..., None, :], x

    def mle(self, x) -> np.ndarray:
        """Maximum-likelihood estimate from observations ``x`` of shape ``(n, k)``; shape ``(dim,)``."""
        x = self.check_x(x)
        if x.shape[0] < 2:
            raise ValueError(f"x must hold at least 2 observations, got {x.shape[0]}")
        with v.quiet():
            out = self._mle(x)
        return v.check_result(out, "the estimate", "x")

    def sample(self, theta, n_samples: int, *, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_samples`` i.i.d. observation vectors; shape ``(n_samples, k)``.

        ``theta`` is one parameter value of shape ``(dim,)``.
        """
        return super().sample(theta, n_samples, rng=rng)

    def mean_cov(self, theta) -> tuple[np.ndarray, np.ndarray]:
        """Mean ``(..., k)`` and covariance ``(..., k, k)`` of :math:`p(\\cdot;\\theta)`."""
        theta = self.check_theta(theta)
        with v.quiet():
            mean, cov = self._mean_cov(theta)
        v.check_result(cov, "the covariance", "theta")
        return mean, cov


class GaussianMean(_VectorFamily):
    r"""Gaussian :math:`N(\mu, \Sigma)` in :math:`\mathbb{R}^k` with known covariance
    :math:`\Sigma`; parameter the mean :math:`\theta = \mu \in \mathbb{R}^k` (``k >= 2``).

    .. math::
        \ell(\mu; x) = -\tfrac k2\log 2\pi - \tfrac12\log\det\Sigma
                       - \tfrac12 (x-\mu)^\top\Sigma^{-1}(x-\mu),\qquad
        s(\mu; x) = \Sigma^{-1}(x-\mu),

    .. math::
        \nabla^2_\mu \ell = -\Sigma^{-1},\qquad
        F(\mu) = \mathbb{E}[s s^\top] = \Sigma^{-1}\,\mathbb{E}[(x-\mu)(x-\mu)^\top]\,\Sigma^{-1}
               = \Sigma^{-1}.

    The score vectors at the true mean are distributed as :math:`N(0, \Sigma^{-1})`: their
    covariance ellipse *is* the Fisher matrix. A strongly correlated :math:`\Sigma` gives a
    strongly correlated Fisher matrix, with the largest information along the eigenvector of
    :math:`\Sigma^{-1}` with the largest eigenvalue (the direction in which :math:`\Sigma`
    is thinnest).

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    cov : array of shape (k, k)
        Known covariance :math:`\Sigma`, symmetric positive definite, ``k >= 2`` (for ``k == 1``
        use :class:`fisherlab.families.NormalMean`).
    """

    def __init__(self, cov):
        cov = v.check_symmetric_positive_definite("cov", cov)
        if cov.shape[0] < 2:
            raise ValueError(f"cov must be at least 2 x 2 (use NormalMean for k = 1), got shape {cov.shape}")
        self.cov = 0.5 * (cov + cov.T)
        self.k = self.dim = cov.shape[0]
        self._chol = np.linalg.cholesky(self.cov)
        self.precision = np.linalg.inv(self.cov)
        self.precision = 0.5 * (self.precision + self.precision.T)
        self._logdet = 2.0 * float(np.sum(np.log(np.diag(self._chol))))
        self.param_names = tuple(f"mu{i + 1}" for i in range(self.k))
        self.param_tex = tuple(rf"\mu_{i + 1}" for i in range(self.k))

    def _settings(self):
        return {"cov": self.cov.tolist()}

    def _log_likelihood(self, mu, x):
        e = x - mu  # (..., n, k)
        quad = np.einsum("...i,ij,...j->...", e, self.precision, e)
        return -0.5 * self.k * _LOG_2PI - 0.5 * self._logdet - 0.5 * quad

    def _score(self, mu, x):
        return (x - mu) @ self.precision  # Sigma^{-1}(x - mu), precision is symmetric

    def _hessian(self, mu, x):
        shape = np.broadcast_shapes(mu.shape, x.shape)
        return np.broadcast_to(-self.precision, shape + (self.k,)).copy()

    def _fisher(self, mu):
        return np.broadcast_to(self.precision, mu.shape + (self.k,)).copy()

    def _sample(self, mu, n_samples, rng):
        z = rng.standard_normal((n_samples, self.k))
        return mu + z @ self._chol.T

    def _mle(self, x):
        return x.mean(axis=0)

    def _mean_cov(self, theta):
        return theta, np.broadcast_to(self.cov, theta.shape + (self.k,)).copy()

    def fisher_vp(self, theta, vec) -> np.ndarray:
        r"""Matrix-free Fisher-vector product :math:`F v = \Sigma^{-1} v`, by two triangular
        solves with the Cholesky factor of :math:`\Sigma` (the inverse is never used).

        Introduced in Chapter 2, "The Fisher information matrix".

        Parameters
        ----------
        theta : array of shape (k,)
            Unused (the Fisher matrix does not depend on the mean), validated.
        vec : array of shape (k,) or (k, m)

        Returns
        -------
        ndarray of the shape of ``vec``
        """
        from scipy.linalg import cho_solve

        self.check_theta(theta)
        vec = v.as_float_array("vec", vec)
        if vec.ndim not in (1, 2) or vec.shape[0] != self.k or vec.size == 0:
            raise ValueError(f"vec must have shape ({self.k},) or ({self.k}, m), got {vec.shape}")
        return cho_solve((self._chol, True), vec)


class GaussianDiagonal(_VectorFamily):
    r"""Gaussian with independent coordinates, unknown means and log standard deviations:
    :math:`\theta = (\mu_1,\dots,\mu_k, \lambda_1, \dots, \lambda_k)`,
    :math:`\sigma_i = e^{\lambda_i}`, ``dim = 2k``.

    With :math:`z_i = (x_i - \mu_i)/\sigma_i`:

    .. math::
        \ell = \sum_i \Big(-\tfrac12\log 2\pi - \lambda_i - \tfrac12 z_i^2\Big),\qquad
        \frac{\partial\ell}{\partial\mu_i} = \frac{z_i}{\sigma_i},\qquad
        \frac{\partial\ell}{\partial\lambda_i} = z_i^2 - 1,

    .. math::
        \frac{\partial^2\ell}{\partial\mu_i^2} = -\frac{1}{\sigma_i^2},\qquad
        \frac{\partial^2\ell}{\partial\mu_i\,\partial\lambda_i} = -\frac{2 z_i}{\sigma_i},\qquad
        \frac{\partial^2\ell}{\partial\lambda_i^2} = -2 z_i^2,\qquad
        F(\theta) = \operatorname{diag}\big(\sigma_1^{-2},\dots,\sigma_k^{-2}, 2, \dots, 2\big).

    The log-scale information 2 does not depend on :math:`\sigma`: compare
    :class:`fisherlab.families.NormalMeanScale`, whose scale information is
    :math:`2/\sigma^2`. The two are related by the reparameterisation rule
    :math:`F_\lambda = J^\top F_\sigma J` with :math:`J = \partial\sigma/\partial\lambda = \sigma`.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    k : int
        Dimension of one observation, >= 1.
    """

    def __init__(self, k: int = 1):
        self.k = v.check_int("k", k, minimum=1)
        self.dim = 2 * self.k
        idx = [str(i + 1) for i in range(self.k)] if self.k > 1 else [""]
        self.param_names = tuple(f"mu{i}" for i in idx) + tuple(f"log_sigma{i}" for i in idx)
        self.param_tex = tuple(rf"\mu_{{{i}}}" for i in idx) + tuple(rf"\log\sigma_{{{i}}}" for i in idx)

    def _settings(self):
        return {"k": self.k}

    def _split(self, t):
        return t[..., : self.k], t[..., self.k :]

    def _log_likelihood(self, t, x):
        mu, lam = self._split(t)
        z = (x - mu) * np.exp(-lam)
        return np.sum(-0.5 * _LOG_2PI - lam - 0.5 * z**2, axis=-1)

    def _score(self, t, x):
        mu, lam = self._split(t)
        inv_sigma = np.exp(-lam)
        z = (x - mu) * inv_sigma
        return np.concatenate(np.broadcast_arrays(z * inv_sigma, z**2 - 1), axis=-1)

    def _hessian(self, t, x):
        mu, lam = self._split(t)
        inv_sigma = np.exp(-lam)
        z = (x - mu) * inv_sigma
        h_mm, h_ml, h_ll = np.broadcast_arrays(-(inv_sigma**2), -2 * z * inv_sigma, -2 * z**2)
        k = self.k
        out = np.zeros(h_mm.shape[:-1] + (2 * k, 2 * k))
        i = np.arange(k)
        out[..., i, i] = h_mm
        out[..., i, k + i] = h_ml
        out[..., k + i, i] = h_ml
        out[..., k + i, k + i] = h_ll
        return out

    def _fisher(self, theta):
        k = self.k
        out = np.zeros(theta.shape[:-1] + (2 * k, 2 * k))
        i = np.arange(k)
        out[..., i, i] = np.exp(-2 * theta[..., k:])  # 1 / sigma^2
        out[..., k + i, k + i] = 2.0
        return out

    def _sample(self, theta, n_samples, rng):
        mu, lam = self._split(theta)
        return mu + np.exp(lam) * rng.standard_normal((n_samples, self.k))

    def _mle(self, x):
        std = x.std(axis=0)
        if np.any(std == 0):
            raise ValueError(f"x must vary in every coordinate (the MLE of sigma is 0 in coordinate "
                             f"{int(np.flatnonzero(std == 0)[0])}, where log sigma = -inf)")
        return np.concatenate([x.mean(axis=0), np.log(std)])

    def fisher_vp(self, theta, vec) -> np.ndarray:
        r"""Matrix-free Fisher-vector product: :math:`F v = (v_\mu / \sigma^2,\; 2 v_\lambda)`.

        Introduced in Chapter 2, "The Fisher information matrix".

        Parameters
        ----------
        theta : array of shape (..., 2k)
        vec : array of shape (..., 2k)
            Broadcast against ``theta``.

        Returns
        -------
        ndarray of shape (..., 2k)
        """
        theta = self.check_theta(theta)
        vec = v.as_float_array("vec", vec)
        if vec.ndim == 0 or vec.shape[-1] != self.dim:
            raise ValueError(f"vec must have shape (..., {self.dim}), got {vec.shape}")
        k = self.k
        with v.quiet():
            inv_var = np.exp(-2 * theta[..., k:])  # 1 / sigma^2
            scale = np.concatenate([inv_var, np.full_like(inv_var, 2.0)], axis=-1)
            out = scale * vec
        return v.check_result(out, "the Fisher-vector product", "theta and vec")

    def _mean_cov(self, theta):
        mu, lam = self._split(theta)
        cov = np.zeros(theta.shape[:-1] + (self.k, self.k))
        i = np.arange(self.k)
        cov[..., i, i] = np.exp(2 * lam)
        return mu, cov


class GaussianFull(_VectorFamily):
    r"""Gaussian :math:`N(\mu, \Sigma)` in :math:`\mathbb{R}^k` with unknown mean and full
    covariance.

    Parameterisation (unconstrained, one-to-one): write :math:`\Sigma = L L^\top` (Cholesky,
    :math:`L` lower triangular with positive diagonal) and :math:`A = L^{-1}`, also lower
    triangular, so that :math:`\Sigma^{-1} = A^\top A` and :math:`r = A(x-\mu) \sim N(0, I)` is
    the whitened observation. Then

    .. math::
        \theta = \big(\mu_1..\mu_k,\; a_1..a_k,\; b_{21}, b_{31}, b_{32}, \dots\big),\qquad
        A_{ii} = e^{a_i},\quad A_{ij} = b_{ij}\ (i > j),

    with ``dim = k(k+3)/2`` (the strictly lower entries in the order of
    ``numpy.tril_indices(k, -1)``). With :math:`e = x - \mu` and :math:`r = Ae`:

    .. math::
        \ell = -\tfrac k2 \log 2\pi + \sum_i a_i - \tfrac12 \lVert r\rVert^2,\qquad
        \frac{\partial\ell}{\partial\mu} = A^\top r,\quad
        \frac{\partial\ell}{\partial a_i} = 1 - r_i A_{ii} e_i,\quad
        \frac{\partial\ell}{\partial b_{ij}} = -r_i e_j .

    The residual :math:`r` is linear in :math:`\mu`, :math:`b` and :math:`e^{a}`, so with
    :math:`J = \partial r/\partial\theta` the Hessian is
    :math:`\nabla^2\ell = -J^\top J - \sum_c r_c \nabla^2 r_c`, whose only non-zero second
    derivatives of :math:`r` are :math:`\partial^2 r_i/\partial\mu_i\partial a_i = -A_{ii}`,
    :math:`\partial^2 r_i/\partial a_i^2 = A_{ii} e_i` and
    :math:`\partial^2 r_i/\partial\mu_j\partial b_{ij} = -1`. Taking expectations with
    :math:`\mathbb{E}[e] = 0`, :math:`\mathbb{E}[e e^\top] = \Sigma`,
    :math:`\mathbb{E}[r_i e_i] = L_{ii} = 1/A_{ii}`:

    .. math::
        F_{\mu\mu} = \Sigma^{-1},\quad F_{\mu a} = F_{\mu b} = 0,\quad
        F_{a_i a_j} = \delta_{ij}\,(A_{ii}^2\Sigma_{ii} + 1),\quad
        F_{a_i b_{jl}} = \delta_{ij} A_{ii}\Sigma_{il},\quad
        F_{b_{ij} b_{mn}} = \delta_{im}\Sigma_{jn}.

    For ``k == 1`` this is :math:`\theta = (\mu, -\log\sigma)` with :math:`F = \operatorname{diag}(1/\sigma^2, 2)`.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    k : int
        Dimension of one observation, >= 1.
    """

    def __init__(self, k: int = 2):
        self.k = v.check_int("k", k, minimum=1)
        self.dim = self.k * (self.k + 3) // 2
        self._rows, self._cols = np.tril_indices(self.k, -1)
        idx = range(1, self.k + 1)
        self.param_names = (
            tuple(f"mu{i}" for i in idx)
            + tuple(f"a{i}" for i in idx)
            + tuple(f"b{r + 1}{c + 1}" for r, c in zip(self._rows, self._cols))
        )
        self.param_tex = (
            tuple(rf"\mu_{{{i}}}" for i in idx)
            + tuple(rf"a_{{{i}}}" for i in idx)
            + tuple(rf"b_{{{r + 1}{c + 1}}}" for r, c in zip(self._rows, self._cols))
        )

    def _settings(self):
        return {"k": self.k}

    # ---- parameterisation ------------------------------------------------------------
    def inverse_cholesky(self, theta) -> np.ndarray:
        r"""The lower-triangular :math:`A = L^{-1}` of ``theta``; shape ``(..., k, k)``."""
        return self._A(self.check_theta(theta))

    def _A(self, theta):
        k = self.k
        A = np.zeros(theta.shape[:-1] + (k, k))
        i = np.arange(k)
        A[..., i, i] = np.exp(theta[..., k : 2 * k])
        A[..., self._rows, self._cols] = theta[..., 2 * k :]
        return A

    def theta_from_mean_cov(self, mean, cov) -> np.ndarray:
        r"""The parameter of :math:`N(\text{mean}, \text{cov})`; shape ``(dim,)``.

        Parameters
        ----------
        mean : array of shape (k,)
        cov : array of shape (k, k), symmetric positive definite
        """
        mean = v.check_shape("mean", v.as_float_array("mean", mean), (self.k,))
        cov = v.check_symmetric_positive_definite("cov", cov)
        v.check_shape("cov", cov, (self.k, self.k))
        A = np.linalg.inv(np.linalg.cholesky(cov))
        return np.concatenate([mean, np.log(np.diag(A)), A[self._rows, self._cols]])

    def _mean_cov(self, theta):
        A = self._A(theta)
        L = np.linalg.inv(A)
        return theta[..., : self.k], L @ np.swapaxes(L, -1, -2)

    # ---- derivatives -----------------------------------------------------------------
    def _parts(self, t, x):
        k = self.k
        mu = t[..., :k]
        A = self._A(t)  # (..., 1, k, k)
        e = x - mu  # (..., n, k)
        r = np.einsum("...ij,...j->...i", A, e)
        return A, e, r

    def _log_likelihood(self, t, x):
        k = self.k
        A, e, r = self._parts(t, x)
        return -0.5 * k * _LOG_2PI + np.sum(t[..., k : 2 * k], axis=-1) - 0.5 * np.sum(r**2, axis=-1)

    def _score(self, t, x):
        k = self.k
        A, e, r = self._parts(t, x)
        diag = np.diagonal(A, axis1=-2, axis2=-1)  # (..., 1, k)
        g_mu = np.einsum("...ji,...j->...i", A, r)  # A^T r
        g_a = 1.0 - r * diag * e
        g_b = -r[..., self._rows] * e[..., self._cols]
        lead = np.broadcast_shapes(g_mu.shape[:-1], g_a.shape[:-1], g_b.shape[:-1])
        parts = [np.broadcast_to(g, lead + g.shape[-1:]) for g in (g_mu, g_a, g_b)]
        return np.concatenate(parts, axis=-1)

    def _jacobian_r(self, A, e):
        """J = dr/dtheta, shape (..., n, k, dim)."""
        k = self.k
        shape = np.broadcast_shapes(A.shape[:-2], e.shape[:-1])
        J = np.zeros(shape + (k, self.dim))
        J[..., :, :k] = -A
        i = np.arange(k)
        J[..., i, k + i] = np.diagonal(A, axis1=-2, axis2=-1) * e
        m = np.arange(len(self._rows))
        J[..., self._rows, 2 * k + m] = e[..., self._cols]
        return J

    def _hessian(self, t, x):
        k = self.k
        A, e, r = self._parts(t, x)
        J = self._jacobian_r(A, e)
        H = -np.einsum("...ci,...cj->...ij", J, J)  # Gauss-Newton part -J^T J
        diag = np.diagonal(A, axis1=-2, axis2=-1)
        i = np.arange(k)
        # - sum_c r_c d^2 r_c: the three non-zero second derivatives of r
        H[..., i, k + i] += r * diag
        H[..., k + i, i] += r * diag
        H[..., k + i, k + i] -= r * diag * e
        m = np.arange(len(self._rows))
        H[..., self._cols, 2 * k + m] += r[..., self._rows]
        H[..., 2 * k + m, self._cols] += r[..., self._rows]
        return H

    def _fisher(self, theta):
        k = self.k
        A = self._A(theta)
        _, S = self._mean_cov(theta)
        F = np.zeros(theta.shape[:-1] + (self.dim, self.dim))
        F[..., :k, :k] = np.swapaxes(A, -1, -2) @ A
        i = np.arange(k)
        d = np.diagonal(A, axis1=-2, axis2=-1)
        F[..., k + i, k + i] = d**2 * np.diagonal(S, axis1=-2, axis2=-1) + 1.0
        rows, cols = self._rows, self._cols
        for m, (ri, ci) in enumerate(zip(rows, cols)):
            # F[a_i, b_{jl}] = delta_ij A_ii Sigma_il
            F[..., k + ri, 2 * k + m] = d[..., ri] * S[..., ri, ci]
            F[..., 2 * k + m, k + ri] = F[..., k + ri, 2 * k + m]
            for n, (rj, cj) in enumerate(zip(rows, cols)):
                if ri == rj:
                    F[..., 2 * k + m, 2 * k + n] = S[..., ci, cj]
        return F

    def _sample(self, theta, n_samples, rng):
        mu, cov = self._mean_cov(theta)
        L = np.linalg.cholesky(cov)
        return mu + rng.standard_normal((n_samples, self.k)) @ L.T

    def _mle(self, x):
        mean = x.mean(axis=0)
        cov = np.cov(x, rowvar=False, bias=True).reshape(self.k, self.k)
        if not np.all(np.isfinite(cov)):
            raise ValueError("x must be of a size that float64 can handle: its sample covariance overflowed")
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError(f"x must span all {self.k} dimensions: its sample covariance is singular, "
                             "so the MLE of the covariance is not positive definite") from None
        return self.theta_from_mean_cov(mean, cov)
