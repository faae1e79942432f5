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
        """``(value - exact) / stderr``: within about ±3 when the estimate is consistent.

        ``exact`` has the shape of ``value``. Where the standard error is 0 (an estimator without
        variance) the z-score is 0 if the estimate equals ``exact`` and ±inf otherwise.
        """
        return _z_score(self.value, self.stderr, exact)

    def __str__(self) -> str:
        value, err = np.asarray(self.value), np.asarray(self.stderr)
        if value.ndim == 0:
            return f"{float(value):.4f} ± {float(err):.4f} ({self.method}, N={self.n_samples})"
        return (
            f"({self.method}, N={self.n_samples})\n"
            f"{np.array2string(value, precision=4, suppress_small=True)}\n± "
            f"{np.array2string(err, precision=4, suppress_small=True)}"
        )


def _z_score(value, stderr, exact):
    """``(value - exact) / stderr`` with ``exact`` validated against the shape of ``value``; 0 or
    ±inf where ``stderr`` is 0 (shared with :class:`fisherlab.rl.estimators.VectorEstimate`)."""
    value, stderr = np.asarray(value, dtype=np.float64), np.asarray(stderr, dtype=np.float64)
    exact = v.as_float_array("exact", exact)
    if exact.shape != value.shape:
        raise ValueError(f"exact must have the shape of the estimate, {value.shape}, got {exact.shape}")
    with v.quiet():
        diff = value - exact
        z = np.where(stderr > 0, diff / np.where(stderr > 0, stderr, 1.0), np.sign(diff) * np.inf)
    z = np.where((stderr == 0) & (diff == 0), 0.0, z)
    v.check_result(np.where(stderr > 0, z, 0.0), "the z-score", "exact")
    return float(z) if z.ndim == 0 else z


def _mean_and_stderr(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = terms.shape[0]
    with v.quiet():
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
    if scores.ndim not in (1, 2) or scores.shape[0] < 2 or scores.size == 0:
        raise ValueError(f"scores must have shape (N,) or (N, d) with N >= 2 and d >= 1, got {scores.shape}")
    with v.quiet():
        outer = scores**2 if scores.ndim == 1 else scores[:, :, None] * scores[:, None, :]
    mean, stderr = _mean_and_stderr(outer)
    v.check_result(stderr, "the standard error", "scores")
    return FisherEstimate(_as_float(mean), _as_float(stderr), scores.shape[0], "score")


def fisher_from_hessians(hessians) -> FisherEstimate:
    r"""Fisher information as minus the mean Hessian, :math:`-\frac1N\sum_i \nabla^2\ell_i`.

    Parameters
    ----------
    hessians : array of shape (N,) or (N, d, d)
        Second derivatives of the log-likelihood of samples drawn at :math:`\theta`.
    """
    hessians = v.as_float_array("hessians", hessians)
    if (hessians.ndim not in (1, 3) or hessians.shape[0] < 2 or hessians.size == 0
            or (hessians.ndim == 3 and hessians.shape[1] != hessians.shape[2])):
        raise ValueError(f"hessians must have shape (N,) or (N, d, d) with N >= 2, got {hessians.shape}")
    mean, stderr = _mean_and_stderr(-hessians)
    v.check_result(stderr, "the standard error", "hessians")
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
    _check_family(family)
    v.check_choice("method", method, ("score", "hessian"))
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
    _check_family(family)
    theta = family._check_single(theta)
    s = family.score(theta, x)
    if s.shape[0] == 0:
        raise ValueError("x must hold at least one observation")
    with v.quiet():
        out = float(np.mean(s**2)) if s.ndim == 1 else s.T @ s / s.shape[0]
    return v.check_result(out, "the empirical Fisher", "theta and x")


def _check_family(family):
    v.check_instance("family", family, Family, "a fisherlab Family (e.g. fisherlab.NormalMean())")


# ---- Chapter 2: directions of information and the error of a Monte Carlo Fisher matrix --------
__all__ += [
    "directional_information",
    "directional_information_mc",
    "pullback_fisher",
    "matrix_error",
    "MatrixErrorCurve",
    "fisher_mc_error",
]


def _square_stack(name: str, value, *, symmetric: bool = False) -> np.ndarray:
    """A float array of shape (..., d, d), d >= 1: one or more square matrices (symmetric to a
    relative 1e-8 when ``symmetric``, as a Fisher matrix or a Monte Carlo estimate of one is)."""
    arr = v.as_float_array(name, value)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2] or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (..., d, d) with d >= 1, got {arr.shape}")
    if symmetric:
        scale = np.maximum(np.max(np.abs(arr), axis=(-2, -1), keepdims=True), np.finfo(float).tiny)
        with v.quiet():
            asym = np.abs(arr - np.swapaxes(arr, -1, -2)) / scale
        if np.any(asym > 1e-8):
            raise ValueError(f"{name} must be symmetric (a Fisher matrix), got max |F - F^T| / max |F| = "
                             f"{np.max(asym):.3g}")
    return arr


