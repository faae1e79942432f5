r"""Divergences between members of a family, and their quadratic (Fisher) approximation.

For a family :math:`p_\theta` and a small step :math:`\Delta`, every smooth divergence is, to
second order, a multiple of the Fisher quadratic form:

.. math::
    \mathrm{KL}(p_\theta \,\|\, p_{\theta+\Delta}) = \tfrac12 \Delta^\top F(\theta)\Delta + O(\lVert\Delta\rVert^3),
    \qquad
    D_f(p_\theta \,\|\, p_{\theta+\Delta}) = \tfrac{f''(1)}{2}\, \Delta^\top F(\theta)\Delta + O(\lVert\Delta\rVert^3),

so the Jensen–Shannon divergence (:math:`f''(1) = 1/4`) is :math:`\approx \tfrac18\Delta^\top F\Delta`.

**One direction convention.** Every divergence *along a step* (:func:`approximation_error`,
:func:`local_coefficient`, ``fisherlab.viz.divergences``) is
:math:`D(p_\theta\,\|\,p_{\theta+\Delta})`: the expansion point first, as in TRPO's constraint
:math:`\mathrm{KL}(\pi_{\text{old}}\|\pi_{\text{new}})`. With :math:`D_f(P\|Q) = \mathbb{E}_Q[f(p/q)]`
this makes the generator :data:`KL` (:math:`f = t\log t`) the same divergence as ``"kl"``,
:math:`\mathrm{KL}(p_\theta\|p_{\theta+\Delta})`, and :data:`REVERSE_KL` (:math:`f = -\log t`) the
same as ``"reverse_kl"``, :math:`\mathrm{KL}(p_{\theta+\Delta}\|p_\theta)`. The local constant is
the same in both directions, because the conjugate generator :math:`f^*(u) = u f(1/u)` has
:math:`f^{*\prime\prime}(1) = f''(1)`.

How each divergence is computed (all in nats unless ``base`` is given):

* **closed form** for the KL divergence of Gaussian families (:class:`~fisherlab.families.NormalMean`,
  :class:`~fisherlab.families.NormalMeanScale`, :class:`~fisherlab.families.GaussianMean`,
  :class:`~fisherlab.families.GaussianDiagonal`, :class:`~fisherlab.families.GaussianFull`) and
  of the Poisson;
* **exact sums** over the support for discrete families (Bernoulli, categorical; the Poisson
  sum stops at :math:`\lambda_{\max} + 12\sqrt{\lambda_{\max}} + 40`, beyond which the tail
  mass is far below ``1e-17``);
* **Gauss–Hermite quadrature** for the other divergences of Gaussian families. With
  :math:`m = \tfrac12(p+q)` every divergence here is an integral
  :math:`\int m\, h = \tfrac12\mathbb{E}_P[h] + \tfrac12\mathbb{E}_Q[h]`, and each expectation
  is a tensor-product Gauss–Hermite rule with ``n_nodes`` nodes per dimension mapped through
  the Cholesky factor of :math:`P` or :math:`Q` (exact for polynomial :math:`h` of degree up to
  ``2 n_nodes - 1``; :math:`h` is smooth here, and the error is checked in the tests against the
  closed-form KL). It is accurate when :math:`P` and :math:`Q` overlap, the regime of this
  course: measured on the KL of full 2-D Gaussians against the closed form
  (``benchmarks/bench_ch23_divergences.py``), with the default 40 nodes the relative error is
  below :math:`10^{-8}` for divergences under 0.1 nat, below :math:`10^{-5}` under 0.3 nat and
  about :math:`10^{-3}` near 1 nat. For far-apart distributions or dimension above 3 prefer
  Monte Carlo;
* **adaptive quadrature** (``scipy.integrate.quad`` on the real line) for the Student-t and
  Cauchy location families.

Introduced in Chapter 3, "KL divergence and its Taylor expansion".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import integrate
from scipy.special import log_softmax, xlogy

from . import _validate as v
from .families import (
    Bernoulli,
    Categorical,
    Family,
    GaussianDiagonal,
    GaussianFull,
    GaussianMean,
    NormalMean,
    NormalMeanScale,
    Poisson,
    StudentTLocation,
)

__all__ = [
    "FDivergence",
    "KL",
    "REVERSE_KL",
    "JENSEN_SHANNON",
    "SQUARED_HELLINGER",
    "CHI_SQUARE",
    "kl",
    "js",
    "f_divergence",
    "kl_probabilities",
    "js_probabilities",
    "kl_gaussian",
    "quadratic_approximation",
    "local_coefficient",
    "ApproximationError",
    "approximation_error",
    "fit_loglog_slope",
    "kl_constrained_step",
    "constrained_step_numeric",
]

_GAUSSIAN = (NormalMean, NormalMeanScale, GaussianMean, GaussianDiagonal, GaussianFull)
_DISCRETE = (Bernoulli, Categorical, Poisson)
_QUAD_1D = (StudentTLocation,)


# ---- f-divergences --------------------------------------------------------------------------
@dataclass(frozen=True)
class FDivergence:
    r"""A convex generator :math:`f` with :math:`f(1) = 0`, defining
    :math:`D_f(P\|Q) = \mathbb{E}_Q\big[f(p/q)\big] = \sum_x q(x) f\big(p(x)/q(x)\big)`.

    ``f_log(log_t)`` evaluates :math:`f(t)` from :math:`\log t`; ``f2_at_1`` is :math:`f''(1) > 0`,
    the constant of the local expansion
    :math:`D_f(p_\theta\|p_{\theta+\Delta}) \approx \tfrac{f''(1)}{2}\Delta^\top F\Delta` (the same
    constant in the other direction, since :math:`f^{*\prime\prime}(1) = f''(1)`);
    ``fstar_log(log_u)`` evaluates the conjugate generator :math:`f^*(u) = u\,f(1/u)`.
    The integrand :math:`q\,f(p/q)` equals :math:`p\,f^*(q/p)`, and the integration uses
    whichever form has its ratio :math:`\le 1`, so that no :math:`e^{\log(p/q)}` overflows
    where :math:`q \ll p` (a divergence that is truly infinite, such as :math:`\chi^2` with
    too light a :math:`q` tail, still comes out infinite).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """

    name: str
    f_log: Callable[[np.ndarray], np.ndarray]
    f2_at_1: float
    tex: str = ""
    fstar_log: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self):
        v.check_str("name", self.name)
        v.check_callable("f_log", self.f_log, "log_t -> f(t)")
        object.__setattr__(self, "f2_at_1", v.check_positive("f2_at_1", self.f2_at_1, scalar=True))
        v.check_str("tex", self.tex)
        if self.fstar_log is not None:
            v.check_callable("fstar_log", self.fstar_log, "log_u -> f*(u)")

    def integrand(self, lp, lq, lm) -> np.ndarray:
        r""":math:`q\,f(p/q)/m` from log-densities ``lp``, ``lq``, ``lm`` (broadcast together), in
        the overflow-free form (see above)."""
        lp, lq, lm = (v.as_float_array(n, a) for n, a in (("lp", lp), ("lq", lq), ("lm", lm)))
        d = lp - lq
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            small = np.exp(lq - lm) * self.f_log(np.minimum(d, 0.0))  # q f(p/q), p <= q
            if self.fstar_log is not None:
                large = np.exp(lp - lm) * self.fstar_log(np.minimum(-d, 0.0))  # p f*(q/p), p > q
            else:  # p f*(q/p) = q f(p/q) computed directly
                large = np.exp(lq - lm) * self.f_log(np.maximum(d, 0.0))
        out = np.where(d <= 0, small, large)
        if np.any(np.isnan(out)):
            raise ValueError("lp, lq and lm must be log-densities of moderate size: the integrand is NaN")
        return out

    def f(self, t) -> np.ndarray:
        """The generator :math:`f(t)` for ``t > 0``."""
        t = v.check_positive("t", t)
        with v.quiet():
            out = self.f_log(np.log(t))
        return v.check_result(out, "f(t)", "t")


def _js_f(log_t):
    # f(t) = 1/2 [t log t - (1 + t) log((1 + t)/2)]
    t = np.exp(log_t)
    log_mid = np.logaddexp(0.0, log_t) - np.log(2.0)
    return 0.5 * (t * log_t - (1.0 + t) * log_mid)


#: :math:`f(t) = t\log t`: :math:`D_f(P\|Q) = \mathrm{KL}(P\|Q)`, :math:`f''(1) = 1`;
#: :math:`f^*(u) = -\log u`.
KL = FDivergence("KL", lambda lt: np.exp(lt) * lt, 1.0, r"t\log t", fstar_log=lambda lu: -lu)
#: :math:`f(t) = -\log t`: :math:`D_f(P\|Q) = \mathrm{KL}(Q\|P)`, :math:`f''(1) = 1`;
#: :math:`f^*(u) = u\log u`.
REVERSE_KL = FDivergence("reverse KL", lambda lt: -lt, 1.0, r"-\log t", fstar_log=lambda lu: np.exp(lu) * lu)
#: Jensen–Shannon, :math:`f''(1) = 1/4`; symmetric, :math:`f^* = f`.
JENSEN_SHANNON = FDivergence("Jensen–Shannon", _js_f, 0.25, r"\tfrac12\big[t\log t-(1+t)\log\tfrac{1+t}2\big]",
                             fstar_log=_js_f)
#: :math:`f(t) = (\sqrt t - 1)^2`: squared Hellinger distance (without the 1/2),
#: :math:`f''(1) = 1/2`; symmetric, :math:`f^* = f`.
SQUARED_HELLINGER = FDivergence("squared Hellinger", lambda lt: np.expm1(0.5 * lt) ** 2, 0.5, r"(\sqrt t-1)^2",
                                fstar_log=lambda lu: np.expm1(0.5 * lu) ** 2)
#: :math:`f(t) = (t-1)^2`: Pearson :math:`\chi^2`, :math:`f''(1) = 2`;
#: :math:`f^*(u) = (1-u)^2/u`.
CHI_SQUARE = FDivergence("chi-square", lambda lt: np.expm1(lt) ** 2, 2.0, r"(t-1)^2",
                         fstar_log=lambda lu: np.expm1(lu) ** 2 * np.exp(-lu))


# ---- validation helpers ---------------------------------------------------------------------
def _log_base(base) -> float:
    if base is None:
        return 1.0
    b = v.check_positive("base", base, scalar=True)
    if b == 1.0:
        raise ValueError("base must be > 0 and != 1 (e.g. 2 for bits, e for nats), got 1.0")
    return float(np.log(b))


def _check_family(family):
    v.check_instance("family", family, Family, "a fisherlab Family (e.g. fisherlab.NormalMean())")
    if not isinstance(family, _GAUSSIAN + _DISCRETE + _QUAD_1D):
        names = ", ".join(c.__name__ for c in _GAUSSIAN + _DISCRETE + _QUAD_1D)
        raise ValueError(f"family must be one of {names}, got {type(family).__name__}")


def _pair_thetas(family, theta_p, theta_q):
    tp = family.check_theta(theta_p, "theta_p")
    tq = family.check_theta(theta_q, "theta_q")
    try:
        shape = np.broadcast_shapes(tp.shape, tq.shape)
    except ValueError:
        raise ValueError(f"theta_p and theta_q must have broadcastable shapes, got {tp.shape} and {tq.shape}") from None
    return np.broadcast_to(tp, shape), np.broadcast_to(tq, shape)


def _check_nodes(n_nodes) -> int:
    return v.check_int("n_nodes", n_nodes, minimum=2, maximum=200)


def _mean_cov(family, theta):
    """Mean (..., k) and covariance (..., k, k) of a Gaussian family member."""
    if isinstance(family, NormalMean):
        return theta[..., None], np.broadcast_to(family.sigma**2, theta.shape + (1, 1))
    if isinstance(family, NormalMeanScale):
        return theta[..., :1], (theta[..., 1] ** 2)[..., None, None]
    return family._mean_cov(theta)


# ---- KL divergence ----------------------------------------------------------------------------
def _x_minus_log1p(x) -> np.ndarray:
    r""":math:`x - \log(1 + x) \ge 0` for :math:`x > -1`, to full relative precision.

    For :math:`|x| < 1/2` the direct difference cancels (the result is about :math:`x^2/2`), so
    it is summed from the series of :math:`\log(1+x) = 2\operatorname{artanh}(t)`,
    :math:`t = x/(2+x)` (Abramowitz and Stegun, 1964, 4.1.27):

    .. math::
        x - \log(1+x) = \frac{2t^2}{1-t} - 2\sum_{j\ge1}\frac{t^{2j+1}}{2j+1},\qquad |t| \le 1/3,

    whose terms are all positive for :math:`t < 0` and whose subtracted part is below 6% of the
    first term for :math:`0 < t \le 1/5`: no cancellation. Elsewhere ``x - log1p(x)`` loses at
    most a factor 5 in relative precision. ``x = -1`` gives ``inf``.
    """
    x = np.asarray(x, dtype=np.float64)
    small = np.abs(x) < 0.5
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = np.where(np.isinf(x), np.inf, x - np.log1p(x))
    t = np.where(small, x, 0.0)
    t = t / (2.0 + t)
    u = t * t
    tail = np.zeros_like(t)
    for j in range(20, 0, -1):  # Horner: sum_{j>=1} u^(j-1) / (2j + 1); |t| <= 1/3, 20 terms reach 1e-19
        tail = tail * u + 1.0 / (2 * j + 1)
    series = 2.0 * u / (1.0 - t) - 2.0 * t * u * tail
    return np.where(small, series, direct)


def _expm1_minus_x(d) -> np.ndarray:
    r""":math:`e^d - 1 - d \ge 0` to full relative precision: the Taylor series
    :math:`\sum_{k\ge2} d^k/k!` for :math:`|d| < 1/2` (where ``expm1(d) - d`` cancels), else directly."""
    d = np.asarray(d, dtype=np.float64)
    small = np.abs(d) < 0.5
    s = np.where(small, d, 0.0)
    acc = np.ones_like(s)
    for k in range(22, 2, -1):  # Horner: d^2/2 (1 + d/3 (1 + d/4 (1 + ...))); 0.5^20 / 22! < 1e-27
        acc = 1.0 + s / k * acc
    series = 0.5 * s * s * acc
    with np.errstate(over="ignore", invalid="ignore"):
        direct = np.expm1(d) - d
    return np.where(small, series, direct)


def _gaussian_kl_terms(eps, log_lambda, maha) -> np.ndarray:
    r""":math:`\tfrac12\big[\sum_i (\lambda_i - 1 - \log\lambda_i) + m\big]` from :math:`\epsilon_i =
    \lambda_i - 1` (last axis), :math:`\log\lambda_i` and the Mahalanobis term :math:`m`.

    Each :math:`\lambda - 1 - \log\lambda = \epsilon - \log(1 + \epsilon) \ge 0` is evaluated without
    cancellation (``_x_minus_log1p`` for :math:`|\epsilon| < 1/2`, ``eps - log_lambda``
    otherwise, where :math:`\log\lambda` is known accurately even when :math:`\lambda` is tiny), so
    the sum of non-negative terms keeps its relative precision and is 0 only when every
    :math:`\epsilon_i` and :math:`m` are.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        far = eps - log_lambda
    terms = np.where(np.abs(eps) < 0.5, _x_minus_log1p(np.where(np.abs(eps) < 0.5, eps, 0.0)), far)
    return 0.5 * (np.sum(terms, axis=-1) + maha)


