"""One-observation families of Chapter 1, "Fisher information, by intuition".

Each class gives the log-likelihood, the score, the second derivative and the exact Fisher
information in closed form. The formulas are in the class docstrings; the tests hold every
derivative against finite differences and every Fisher information against Monte Carlo.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from .. import _validate as v
from ._base import Family

__all__ = ["NormalMean", "NormalMeanScale", "Bernoulli", "Poisson", "StudentTLocation", "CauchyLocation"]

_LOG_2PI = float(np.log(2 * np.pi))


class NormalMean(Family):
    r"""Normal with known standard deviation :math:`\sigma`; parameter the mean :math:`\mu`.

    .. math::
        \ell(\mu; x) = -\tfrac12\log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2},\qquad
        s = \frac{x-\mu}{\sigma^2},\qquad
        \partial^2_\mu \ell = -\frac{1}{\sigma^2},\qquad I(\mu) = \frac{1}{\sigma^2}.

    The second derivative is the same for every observation, so here the curvature of one
    log-likelihood already equals the Fisher information.

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    sigma : float
        Known standard deviation, > 0. ``NormalMean(5.0)`` is :math:`N(\mu, 25)`.
    """

    param_names = ("mu",)
    param_tex = (r"\mu",)

    def __init__(self, sigma: float = 1.0):
        self.sigma = v.check_positive("sigma", sigma, scalar=True)

    def _settings(self):
        return {"sigma": self.sigma}

    def _log_likelihood(self, mu, x):
        return -0.5 * _LOG_2PI - np.log(self.sigma) - (x - mu) ** 2 / (2 * self.sigma**2)

    def _score(self, mu, x):
        return (x - mu) / self.sigma**2

    def _hessian(self, mu, x):
        return np.broadcast_to(-1.0 / self.sigma**2, np.broadcast_shapes(np.shape(mu), np.shape(x))).copy()

    def _fisher(self, mu):
        return np.full(np.shape(mu), 1.0 / self.sigma**2)

    def _sample(self, mu, n_samples, rng):
        return rng.normal(float(mu), self.sigma, size=n_samples)

    def _mle(self, x):
        return x.mean(axis=-1)


class NormalMeanScale(Family):
    r"""Normal with both parameters unknown: :math:`\theta = (\mu, \sigma)`, :math:`\sigma > 0`.

    .. math::
        \ell = -\tfrac12\log 2\pi - \log\sigma - \frac{(x-\mu)^2}{2\sigma^2},\qquad
        s = \Big(\frac{x-\mu}{\sigma^2},\; -\frac1\sigma + \frac{(x-\mu)^2}{\sigma^3}\Big),

    .. math::
        \nabla^2\ell = \begin{pmatrix} -1/\sigma^2 & -2(x-\mu)/\sigma^3 \\
        -2(x-\mu)/\sigma^3 & 1/\sigma^2 - 3(x-\mu)^2/\sigma^4 \end{pmatrix},\qquad
        F(\mu,\sigma) = \begin{pmatrix} 1/\sigma^2 & 0 \\ 0 & 2/\sigma^2 \end{pmatrix}.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """

    dim = 2
    param_names = ("mu", "sigma")
    param_tex = (r"\mu", r"\sigma")

    def check_theta(self, theta, name: str = "theta"):
        arr = super().check_theta(theta, name)
        v.check_positive(f"sigma ({name}[..., 1])", arr[..., 1])
        return arr

    def _log_likelihood(self, t, x):
        mu, sigma = t
        return -0.5 * _LOG_2PI - np.log(sigma) - (x - mu) ** 2 / (2 * sigma**2)

    def _score(self, t, x):
        mu, sigma = t
        z = x - mu
        return np.stack(np.broadcast_arrays(z / sigma**2, -1 / sigma + z**2 / sigma**3), axis=-1)

    def _hessian(self, t, x):
        mu, sigma = t
        z = x - mu
        h_mm, h_ms, h_ss = np.broadcast_arrays(-1 / sigma**2, -2 * z / sigma**3, 1 / sigma**2 - 3 * z**2 / sigma**4)
        return np.stack([np.stack([h_mm, h_ms], -1), np.stack([h_ms, h_ss], -1)], -2)

    def _fisher(self, theta):
        sigma = theta[..., 1]
        out = np.zeros(theta.shape[:-1] + (2, 2))
        out[..., 0, 0] = 1 / sigma**2
        out[..., 1, 1] = 2 / sigma**2
        return out

    def _sample(self, theta, n_samples, rng):
        return rng.normal(theta[0], theta[1], size=n_samples)

    def _mle(self, x):
        return np.stack([x.mean(axis=-1), x.std(axis=-1)], axis=-1)


class Bernoulli(Family):
    r"""Bernoulli with success probability :math:`p \in (0, 1)`; observations are 0 or 1.

    .. math::
        \ell(p; x) = x\log p + (1-x)\log(1-p),\qquad s = \frac{x}{p} - \frac{1-x}{1-p},\qquad
        \partial_p^2\ell = -\frac{x}{p^2} - \frac{1-x}{(1-p)^2},\qquad I(p) = \frac{1}{p(1-p)}.

    The information is smallest at :math:`p = 1/2` (a fair coin is the hardest to pin down
    per toss in absolute terms) and grows without bound near 0 and 1.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """

    param_names = ("p",)
    param_tex = ("p",)

    def check_theta(self, theta, name: str = "theta"):
        return v.check_probability(f"p ({v.check_str('name', name)})", theta)

    def check_x(self, x):
        arr = super().check_x(x)
        if not np.all((arr == 0) | (arr == 1)):
            raise ValueError(f"x must contain only 0 and 1 for a Bernoulli, got {arr[(arr != 0) & (arr != 1)][0]!r}")
        return arr

    def _log_likelihood(self, p, x):
        return x * np.log(p) + (1 - x) * np.log1p(-p)

    def _score(self, p, x):
        return x / p - (1 - x) / (1 - p)

    def _hessian(self, p, x):
        return -x / p**2 - (1 - x) / (1 - p) ** 2

    def _fisher(self, p):
        return 1 / (p * (1 - p))

    def _sample(self, p, n_samples, rng):
        return (rng.random(n_samples) < p).astype(np.float64)

    def _mle(self, x):
        return x.mean(axis=-1)


class Poisson(Family):
    r"""Poisson with rate :math:`\lambda > 0`; observations are counts 0, 1, 2, ...

    .. math::
        \ell(\lambda; x) = x\log\lambda - \lambda - \log x!,\qquad s = \frac{x}{\lambda} - 1,\qquad
        \partial_\lambda^2\ell = -\frac{x}{\lambda^2},\qquad I(\lambda) = \frac{1}{\lambda}.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """

    param_names = ("lam",)
    param_tex = (r"\lambda",)

    def check_theta(self, theta, name: str = "theta"):
        return v.check_positive(f"lam ({v.check_str('name', name)})", theta)

    def check_x(self, x):
        arr = super().check_x(x)
        if np.any(arr < 0) or np.any(arr != np.round(arr)):
            bad = arr[(arr < 0) | (arr != np.round(arr))][0]
            raise ValueError(f"x must contain non-negative integer counts for a Poisson, got {bad!r}")
        return arr

    def _log_likelihood(self, lam, x):
        return x * np.log(lam) - lam - gammaln(x + 1)

    def _score(self, lam, x):
        return x / lam - 1

    def _hessian(self, lam, x):
        return -x / lam**2 + 0 * lam

    def _fisher(self, lam):
        return 1 / lam

    #: the largest rate numpy's Poisson sampler accepts (numpy/random/_common.pyx, POISSON_LAM_MAX)
    LAM_MAX_SAMPLE = 9.2e18

    def _sample(self, lam, n_samples, rng):
        if lam > self.LAM_MAX_SAMPLE:
            raise ValueError(f"lam (theta) must be <= {self.LAM_MAX_SAMPLE:.3g} to sample, got {float(lam)!r}")
        return rng.poisson(float(lam), size=n_samples).astype(np.float64)

    def _mle(self, x):
        return x.mean(axis=-1)


class StudentTLocation(Family):
    r"""Student-t with ``df`` :math:`=\nu` degrees of freedom and known scale :math:`\sigma`;
    parameter the location :math:`\mu`.

    With :math:`z = (x-\mu)/\sigma`:

    .. math::
        \ell = \log\frac{\Gamma(\frac{\nu+1}{2})}{\Gamma(\frac\nu2)\sqrt{\nu\pi}\,\sigma}
               - \frac{\nu+1}{2}\log\Big(1+\frac{z^2}{\nu}\Big),\qquad
        s = \frac{(\nu+1)\,z}{\sigma(\nu+z^2)},

    .. math::
        \partial_\mu^2\ell = -\frac{(\nu+1)(\nu-z^2)}{\sigma^2(\nu+z^2)^2},\qquad
        I(\mu) = \frac{\nu+1}{(\nu+3)\,\sigma^2}.

    Unlike the normal, the second derivative changes from one observation to the next and is
    *positive* for observations far in the tails (:math:`z^2 > \nu`): one log-likelihood
    curve can bend the wrong way, and only the average curvature is the information.

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    df : float
        Degrees of freedom :math:`\nu > 0`; ``df=1`` is the Cauchy distribution.
    scale : float
        Known scale :math:`\sigma > 0`.
    """

    param_names = ("mu",)
    param_tex = (r"\mu",)

    def __init__(self, df: float = 1.0, scale: float = 1.0):
        self.df = v.check_positive("df", df, scalar=True)
        self.scale = v.check_positive("scale", scale, scalar=True)

    def _settings(self):
        return {"df": self.df, "scale": self.scale}

    def _log_likelihood(self, mu, x):
        nu, sig = self.df, self.scale
        z = (x - mu) / sig
        const = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - np.log(sig)
        return const - (nu + 1) / 2 * np.log1p(z**2 / nu)

    def _score(self, mu, x):
        nu, sig = self.df, self.scale
        z = (x - mu) / sig
        return (nu + 1) * z / (sig * (nu + z**2))

    def _hessian(self, mu, x):
        nu, sig = self.df, self.scale
        z = (x - mu) / sig
        return -(nu + 1) * (nu - z**2) / (sig**2 * (nu + z**2) ** 2)

    def _fisher(self, mu):
        nu, sig = self.df, self.scale
        return np.full(np.shape(mu), (nu + 1) / ((nu + 3) * sig**2))

    def _sample(self, mu, n_samples, rng):
        return float(mu) + self.scale * rng.standard_t(self.df, size=n_samples)

    def _mle(self, x, n_iter: int = 200, tol: float = 1e-10):
        r"""Newton's method from the sample median, safeguarded by Fisher scoring and step halving.

        The step is :math:`\mu \leftarrow \mu + t\,\bar s(\mu)/c` with :math:`c` the observed
        curvature :math:`-\overline{\partial^2\ell}(\mu)` where it is positive (Newton) and the
        Fisher information :math:`I` where it is not (Fisher scoring: a single Student-t
        log-likelihood can bend the wrong way, and then Newton would step downhill). The length
        :math:`t` is halved until the mean log-likelihood does not decrease (Lehmann & Casella
        1998, sec. 6.4, discuss both iterations for this family). All data sets (rows of ``x``)
        are solved at once.
        """
        info = (self.df + 1) / ((self.df + 3) * self.scale**2)
        mu = np.median(x, axis=-1)

        def mean_ll(m):
            return self._log_likelihood(m[..., None], x).mean(axis=-1)

        ll = mean_ll(mu)
        for _ in range(n_iter):
            curvature = -self._hessian(mu[..., None], x).mean(axis=-1)
            step = self._score(mu[..., None], x).mean(axis=-1) / np.where(curvature > 0, curvature, info)
            t = np.ones_like(mu)
            for _ in range(40):
                candidate = mu + t * step
                ll_new = mean_ll(candidate)
                ok = ll_new >= ll - 1e-13 * np.abs(ll)
                if np.all(ok):
                    break
                t = np.where(ok, t, t / 2)
            accepted = ll_new >= ll - 1e-13 * np.abs(ll)
            mu = np.where(accepted, candidate, mu)
            ll = np.where(accepted, ll_new, ll)
            if np.max(np.abs(np.where(accepted, t * step, 0.0))) < tol:
                break
        return mu


class CauchyLocation(StudentTLocation):
    r"""Cauchy with known scale :math:`\gamma`; parameter the location :math:`\mu`.

    The Student-t with one degree of freedom: :math:`I(\mu) = 1/(2\gamma^2)`.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """

    def __init__(self, scale: float = 1.0):
        super().__init__(df=1.0, scale=scale)

    def _settings(self):
        return {"scale": self.scale}
