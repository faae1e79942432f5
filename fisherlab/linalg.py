r"""The Fisher matrix as a linear operator, and conjugate gradient to solve with it.

Natural gradient methods need :math:`F^{-1} g`, not :math:`F`. For a model whose outputs
:math:`z_n = f(x_n; \theta) \in \mathbb{R}^m` parameterise a distribution with a closed-form
*output* Fisher :math:`F_{\text{out}}(z_n)`, the chain rule gives

.. math::
    F(\theta) = \frac1N \sum_{n=1}^N J_n^\top F_{\text{out}}(z_n)\, J_n,
    \qquad J_n = \frac{\partial z_n}{\partial \theta} \in \mathbb{R}^{m\times d},

so a product :math:`F v` costs one forward-mode pass :math:`v \mapsto J v`, a cheap per-output
product, and one reverse-mode pass :math:`u \mapsto J^\top u`: :math:`O(dN)` work and memory,
against :math:`O(d^2 N)` to form :math:`F` and :math:`O(d^3)` to factorise it. Conjugate
gradient (Hestenes and Stiefel, 1952) then solves :math:`(F + \lambda I) x = g` with a handful
of such products.

Introduced in Chapter 4, "Natural gradient".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse.linalg as spla

from . import _validate as v

__all__ = ["FisherOperator", "fisher_operator", "CGResult", "cg", "KroneckerOperator"]

_KINDS = ("exact", "empirical", "ggn")


class FisherOperator:
    r"""Matrix-free curvature :math:`A = s\, J^\top C\, J + \lambda I` of shape ``(d, d)``.

    The product is computed stage by stage,

    .. math::
        v \;\mapsto\; J v \;\mapsto\; C\,(J v) \;\mapsto\; s\, J^\top C\, J v \;(+\, \lambda v),

    where :math:`C` is block diagonal with one ``(m, m)`` block per output: the output Fisher
    :math:`F_{\text{out}}(z_n)` for the exact Fisher, the loss Hessian
    :math:`\nabla_z^2 \ell(z_n, y_n)` for the generalised Gauss–Newton, or
    :math:`r_n r_n^\top` with :math:`r_n = \nabla_z \ell(z_n, y_n)` for the empirical Fisher.
    Usually :math:`s = 1/N`. The operator never forms :math:`F`; :meth:`to_dense` forms it
    column by column (``d`` products) for small ``d`` and for tests.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    jvp : callable
        ``jvp(v)``: the Jacobian-vector product :math:`Jv`, ``v`` of shape ``(d,)`` to an array
        of output perturbations of shape ``(N, m)`` (any shape that ``output_vp`` accepts).
    output_vp : callable
        ``output_vp(u)``: the block-diagonal output curvature :math:`C u`, same shape as ``u``.
    vjp : callable
        ``vjp(u)``: the vector-Jacobian product :math:`J^\top u`, summed over outputs, shape
        ``(d,)``.
    dim : int
        Number of parameters ``d`` >= 1.
    scale : float
        The factor :math:`s` > 0 (``1 / N`` for a mean over ``N`` outputs).
    damping : float
        :math:`\lambda \ge 0`, added on the diagonal: the operator is :math:`F + \lambda I`.
        Damping bounds the condition number by :math:`(\lambda_{\max} + \lambda)/\lambda` and
        so the number of CG iterations; it also shrinks steps along directions the Fisher
        barely sees (Martens, 2010, "Deep learning via Hessian-free optimization").

    Examples
    --------
    >>> import numpy as np, fisherlab as fl
    >>> X = np.eye(3)
    >>> F = fl.linalg.FisherOperator(lambda v: (X @ v)[:, None], lambda u: 2 * u,
    ...                              lambda u: X.T @ u[:, 0], dim=3, damping=0.5)
    >>> F @ np.ones(3)
    array([2.5, 2.5, 2.5])
    """

    def __init__(
        self,
        jvp: Callable,
        output_vp: Callable,
        vjp: Callable,
        dim: int,
        *,
        scale: float = 1.0,
        damping: float = 0.0,
    ):
        v.check_callable("jvp", jvp, "v -> J v")
        v.check_callable("output_vp", output_vp, "u -> C u")
        v.check_callable("vjp", vjp, "u -> J^T u")
        self._jvp, self._output_vp, self._vjp = jvp, output_vp, vjp
        self.dim = v.check_int("dim", dim, minimum=1)
        self.scale = v.check_positive("scale", scale, scalar=True)
        self.damping = _check_damping(damping)

    @property
    def shape(self) -> tuple[int, int]:
        """``(d, d)``."""
        return (self.dim, self.dim)

    @classmethod
    def from_model(cls, model, theta, *, fisher: str = "exact", damping: float = 0.0) -> "FisherOperator":
        """The curvature of a :mod:`fisherlab.models` model at ``theta`` as an operator.

        ``fisher`` is ``"exact"``, ``"empirical"`` or ``"ggn"``. The model's forward
        quantities at ``theta`` (for example softmax probabilities) are computed once here,
        so each product costs two passes over the data.
        """
        v.check_choice("fisher", fisher, _KINDS)
        _check_model(model, ("dim", "curvature_factors"))
        factors = model.curvature_factors(theta, fisher=fisher)
        return cls(factors["jvp"], factors["output_vp"], factors["vjp"], model.dim,
                   scale=factors["scale"], damping=damping)

    def with_damping(self, damping: float) -> "FisherOperator":
        """The same curvature with another damping :math:`\\lambda \\ge 0`."""
        return FisherOperator(self._jvp, self._output_vp, self._vjp, self.dim, scale=self.scale, damping=damping)

    def matvec(self, vec) -> np.ndarray:
        r""":math:`(s\,J^\top C J + \lambda I)\, v` for ``vec`` of shape ``(d,)``; shape ``(d,)``."""
        vec = v.check_shape("vec", v.as_float_array("vec", vec), (self.dim,))
        with v.quiet():
            jv = self._jvp(vec)  # v -> J v                      (one pass over the data)
            cjv = self._output_vp(jv)  # J v -> C J v           (per output, m x m blocks)
            out = self.scale * _real("vjp", self._vjp(cjv))  # -> s Jᵀ C J v
            if out.shape != (self.dim,):
                raise ValueError(f"vjp must return shape ({self.dim},), got {out.shape}")
            if self.damping:
                out = out + self.damping * vec  # + λ v
        return v.check_result(out, "F v", "vec")

    def __matmul__(self, vec) -> np.ndarray:
        vec = np.asarray(vec)
        if vec.ndim == 2:
            return np.column_stack([self.matvec(col) for col in vec.T])
        return self.matvec(vec)

    def to_dense(self) -> np.ndarray:
        """The matrix :math:`F + \\lambda I`, shape ``(d, d)``, from ``d`` products with unit
        vectors (for small ``d`` and tests; use the model's own dense formula to time it)."""
        eye = np.eye(self.dim)
        dense = np.column_stack([self.matvec(e) for e in eye])
        return 0.5 * (dense + dense.T)  # symmetric in exact arithmetic; remove rounding

    def aslinearoperator(self) -> spla.LinearOperator:
        """A :class:`scipy.sparse.linalg.LinearOperator` view (symmetric: ``rmatvec = matvec``)."""
        return spla.LinearOperator(self.shape, matvec=self.matvec, rmatvec=self.matvec, dtype=np.float64)

    def __repr__(self) -> str:
        return f"FisherOperator(dim={self.dim}, scale={self.scale:.4g}, damping={self.damping:.4g})"


def fisher_operator(model, theta, *, fisher: str = "exact", damping: float = 0.0) -> FisherOperator:
    """Shorthand for :meth:`FisherOperator.from_model`.

    Introduced in Chapter 4, "Natural gradient".
    """
    return FisherOperator.from_model(model, theta, fisher=fisher, damping=damping)


def _check_damping(damping) -> float:
    damping = v.as_float_array("damping", damping)
    if damping.ndim != 0 or damping < 0:
        raise ValueError(f"damping must be a float >= 0, got {damping.tolist()!r}")
    return float(damping)


def _real(name: str, value) -> np.ndarray:
    """What a user callable returned, as float64 (infinities allowed, complex numbers not)."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiub":
        raise v.ArgumentTypeError(f"{name} must return real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def _check_psd(name: str, value) -> np.ndarray:
    """A symmetric positive semi-definite matrix (d, d): symmetric to a relative 1e-10, no
    eigenvalue below -1e-10 times the largest (rounding)."""
    arr = v.check_square(name, value)
    scale = max(float(np.max(np.abs(arr))), np.finfo(float).tiny)
    if np.max(np.abs(arr - arr.T)) > 1e-10 * scale:
        raise ValueError(f"{name} must be symmetric, got max |M - M^T| = {np.max(np.abs(arr - arr.T)):.3g}")
    with v.quiet():
        eig = np.linalg.eigvalsh(arr)
    if not np.all(np.isfinite(eig)):
        raise ValueError(f"{name} must be of a size that float64 can handle: its eigenvalues overflow")
    if eig[0] < -1e-10 * max(abs(eig[-1]), abs(eig[0])):
        raise ValueError(f"{name} must be positive semi-definite, got smallest eigenvalue {eig[0]:.4g}")
    return arr


def _check_model(model, needs, name: str = "model"):
    """A model of :mod:`fisherlab.models` (or any object with the attributes ``needs``)."""
    missing = [a for a in needs if not hasattr(model, a)]
    if missing:
        raise v.ArgumentTypeError(
            f"{name} must be a fisherlab model (e.g. fisherlab.models.GaussianMLE) with "
            f"{', '.join(needs)}; got {type(model).__name__}, which has no {missing[0]}")
    return model


@dataclass(frozen=True)
class CGResult:
    """The outcome of :func:`cg`.

    Attributes
    ----------
    x : ndarray of shape (d,)
        The approximate solution of :math:`(A + \\lambda I) x = b`.
    n_iters : int
        Number of CG iterations run (each costs one product with ``A``).
    residual_norms : ndarray of shape (n_iters + 1,)
        :math:`\\lVert r_k \\rVert` for :math:`k = 0, \\dots, n_iters`: the recursively updated
        residual of the algorithm, except where the recursion reached the tolerance; there the
        true residual :math:`\\lVert b - (A + \\lambda I) x_k \\rVert` was computed and is recorded.
        When a check failed and the run ended unconverged, the last entry is the true residual of
        the returned ``x`` (the better of the checked iterate and the last one).
    converged : bool
        Whether the *true* residual of ``x`` is at most ``tol * ||b||``.
    """

    x: np.ndarray
    n_iters: int
    residual_norms: np.ndarray
    converged: bool


def _as_matvec(A, d: int) -> Callable[[np.ndarray], np.ndarray]:
    """A function ``v -> A v`` for a callable, FisherOperator, LinearOperator or dense array."""
    if isinstance(A, FisherOperator):
        if A.dim != d:
            raise ValueError(f"A must have shape ({d}, {d}) to match b, got {A.shape}")
        return A.matvec
    if isinstance(A, spla.LinearOperator):
        if A.shape != (d, d):
            raise ValueError(f"A must have shape ({d}, {d}) to match b, got {A.shape}")
        return lambda x: v.as_float_array("A(v)", A.matvec(x)).reshape(d)
    if callable(A):
        def matvec(x):
            out = v.as_float_array("A(v)", A(x))
            if out.shape != (d,):
                raise ValueError(f"A(v) must return shape ({d},) like b, got {out.shape}")
            return out
        return matvec
    if A is None or isinstance(A, (str, bytes)) or (np.asarray(A).dtype == object and np.ndim(A) == 0):
        raise v.ArgumentTypeError(f"A must be a matrix (d, d), a FisherOperator, a LinearOperator or a "
                                  f"callable v -> A v, got {type(A).__name__}")
    mat = v.check_square("A", A)
    if mat.shape != (d, d):
        raise ValueError(f"A must have shape ({d}, {d}) to match b, got {mat.shape}")
    return lambda x: mat @ x


def cg(A, b, *, cg_iters: int = 10, tol: float = 1e-10, damping: float = 0.0, x0=None) -> CGResult:
    r"""Conjugate gradient for :math:`(A + \lambda I)\, x = b` with :math:`A` symmetric positive
    (semi-)definite and :math:`A + \lambda I` positive definite.

    The method of Hestenes and Stiefel (1952), as in Nocedal and Wright (2006, Algorithm 5.2).
    With :math:`r_0 = b - (A+\lambda I)x_0` and :math:`p_0 = r_0`, each iteration does

    .. math::
        \alpha_k = \frac{r_k^\top r_k}{p_k^\top (A+\lambda I) p_k},\quad
        x_{k+1} = x_k + \alpha_k p_k,\quad
        r_{k+1} = r_k - \alpha_k (A+\lambda I) p_k,\quad
        p_{k+1} = r_{k+1} + \frac{r_{k+1}^\top r_{k+1}}{r_k^\top r_k}\, p_k .

    In exact arithmetic it solves a ``d``-dimensional system in at most ``d`` iterations, and
    after ``k`` iterations the error in the :math:`A`-norm is at most
    :math:`2\big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\big)^k` times the initial one, where
    :math:`\kappa` is the condition number. Only products with ``A`` are needed.

    In floating point the recursively updated :math:`r_k` drifts away from the true residual
    :math:`b - (A+\lambda I)x_k`: on an ill-conditioned system it keeps shrinking long after the
    true residual has stopped at the attainable accuracy. So when :math:`\lVert r_k\rVert` reaches
    the tolerance, the true residual is computed (one more product with ``A``); convergence is
    reported only if it also meets the tolerance, and otherwise CG restarts from it (residual
    replacement; Greenbaum, 1997, "Iterative methods for solving linear systems", sec. 7.3;
    van der Vorst and Ye, 2000, SIAM J. Sci. Comput. 22(5)) while iterations remain.

    Introduced in Chapter 4, "Natural gradient"; TRPO (Chapter 5) uses it with ``cg_iters=10``.

    Parameters
    ----------
    A : callable, FisherOperator, scipy.sparse.linalg.LinearOperator or array of shape (d, d)
        The symmetric positive (semi-)definite matrix, or ``v -> A v``.
    b : array of shape (d,)
        Right-hand side (for a natural gradient, the gradient).
    cg_iters : int
        Maximum number of iterations, >= 1. Ten is the usual TRPO setting: the natural
        gradient direction need not be solved exactly to be useful.
    tol : float
        Stop once :math:`\lVert b - (A+\lambda I)x_k\rVert \le \text{tol}\cdot\lVert b\rVert`
        (relative residual), > 0.
    damping : float
        :math:`\lambda \ge 0` added on the diagonal (on top of any damping inside ``A``).
    x0 : array of shape (d,), optional
        Starting point (zeros by default).

    Returns
    -------
    CGResult
        ``n_iters`` counts the iterations; each check of the true residual costs one more
        product with ``A``.

    Raises
    ------
    ValueError
        If a search direction has non-positive curvature :math:`p^\top (A+\lambda I) p \le 0`
        (``A`` is not positive definite), for shapes that do not match, ``damping < 0``,
        ``cg_iters < 1`` or ``tol <= 0``.
    """
    b = v.as_float_array("b", b)
    if b.ndim != 1 or b.size < 1:
        raise ValueError(f"b must have shape (d,) with d >= 1, got {b.shape}")
    d = b.shape[0]
    cg_iters = v.check_int("cg_iters", cg_iters, minimum=1)
    tol = v.check_positive("tol", tol, scalar=True)
    damping = _check_damping(damping)
    matvec = _as_matvec(A, d)

    def apply(p):
        with v.quiet():
            out = matvec(p) + damping * p if damping else matvec(p)
        if not np.all(np.isfinite(out)):
            raise ValueError("A, damping, b and x0 must be of a size that float64 can handle: "
                             "the product (A + damping I) p overflowed")
        return out

    with v.quiet():
        bnorm = float(np.linalg.norm(b))
    if not np.isfinite(bnorm):
        raise ValueError("b must be of a size that float64 can handle: its norm overflows")
    if x0 is None:
        x = np.zeros(d)
        r = b.copy()  # r0 = b - A·0
    else:
        x = v.check_shape("x0", v.as_float_array("x0", x0), (d,)).copy()
        r = b - apply(x)
    p = r.copy()
    rr = float(r @ r)
    threshold = tol * bnorm
    norms = [np.sqrt(rr)]
    n_iters = 0
    converged = False
    best = None  # (true residual norm, x) at the last check, kept in case later iterates do worse
    while True:
        if norms[-1] <= threshold:
            if n_iters > 0:
                # the recursion says converged: check the true residual b - (A + damping I) x
                r_true = b - apply(x)
                norms[-1] = float(np.linalg.norm(r_true))
            if norms[-1] <= threshold:
                converged = True
                break
            # the recursive residual drifted: restart from the true one (residual replacement)
            if best is None or norms[-1] < best[0]:
                best = (norms[-1], x.copy())
            r = r_true
            p = r.copy()
            rr = float(r @ r)
        if n_iters == cg_iters:
            break
        Ap = apply(p)
        with v.quiet():
            curvature = float(p @ Ap)
        if not np.isfinite(curvature):
            raise ValueError("A, damping, b and x0 must be of a size that float64 can handle: "
                             "p^T (A + damping I) p overflowed")
        if not curvature > 0:
            raise ValueError(
                "A must be positive definite (A + damping I); CG found a direction with "
                f"p^T A p = {curvature:.4g} <= 0 at iteration {n_iters}"
            )
        alpha = rr / curvature  # exact minimiser along p of the quadratic
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p  # new direction, A-conjugate to the previous ones
        rr = rr_new
        norms.append(np.sqrt(rr))
        n_iters += 1
    if best is not None and not converged:
        # after a restart CG minimises the error in the A-norm, not the residual: keep whichever
        # iterate has the smaller true residual, and record that residual
        final = float(np.linalg.norm(b - apply(x)))
        norms[-1], x = (final, x) if final <= best[0] else best
    return CGResult(x=x, n_iters=n_iters, residual_norms=np.asarray(norms), converged=converged)


class KroneckerOperator:
    r"""A Kronecker-factored curvature :math:`A \otimes G` of shape ``(p m, p m)`` (K-FAC).

    For one linear layer with inputs :math:`x_n \in \mathbb{R}^p` and ``m`` outputs, the
    exact Fisher is a *mean of* Kronecker products,
    :math:`\frac1N\sum_n (x_n x_n^\top) \otimes F_{\text{out},n}`. K-FAC (Martens and Grosse,
    2015, sec. 3) replaces it by the Kronecker product *of means*,
    :math:`A \otimes G` with :math:`A = \frac1N\sum_n x_n x_n^\top` and
    :math:`G = \frac1N\sum_n F_{\text{out},n}`, because a Kronecker product is inverted factor
    by factor: :math:`(A\otimes G)^{-1} = A^{-1}\otimes G^{-1}`, a ``p``- and an ``m``-sized
    problem instead of one of size ``pm``.

    Vectors are row-major flattenings of ``(p, m)`` matrices, :math:`v = \operatorname{vec}(V)`,
    so that :math:`(A \otimes G)\, v = \operatorname{vec}(A V G)` (``numpy.kron`` ordering).

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    A : array of shape (p, p)
        Input factor, symmetric positive semi-definite.
    G : array of shape (m, m)
        Output factor, symmetric positive semi-definite.
    """

    def __init__(self, A, G):
        self.A = _check_psd("A", A)
        self.G = _check_psd("G", G)
        self.dim = self.A.shape[0] * self.G.shape[0]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.dim, self.dim)

    def _as_matrix(self, vec, name):
        vec = v.check_shape(name, v.as_float_array(name, vec), (self.dim,))
        return vec.reshape(self.A.shape[0], self.G.shape[0])

    def matvec(self, vec) -> np.ndarray:
        r""":math:`(A\otimes G)\,v = \operatorname{vec}(A V G)`, shape ``(p m,)``: :math:`O(p^2 m + p m^2)`."""
        V = self._as_matrix(vec, "vec")
        with v.quiet():
            out = (self.A @ V @ self.G).ravel()
        return v.check_result(out, "(A ⊗ G) v", "vec")

    def __matmul__(self, vec) -> np.ndarray:
        return self.matvec(vec)

    def to_dense(self) -> np.ndarray:
        """``numpy.kron(A, G)``, shape ``(p m, p m)``."""
        return np.kron(self.A, self.G)

    def solve(self, b, *, damping: float = 0.0) -> np.ndarray:
        r"""Solve with the factors: :math:`\operatorname{vec}(A_\lambda^{-1} B\, G_\lambda^{-1})`.

        With ``damping`` :math:`\lambda > 0` the factors are damped separately,
        :math:`A_\lambda = A + \pi\sqrt\lambda\, I`, :math:`G_\lambda = G + \frac{\sqrt\lambda}{\pi} I`
        with :math:`\pi^2 = \frac{\operatorname{tr}(A)/p}{\operatorname{tr}(G)/m}` ("factored
        Tikhonov damping", Martens and Grosse, 2015, sec. 6.3): :math:`A_\lambda\otimes G_\lambda
        = A\otimes G + \lambda I + (\text{cross terms})`, an approximation of
        :math:`A\otimes G + \lambda I` that keeps the Kronecker structure.
        """
        damping = _check_damping(damping)
        B = self._as_matrix(b, "b")
        A, G = self.A, self.G
        if damping:
            p, m = A.shape[0], G.shape[0]
            pi = np.sqrt((np.trace(A) / p) / (np.trace(G) / m))
            A = A + pi * np.sqrt(damping) * np.eye(p)
            G = G + np.sqrt(damping) / pi * np.eye(m)
        try:
            with v.quiet():
                left = np.linalg.solve(A, B)  # A^{-1} B
                out = np.linalg.solve(G.T, left.T).T.ravel()  # (A^{-1} B) G^{-1}
        except np.linalg.LinAlgError:
            raise ValueError("A and G must be non-singular; pass damping > 0") from None
        return v.check_result(out, "the solution", "b and damping")

    def __repr__(self) -> str:
        return f"KroneckerOperator(p={self.A.shape[0]}, m={self.G.shape[0]})"