def kl_gaussian(mean_p, cov_p, mean_q, cov_q, *, base=None) -> np.ndarray:
    r"""Closed-form :math:`\mathrm{KL}\big(N(\mu_p,\Sigma_p)\,\|\,N(\mu_q,\Sigma_q)\big)`.

    .. math::
        \tfrac12\Big[\operatorname{tr}(\Sigma_q^{-1}\Sigma_p) + (\mu_q-\mu_p)^\top\Sigma_q^{-1}(\mu_q-\mu_p)
        - k + \log\frac{\det\Sigma_q}{\det\Sigma_p}\Big]
        = \tfrac12\Big[\sum_{i=1}^k \big(\epsilon_i - \log(1+\epsilon_i)\big) + \lVert z\rVert^2\Big],

    with :math:`1 + \epsilon_i` the eigenvalues of :math:`\Sigma_q^{-1}\Sigma_p` and
    :math:`z = L_q^{-1}(\mu_q - \mu_p)`, :math:`\Sigma_q = L_q L_q^\top`. The first form cancels
    catastrophically when the covariances are nearly equal (its terms are of order 1, the KL of
    order :math:`\epsilon^2`); the second is a sum of non-negative terms. The :math:`\epsilon_i`
    are the eigenvalues of :math:`L_q^{-1}(\Sigma_p - \Sigma_q)L_q^{-\top}`, computed from the
    difference of the covariances rather than as :math:`\lambda_i - 1`, and each
    :math:`\epsilon - \log(1+\epsilon)` is summed by a cancellation-free series (see
    ``_x_minus_log1p``). When some :math:`|\epsilon_i| \ge 1/2` the first form is used, where it
    loses nothing. The result is 0 only when the two distributions coincide (or the divergence is
    below the smallest float, about :math:`10^{-308}`).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    mean_p, mean_q : array of shape (..., k)
        The last axis must have length ``k`` (a shorter mean is an error, not broadcast).
    cov_p, cov_q : array of shape (..., k, k), symmetric positive definite
    base : float or None
        Logarithm base of the result: ``None`` (nats), ``2`` (bits), ...

    Returns
    -------
    ndarray of shape (...), the leading axes broadcast together
    """
    cp = v.check_spd_stack("cov_p", cov_p)
    cq = v.check_spd_stack("cov_q", cov_q)
    k = cp.shape[-1]
    if cq.shape[-1] != k:
        raise ValueError(f"cov_q must have shape (..., {k}, {k}) like cov_p, got {cq.shape}")
    mp, mq = v.as_float_array("mean_p", mean_p), v.as_float_array("mean_q", mean_q)
    for name, m in (("mean_p", mp), ("mean_q", mq)):
        if m.ndim == 0 or m.shape[-1] != k:
            raise ValueError(f"{name} must have shape (..., {k}) to match the covariances, got {m.shape}")
    scale = _log_base(base)
    try:
        lead = np.broadcast_shapes(mp.shape[:-1], mq.shape[:-1], cp.shape[:-2], cq.shape[:-2])
    except ValueError:
        raise ValueError(f"mean_p, cov_p, mean_q and cov_q must have broadcastable leading axes, got "
                         f"{mp.shape}, {cp.shape}, {mq.shape}, {cq.shape}") from None
    cp, cq = np.broadcast_to(cp, lead + (k, k)), np.broadcast_to(cq, lead + (k, k))
    with v.quiet():
        Lq = np.linalg.cholesky(cq)
        Lp = np.linalg.cholesky(cp)
        # eigenvalues of L_q^{-1} (S_p - S_q) L_q^{-T} = L_q^{-1} S_p L_q^{-T} - I: the eps_i directly
        left = np.linalg.solve(Lq, cp - cq)
        E = np.linalg.solve(Lq, np.swapaxes(left, -1, -2))
        eps = np.linalg.eigvalsh(0.5 * (E + np.swapaxes(E, -1, -2)))
        diff = np.broadcast_to(mq - mp, lead + (k,))
        z = np.linalg.solve(Lq, diff[..., None])[..., 0]
        maha = np.sum(z**2, axis=-1)
        near = _gaussian_kl_terms(np.where(np.abs(eps) < 0.5, eps, 0.0), 0.0, maha)
        # far from equal covariances: the classical form, tr - k - log det (no cancellation there)
        M = np.linalg.solve(Lq, Lp)
        logdet = 2 * (np.log(np.diagonal(Lq, axis1=-2, axis2=-1)).sum(-1)
                      - np.log(np.diagonal(Lp, axis1=-2, axis2=-1)).sum(-1))
        far = 0.5 * (np.sum(M**2, axis=(-2, -1)) - k + logdet + maha)
        out = np.where(np.all(np.abs(eps) < 0.5, axis=-1), near, np.maximum(far, 0.0))
    return v.check_result(out, "the KL divergence", "mean_p, cov_p, mean_q and cov_q") / scale