def directional_information(F, u, *, normalize: bool = True) -> np.ndarray:
    r"""Information along a direction: :math:`u^\top F u` (divided by :math:`u^\top u` when
    ``normalize``, i.e. for the unit vector along ``u``).

    :math:`u^\top F u` is the variance of the directional derivative :math:`u^\top s` of the
    log-likelihood, i.e. the Fisher information of the one-parameter sub-family
    :math:`t \mapsto p(x;\theta + t u)`. Over unit vectors it ranges from the smallest to the
    largest eigenvalue of :math:`F`, attained at the corresponding eigenvectors.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    F : array of shape (..., d, d)
        Fisher matrix, symmetric (positive semi-definite for the exact Fisher; a Monte Carlo
        estimate from Hessians need not be).
    u : array of shape (..., d)
        Direction(s), broadcast against ``F``; non-zero when ``normalize``.
    normalize : bool
        Divide by :math:`u^\top u`.

    Returns
    -------
    ndarray of shape (...)
    """
    F = _square_stack("F", F, symmetric=True)
    u = v.as_float_array("u", u)
    normalize = v.check_bool("normalize", normalize)
    if u.ndim < 1 or u.shape[-1] != F.shape[-1]:
        raise ValueError(f"u must have shape (..., {F.shape[-1]}) to match F, got {u.shape}")
    if normalize and np.any(np.all(u == 0, axis=-1)):
        raise ValueError("u must be non-zero when normalize=True")
    with v.quiet():
        quad = np.einsum("...i,...ij,...j->...", u, F, u)
        if normalize:
            quad = quad / np.sum(u**2, axis=-1)
    return v.check_result(quad, "u^T F u", "F and u")


def directional_information_mc(scores, u) -> FisherEstimate:
    r"""Monte Carlo information along a unit direction :math:`u`: the mean of
    :math:`(u^\top s_i)^2`, with its standard error.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    scores : array of shape (N, d)
        Scores of samples drawn at :math:`\theta`.
    u : array of shape (d,)
        Direction (normalised to unit length here).
    """
    scores = v.as_float_array("scores", scores)
    if scores.ndim != 2 or scores.shape[0] < 2:
        raise ValueError(f"scores must have shape (N, d) with N >= 2, got {scores.shape}")
    u = v.as_float_array("u", u)
    v.check_shape("u", u, (scores.shape[1],))
    if not np.any(u):
        raise ValueError("u must be non-zero")
    with v.quiet():
        projected = scores @ (u / np.linalg.norm(u))
    return fisher_from_scores(v.check_result(projected, "u^T s", "scores and u"))


def pullback_fisher(F, jacobian) -> np.ndarray:
    r"""Fisher matrix in new coordinates: :math:`F_\eta = J^\top F_\theta J`,
    :math:`J = \partial\theta/\partial\eta`.

    The score transforms by the chain rule, :math:`s_\eta = J^\top s_\theta`, so
    :math:`F_\eta = \mathbb{E}[s_\eta s_\eta^\top] = J^\top F_\theta J`: the Fisher matrix is a
    (0,2)-tensor, the metric of the parameter manifold.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    F : array of shape (..., d, d)
        Fisher matrix in the coordinates :math:`\theta`, at :math:`\theta(\eta)`.
    jacobian : array of shape (..., d, m)
        :math:`J_{ij} = \partial\theta_i/\partial\eta_j`.

    Returns
    -------
    ndarray of shape (..., m, m)
    """
    F = _square_stack("F", F, symmetric=True)
    J = v.as_float_array("jacobian", jacobian)
    if J.ndim < 2 or J.shape[-2] != F.shape[-1]:
        raise ValueError(f"jacobian must have shape (..., {F.shape[-1]}, m) to match F, got {J.shape}")
    with v.quiet():
        out = np.swapaxes(J, -1, -2) @ F @ J
    return v.check_result(out, "J^T F J", "F and jacobian")


