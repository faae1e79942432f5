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
        for name, fn in (("jvp", jvp), ("output_vp", output_vp), ("vjp", vjp)):
            if not callable(fn):
                raise ValueError(f"{name} must be callable, got {type(fn).__name__}")
        self._jvp, self._output_vp, self._vjp = jvp, output_vp, vjp
        self.dim = v.check_int("dim", dim, minimum=1)
        self.scale = float(v.check_positive("scale", scale))
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
        if fisher not in _KINDS:
            raise ValueError(f"fisher must be one of {_KINDS}, got {fisher!r}")
        factors = model.curvature_factors(theta, fisher=fisher)
        return cls(factors["jvp"], factors["output_vp"], factors["vjp"], model.dim,
                   scale=factors["scale"], damping=damping)

    def with_damping(self, damping: float) -> "FisherOperator":
        """The same curvature with another damping :math:`\\lambda \\ge 0`."""
        return FisherOperator(self._jvp, self._output_vp, self._vjp, self.dim, scale=self.scale, damping=damping)

    def matvec(self, vec) -> np.ndarray:
        r""":math:`(s\,J^\top C J + \lambda I)\, v` for ``vec`` of shape ``(d,)``; shape ``(d,)``."""
        vec = v.check_shape("v", v.as_float_array("v", vec), (self.dim,))
        jv = self._jvp(vec)  # v -> J v                      (one pass over the data)
        cjv = self._output_vp(jv)  # J v -> C J v           (per output, m x m blocks)
        out = self.scale * np.asarray(self._vjp(cjv), dtype=np.float64)  # -> s Jᵀ C J v
        if out.shape != (self.dim,):
            raise ValueError(f"vjp must return shape ({self.dim},), got {out.shape}")
        if self.damping:
            out = out + self.damping * vec  # + λ v
        return out

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
        :math:`\\lVert b - (A + \\lambda I) x_k \\rVert` for :math:`k = 0, \\dots, n_iters`
        (the recursively updated residual, as in the algorithm).
    converged : bool
        Whether the last residual norm is at most ``tol * ||b||``.
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
        return lambda x: np.asarray(A.matvec(x), dtype=np.float64).reshape(d)
    if callable(A):
        def matvec(x):
            out = v.as_float_array("A(v)", A(x))
            if out.shape != (d,):
                raise ValueError(f"A(v) must return shape ({d},) like b, got {out.shape}")
            return out
        return matvec
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
        Stop once :math:`\lVert r_k\rVert \le \text{tol}\cdot\lVert b\rVert` (relative residual), > 0.
    damping : float
        :math:`\lambda \ge 0` added on the diagonal (on top of any damping inside ``A``).
    x0 : array of shape (d,), optional
        Starting point (zeros by default).

    Returns
    -------
    CGResult

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
    tol = float(v.check_positive("tol", tol))
    damping = _check_damping(damping)
    matvec = _as_matvec(A, d)

    def apply(p):
        return matvec(p) + damping * p if damping else matvec(p)

    if x0 is None:
        x = np.zeros(d)
        r = b.copy()  # r0 = b - A·0
    else:
        x = v.check_shape("x0", v.as_float_array("x0", x0), (d,)).copy()
        r = b - apply(x)
    p = r.copy()
    rr = float(r @ r)
    threshold = tol * float(np.linalg.norm(b))
    norms = [np.sqrt(rr)]
    n_iters = 0
    for k in range(cg_iters):
        if norms[-1] <= threshold:
            break
        Ap = apply(p)
        curvature = float(p @ Ap)
        if not curvature > 0:
            raise ValueError(
                "A must be positive definite (A + damping I); CG found a direction with "
                f"p^T A p = {curvature:.4g} <= 0 at iteration {k}"
            )
        alpha = rr / curvature  # exact minimiser along p of the quadratic
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p  # new direction, A-conjugate to the previous ones
        rr = rr_new
        norms.append(np.sqrt(rr))
        n_iters = k + 1
    return CGResult(x=x, n_iters=n_iters, residual_norms=np.asarray(norms), converged=bool(norms[-1] <= threshold))


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
        self.A = v.check_square("A", A)
        self.G = v.check_square("G", G)
        self.dim = self.A.shape[0] * self.G.shape[0]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.dim, self.dim)

    def _as_matrix(self, vec, name):
        vec = v.check_shape(name, v.as_float_array(name, vec), (self.dim,))
        return vec.reshape(self.A.shape[0], self.G.shape[0])

    def matvec(self, vec) -> np.ndarray:
        r""":math:`(A\otimes G)\,v = \operatorname{vec}(A V G)`, shape ``(p m,)``: :math:`O(p^2 m + p m^2)`."""
        V = self._as_matrix(vec, "v")
        return (self.A @ V @ self.G).ravel()

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
            left = np.linalg.solve(A, B)  # A^{-1} B
            return np.linalg.solve(G.T, left.T).T.ravel()  # (A^{-1} B) G^{-1}
        except np.linalg.LinAlgError:
            raise ValueError("A and G must be non-singular; pass damping > 0") from None

    def __repr__(self) -> str:
        return f"KroneckerOperator(p={self.A.shape[0]}, m={self.G.shape[0]})"