def kl_probabilities(p, q, *, base=None) -> np.ndarray:
    r"""Exact :math:`\mathrm{KL}(p\|q) = \sum_i p_i \log(p_i/q_i)` of probability vectors
    (last axis), with the convention :math:`0\log 0 = 0`.

    Computed to full relative precision, also for nearly equal vectors (where the terms of the
    sum above are much larger than their total and cancel): with :math:`r_i = (q_i - p_i)/p_i`,

    .. math::
        \mathrm{KL}(p\|q) = \sum_{p_i > 0} p_i\,\big(r_i - \log(1 + r_i)\big) + \sum_{p_i = 0} q_i ,

    a sum of non-negative terms (it uses :math:`\sum_i p_i = \sum_i q_i = 1`; for vectors that sum
    to 1 only within the tolerance of the check, 1e-9, it is the generalised KL divergence
    :math:`\sum p\log(p/q) - \sum p + \sum q`, which is never negative). Returns ``inf`` when some
    :math:`q_i = 0 < p_i`. ``base=2`` gives bits.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    p = v.check_probability_vector("p", p)
    q = v.check_probability_vector("q", q)
    _same_last_axis(p, q)
    scale = _log_base(base)
    return _kl_relative(p, q) / scale


def _kl_relative(p, q) -> np.ndarray:
    """sum_{p>0} p (r - log1p(r)) + sum_{p=0} q with r = (q - p)/p, along the last axis."""
    pos = p > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(pos, (q - p) / np.where(pos, p, 1.0), 0.0)
        terms = np.where(pos, p * _x_minus_log1p(r), q)
    return np.sum(terms, axis=-1)


def js_probabilities(p, q, *, base=None) -> np.ndarray:
    r"""Exact Jensen–Shannon divergence
    :math:`\tfrac12\mathrm{KL}(p\|m) + \tfrac12\mathrm{KL}(q\|m)`, :math:`m = \tfrac12(p+q)`,
    of probability vectors (last axis). Bounded by :math:`\log 2` (1 bit).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    p = v.check_probability_vector("p", p)
    q = v.check_probability_vector("q", q)
    _same_last_axis(p, q)
    scale = _log_base(base)
    m = 0.5 * (p + q)
    return (0.5 * _kl_relative(p, m) + 0.5 * _kl_relative(q, m)) / scale


