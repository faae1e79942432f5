r"""Monte Carlo estimates of the Fisher information, each with its standard error.

Three objects that are easy to confuse and are kept apart by name:

* ``fisher_exact`` (a method of each family): the expectation, in closed form.
* ``fisher_mc``: a Monte Carlo estimate from samples drawn *from the model at* :math:`\theta`,
  either as the mean outer product of scores, :math:`\frac1N\sum_i s_i s_i^\top`
  (the "variance of the score", since :math:`\mathbb{E}[s] = 0` at the sampling parameter), or as
  minus the mean Hessian, :math:`-\frac1N\sum_i \nabla^2\ell_i`.
* ``fisher_empirical``: the mean outer product of scores at *given data* — for instance the
  training set — which need not come from :math:`p(\cdot;\theta)`. It equals the Fisher
  information only when the data do come from the model at :math:`\theta`.

Introduced in Chapter 1, "Fisher information, by intuition".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .families import Family

__all__ = ["FisherEstimate", "fisher_from_scores", "fisher_from_hessians", "fisher_mc", "fisher_empirical"]


@dataclass(frozen=True)
class FisherEstimate:
    """A Monte Carlo estimate of the Fisher information and its standard error.

    Attributes
    ----------
    value : float or ndarray of shape (d, d)
        The estimate.
    stderr : float or ndarray of shape (d, d)
        Elementwise standard error, ``std / sqrt(n_samples)`` of the averaged terms.
    n_samples : int
        Number of Monte Carlo terms averaged.
    method : str
        ``"score"`` (mean outer product of scores) or ``"hessian"`` (minus mean Hessian).
    """

    value: float | np.ndarray
    stderr: float | np.ndarray
    n_samples: int
    method: str

    def z_score(self, exact) -> float | np.ndarray:
        """``(value - exact) / stderr``: within about ±3 when the estimate is consistent."""
        return (np.asarray(self.value) - exact) / np.asarray(self.stderr)

    def __str__(self) -> str:
        value, err = np.asarray(self.value), np.asarray(self.stderr)
        if value.ndim == 0:
            return f"{float(value):.4f} ± {float(err):.4f} ({self.method}, N={self.n_samples})"
        return (
            f"({self.method}, N={self.n_samples})\n"
            f"{np.array2string(value, precision=4, suppress_small=True)}\n± "
            f"{np.array2string(err, precision=4, suppress_small=True)}"
        )


def _mean_and_stderr(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = terms.shape[0]
    mean = terms.mean(axis=0)
    stderr = terms.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.inf)
    return mean, stderr


def _as_float(arr):
    return float(arr) if np.ndim(arr) == 0 else arr


def fisher_from_scores(scores) -> FisherEstimate:
    r"""Fisher information as the mean outer product of scores, :math:`\frac1N\sum_i s_i s_i^\top`.

    Parameters
    ----------
    scores : array of shape (N,) or (N, d)
        Scores :math:`s_i = \nabla_\theta \log p(x_i;\theta)` of samples drawn at :math:`\theta`.

    Returns
    -------
    FisherEstimate
        ``value`` of shape ``()`` or ``(d, d)``, with elementwise standard errors.
    """
    scores = v.as_float_array("scores", scores)
    if scores.ndim not in (1, 2) or scores.shape[0] < 2:
        raise ValueError(f"scores must have shape (N,) or (N, d) with N >= 2, got {scores.shape}")
    outer = scores**2 if scores.ndim == 1 else scores[:, :, None] * scores[:, None, :]
    mean, stderr = _mean_and_stderr(outer)
    return FisherEstimate(_as_float(mean), _as_float(stderr), scores.shape[0], "score")


def fisher_from_hessians(hessians) -> FisherEstimate:
    r"""Fisher information as minus the mean Hessian, :math:`-\frac1N\sum_i \nabla^2\ell_i`.

    Parameters
    ----------
    hessians : array of shape (N,) or (N, d, d)
        Second derivatives of the log-likelihood of samples drawn at :math:`\theta`.
    """
    hessians = v.as_float_array("hessians", hessians)
    if hessians.ndim not in (1, 3) or hessians.shape[0] < 2:
        raise ValueError(f"hessians must have shape (N,) or (N, d, d) with N >= 2, got {hessians.shape}")
    mean, stderr = _mean_and_stderr(-hessians)
    return FisherEstimate(_as_float(mean), _as_float(stderr), hessians.shape[0], "hessian")


def fisher_mc(family: Family, theta, *, n_samples: int, rng: np.random.Generator, method: str = "score") -> FisherEstimate:
    r"""Monte Carlo Fisher information at ``theta`` from ``n_samples`` draws of the model.

    .. math::
        \hat I_{\text{score}} = \frac1N\sum_{i=1}^N s(\theta; x_i)\, s(\theta; x_i)^\top, \qquad
        \hat I_{\text{hessian}} = -\frac1N\sum_{i=1}^N \nabla^2_\theta \log p(x_i;\theta), \qquad
        x_i \sim p(\cdot;\theta).

    Both are unbiased for :math:`I(\theta)`; their standard errors shrink like
    :math:`1/\sqrt N` but differ in size (for the normal mean the Hessian estimator has none).

    Parameters
    ----------
    family : Family
        The model :math:`p(x;\theta)`.
    theta : float or array of shape (d,)
        The parameter at which samples are drawn and the information is measured.
    n_samples : int
        Number of draws ``N``, >= 2.
    rng : numpy.random.Generator
        Source of randomness.
    method : {"score", "hessian"}
        Which estimator.
    """
    if not isinstance(family, Family):
        raise ValueError(f"family must be a fisherlab Family, got {type(family).__name__}")
    if method not in ("score", "hessian"):
        raise ValueError(f"method must be 'score' or 'hessian', got {method!r}")
    n_samples = v.check_int("n_samples", n_samples, minimum=2)
    x = family.sample(theta, n_samples, rng=rng)
    if method == "score":
        return fisher_from_scores(family.score(theta, x))
    return fisher_from_hessians(family.hessian(theta, x))


def fisher_empirical(family: Family, theta, x) -> float | np.ndarray:
    r"""Empirical Fisher: the mean outer product of scores at *given* data ``x``.

    .. math:: \tilde F(\theta) = \frac1n \sum_{i=1}^n s(\theta; x_i)\, s(\theta; x_i)^\top .

    It equals the Fisher information in expectation only when ``x`` is drawn from
    :math:`p(\cdot;\theta)`; at any other :math:`\theta` it also measures how far the data are
    from the model (the scores no longer average to zero).

    Returns a float for ``d == 1``, an array of shape ``(d, d)`` otherwise.
    """
    theta = family.check_theta(theta)
    if theta.shape != (() if family.dim == 1 else (family.dim,)):
        raise ValueError(f"theta must be a single parameter value, got shape {theta.shape}")
    s = family.score(theta, x)
    if s.ndim == 1:
        return float(np.mean(s**2))
    return s.T @ s / s.shape[0]