def matrix_error(estimate, exact, *, norm: str = "fro", relative: bool = True) -> np.ndarray:
    r"""Distance between an estimated and an exact matrix, :math:`\lVert\hat F - F\rVert`
    (divided by :math:`\lVert F\rVert` when ``relative``).

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    estimate : array of shape (..., d, d)
    exact : array of shape (d, d) or (..., d, d)
    norm : {"fro", "spectral"}
        Frobenius norm or largest singular value.
    relative : bool
        Divide by the norm of ``exact``.

    Returns
    -------
    ndarray of shape (...)
    """
    est = v.as_float_array("estimate", estimate)
    ex = v.as_float_array("exact", exact)
    for name, arr in (("estimate", est), ("exact", ex)):
        if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2] or arr.shape[-1] == 0:
            raise ValueError(f"{name} must be square matrices of shape (..., d, d), got {arr.shape}")
    if est.shape[-2:] != ex.shape[-2:]:
        raise ValueError(f"estimate and exact must be matrices of the same shape (..., d, d), got {est.shape} and {ex.shape}")
    v.check_choice("norm", norm, ("fro", "spectral"))
    relative = v.check_bool("relative", relative)

    def size(a):
        return np.linalg.norm(a, ord="fro" if norm == "fro" else 2, axis=(-2, -1))

    with v.quiet():
        err = size(est - ex)
        if relative:
            scale = size(ex)
            if np.any(scale == 0):
                raise ValueError("exact must be non-zero when relative=True")
            err = err / scale
    return v.check_result(err, "the error", "estimate and exact")


@dataclass(frozen=True)
class MatrixErrorCurve:
    """Monte Carlo error of an estimated Fisher matrix against the sample size.

    Introduced in Chapter 2, "The Fisher information matrix".

    Attributes
    ----------
    n_samples : ndarray of shape (m,)
        Sample sizes ``N``.
    errors : ndarray of shape (m, n_repeats)
        Relative error of each independent estimate.
    mean : ndarray of shape (m,)
        Mean error at each ``N``.
    stderr : ndarray of shape (m,)
        Standard error of ``mean``.
    slope : float
        Least-squares log-log slope of ``mean`` against ``N`` (about -1/2).
    method : str
        ``"score"`` or ``"hessian"``.
    """

    n_samples: np.ndarray
    errors: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    slope: float
    method: str


def fisher_mc_error(
    family: Family,
    theta,
    n_samples,
    *,
    n_repeats: int,
    rng: np.random.Generator,
    method: str = "score",
    norm: str = "fro",
) -> MatrixErrorCurve:
    r"""Relative error :math:`\lVert\hat F_N - F\rVert / \lVert F\rVert` of ``fisher_mc`` for
    several sample sizes ``N``, ``n_repeats`` independent estimates each.

    The entries of :math:`\hat F_N` are averages of ``N`` i.i.d. terms, so the error shrinks
    like :math:`1/\sqrt N` (log-log slope :math:`-1/2`).

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    family : Family
        A family with ``dim >= 2``.
    theta : array of shape (d,)
    n_samples : sequence of int
        Sample sizes, each >= 2, increasing.
    n_repeats : int
        Independent estimates per size, >= 2.
    rng : numpy.random.Generator
    method : {"score", "hessian"}
    norm : {"fro", "spectral"}
    """
    _check_family(family)
    if family.dim < 2:
        raise ValueError(f"family must have dim >= 2 (a Fisher matrix), got {family!r} with dim {family.dim}")
    if n_samples is None or isinstance(n_samples, (str, bytes)):
        raise v.ArgumentTypeError(f"n_samples must be a sequence of integers, got {type(n_samples).__name__}")
    sizes = np.asarray(n_samples)
    if sizes.ndim != 1 or sizes.size < 2:
        raise ValueError(f"n_samples must be a 1-D sequence of at least 2 sizes, got shape {sizes.shape}")
    sizes = np.array([v.check_int("n_samples", n, minimum=2) for n in sizes.tolist()])
    if np.any(np.diff(sizes) <= 0):
        raise ValueError(f"n_samples must be increasing, got {sizes.tolist()}")
    v.check_choice("method", method, ("score", "hessian"))
    v.check_choice("norm", norm, ("fro", "spectral"))
    n_repeats = v.check_int("n_repeats", n_repeats, minimum=2)
    rng = v.check_generator("rng", rng)
    exact = family.fisher_exact(theta)
    errors = np.empty((sizes.size, n_repeats))
    for i, n in enumerate(sizes):
        for r in range(n_repeats):
            est = fisher_mc(family, theta, n_samples=int(n), rng=rng, method=method).value
            errors[i, r] = matrix_error(est, exact, norm=norm)
    mean = errors.mean(axis=1)
    stderr = errors.std(axis=1, ddof=1) / np.sqrt(n_repeats)
    if np.any(mean <= 1e-12):  # rounding only: the estimator has no variance here
        raise ValueError(f"the {method} estimator is exact for this family (zero error); use method='score'")
    slope = float(np.polyfit(np.log(sizes), np.log(mean), 1)[0])
    return MatrixErrorCurve(sizes, errors, mean, stderr, slope, method)