def _same_last_axis(p, q):
    if p.shape[-1] != q.shape[-1]:
        raise ValueError(f"p and q must have the same number of outcomes, got {p.shape[-1]} and {q.shape[-1]}")


def kl(family: Family, theta_p, theta_q, *, base=None, n_nodes: int = 40) -> np.ndarray:
    r"""KL divergence :math:`\mathrm{KL}(p_{\theta_p}\,\|\,p_{\theta_q}) =
    \mathbb{E}_{p_{\theta_p}}\big[\log p_{\theta_p}(x) - \log p_{\theta_q}(x)\big]`.

    Closed forms for Gaussian families, the Poisson and the Bernoulli, an exact sum for the
    categorical, adaptive quadrature for Student-t/Cauchy (see the module docstring). The closed
    forms are evaluated to full relative precision also for nearly equal parameters, where the
    textbook formulas cancel (see :func:`kl_gaussian`, :func:`kl_probabilities`).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    family : Family
        One of the supported families.
    theta_p, theta_q : array
        Parameters (shape ``(...)`` for ``dim == 1``, ``(..., d)`` otherwise), broadcast
        against each other: a grid of ``theta_q`` against one ``theta_p`` gives a grid of KL.
    base : float or None
        ``None`` for nats (natural logarithm, the unit of :math:`\tfrac12\Delta^\top F\Delta`),
        ``2`` for bits.
    n_nodes : int
        Quadrature nodes, used only where no closed form or exact sum exists.

    Returns
    -------
    ndarray of shape (...)
        Non-negative, zero exactly when the two distributions coincide (or below the smallest
        float).
    """
    _check_family(family)
    scale = _log_base(base)
    n_nodes = _check_nodes(n_nodes)
    tp, tq = _pair_thetas(family, theta_p, theta_q)
    with v.quiet():
        if isinstance(family, _GAUSSIAN):
            out = _kl_gaussian_family(family, tp, tq)
        elif isinstance(family, Poisson):
            out = _kl_poisson(tp, tq)
        elif isinstance(family, Bernoulli):
            # p f((q-p)/p) + (1-p) f((p-q)/(1-p)), f(r) = r - log(1+r): as in kl_probabilities
            out = tp * _x_minus_log1p((tq - tp) / tp) + (1 - tp) * _x_minus_log1p((tp - tq) / (1 - tp))
        elif isinstance(family, Categorical):
            out = _kl_logits(tp, tq)
        else:
            out = np.maximum(_integrate_mixture(family, tp, tq, lambda lp, lq, lm: np.exp(lp - lm) * (lp - lq),
                                                n_nodes), 0.0)
    return v.check_result(out, "the KL divergence", "theta_p and theta_q") / scale


