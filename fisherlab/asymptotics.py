r"""Large-sample inference from the Fisher information: Wald intervals, the sandwich estimator
and Jeffreys' prior.

Under the regularity conditions of Chapter 1, the maximum-likelihood estimate from :math:`n`
observations is asymptotically normal,

.. math::
    \sqrt n\,(\hat\theta_n - \theta^*) \;\to\; N\big(0,\; F(\theta^*)^{-1}\big),

which gives the **Wald interval** :math:`\hat\theta \pm z_{1-\alpha/2}/\sqrt{J}` with :math:`J` the
total information (:math:`nI(\hat\theta)`, or the observed information
:math:`-\sum_i\partial^2_\theta\ell(\hat\theta; x_i)`). When the model is misspecified the
limit is :math:`N(0, A^{-1}BA^{-1})` with :math:`A = -\mathbb{E}[\nabla^2\ell]` and
:math:`B = \mathbb{E}[s s^\top]` under the *data's* distribution: the **sandwich** (Huber 1967;
White 1982). The two agree when the model is right, because then :math:`A = B = F`.

Introduced in Chapter 1, "Fisher information, by intuition".
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from . import _validate as v
from .families import Family

__all__ = ["wald_interval", "sandwich_variance", "jeffreys_density"]


def wald_interval(estimate, standard_error, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    r"""Wald interval :math:`\hat\theta \pm z_{(1+\text{level})/2}\,\mathrm{se}` for a scalar parameter,
    with the standard error from the information, :math:`\mathrm{se} = 1/\sqrt{J}`.

    :math:`J` is the *total* information of the data set: :math:`nI(\hat\theta)` (expected
    information at the estimate) or the observed information
    :math:`-\sum_i\partial^2_\theta\ell(\hat\theta; x_i)` (Efron and Hinkley 1978).

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    estimate : float or array of shape (...)
        The estimates :math:`\hat\theta` (one per data set).
    standard_error : float or array of shape (...)
        :math:`1/\sqrt{J} \ge 0`, broadcast against ``estimate``. A standard error of 0 is
        allowed and gives an interval of width 0: the Wald interval of a Bernoulli sample of all
        zeros, :math:`\sqrt{\hat p(1-\hat p)/n} = 0`, the failure at the boundary.
    level : float
        Nominal coverage in (0, 1).

    Returns
    -------
    (lower, upper) : two arrays of the broadcast shape
    """
    est = v.as_float_array("estimate", estimate)
    se = v.check_nonnegative("standard_error", standard_error)
    level = v.check_open_interval("level", level, 0.0, 1.0, scalar=True)
    se = np.asarray(se, dtype=float)
    try:
        shape = np.broadcast_shapes(est.shape, se.shape)
    except ValueError:
        raise ValueError(f"estimate and standard_error must have broadcastable shapes, got {est.shape} "
                         f"and {se.shape}") from None
    with v.quiet():
        half = stats.norm.ppf(0.5 + 0.5 * level) * se
        lower, upper = est - half, est + half
    lower = v.check_result(np.broadcast_to(lower, shape).copy(), "the lower end", "estimate and standard_error")
    upper = v.check_result(np.broadcast_to(upper, shape).copy(), "the upper end", "estimate and standard_error")
    return lower, upper


def sandwich_variance(scores, hessians) -> np.ndarray:
    r"""Sandwich estimate of the covariance of an M-estimate (the MLE of a possibly wrong model).

    .. math::
        \widehat{\mathrm{Cov}}(\hat\theta) = \frac1n\,\hat A^{-1}\hat B\hat A^{-1},\qquad
        \hat A = -\frac1n\sum_i \nabla^2\ell(\hat\theta; x_i),\qquad
        \hat B = \frac1n\sum_i s(\hat\theta; x_i)\,s(\hat\theta; x_i)^\top .

    When the model is right, :math:`A = B = F` and the sandwich reduces to :math:`F^{-1}/n`; when
    it is wrong, :math:`A \ne B` and only the sandwich is consistent (White 1982, Theorem 3.2).
    :math:`\hat B` is the *empirical Fisher* of Chapter 4 evaluated at the estimate.

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    scores : array of shape (..., n, d)
        Scores of the ``n`` observations of each data set at its estimate.
    hessians : array of shape (..., n, d, d)
        Their Hessians; :math:`\hat A` must be positive definite.

    Returns
    -------
    ndarray of shape (..., d, d)
    """
    s = v.check_finite("scores", v.as_float_array("scores", scores))
    h = v.check_finite("hessians", v.as_float_array("hessians", hessians))
    if s.ndim < 2:
        raise ValueError(f"scores must have shape (..., n, d), got {s.shape}")
    n, d = s.shape[-2:]
    if n < 2:
        raise ValueError(f"scores must hold n >= 2 observations on axis -2, got shape {s.shape}")
    if h.shape != s.shape + (d,):
        raise ValueError(f"hessians must have shape {s.shape + (d,)} to match scores, got {h.shape}")
    with v.quiet():
        A = -h.mean(axis=-3)
        B = np.einsum("...ni,...nj->...ij", s, s) / n
        A = 0.5 * (A + np.swapaxes(A, -1, -2))
    v.check_result(A, "the mean Hessian", "hessians")
    v.check_result(B, "the mean outer product of the scores", "scores")
    if np.any(np.linalg.eigvalsh(A)[..., 0] <= 0):
        raise ValueError("hessians must average to a negative definite matrix (A = -mean Hessian must be "
                         "positive definite): the estimate is not a strict local maximum")
    with v.quiet():
        A_inv = np.linalg.inv(A)
        out = A_inv @ B @ A_inv / n
    return v.check_result(out, "the sandwich", "scores and hessians")


def jeffreys_density(family: Family, theta) -> np.ndarray:
    r"""Jeffreys' prior, unnormalised: :math:`\pi_J(\theta) \propto \sqrt{\det F(\theta)}`.

    Invariant under reparameterisation: with :math:`F_\eta = J^\top F_\theta J` (Chapter 2),
    :math:`\sqrt{\det F_\eta} = \sqrt{\det F_\theta}\,|\det J|`, which is exactly how a density
    transforms (Jeffreys 1946).

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    family : Family
    theta : array of shape (...) for ``dim == 1``, (..., d) otherwise

    Returns
    -------
    ndarray of shape (...)
    """
    v.check_instance("family", family, Family, "a fisherlab Family (e.g. fisherlab.Bernoulli())")
    F = family.fisher_exact(theta)
    with v.quiet():
        out = np.sqrt(F) if family.dim == 1 else np.sqrt(np.maximum(np.linalg.det(F), 0.0))
    return v.check_result(out, "the Jeffreys density", "theta")
