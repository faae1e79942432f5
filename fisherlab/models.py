r"""Models to optimise: a Gaussian fit in three parameterisations, and softmax regression.

Each model is a loss :math:`L(\theta)`, the mean negative log-likelihood of a data set, with
its gradient and three curvature matrices that are easy to confuse and kept apart by name:

* ``fisher_exact``: :math:`F(\theta) = \frac1N\sum_n \mathbb{E}_{y\sim p(\cdot|x_n;\theta)}
  [\nabla\ell_n \nabla\ell_n^\top]`, the expectation under the *model*;
* ``fisher_empirical``: :math:`\tilde F(\theta) = \frac1N\sum_n \nabla\ell_n\nabla\ell_n^\top`
  at the *observed* labels (Kunstner et al., 2019, explain why it is not the Fisher);
* ``ggn``: the generalised Gauss–Newton :math:`G = \frac1N \sum_n J_n^\top \nabla_z^2\ell_n J_n`
  for outputs :math:`z_n` in which the loss is convex (Martens, 2020, sec. 8).

Every model also gives ``kl(theta_p, theta_q)``, the KL divergence between the model's
distributions at two parameters (averaged over inputs for regression), which the optimisers
record as "KL moved", and ``curvature_factors`` (``J``, the output curvature and
``J^T``), from which :class:`fisherlab.linalg.FisherOperator` multiplies without forming
a matrix.

Introduced in Chapter 4, "Natural gradient".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import log_softmax

from . import _validate as v
from .divergences import kl_gaussian, kl_probabilities
from .families import NormalMeanScale

__all__ = ["GaussianMLE", "SoftmaxRegression", "ClassificationData", "make_classification"]

_KINDS = ("exact", "empirical", "ggn")


def _check_kind(fisher: str) -> str:
    return v.check_choice("fisher", fisher, _KINDS)


# ------------------------------------------------------------------------------------------
# Gaussian maximum likelihood in three parameterisations
# ------------------------------------------------------------------------------------------
class GaussianMLE:
    r"""Maximum likelihood of :math:`N(\mu, \sigma^2)` from data ``x``, in a chosen parameterisation.

    The loss is the mean negative log-likelihood,

    .. math::
        L(\mu, \sigma) = \tfrac12\log 2\pi + \log\sigma + \frac{\frac1N\sum_n (x_n-\mu)^2}{2\sigma^2},

    written in one of three coordinates :math:`\theta`, each a smooth map
    :math:`\phi(\theta) = (\mu, \sigma)`:

    * ``"mu_sigma"``: :math:`\theta = (\mu, \sigma)`,
      :math:`F(\theta) = \operatorname{diag}(1/\sigma^2,\ 2/\sigma^2)`;
    * ``"mu_log_sigma"``: :math:`\theta = (\mu, \log\sigma)`,
      :math:`F(\theta) = \operatorname{diag}(1/\sigma^2,\ 2)`;
    * ``"mu_var"``: :math:`\theta = (\mu, \sigma^2)`,
      :math:`F(\theta) = \operatorname{diag}(1/\sigma^2,\ 1/(2\sigma^4))`.

    The derivatives come from :class:`fisherlab.NormalMeanScale` (coordinates
    :math:`(\mu,\sigma)`) by the chain rule, with :math:`J = \partial\phi/\partial\theta`
    (diagonal here):

    .. math::
        \nabla_\theta L = J^\top \nabla_\phi L,\qquad
        F_\theta = J^\top F_\phi J,\qquad
        \nabla^2_\theta L = J^\top \nabla^2_\phi L\, J + \partial_\sigma L\;\nabla^2_\theta \sigma .

    The Fisher transforms like the metric it is; the Hessian picks up the extra second term
    away from the optimum. That difference is why gradient descent depends on the
    parameterisation and natural gradient descent (to first order in the step) does not.

    The generalised Gauss–Newton is taken with the natural parameters
    :math:`\eta = (\mu/\sigma^2, -1/(2\sigma^2))` as outputs, in which the loss
    :math:`A(\eta) - \eta^\top \bar T` is convex with Hessian :math:`\operatorname{Cov}(T)`,
    :math:`T(x) = (x, x^2)`; it then equals the exact Fisher (Martens, 2020, sec. 9.2), a fact
    the tests check.

    Shapes: ``theta`` is ``(2,)`` or a batch ``(..., 2)``; ``loss`` returns ``(...)``,
    ``grad`` ``(..., 2)``, the curvature matrices ``(..., 2, 2)``.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    x : array of shape (N,)
        Observations, N >= 2.
    parameterisation : {"mu_sigma", "mu_log_sigma", "mu_var"}
        The coordinates :math:`\theta`.
    """

    PARAMETERISATIONS = ("mu_sigma", "mu_log_sigma", "mu_var")
    _TEX = {"mu_sigma": (r"\mu", r"\sigma"), "mu_log_sigma": (r"\mu", r"\log\sigma"),
            "mu_var": (r"\mu", r"\sigma^2")}
    dim = 2

    def __init__(self, x, parameterisation: str = "mu_sigma"):
        x = v.as_float_array("x", x)
        if x.ndim != 1 or x.size < 2:
            raise ValueError(f"x must have shape (N,) with N >= 2, got {x.shape}")
        if np.all(x == x[0]):
            raise ValueError("x must not be constant (the maximum-likelihood sigma would be 0, outside sigma > 0)")
        with v.quiet():
            v.check_result(np.var(x), "the variance of x", "x")
        v.check_choice("parameterisation", parameterisation, self.PARAMETERISATIONS)
        self.x = x
        self.parameterisation = parameterisation
        self.param_tex = self._TEX[parameterisation]
        self._family = NormalMeanScale()

    def __repr__(self) -> str:
        return f"GaussianMLE(N={self.x.size}, parameterisation={self.parameterisation!r})"

    @property
    def n_samples(self) -> int:
        return self.x.size

    # ---- coordinates ----------------------------------------------------------------------
    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """``theta`` of shape ``(..., 2)`` inside the parameter space; errors name ``name``."""
        name = v.check_str("name", name)
        theta = v.as_float_array(name, theta)
        if theta.ndim == 0 or theta.shape[-1] != 2:
            raise ValueError(f"{name} must have shape (..., 2), got {theta.shape}")
        if self.parameterisation == "mu_sigma":
            v.check_positive(f"sigma ({name}[..., 1])", theta[..., 1])
        elif self.parameterisation == "mu_var":
            v.check_positive(f"sigma^2 ({name}[..., 1])", theta[..., 1])
        return theta

    def to_mu_sigma(self, theta) -> np.ndarray:
        r""":math:`\phi(\theta) = (\mu, \sigma)`, shape ``(..., 2)``."""
        return self._to_mu_sigma(theta, "theta")

    def _to_mu_sigma(self, theta, name):
        theta = self.check_theta(theta, name)
        second = {"mu_sigma": lambda t: t, "mu_log_sigma": np.exp, "mu_var": np.sqrt}[self.parameterisation]
        with v.quiet():
            out = np.stack([theta[..., 0], second(theta[..., 1])], axis=-1)
        if np.any(out[..., 1] == 0):
            raise ValueError(f"{name} must give sigma > 0: sigma = exp({name}[..., 1]) underflows to 0")
        return v.check_result(out, "(mu, sigma)", name)

    def from_mu_sigma(self, mu_sigma) -> np.ndarray:
        r""":math:`\phi^{-1}(\mu, \sigma) = \theta`, shape ``(..., 2)``."""
        ms = NormalMeanScale().check_theta(mu_sigma, "mu_sigma")
        second = {"mu_sigma": lambda s: s, "mu_log_sigma": np.log, "mu_var": np.square}[self.parameterisation]
        with v.quiet():
            out = np.stack([ms[..., 0], second(ms[..., 1])], axis=-1)
        return v.check_result(out, "theta", "mu_sigma")

    def _jacobian_diag(self, sigma):
        r"""Diagonal of :math:`J = \partial(\mu,\sigma)/\partial\theta` and :math:`\partial^2\sigma/\partial\theta_2^2`."""
        one = np.ones_like(sigma)
        if self.parameterisation == "mu_sigma":
            return np.stack([one, one], -1), np.zeros_like(sigma)
        if self.parameterisation == "mu_log_sigma":  # sigma = exp(s)
            return np.stack([one, sigma], -1), sigma
        return np.stack([one, 0.5 / sigma], -1), -0.25 / sigma**3  # sigma = sqrt(v)

    def mle(self) -> np.ndarray:
        r"""The minimiser :math:`\hat\theta = \phi^{-1}(\bar x, \hat\sigma)`, :math:`\hat\sigma^2 = \frac1N\sum(x_n-\bar x)^2`."""
        return self.from_mu_sigma(self._family.mle(self.x))

    # ---- loss and derivatives --------------------------------------------------------------
    def loss(self, theta) -> np.ndarray:
        """Mean negative log-likelihood, shape ``(...)`` (a float for one ``theta``)."""
        ms = self.to_mu_sigma(theta)
        with v.quiet():
            out = -self._family.log_likelihood(ms, self.x).mean(axis=-1)
        v.check_result(out, "the loss", "theta")
        return float(out) if out.ndim == 0 else out

    def scores(self, theta) -> np.ndarray:
        r"""Per-observation scores :math:`\nabla_\theta \log p(x_n;\theta) = J^\top s_\phi(x_n)`, shape ``(..., N, 2)``."""
        ms = self.to_mu_sigma(theta)
        with v.quiet():
            jac, _ = self._jacobian_diag(ms[..., 1])
            out = self._family.score(ms, self.x) * jac[..., None, :]
        return v.check_result(out, "the scores", "theta")

    def grad(self, theta) -> np.ndarray:
        r""":math:`\nabla_\theta L = -\frac1N\sum_n J^\top s_\phi(x_n)`, shape ``(..., 2)``."""
        return -self.scores(theta).mean(axis=-2)

    def hessian(self, theta) -> np.ndarray:
        r""":math:`\nabla^2_\theta L = J^\top \nabla^2_\phi L\, J + \partial_\sigma L\, \nabla^2_\theta\sigma`, shape ``(..., 2, 2)``."""
        ms = self.to_mu_sigma(theta)
        with v.quiet():
            jac, sigma_second = self._jacobian_diag(ms[..., 1])
            h_phi = -self._family.hessian(ms, self.x).mean(axis=-3)
            g_phi = -self._family.score(ms, self.x).mean(axis=-2)
            out = h_phi * jac[..., :, None] * jac[..., None, :]
            out[..., 1, 1] += g_phi[..., 1] * sigma_second
        return v.check_result(out, "the Hessian", "theta")

    def fisher_exact(self, theta) -> np.ndarray:
        r""":math:`F_\theta = J^\top F_\phi J` with :math:`F_\phi = \operatorname{diag}(1/\sigma^2, 2/\sigma^2)`; shape ``(..., 2, 2)``."""
        ms = self.to_mu_sigma(theta)
        with v.quiet():
            jac, _ = self._jacobian_diag(ms[..., 1])
            out = self._family.fisher_exact(ms) * jac[..., :, None] * jac[..., None, :]
        return v.check_result(out, "the Fisher matrix", "theta")

    def fisher_empirical(self, theta) -> np.ndarray:
        r""":math:`\tilde F = \frac1N\sum_n s_\theta(x_n) s_\theta(x_n)^\top` at the data; shape ``(..., 2, 2)``.

        At the MLE in coordinates :math:`(\mu,\sigma)` it is
        :math:`\operatorname{diag}(1/\sigma^2, (\kappa - 1)/\sigma^2)` with :math:`\kappa` the
        sample kurtosis: it equals the Fisher only when :math:`\kappa = 3`, as for Gaussian data.
        """
        s = self.scores(theta)
        with v.quiet():
            out = np.einsum("...ni,...nj->...ij", s, s) / self.x.size
        return v.check_result(out, "the empirical Fisher", "theta")

    def _natural_jacobian(self, ms):
        r""":math:`J_\eta = \partial\eta/\partial\theta` for :math:`\eta = (\mu/\sigma^2, -1/(2\sigma^2))`, shape ``(..., 2, 2)``."""
        mu, sigma = ms[..., 0], ms[..., 1]
        jac, _ = self._jacobian_diag(sigma)
        d_eta = np.zeros(ms.shape[:-1] + (2, 2))
        d_eta[..., 0, 0] = 1 / sigma**2
        d_eta[..., 0, 1] = -2 * mu / sigma**3
        d_eta[..., 1, 1] = 1 / sigma**3
        return d_eta * jac[..., None, :]

    @staticmethod
    def _sufficient_cov(ms):
        r""":math:`\nabla^2_\eta A = \operatorname{Cov}(x, x^2)` under :math:`N(\mu,\sigma^2)`, shape ``(..., 2, 2)``."""
        mu, sigma = ms[..., 0], ms[..., 1]
        cov = np.empty(ms.shape[:-1] + (2, 2))
        cov[..., 0, 0] = sigma**2
        cov[..., 0, 1] = cov[..., 1, 0] = 2 * mu * sigma**2
        cov[..., 1, 1] = 4 * mu**2 * sigma**2 + 2 * sigma**4
        return cov

    def ggn(self, theta) -> np.ndarray:
        r"""Generalised Gauss–Newton :math:`J_\eta^\top \nabla^2_\eta A(\eta)\, J_\eta` with the natural parameters as outputs; shape ``(..., 2, 2)``."""
        ms = self.to_mu_sigma(theta)
        with v.quiet():
            j_eta = self._natural_jacobian(ms)
            out = np.swapaxes(j_eta, -1, -2) @ self._sufficient_cov(ms) @ j_eta
        return v.check_result(out, "the generalised Gauss-Newton matrix", "theta")

    def kl(self, theta_p, theta_q) -> np.ndarray:
        r""":math:`\mathrm{KL}(N(\mu_p,\sigma_p^2)\,\|\,N(\mu_q,\sigma_q^2)) = \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p-\mu_q)^2}{2\sigma_q^2} - \frac12`, shape ``(...)``."""
        p, q = self._to_mu_sigma(theta_p, "theta_p"), self._to_mu_sigma(theta_q, "theta_q")
        try:
            out = kl_gaussian(p[..., :1], p[..., 1:, None] ** 2, q[..., :1], q[..., 1:, None] ** 2)
        except ValueError as exc:
            raise ValueError(f"theta_p and theta_q must be of a size that float64 can handle: {exc}") from None
        return float(out) if out.ndim == 0 else out

    # ---- matrix-free curvature ---------------------------------------------------------------
    def curvature_factors(self, theta, *, fisher: str = "exact") -> dict:
        r"""The factors :math:`(J, C, J^\top)` of :math:`\text{scale}\cdot J^\top C J` at one ``theta`` (shape ``(2,)``).

        ``"exact"``: one output :math:`\phi = (\mu, \sigma)` with :math:`C = F_\phi`;
        ``"empirical"``: ``N`` outputs with :math:`C_n = s_\phi(x_n) s_\phi(x_n)^\top`, scale ``1/N``;
        ``"ggn"``: one output :math:`\eta` with :math:`C = \operatorname{Cov}(T)`.
        Returns a dict with ``jvp``, ``output_vp``, ``vjp`` and ``scale``.
        """
        _check_kind(fisher)
        theta = v.check_shape("theta", self.check_theta(theta), (2,))
        ms = self.to_mu_sigma(theta)
        self.fisher_empirical(theta)  # every factor below is finite when this is (raises otherwise)
        self.ggn(theta)
        if fisher == "ggn":
            j_eta, cov = self._natural_jacobian(ms), self._sufficient_cov(ms)
            return {"jvp": lambda w: (j_eta @ w)[None, :], "output_vp": lambda u: u @ cov,
                    "vjp": lambda u: j_eta.T @ u.sum(axis=0), "scale": 1.0}
        jac, _ = self._jacobian_diag(ms[1])
        if fisher == "exact":
            f_out = self._family.fisher_exact(ms).diagonal()
            return {"jvp": lambda w: (jac * w)[None, :], "output_vp": lambda u: u * f_out,
                    "vjp": lambda u: jac * u.sum(axis=0), "scale": 1.0}
        r = self._family.score(ms, self.x)  # (N, 2) scores in (mu, sigma)
        return {"jvp": lambda w: np.broadcast_to(jac * w, r.shape),
                "output_vp": lambda u: r * np.sum(r * u, axis=-1, keepdims=True),
                "vjp": lambda u: jac * u.sum(axis=0), "scale": 1.0 / self.x.size}


# ------------------------------------------------------------------------------------------
# Softmax (multinomial logistic) regression
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassificationData:
    """A synthetic classification data set from :func:`make_classification`.

    Attributes
    ----------
    features : ndarray of shape (N, p)
    labels : ndarray of int, shape (N,)
        Classes in ``0 .. n_classes - 1``.
    theta_true : ndarray of shape (p * (n_classes - 1),)
        The weights the labels were drawn with.
    n_classes : int
    covariance : ndarray of shape (p, p)
        The population covariance of the features, with the requested condition number.
    """

    features: np.ndarray
    labels: np.ndarray
    theta_true: np.ndarray
    n_classes: int
    covariance: np.ndarray


def make_classification(n_samples: int, n_features: int, n_classes: int = 2, *,
                        condition_number: float = 1.0, signal: float = 2.0,
                        rng: np.random.Generator) -> ClassificationData:
    r"""Draw a softmax-regression data set whose features have a chosen condition number.

    Features :math:`x_n \sim N(0, \Sigma)` with :math:`\Sigma = Q \operatorname{diag}(\lambda)
    Q^\top`, :math:`\lambda` log-spaced from 1 down to :math:`1/\kappa` (``condition_number``)
    and :math:`Q` a random rotation. The true weights put equal signal on every eigen-direction,
    :math:`W = Q\operatorname{diag}(\lambda)^{-1/2} U\,\cdot` ``signal`` :math:`/\sqrt p` with
    :math:`U_{ia}\sim N(0,1)`, so each logit has standard deviation about ``signal`` and the
    directions of small feature variance carry large weights: the curvature of the loss
    inherits the condition number :math:`\kappa`. Labels are drawn from the model itself
    (well-specified).

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    n_samples : int
        ``N`` >= 2.
    n_features : int
        ``p`` >= 1.
    n_classes : int
        ``K`` >= 2 (``K = 2`` is logistic regression).
    condition_number : float
        :math:`\kappa \ge 1` of the feature covariance.
    signal : float
        Typical size of a logit, > 0.
    rng : numpy.random.Generator
    """
    n_samples = v.check_int("n_samples", n_samples, minimum=2)
    p = v.check_int("n_features", n_features, minimum=1)
    k = v.check_int("n_classes", n_classes, minimum=2)
    kappa = v.check_scalar("condition_number", condition_number)
    if kappa < 1:
        raise ValueError(f"condition_number must be >= 1, got {kappa!r}")
    signal = v.check_positive("signal", signal, scalar=True)
    rng = v.check_generator("rng", rng)
    q, _ = np.linalg.qr(rng.normal(size=(p, p)))
    eig = np.geomspace(1.0, 1.0 / kappa, p)
    covariance = (q * eig) @ q.T
    features = (rng.normal(size=(n_samples, p)) * np.sqrt(eig)) @ q.T
    weights = (q / np.sqrt(eig)) @ rng.normal(size=(p, k - 1)) * signal / np.sqrt(p)
    logits = np.concatenate([np.zeros((n_samples, 1)), features @ weights], axis=1)
    probs = np.exp(log_softmax(logits, axis=1))
    labels = (rng.random((n_samples, 1)) > np.cumsum(probs, axis=1)[:, :-1]).sum(axis=1)
    return ClassificationData(features, labels.astype(int), weights.ravel(), k, covariance)


class SoftmaxRegression:
    r"""Softmax regression :math:`p(y = c\mid x;\theta) = \pi_c(x) \propto e^{z_c}`, with
    logits :math:`z = (0, W^\top x)` and loss the mean cross-entropy.

    Class 0 is the reference class (its logit is fixed at 0), so :math:`W` has shape
    ``(p, K - 1)`` and :math:`\theta = \operatorname{vec}(W)` (row-major, ``d = p (K-1)``).
    With a free logit for every class, adding one vector to every column of :math:`W` would
    not change any probability and the Fisher would be singular along it (see
    :class:`fisherlab.families.Categorical`); fixing a reference removes that direction.
    ``K = 2`` is logistic regression.

    With :math:`q_n = \pi_{1:K}(x_n)` and :math:`e_n` the one-hot label without class 0:

    .. math::
        L(\theta) = \frac1N\sum_n \Big(\log\sum_c e^{z_{nc}} - z_{n y_n}\Big),\qquad
        \nabla L = \frac1N\sum_n x_n \otimes (q_n - e_n),

    .. math::
        F(\theta) = \frac1N \sum_n (x_n x_n^\top) \otimes \big(\operatorname{diag}(q_n) - q_n q_n^\top\big),
        \qquad \tilde F(\theta) = \frac1N\sum_n \nabla\ell_n\nabla\ell_n^\top .

    Because the logits are linear in :math:`\theta` and the loss is the negative
    log-likelihood of the categorical in its natural parameters, the exact Fisher, the
    generalised Gauss–Newton and the Hessian coincide here: natural gradient descent *is*
    Newton's method for this model. The empirical Fisher does not coincide.

    The curvature is a product :math:`J^\top C J` with :math:`J_n = I_{K-1} \otimes x_n^\top`,
    so :math:`Fv` takes two passes over the data, :math:`V \mapsto XV` and
    :math:`U \mapsto X^\top U` (see :meth:`curvature_factors`).

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    features : array of shape (N, p)
    labels : array of int, shape (N,)
        Classes in ``0 .. n_classes - 1``.
    n_classes : int, optional
        ``K`` >= 2; by default ``max(labels) + 1`` (at least 2).
    """

    def __init__(self, features, labels, n_classes: int | None = None):
        X = v.as_float_array("features", features)
        if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError(f"features must have shape (N, p) with N, p >= 1, got {X.shape}")
        y = v.as_float_array("labels", labels)
        if y.shape != (X.shape[0],):
            raise ValueError(f"labels must have shape ({X.shape[0]},) like features' rows, got {y.shape}")
        if not np.all(y == np.round(y)):
            raise ValueError(f"labels must be integers, got {y[y != np.round(y)][0]!r}")
        if y.min() < 0:
            raise ValueError(f"labels must be >= 0, got {y.min()!r}")
        y = y.astype(int)
        if n_classes is None:
            k = max(2, int(y.max()) + 1)
        else:
            k = v.check_int("n_classes", n_classes, minimum=2)
            if y.max() >= k:
                raise ValueError(f"labels must be in 0 .. n_classes - 1 = {k - 1}, got {int(y.max())}")
        self.features, self.labels, self.n_classes = X, y, k
        self.n_samples, self.n_features = X.shape
        self.dim = self.n_features * (k - 1)
        self._onehot = np.eye(k)[y][:, 1:]  # (N, K-1), class 0 dropped

    @classmethod
    def from_data(cls, data: ClassificationData) -> "SoftmaxRegression":
        """The model of a :class:`ClassificationData` set."""
        v.check_instance("data", data, ClassificationData, "a ClassificationData (from make_classification)")
        return cls(data.features, data.labels, data.n_classes)

    def __repr__(self) -> str:
        return f"SoftmaxRegression(N={self.n_samples}, p={self.n_features}, K={self.n_classes})"

    # ---- forward ---------------------------------------------------------------------------
    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """``theta`` of shape ``(d,)``, ``d = p (K - 1)``; errors name ``name``."""
        name = v.check_str("name", name)
        return v.check_shape(name, v.as_float_array(name, theta), (self.dim,))

    def weights(self, theta) -> np.ndarray:
        """:math:`W`, shape ``(p, K - 1)``."""
        return self.check_theta(theta).reshape(self.n_features, self.n_classes - 1)

    def _logits_and_lse(self, theta, name="theta"):
        """Full logits ``(N, K)`` (class 0 fixed at 0) and their log-sum-exp ``(N, 1)``."""
        W = self.check_theta(theta, name).reshape(self.n_features, self.n_classes - 1)
        # class-major (K, N) layout: the reductions over the few classes run along whole rows
        full = np.zeros((self.n_classes, self.n_samples))
        with v.quiet():
            full[1:] = (self.features @ W).T
            top = full.max(axis=0)  # shift before exp: no overflow
            lse = top + np.log(np.exp(full - top).sum(axis=0))
        v.check_result(lse, "the log-partition function", f"{name} and the features")
        return full.T, lse[:, None]

    def log_probs(self, theta) -> np.ndarray:
        r""":math:`\log\pi_c(x_n) = z_{nc} - \log\sum_{c'} e^{z_{nc'}}`, shape ``(N, K)``."""
        full, lse = self._logits_and_lse(theta)
        return full - lse

    def probs(self, theta) -> np.ndarray:
        r""":math:`\pi_c(x_n)`, shape ``(N, K)``."""
        return np.exp(self.log_probs(theta))

    def _probs(self, theta, name):
        full, lse = self._logits_and_lse(theta, name)
        return np.exp(full - lse)

    def loss(self, theta) -> float:
        """Mean cross-entropy :math:`-\\frac1N\\sum_n \\log\\pi_{y_n}(x_n)`."""
        full, lse = self._logits_and_lse(theta)
        return float(np.mean(lse[:, 0] - full[np.arange(self.n_samples), self.labels]))

    def per_sample_grads(self, theta) -> np.ndarray:
        r""":math:`\nabla\ell_n = x_n \otimes (q_n - e_n)`, shape ``(N, d)``."""
        r = self.probs(theta)[:, 1:] - self._onehot
        return (self.features[:, :, None] * r[:, None, :]).reshape(self.n_samples, self.dim)

    def grad(self, theta) -> np.ndarray:
        r""":math:`\nabla L = \frac1N X^\top (Q - E)`, flattened to shape ``(d,)``: two passes over the data."""
        r = self.probs(theta)[:, 1:] - self._onehot
        return (self.features.T @ r).ravel() / self.n_samples

    # ---- curvature (dense) -----------------------------------------------------------------
    def _kron_mean(self, blocks: np.ndarray) -> np.ndarray:
        r""":math:`\frac1N\sum_n (x_n x_n^\top)\otimes B_n` for blocks ``(N, K-1, K-1)``; ``O(N d^2)``."""
        p, m = self.n_features, self.n_classes - 1
        out = np.empty((p, m, p, m))
        X = self.features
        for a in range(m):
            for b in range(a, m):
                block = (X * blocks[:, a, b, None]).T @ X / self.n_samples
                out[:, a, :, b] = block
                out[:, b, :, a] = block.T
        return out.reshape(self.dim, self.dim)

    def _output_fisher(self, q) -> np.ndarray:
        r""":math:`\operatorname{diag}(q_n) - q_n q_n^\top`, shape ``(N, K-1, K-1)``."""
        return np.einsum("na,ab->nab", q, np.eye(q.shape[1])) - q[:, :, None] * q[:, None, :]

    def fisher_exact(self, theta) -> np.ndarray:
        r"""Exact Fisher :math:`\frac1N\sum_n (x_n x_n^\top)\otimes(\operatorname{diag} q_n - q_n q_n^\top)`, shape ``(d, d)``; forming it costs :math:`O(N d^2)`."""
        return self._kron_mean(self._output_fisher(self.probs(theta)[:, 1:]))

    def hessian(self, theta) -> np.ndarray:
        r"""Hessian of the loss, shape ``(d, d)``: :math:`J^\top \nabla_z^2\ell\, J` exactly, as the logits are linear in :math:`\theta`."""
        return self.ggn(theta)

    def ggn(self, theta) -> np.ndarray:
        r"""Generalised Gauss–Newton :math:`\frac1N\sum_n J_n^\top \nabla^2_z \ell_n J_n` with
        :math:`\nabla^2_z \ell_n = \nabla^2 \log\sum_c e^{z_c}` (free logits); shape ``(d, d)``.

        The Hessian of the log-partition function is the covariance of the one-hot label
        under the model, so the GGN equals the exact Fisher (canonical link; Martens, 2020, sec. 9.2).
        """
        q = self.probs(theta)[:, 1:]
        hess_z = np.einsum("na,ab->nab", q, np.eye(q.shape[1])) - np.einsum("na,nb->nab", q, q)
        return self._kron_mean(hess_z)

    def fisher_empirical(self, theta) -> np.ndarray:
        r"""Empirical Fisher :math:`\frac1N\sum_n \nabla\ell_n\nabla\ell_n^\top` at the observed labels, shape ``(d, d)``."""
        r = self.probs(theta)[:, 1:] - self._onehot
        return self._kron_mean(r[:, :, None] * r[:, None, :])

    def kl(self, theta_p, theta_q) -> float:
        r"""Mean conditional KL :math:`\frac1N\sum_n \mathrm{KL}(\pi_p(x_n)\,\|\,\pi_q(x_n))`, whose Hessian in :math:`\theta_q` at :math:`\theta_p` is :math:`F(\theta_p)`."""
        return float(np.mean(kl_probabilities(self._probs(theta_p, "theta_p"), self._probs(theta_q, "theta_q"))))

    def kfac_factors(self, theta) -> tuple[np.ndarray, np.ndarray]:
        r"""Kronecker factors :math:`F \approx A \otimes G` (K-FAC; Martens and Grosse, 2015, sec. 3).

        .. math::
            A = \frac1N\sum_n x_n x_n^\top,\qquad
            G = \frac1N\sum_n \big(\operatorname{diag}(q_n) - q_n q_n^\top\big).

        The exact Fisher is the mean of Kronecker products; K-FAC replaces it by the product
        of means, exact when the output Fisher does not vary with :math:`n` (for instance at
        :math:`\theta = 0`). Returns ``A`` of shape ``(p, p)`` and ``G`` of shape ``(K-1, K-1)``.
        """
        q = self.probs(theta)[:, 1:]
        A = self.features.T @ self.features / self.n_samples
        G = self._output_fisher(q).mean(axis=0)
        return A, G

    # ---- matrix-free curvature ---------------------------------------------------------------
    def curvature_factors(self, theta, *, fisher: str = "exact") -> dict:
        r"""Factors of :math:`\frac1N J^\top C J` for :class:`fisherlab.linalg.FisherOperator`.

        ``jvp``: :math:`v \mapsto X V` (``(d,)`` to ``(N, K-1)``); ``output_vp``: per row
        :math:`u_n \mapsto C_n u_n` with :math:`C_n = \operatorname{diag} q_n - q_n q_n^\top`
        (exact, GGN) or :math:`r_n r_n^\top`, :math:`r_n = q_n - e_n` (empirical);
        ``vjp``: :math:`U \mapsto \operatorname{vec}(X^\top U)`. The probabilities are computed
        once here; each product is then two passes over the data, like a gradient.
        """
        _check_kind(fisher)
        q = self.probs(theta)[:, 1:]
        X, shape = self.features, (self.n_features, self.n_classes - 1)

        def jvp(w):
            return X @ w.reshape(shape)  # v -> J v: one pass over the data

        if fisher == "empirical":
            r = q - self._onehot

            def output_vp(u):
                return r * np.sum(r * u, axis=1, keepdims=True)  # r_n (r_n . u_n)
        else:
            def output_vp(u):
                return q * u - q * np.sum(q * u, axis=1, keepdims=True)  # (diag q - q qᵀ) u

        def vjp(u):
            return (X.T @ u).ravel()  # u -> Jᵀ u: the second pass

        return {"jvp": jvp, "output_vp": output_vp, "vjp": vjp, "scale": 1.0 / self.n_samples}