def _kl_poisson(lp, lq):
    r""":math:`\lambda_p\log(\lambda_p/\lambda_q) - \lambda_p + \lambda_q = \lambda_p\,f(r)`,
    :math:`r = (\lambda_q - \lambda_p)/\lambda_p`, :math:`f(r) = r - \log(1+r)`: cancellation-free
    for nearby rates; for distant ones, :math:`\lambda_p(\log\lambda_p - \log\lambda_q) + \lambda_q -
    \lambda_p` with the logarithms taken separately (their ratio can overflow: ``2.5 / 1e-320``)."""
    r = (lq - lp) / lp
    near = np.abs(r) < 0.5
    far = lp * (np.log(lp) - np.log(lq)) + (lq - lp)
    return np.where(near, lp * _x_minus_log1p(np.where(near, r, 0.0)), far)


def _kl_logits(tp, tq):
    r"""Categorical KL from logits (last axis) to full relative precision.

    With :math:`\delta = \theta_q - \theta_p`, :math:`p = \operatorname{softmax}(\theta_p)` and
    :math:`d_i = \delta_i - \sum_j p_j\delta_j`,

    .. math::
        \mathrm{KL}(p\|q) = \log\sum_i p_i e^{d_i} = \log\Big(1 + \sum_i p_i\,(e^{d_i} - 1 - d_i)\Big),

    (the second because :math:`\sum_i p_i d_i = 0`): a ``log1p`` of a sum of non-negative terms,
    each from :func:`_expm1_minus_x`, instead of :math:`\sum_i p_i(\log p_i - \log q_i)`, whose terms
    carry an absolute error of about :math:`10^{-16}` each. Where that sum overflows (logits
    hundreds apart) the log-sum-exp form is used.
    """
    logp = log_softmax(tp, axis=-1)
    p = np.exp(logp)
    delta = tq - tp
    d = delta - np.sum(p * delta, axis=-1, keepdims=True)
    g = _expm1_minus_x(d)
    S = np.sum(np.where(p > 0, p * g, 0.0), axis=-1)
    big = np.logaddexp.reduce(logp + d, axis=-1)
    return np.where(np.isfinite(S), np.log1p(S), big)


def _kl_gaussian_family(family, tp, tq):
    """KL between two members of a Gaussian family from its parameters, without cancellation:
    the eps_i of kl_gaussian come from parameter differences (expm1 of log-scale differences)."""
    if isinstance(family, NormalMean):
        return 0.5 * ((tq - tp) / family.sigma) ** 2
    if isinstance(family, NormalMeanScale):
        sp, sq = tp[..., 1], tq[..., 1]
        eps = ((sp - sq) * (sp + sq) / sq**2)[..., None]  # sigma_p^2 / sigma_q^2 - 1
        log_lam = (2 * (np.log(sp) - np.log(sq)))[..., None]
        return _gaussian_kl_terms(eps, log_lam, ((tq[..., 0] - tp[..., 0]) / sq) ** 2)
    if isinstance(family, GaussianMean):
        z = np.linalg.solve(family._chol, (tq - tp)[..., None])[..., 0]
        return 0.5 * np.sum(z**2, axis=-1)
    k = family.k
    if isinstance(family, GaussianDiagonal):
        log_lam = 2 * (tp[..., k:] - tq[..., k:])  # log(sigma_p^2 / sigma_q^2)
        z = (tq[..., :k] - tp[..., :k]) * np.exp(-tq[..., k:])
        return _gaussian_kl_terms(np.expm1(log_lam), log_lam, np.sum(z**2, axis=-1))
    # GaussianFull: S_q^{-1} S_p is similar to C C^T with C = A_q A_p^{-1} = I + D,
    # D = (A_q - A_p) A_p^{-1}, so eps = eig(D + D^T + D D^T); diag(A_q - A_p) = e^{a_p} expm1(a_q - a_p)
    Ap, Aq = family._A(tp), family._A(tq)
    i = np.arange(k)
    dA = Aq - Ap
    dA[..., i, i] = np.exp(tp[..., k:2 * k]) * np.expm1(tq[..., k:2 * k] - tp[..., k:2 * k])
    D = np.swapaxes(np.linalg.solve(np.swapaxes(Ap, -1, -2), np.swapaxes(dA, -1, -2)), -1, -2)  # dA Ap^{-1}
    E = D + np.swapaxes(D, -1, -2) + D @ np.swapaxes(D, -1, -2)
    eps = np.linalg.eigvalsh(0.5 * (E + np.swapaxes(E, -1, -2)))
    # log det(S_q^{-1} S_p) exactly from the diagonals, for the eps far from 0
    logdet = 2 * np.sum(tq[..., k:2 * k] - tp[..., k:2 * k], axis=-1)
    z = np.einsum("...ij,...j->...i", Aq, tq[..., :k] - tp[..., :k])
    maha = np.sum(z**2, axis=-1)
    near = _gaussian_kl_terms(np.where(np.abs(eps) < 0.5, eps, 0.0), 0.0, maha)
    far = 0.5 * (np.sum(eps, axis=-1) - logdet + maha)
    return np.where(np.all(np.abs(eps) < 0.5, axis=-1), near, np.maximum(far, 0.0))


