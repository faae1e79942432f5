r"""Gradient descent and natural gradient descent with one interface, and a backtracking line search.

Both optimisers take the step :math:`\theta_{k+1} = \theta_k - \eta\, P_k^{-1} \nabla L(\theta_k)`;
they differ in one switch, the preconditioner :math:`P_k`:

* ``method="gd"``: :math:`P_k = I`, steepest descent in the Euclidean metric;
* ``method="ngd"``: :math:`P_k = F(\theta_k) + \lambda I`, steepest descent in the KL metric
  (Amari, 1998), the direction solved densely or by conjugate gradient.

Every step is recorded: the loss, the gradient norm, the Euclidean length of the step and the
KL divergence between the model before and after it ("KL moved").

Introduced in Chapter 4, "Natural gradient"; TRPO (Chapter 5) reuses
:func:`backtracking_line_search` with a KL constraint in ``accept``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _validate as v
from . import linalg

__all__ = [
    "LineSearchResult",
    "backtracking_line_search",
    "OptimResult",
    "descend",
    "gradient_descent",
    "natural_gradient_descent",
    "natural_gradient",
]


@dataclass(frozen=True)
class LineSearchResult:
    """The outcome of :func:`backtracking_line_search`.

    Attributes
    ----------
    theta : ndarray of shape (d,)
        The accepted point, or the original ``theta`` if no trial point was accepted.
    step_fraction : float
        :math:`\\beta^k` of the accepted trial (1.0 for the full step), 0.0 if none.
    n_backtracks : int
        Number of times the step was shrunk: ``k`` of the accepted trial, or
        ``backtrack_iters`` if none was accepted.
    accepted : bool
        Whether a trial point was accepted.
    """

    theta: np.ndarray
    step_fraction: float
    n_backtracks: int
    accepted: bool


def backtracking_line_search(
    theta,
    full_step,
    accept: Callable[[np.ndarray], bool],
    *,
    backtrack_coeff: float = 0.8,
    backtrack_iters: int = 10,
) -> LineSearchResult:
    r"""Shrink a step geometrically until ``accept`` approves the new point.

    Tries :math:`\theta + \beta^k\, \Delta` for :math:`k = 0, 1, \dots,` ``backtrack_iters - 1``
    (:math:`\beta` = ``backtrack_coeff``, :math:`\Delta` = ``full_step``) and returns the first
    trial with ``accept(theta_new)`` true (Nocedal and Wright, 2006, Algorithm 3.1; TRPO,
    Schulman et al., 2015, appendix C, accepts when the surrogate improves and the KL
    constraint holds).

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    theta : array of shape (d,)
        Current point.
    full_step : array of shape (d,)
        The step to try first.
    accept : callable
        ``accept(theta_new) -> bool``. For descent, the Armijo condition
        :math:`L(\theta_{\text{new}}) \le L(\theta) + c\,\nabla L^\top(\theta_{\text{new}}-\theta)`;
        for TRPO, "surrogate improved and KL within the trust region".
    backtrack_coeff : float
        :math:`\beta \in (0, 1)`: how much each retry shrinks the step. 0.8 (TRPO's usual
        value) retries finely; 0.5 halves.
    backtrack_iters : int
        Number of trials, >= 1. The smallest trial is :math:`\beta^{\text{iters}-1}` of the full step.

    Returns
    -------
    LineSearchResult
    """
    theta = v.as_float_array("theta", theta)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"theta must have shape (d,) with d >= 1, got {theta.shape}")
    full_step = v.as_float_array("full_step", full_step)
    if full_step.shape != theta.shape:
        raise ValueError(f"full_step must have the shape of theta, {theta.shape}, got {full_step.shape}")
    v.check_callable("accept", accept, "theta_new -> bool")
    backtrack_coeff = v.check_open_interval("backtrack_coeff", backtrack_coeff, 0.0, 1.0, scalar=True)
    backtrack_iters = v.check_int("backtrack_iters", backtrack_iters, minimum=1)
    for k in range(backtrack_iters):
        fraction = backtrack_coeff**k
        theta_new = theta + fraction * full_step
        if bool(accept(theta_new)):
            return LineSearchResult(theta_new, float(fraction), k, True)
    return LineSearchResult(theta.copy(), 0.0, backtrack_iters, False)


@dataclass(frozen=True)
class OptimResult:
    """Per-step records of :func:`descend`.

    Attributes
    ----------
    thetas : ndarray of shape (n_steps + 1, d)
        The path, starting point first.
    losses : ndarray of shape (n_steps + 1,)
        :math:`L(\\theta_k)`.
    grad_norms : ndarray of shape (n_steps + 1,)
        :math:`\\lVert\\nabla L(\\theta_k)\\rVert`.
    step_norms : ndarray of shape (n_steps,)
        :math:`\\lVert\\theta_{k+1}-\\theta_k\\rVert` (Euclidean, in the parameterisation used).
    kls : ndarray of shape (n_steps,)
        KL moved, :math:`\\mathrm{KL}(p_{\\theta_k}\\,\\|\\,p_{\\theta_{k+1}})` (parameterisation-free).
    step_fractions : ndarray of shape (n_steps,)
        Fraction of the full step accepted by the line search (1.0 without line search).
    cg_iters : ndarray of int, shape (n_steps,)
        CG iterations of each step (0 unless ``solver="cg"``).
    method : str
        ``"gd"`` or ``"ngd"``.
    status : str
        ``"max_steps"``, ``"loss_target"`` (reached ``loss_target``) or ``"line_search_failed"``.
    """

    thetas: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    step_norms: np.ndarray
    kls: np.ndarray
    step_fractions: np.ndarray
    cg_iters: np.ndarray
    method: str
    status: str

    @property
    def theta(self) -> np.ndarray:
        """The last point, shape ``(d,)``."""
        return self.thetas[-1]

    @property
    def n_steps(self) -> int:
        return len(self.step_norms)

    def steps_to(self, loss_target: float) -> int | None:
        """First ``k`` with :math:`L(\\theta_k) \\le` ``loss_target``, or ``None`` if never."""
        loss_target = v.check_scalar("loss_target", loss_target)
        hit = np.flatnonzero(self.losses <= loss_target)
        return int(hit[0]) if hit.size else None


def natural_gradient(model, theta, grad=None, *, fisher: str = "exact", damping: float = 0.0,
                     solver: str = "dense", cg_iters: int = 10, tol: float = 1e-10):
    r"""The natural gradient :math:`\tilde\nabla L = (F(\theta) + \lambda I)^{-1} \nabla L(\theta)`.

    ``solver="dense"`` forms :math:`F` (:math:`O(d^2 N)`) and solves by Cholesky
    (:math:`O(d^3)`); ``solver="cg"`` runs :func:`fisherlab.linalg.cg` on the matrix-free
    operator (:math:`O(k\,dN)` for ``k`` iterations).

    Introduced in Chapter 4, "Natural gradient".

    Returns
    -------
    direction : ndarray of shape (d,)
    n_cg_iters : int
        CG iterations used (0 for the dense solver).
    """
    v.check_choice("solver", solver, ("dense", "cg"))
    v.check_choice("fisher", fisher, ("exact", "empirical", "ggn"))
    damping = linalg._check_damping(damping)
    curvature = "curvature_factors" if solver == "cg" else {"exact": "fisher_exact", "empirical": "fisher_empirical",
                                                              "ggn": "ggn"}[fisher]
    linalg._check_model(model, ("dim", "grad", curvature))
    cg_iters = v.check_int("cg_iters", cg_iters, minimum=1)
    tol = v.check_positive("tol", tol, scalar=True)
    if grad is None:
        g = model.grad(theta)
    else:
        g = v.as_float_array("grad", grad)
        if g.shape != (model.dim,):
            raise ValueError(f"grad must have shape ({model.dim},) like theta, got {g.shape}")
        with v.quiet():
            if not np.isfinite(np.linalg.norm(g)):
                raise ValueError("grad must be of a size that float64 can handle: its norm overflows")
    if solver == "cg":
        op = linalg.FisherOperator.from_model(model, theta, fisher=fisher, damping=damping)
        res = linalg.cg(op, g, cg_iters=cg_iters, tol=tol)
        return res.x, res.n_iters
    dense = {"exact": model.fisher_exact, "empirical": model.fisher_empirical, "ggn": model.ggn}[fisher](theta)
    dense = dense + damping * np.eye(model.dim)
    try:
        chol = np.linalg.cholesky(dense)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"the {fisher} Fisher + damping must be positive definite at theta; add damping > 0"
        ) from None
    return np.linalg.solve(chol.T, np.linalg.solve(chol, g)), 0


def _safe_loss(model, theta) -> float:
    """The loss, or +inf outside the parameter space or where it overflows (so a line search
    rejects the point)."""
    try:
        with np.errstate(all="ignore"):  # overflow far out is a rejection, not a warning
            value = float(model.loss(theta))
    except ValueError:
        return np.inf
    return value if np.isfinite(value) else np.inf


def descend(
    model,
    theta0,
    *,
    method: str = "ngd",
    lr: float = 0.1,
    n_steps: int = 100,
    fisher: str = "exact",
    damping: float = 0.0,
    solver: str = "dense",
    cg_iters: int = 10,
    line_search: bool = False,
    armijo: float = 1e-4,
    backtrack_coeff: float = 0.5,
    backtrack_iters: int = 20,
    loss_target: float | None = None,
) -> OptimResult:
    r"""Minimise ``model.loss`` by gradient descent or natural gradient descent.

    .. math::
        \theta_{k+1} = \theta_k - \eta_k\, P_k^{-1}\nabla L(\theta_k),\qquad
        P_k = \begin{cases} I & \text{method = "gd"} \\
        F(\theta_k) + \lambda I & \text{method = "ngd"} \end{cases}

    with :math:`\eta_k = \eta` (``lr``) or, with ``line_search=True``, :math:`\eta\beta^j` for
    the first :math:`j` that satisfies the Armijo condition
    :math:`L(\theta_{k+1}) \le L(\theta_k) - c\,\eta\beta^j\, \nabla L^\top P_k^{-1}\nabla L`,
    which never accepts a step that increases the loss.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    model : a :mod:`fisherlab.models` model
        Provides ``dim``, ``loss``, ``grad``, ``kl`` and the curvature (``fisher_exact``,
        ``fisher_empirical``, ``ggn``, ``curvature_factors``).
    theta0 : array of shape (d,)
        Starting point.
    method : {"gd", "ngd"}
        The one switch between the two optimisers.
    lr : float
        Step size :math:`\eta > 0` (the first trial of the line search).
    n_steps : int
        Maximum number of steps, >= 1.
    fisher : {"exact", "empirical", "ggn"}
        Which curvature preconditions NGD (ignored by GD). ``"empirical"`` is *not* the Fisher
        (Kunstner et al., 2019).
    damping : float
        :math:`\lambda \ge 0` added to the curvature.
    solver : {"dense", "cg"}
        How NGD solves for its direction.
    cg_iters : int
        CG iterations per step when ``solver="cg"``.
    line_search : bool
        Backtrack from ``lr`` with the Armijo condition.
    armijo : float
        The constant :math:`c \in (0, 1)` of the Armijo condition.
    backtrack_coeff, backtrack_iters :
        As in :func:`backtracking_line_search`.
    loss_target : float, optional
        Stop once :math:`L(\theta_k) \le` ``loss_target``.

    Returns
    -------
    OptimResult
    """
    v.check_choice("method", method, ("gd", "ngd"))
    linalg._check_model(model, ("dim", "loss", "grad", "kl"))
    theta = v.as_float_array("theta0", theta0).copy()
    if theta.shape != (model.dim,):
        raise ValueError(f"theta0 must have shape ({model.dim},), got {theta.shape}")
    lr = v.check_positive("lr", lr, scalar=True)
    n_steps = v.check_int("n_steps", n_steps, minimum=1)
    v.check_choice("fisher", fisher, ("exact", "empirical", "ggn"))
    damping = linalg._check_damping(damping)
    v.check_choice("solver", solver, ("dense", "cg"))
    cg_iters = v.check_int("cg_iters", cg_iters, minimum=1)
    line_search = v.check_bool("line_search", line_search)
    armijo = v.check_open_interval("armijo", armijo, 0.0, 1.0, scalar=True)
    backtrack_coeff = v.check_open_interval("backtrack_coeff", backtrack_coeff, 0.0, 1.0, scalar=True)
    backtrack_iters = v.check_int("backtrack_iters", backtrack_iters, minimum=1)
    if loss_target is not None:
        loss_target = v.check_scalar("loss_target", loss_target)
    try:
        loss = float(model.loss(theta))
        grad = model.grad(theta)
    except ValueError as exc:
        raise ValueError(f"theta0 must be a point where the model's loss is defined: {exc}") from None
    if not np.isfinite(loss):
        raise ValueError(f"theta0 must be a point where the model's loss is finite, got loss {loss!r}")
    thetas, losses, grad_norms = [theta.copy()], [loss], [float(np.linalg.norm(grad))]
    step_norms, kls, fractions, iters = [], [], [], []
    status = "max_steps"
    for _ in range(n_steps):
        if loss_target is not None and loss <= loss_target:
            status = "loss_target"
            break
        # the search direction: the one switch between the two methods
        if method == "gd":
            direction, n_cg = grad, 0
        else:
            direction, n_cg = natural_gradient(model, theta, grad, fisher=fisher, damping=damping,
                                               solver=solver, cg_iters=cg_iters)
        full_step = -lr * direction
        if line_search:
            loss0, g0 = loss, grad

            def accept(theta_new):
                decrease = min(float(g0 @ (theta_new - theta)), 0.0)  # never accept an increase
                return _safe_loss(model, theta_new) <= loss0 + armijo * decrease

            ls = backtracking_line_search(theta, full_step, accept,
                                          backtrack_coeff=backtrack_coeff, backtrack_iters=backtrack_iters)
            if not ls.accepted:
                status = "line_search_failed"
                break
            theta_new, fraction = ls.theta, ls.step_fraction
        else:
            theta_new, fraction = theta + full_step, 1.0
        # bookkeeping: records of the step
        kls.append(float(model.kl(theta, theta_new)))
        step_norms.append(float(np.linalg.norm(theta_new - theta)))
        fractions.append(fraction)
        iters.append(n_cg)
        theta = theta_new
        loss, grad = float(model.loss(theta)), model.grad(theta)
        thetas.append(theta.copy())
        losses.append(loss)
        grad_norms.append(float(np.linalg.norm(grad)))
    else:
        if loss_target is not None and loss <= loss_target:
            status = "loss_target"
    return OptimResult(
        thetas=np.array(thetas), losses=np.array(losses), grad_norms=np.array(grad_norms),
        step_norms=np.array(step_norms), kls=np.array(kls), step_fractions=np.array(fractions),
        cg_iters=np.array(iters, dtype=int), method=method, status=status,
    )


def gradient_descent(model, theta0, **kwargs) -> OptimResult:
    """:func:`descend` with ``method="gd"``: :math:`\\theta \\leftarrow \\theta - \\eta\\nabla L`.

    Introduced in Chapter 4, "Natural gradient".
    """
    return descend(model, theta0, method="gd", **kwargs)


def natural_gradient_descent(model, theta0, **kwargs) -> OptimResult:
    """:func:`descend` with ``method="ngd"``: :math:`\\theta \\leftarrow \\theta - \\eta (F+\\lambda I)^{-1}\\nabla L`.

    Introduced in Chapter 4, "Natural gradient".
    """
    return descend(model, theta0, method="ngd", **kwargs)