def js(family: Family, theta_p, theta_q, *, base=None, n_nodes: int = 40) -> np.ndarray:
    r"""Jensen–Shannon divergence :math:`\tfrac12\mathrm{KL}(P\|M) + \tfrac12\mathrm{KL}(Q\|M)`,
    :math:`M = \tfrac12(P+Q)`, between :math:`P = p_{\theta_p}` and :math:`Q = p_{\theta_q}`.

    Symmetric, bounded by :math:`\log 2`, and locally
    :math:`\mathrm{JS}(p_\theta\|p_{\theta+\Delta}) \approx \tfrac18\Delta^\top F(\theta)\Delta`:
    its Hessian at :math:`\Delta = 0` is :math:`F/4`, not :math:`F`.

    Exact sums for discrete families, Gauss–Hermite quadrature (``n_nodes`` per dimension) for
    Gaussian families, adaptive quadrature for Student-t/Cauchy. Arguments as in :func:`kl`.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    _check_family(family)
    scale = _log_base(base)
    n_nodes = _check_nodes(n_nodes)
    tp, tq = _pair_thetas(family, theta_p, theta_q)

    def h(lp, lq, lm):
        return 0.5 * np.exp(lp - lm) * (lp - lm) + 0.5 * np.exp(lq - lm) * (lq - lm)

    with v.quiet():
        out = np.maximum(_integrate_mixture(family, tp, tq, h, n_nodes), 0.0)
    return v.check_result(out, "the Jensen-Shannon divergence", "theta_p and theta_q") / scale


def f_divergence(family: Family, theta_p, theta_q, f: FDivergence, *, n_nodes: int = 40) -> np.ndarray:
    r""":math:`D_f(P\|Q) = \int q\, f(p/q)` between :math:`P = p_{\theta_p}`, :math:`Q = p_{\theta_q}`.

    Exact sums for discrete families, quadrature otherwise (see the module docstring). The value
    carries the unit of :math:`f` (nats for :data:`KL`, :data:`REVERSE_KL`,
    :data:`JENSEN_SHANNON`; none for :data:`CHI_SQUARE`, :data:`SQUARED_HELLINGER`).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    f : FDivergence
        The generator, e.g. :data:`KL`, :data:`JENSEN_SHANNON`, :data:`SQUARED_HELLINGER`,
        :data:`CHI_SQUARE`.
    """
    _check_family(family)
    v.check_instance("f", f, FDivergence, "an FDivergence (e.g. fisherlab.divergences.CHI_SQUARE)")
    n_nodes = _check_nodes(n_nodes)
    tp, tq = _pair_thetas(family, theta_p, theta_q)
    with v.quiet():
        out = _integrate_mixture(family, tp, tq, f.integrand, n_nodes)
    if np.any(np.isnan(out)):
        raise ValueError("theta_p and theta_q must be of a size that float64 can handle: the divergence came out NaN")
    return out


# ---- integration over the mixture m = (p + q)/2 -----------------------------------------------
def _integrate_mixture(family, tp, tq, h, n_nodes):
    r""":math:`\int m(x)\, h(\log p, \log q, \log m)\,dx` with :math:`m = (p+q)/2`."""
    n_nodes = v.check_int("n_nodes", n_nodes, minimum=2, maximum=200)
    if isinstance(family, _DISCRETE):
        support = _discrete_support(family, tp, tq)
        lp = family.log_likelihood(tp, support)  # (..., n_support)
        lq = family.log_likelihood(tq, support)
        lm = np.logaddexp(lp, lq) - np.log(2.0)
        return np.sum(np.exp(lm) * h(lp, lq, lm), axis=-1)
    if isinstance(family, _GAUSSIAN):
        return _gauss_hermite_mixture(family, tp, tq, h, n_nodes)
    return _quad_1d(family, tp, tq, h)


def _discrete_support(family, tp, tq):
    if isinstance(family, Bernoulli):
        return np.array([0.0, 1.0])
    if isinstance(family, Categorical):
        return np.arange(family.k, dtype=np.float64)
    lam_max = float(max(np.max(tp), np.max(tq)))
    # beyond lam + 12 sqrt(lam) + 40 the Poisson tail is far below 1e-17 for every lam
    return np.arange(int(np.ceil(lam_max + 12.0 * np.sqrt(lam_max) + 40.0)) + 1, dtype=np.float64)


def _gauss_hermite_mixture(family, tp, tq, h, n_nodes):
    mp, cp = _mean_cov(family, tp)
    mq, cq = _mean_cov(family, tq)
    k = mp.shape[-1]
    z1, w1 = np.polynomial.hermite.hermgauss(n_nodes)
    # tensor-product rule for E_{N(0, I)}: nodes sqrt(2) z, weights w / sqrt(pi) per dimension
    grids = np.meshgrid(*([z1] * k), indexing="ij")
    z = np.sqrt(2.0) * np.stack([g.ravel() for g in grids], axis=-1)  # (N, k)
    w = np.prod(np.stack(np.meshgrid(*([w1] * k), indexing="ij"), -1).reshape(-1, k), axis=-1) / np.pi ** (k / 2)

    def logpdf(x, m, L, L_inv):
        # log N(x; m, L L^T) for x (..., N, k), m (..., k), L and L^{-1} (..., k, k):
        # one k x k inverse per pair instead of one solve per node
        r = np.einsum("...ij,...nj->...ni", L_inv, x - m[..., None, :])
        logdet = np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)[..., None]
        return -0.5 * k * np.log(2 * np.pi) - logdet - 0.5 * np.sum(r**2, axis=-1)

    Lp, Lq = np.linalg.cholesky(cp), np.linalg.cholesky(cq)
    Lp_inv, Lq_inv = np.linalg.inv(Lp), np.linalg.inv(Lq)
    total = 0.0
    for m, L in ((mp, Lp), (mq, Lq)):
        x = m[..., None, :] + z @ np.swapaxes(L, -1, -2)  # (..., N, k)
        lp, lq = logpdf(x, mp, Lp, Lp_inv), logpdf(x, mq, Lq, Lq_inv)
        lm = np.logaddexp(lp, lq) - np.log(2.0)
        total = total + 0.5 * np.sum(w * h(lp, lq, lm), axis=-1)
    return total


def _quad_1d(family, tp, tq, h):
    out = np.empty(tp.shape)
    for idx in np.ndindex(tp.shape):
        a, b = float(tp[idx]), float(tq[idx])

        def integrand(x, a=a, b=b):
            lp = float(family.log_likelihood(a, x)[0])
            lq = float(family.log_likelihood(b, x)[0])
            lm = float(np.logaddexp(lp, lq) - np.log(2.0))
            return float(np.exp(lm) * h(lp, lq, lm))

        # split at the two locations, where the integrand peaks
        lo, hi = min(a, b), max(a, b)
        pieces = [(-np.inf, lo), (lo, hi), (hi, np.inf)] if hi > lo else [(-np.inf, lo), (lo, np.inf)]
        out[idx] = sum(integrate.quad(integrand, s, e, epsabs=1e-13, epsrel=1e-10, limit=200)[0] for s, e in pieces)
    return out


# ---- the quadratic (Fisher) approximation -----------------------------------------------------
def quadratic_approximation(F, delta) -> np.ndarray:
    r"""The quadratic form :math:`\tfrac12\Delta^\top F\Delta`, the second-order Taylor
    expansion of :math:`\Delta \mapsto \mathrm{KL}(p_\theta\|p_{\theta+\Delta})` at 0.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    F : float or array of shape (...) or (..., d, d)
        Fisher information (a scalar for one-parameter families).
    delta : float or array of shape (...) or (..., d)
        Parameter step :math:`\Delta`; broadcast against ``F``.

    Returns
    -------
    ndarray of shape (...)
    """
    F = v.as_float_array("F", F)
    delta = v.as_float_array("delta", delta)
    if F.ndim >= 2 and F.shape[-1] != F.shape[-2]:
        raise ValueError(f"F must be a scalar, an array of scalars or square matrices (..., d, d), got {F.shape}")
    with v.quiet():
        if F.ndim >= 2 and delta.ndim >= 1 and delta.shape[-1] == F.shape[-1]:
            out = 0.5 * np.einsum("...i,...ij,...j->...", delta, F, delta)
        elif F.ndim >= 2:
            raise ValueError(f"delta must have shape (..., {F.shape[-1]}) to match F of shape {F.shape}, got {delta.shape}")
        else:
            try:
                out = 0.5 * F * delta**2
            except ValueError:
                raise ValueError(f"F and delta must have broadcastable shapes, got {F.shape} and {delta.shape}") from None
    return v.check_result(out, "the quadratic form", "F and delta")


def local_coefficient(divergence) -> float:
    r"""The constant :math:`c` in :math:`D(p_\theta, p_{\theta+\Delta}) \approx c\,\Delta^\top F\Delta`:
    :math:`1/2` for KL (either direction), :math:`1/8` for Jensen–Shannon, :math:`f''(1)/2` for
    an f-divergence.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    return 0.5 * _as_f(divergence).f2_at_1


def _as_f(divergence):
    names = {"kl": KL, "reverse_kl": REVERSE_KL, "js": JENSEN_SHANNON}
    if isinstance(divergence, FDivergence):
        return divergence
    if not isinstance(divergence, str):
        raise v.ArgumentTypeError(f"divergence must be 'kl', 'reverse_kl', 'js' or an FDivergence, "
                                  f"got {type(divergence).__name__}")
    if divergence not in names:
        raise ValueError(f"divergence must be 'kl', 'reverse_kl', 'js' or an FDivergence, got {divergence!r}")
    return names[divergence]


def _divergence(family, theta, theta_step, divergence):
    """D(p_theta || p_{theta + Delta}) for divergence in 'kl', 'reverse_kl', 'js' or an FDivergence.

    One convention (the module docstring): the expansion point first. An FDivergence f gives
    D_f(p_theta || p_{theta+Delta}) = E_{p_{theta+Delta}}[f(p_theta / p_{theta+Delta})], so KL is
    KL(p_theta || p_{theta+Delta}) (the direction of TRPO's constraint, 'kl') and REVERSE_KL is
    KL(p_{theta+Delta} || p_theta) ('reverse_kl'). The closed forms are used where they exist."""
    f = _as_f(divergence)
    if f is KL:
        return kl(family, theta, theta_step)
    if f is REVERSE_KL:
        return kl(family, theta_step, theta)
    if f is JENSEN_SHANNON:
        return js(family, theta, theta_step)
    return f_divergence(family, theta, theta_step, f)


@dataclass(frozen=True)
class ApproximationError:
    r"""Error of the quadratic approximation along a direction (see :func:`approximation_error`).

    Attributes
    ----------
    steps : ndarray of shape (m,)
        Step lengths :math:`t`.
    divergence : ndarray of shape (m,)
        Exact :math:`D(p_\theta\,\|\,p_{\theta + t u})` (the expansion point first; see the
        module docstring).
    quadratic : ndarray of shape (m,)
        :math:`c\, t^2 u^\top F u` with the divergence's local coefficient :math:`c`.
    error : ndarray of shape (m,)
        ``|divergence - quadratic|``.
    slope : float
        Least-squares slope of ``log error`` against ``log steps``: 3 for a smooth family whose
        third-order term along ``u`` does not vanish (4 when it does, as for a symmetric location
        family such as the Cauchy). NaN when the error at some step is at the level of rounding,
        ``error <= 64 eps max(divergence, quadratic)`` with ``eps`` the float64 machine epsilon:
        the quadratic is then exact (a Gaussian mean, whose KL *is* the quadratic), what is left
        is rounding noise, and a line through it would report a meaningless slope.
    """

    steps: np.ndarray
    divergence: np.ndarray
    quadratic: np.ndarray
    error: np.ndarray
    slope: float


def approximation_error(family: Family, theta, direction, steps, *, divergence="kl") -> ApproximationError:
    r"""Exact divergence vs its quadratic approximation along :math:`\Delta = t\,u`.

    .. math::
        \mathrm{err}(t) = \big| D(p_\theta\,\|\,p_{\theta+tu}) - c\,t^2\,u^\top F(\theta)u \big|
        = O(t^3),

    with :math:`c = 1/2` for KL, :math:`1/8` for JS, :math:`f''(1)/2` for an f-divergence
    (:func:`local_coefficient`).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    family : Family
    theta : float or array of shape (d,)
        Expansion point.
    direction : float or array of shape (d,)
        Direction :math:`u` (used as given, not normalised).
    steps : array of shape (m,)
        Positive step lengths :math:`t`; use a geometric grid for the log-log slope, small
        enough to be in the asymptotic regime but large enough that rounding (about
        :math:`10^{-16}/\text{error}`) does not dominate, e.g. ``np.geomspace(1e-3, 1e-1, 9)``.
    divergence : {"kl", "reverse_kl", "js"} or FDivergence
        ``"kl"`` (or :data:`KL`) is :math:`\mathrm{KL}(p_\theta\|p_{\theta+\Delta})`,
        ``"reverse_kl"`` (or :data:`REVERSE_KL`) is :math:`\mathrm{KL}(p_{\theta+\Delta}\|p_\theta)`,
        and any other generator :math:`f` gives :math:`D_f(p_\theta\|p_{\theta+\Delta})`.
    """
    _check_family(family)
    theta = family._check_single(theta)
    single = theta.shape
    u = v.as_float_array("direction", direction)
    v.check_shape("direction", u, single)
    if not np.any(u):
        raise ValueError("direction must be non-zero")
    steps = v.check_positive("steps", steps)
    v.check_shape("steps", steps, (None,))
    if steps.size < 2:
        raise ValueError(f"steps must hold at least 2 step lengths, got {steps.size}")
    c = local_coefficient(divergence)
    F = family.fisher_exact(theta)
    with v.quiet():
        uFu = float(u @ F @ u) if family.dim > 1 else float(F * u * u)
        theta_step = theta + (steps[:, None] * u if family.dim > 1 else steps * u)
        quad = c * steps**2 * uFu
    v.check_result(theta_step, "theta + steps * direction", "direction and steps")
    v.check_result(quad, "the quadratic approximation", "direction and steps")
    try:
        family.check_theta(theta_step)
    except ValueError as exc:
        raise ValueError(f"theta + steps * direction must stay in the parameter space: {exc}") from None
    exact = np.asarray(_divergence(family, theta, theta_step, divergence), dtype=float)
    err = np.abs(exact - quad)
    # an error at the level of rounding (the quadratic is exact, as for a Gaussian mean) is noise
    # around 0: it has no log-log slope (a fit through it reports anything from -0.4 to 0.2)
    rounding = 64 * np.finfo(float).eps * np.maximum(np.abs(exact), np.abs(quad))
    slope = float("nan") if np.any(err <= rounding) else fit_loglog_slope(steps, err)
    return ApproximationError(steps, exact, quad, err, slope)


def fit_loglog_slope(x, y) -> float:
    r"""Least-squares slope :math:`b` of :math:`\log y = a + b\log x`.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    x = v.check_positive("x", x)
    y_arr = v.as_float_array("y", y)
    if np.any(y_arr == 0):
        raise ValueError("y must be > 0: a value of exactly 0 has no logarithm (an approximation error "
                         "of 0 means the approximation is exact, and there is no slope to fit)")
    y = v.check_positive("y", y)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x and y must be 1-D of the same length >= 2, got shapes {x.shape} and {y.shape}")
    if np.all(x == x[0]):
        raise ValueError("x must hold at least 2 different values (no slope through one abscissa)")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


# ---- the bridge to TRPO ---------------------------------------------------------------------
def kl_constrained_step(g, F, delta) -> np.ndarray:
    r"""Maximiser of the linear model :math:`g^\top\Delta` in the Fisher ball
    :math:`\tfrac12\Delta^\top F\Delta \le \delta`.

    The Lagrangian :math:`g^\top\Delta - \lambda(\tfrac12\Delta^\top F\Delta - \delta)` is
    stationary at :math:`\Delta = F^{-1}g/\lambda`; the constraint is active (for
    :math:`g \ne 0`), and :math:`\tfrac12\Delta^\top F\Delta = \delta` gives
    :math:`\lambda = \sqrt{g^\top F^{-1}g / (2\delta)}`:

    .. math::
        \Delta^\star = \sqrt{\frac{2\delta}{g^\top F^{-1} g}}\; F^{-1} g .

    Dense (Cholesky solve); Chapters 4 and 5 replace the solve by conjugate gradient with
    Fisher-vector products (Schulman et al., 2015, Appendix C).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    g : array of shape (d,)
        Gradient of the objective, non-zero.
    F : array of shape (d, d)
        Fisher matrix, symmetric positive definite.
    delta : float
        Trust-region radius :math:`\delta > 0` (in nats).

    Returns
    -------
    ndarray of shape (d,)
    """
    F = v.check_symmetric_positive_definite("F", F)
    g = v.as_float_array("g", g)
    v.check_shape("g", g, (F.shape[0],))
    if not np.any(g):
        raise ValueError("g must be non-zero (with g = 0 every feasible step is optimal)")
    delta = v.check_positive("delta", delta, scalar=True)
    L = np.linalg.cholesky(F)
    with v.quiet():
        nat = np.linalg.solve(L.T, np.linalg.solve(L, g))  # F^{-1} g, the natural gradient
        out = np.sqrt(2.0 * delta / float(g @ nat)) * nat
    return v.check_result(out, "the step", "g, F and delta")


def constrained_step_numeric(g, constraint: Callable[[np.ndarray], float], delta, *, x0=None) -> np.ndarray:
    r"""Brute-force maximiser of :math:`g^\top\Delta` subject to ``constraint(Delta) <= delta``,
    by SLSQP (``scipy.optimize.minimize``).

    Used to verify :func:`kl_constrained_step` (with the quadratic constraint) and to compare
    with the exact-KL trust region, e.g.
    ``constraint = lambda d: kl(family, theta, theta + d)``.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    g : array of shape (d,)
    constraint : callable
        ``constraint(Delta) -> float``, zero at ``Delta = 0``.
    delta : float
        Radius, > 0.
    x0 : array of shape (d,), optional
        Starting point; default a small step along ``g``.
    """
    from scipy.optimize import minimize

    g = v.as_float_array("g", g)
    v.check_shape("g", g, (None,))
    if g.size == 0 or not np.any(g):
        raise ValueError("g must be a non-zero vector of shape (d,), d >= 1 (with g = 0 every feasible step "
                         f"is optimal), got {g.tolist()}")
    delta = v.check_positive("delta", delta, scalar=True)
    v.check_callable("constraint", constraint, "Delta -> float")
    if x0 is not None:
        x0 = v.as_float_array("x0", x0)
        if x0.shape != g.shape:
            raise ValueError(f"x0 must have the shape of g, {g.shape}, got {x0.shape}")
    with v.quiet():
        x0 = 1e-3 * g / np.linalg.norm(g) if x0 is None else x0
        res = minimize(
            lambda d: -float(g @ d),
            x0,
            jac=lambda d: -g,
            constraints=[{"type": "ineq", "fun": lambda d: delta - float(constraint(d))}],
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 500},
        )
    return v.check_result(res.x, "the step", "g, delta and x0")
