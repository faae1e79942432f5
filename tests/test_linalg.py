"""Tests of fisherlab.linalg: the matrix-free Fisher operator and conjugate gradient."""

import numpy as np
import pytest
import scipy.sparse.linalg as spla
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.linalg import CGResult, FisherOperator, cg


def _spd(rng, d, cond=10.0):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eig = np.geomspace(1.0, cond, d)
    return (q * eig) @ q.T


def _linear_operator(rng, n=7, d=4, m=2, damping=0.0):
    """F = (1/n) sum_n J_n^T C_n J_n with random J_n and SPD C_n, and its dense twin."""
    J = rng.normal(size=(n, m, d))
    B = rng.normal(size=(n, m, m))
    C = B @ np.swapaxes(B, 1, 2) + 0.1 * np.eye(m)
    op = FisherOperator(
        lambda v: np.einsum("nmd,d->nm", J, v),
        lambda u: np.einsum("nab,nb->na", C, u),
        lambda u: np.einsum("nmd,nm->d", J, u),
        dim=d, scale=1.0 / n, damping=damping,
    )
    dense = np.einsum("nad,nab,nbe->de", J, C, J) / n + damping * np.eye(d)
    return op, dense


# ---- the operator ------------------------------------------------------------------------
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6), m=st.integers(1, 3),
       damping=st.floats(0.0, 10.0))
def test_operator_matches_dense_twin(seed, d, m, damping):
    rng = np.random.default_rng(seed)
    op, dense = _linear_operator(rng, d=d, m=m, damping=damping)
    vec = rng.normal(size=d)
    np.testing.assert_allclose(op @ vec, dense @ vec, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(op.to_dense(), dense, rtol=1e-12, atol=1e-12)


def test_operator_is_symmetric_psd_and_linear(rng):
    op, _ = _linear_operator(rng, d=5)
    dense = op.to_dense()
    np.testing.assert_allclose(dense, dense.T, atol=1e-14)
    assert np.linalg.eigvalsh(dense).min() > -1e-12
    a, b = rng.normal(size=5), rng.normal(size=5)
    np.testing.assert_allclose(op @ (2 * a + 3 * b), 2 * (op @ a) + 3 * (op @ b), rtol=1e-12)


def test_damping_adds_identity(rng):
    op, dense = _linear_operator(rng, d=4)
    np.testing.assert_allclose(op.with_damping(0.7).to_dense(), dense + 0.7 * np.eye(4), atol=1e-13)
    assert op.with_damping(0.7).damping == 0.7 and op.damping == 0.0


def test_matmat_and_scipy_interop(rng):
    op, dense = _linear_operator(rng, d=4)
    V = rng.normal(size=(4, 3))
    np.testing.assert_allclose(op @ V, dense @ V, rtol=1e-12)
    lin = op.aslinearoperator()
    assert isinstance(lin, spla.LinearOperator) and lin.shape == (4, 4)
    vec = rng.normal(size=4)
    np.testing.assert_allclose(lin @ vec, dense @ vec, rtol=1e-12)
    np.testing.assert_allclose(lin.rmatvec(vec), dense @ vec, rtol=1e-12)
    x, info = spla.cg(lin, vec, rtol=1e-12, maxiter=100)
    assert info == 0
    np.testing.assert_allclose(x, np.linalg.solve(dense, vec), rtol=1e-8)


def test_operator_bad_inputs(rng):
    op, _ = _linear_operator(rng, d=4)
    with pytest.raises(ValueError, match="damping must be a float >= 0"):
        op.with_damping(-1.0)
    with pytest.raises(ValueError, match=r"vec must have shape \(4,\)"):
        op @ np.ones(3)
    with pytest.raises(ValueError, match="vec must be finite"):
        op @ np.array([1.0, np.nan, 0, 0])
    with pytest.raises(ValueError, match="dim must be >= 1"):
        FisherOperator(lambda v: v, lambda u: u, lambda u: u, dim=0)
    with pytest.raises(ValueError, match="jvp must be callable"):
        FisherOperator(None, lambda u: u, lambda u: u, dim=2)
    with pytest.raises(ValueError, match="scale must be > 0"):
        FisherOperator(lambda v: v, lambda u: u, lambda u: u, dim=2, scale=0.0)
    bad = FisherOperator(lambda v: v, lambda u: u, lambda u: u[:1], dim=2)
    with pytest.raises(ValueError, match=r"vjp must return shape \(2,\)"):
        bad @ np.ones(2)


# ---- conjugate gradient ------------------------------------------------------------------
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 12), log_cond=st.floats(0.0, 4.0))
def test_cg_solves_random_spd_systems(seed, d, log_cond):
    rng = np.random.default_rng(seed)
    A = _spd(rng, d, cond=10.0**log_cond)
    b = rng.normal(size=d)
    res = cg(A, b, cg_iters=10 * d, tol=1e-12)
    assert isinstance(res, CGResult) and res.converged
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-7, atol=1e-7 * np.linalg.norm(b))
    assert res.residual_norms.shape == (res.n_iters + 1,)
    assert res.residual_norms[0] == pytest.approx(np.linalg.norm(b))


def test_cg_matches_scipy_iterate_by_iterate(rng):
    """Ours and SciPy's CG agree after each number of iterations k (same Krylov iterates)."""
    d = 30
    A = _spd(rng, d, cond=1e3)
    b = rng.normal(size=d)
    for k in (1, 3, 10, 25):
        ours = cg(A, b, cg_iters=k, tol=1e-300).x
        theirs, _ = spla.cg(A, b, rtol=1e-300, atol=0.0, maxiter=k)
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)


def test_cg_exact_in_d_iterations_and_residuals_are_true(rng):
    d = 8
    A = _spd(rng, d, cond=50.0)
    b = rng.normal(size=d)
    res = cg(A, b, cg_iters=d, tol=1e-300)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-9)
    # the recursive residual of the last iterate is the true residual (up to rounding)
    assert res.residual_norms[-1] < 1e-8 * np.linalg.norm(b)
    part = cg(A, b, cg_iters=3, tol=1e-300)
    assert part.residual_norms[-1] == pytest.approx(np.linalg.norm(b - A @ part.x), rel=1e-8)
    # A-norm error decreases monotonically (Nocedal & Wright, Theorem 5.2 / 5.3)
    x_star = np.linalg.solve(A, b)
    errs = [(cg(A, b, cg_iters=k, tol=1e-300).x - x_star) for k in range(1, d + 1)]
    anorm = [float(e @ A @ e) for e in errs]
    assert all(a1 <= a0 + 1e-12 for a0, a1 in zip(anorm, anorm[1:]))


def test_cg_accepts_every_kind_of_A(rng):
    op, dense = _linear_operator(rng, d=5)
    b = rng.normal(size=5)
    want = np.linalg.solve(dense + 0.3 * np.eye(5), b)
    for A in (dense, op, op.aslinearoperator(), lambda x: dense @ x):
        res = cg(A, b, cg_iters=50, damping=0.3)
        np.testing.assert_allclose(res.x, want, rtol=1e-8)
    res = cg(op.with_damping(0.3), b, cg_iters=50)
    np.testing.assert_allclose(res.x, want, rtol=1e-8)


def test_cg_damping_reduces_iterations(rng):
    d = 60
    A = _spd(rng, d, cond=1e5)
    b = rng.normal(size=d)
    n_plain = cg(A, b, cg_iters=500, tol=1e-8).n_iters
    n_damped = cg(A, b, cg_iters=500, tol=1e-8, damping=1.0).n_iters
    assert n_damped < n_plain


def test_cg_x0_and_zero_rhs(rng):
    A = _spd(rng, 4)
    b = rng.normal(size=4)
    x_star = np.linalg.solve(A, b)
    res = cg(A, b, x0=x_star, cg_iters=5, tol=1e-8)
    assert res.n_iters == 0 and res.converged
    res = cg(A, np.zeros(4))
    assert res.n_iters == 0 and res.converged and np.all(res.x == 0)


def test_cg_bad_inputs(rng):
    A = _spd(rng, 3)
    b = np.ones(3)
    with pytest.raises(ValueError, match="A must be positive definite"):
        cg(-A, b)
    with pytest.raises(ValueError, match="A must be positive definite"):
        cg(np.diag([1.0, -1.0, 1.0]), np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match="damping must be a float >= 0"):
        cg(A, b, damping=-0.1)
    with pytest.raises(ValueError, match="cg_iters must be >= 1"):
        cg(A, b, cg_iters=0)
    with pytest.raises(ValueError, match="cg_iters must be an integer"):
        cg(A, b, cg_iters=2.5)
    with pytest.raises(ValueError, match="tol must be > 0"):
        cg(A, b, tol=0.0)
    with pytest.raises(ValueError, match=r"A must have shape \(4, 4\)"):
        cg(A, np.ones(4))
    with pytest.raises(ValueError, match="A must be a square matrix"):
        cg(np.ones((3, 2)), b)
    with pytest.raises(ValueError, match=r"b must have shape \(d,\)"):
        cg(A, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"A\(v\) must return shape \(3,\)"):
        cg(lambda x: x[:2], b)
    with pytest.raises(ValueError, match=r"x0 must have shape \(3,\)"):
        cg(A, b, x0=np.ones(2))
    op, _ = _linear_operator(rng, d=5)
    with pytest.raises(ValueError, match=r"A must have shape \(3, 3\)"):
        cg(op, b)
    with pytest.raises(ValueError, match=r"A must have shape \(3, 3\)"):
        cg(op.aslinearoperator(), b)


# ---- Kronecker-factored curvature --------------------------------------------------------
@given(seed=st.integers(0, 2**32 - 1), p=st.integers(1, 5), m=st.integers(1, 3))
def test_kronecker_operator_matches_kron(seed, p, m):
    rng = np.random.default_rng(seed)
    A, G = _spd(rng, p, 5.0), _spd(rng, m, 3.0)
    op = fl.linalg.KroneckerOperator(A, G)
    vec = rng.normal(size=p * m)
    np.testing.assert_allclose(op @ vec, np.kron(A, G) @ vec, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(op.to_dense(), np.kron(A, G))
    np.testing.assert_allclose(op.solve(vec), np.linalg.solve(np.kron(A, G), vec), rtol=1e-9, atol=1e-12)
    # factored damping: the solve is with the Kronecker product of the damped factors
    lam = 0.3
    pi = np.sqrt((np.trace(A) / p) / (np.trace(G) / m))
    damped = np.kron(A + pi * np.sqrt(lam) * np.eye(p), G + np.sqrt(lam) / pi * np.eye(m))
    np.testing.assert_allclose(op.solve(vec, damping=lam), np.linalg.solve(damped, vec), rtol=1e-9, atol=1e-12)


def test_kronecker_operator_bad_inputs(rng):
    op = fl.linalg.KroneckerOperator(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match=r"vec must have shape \(6,\)"):
        op @ np.ones(5)
    with pytest.raises(ValueError, match="A must be a square matrix"):
        fl.linalg.KroneckerOperator(np.ones((2, 3)), np.eye(2))
    with pytest.raises(ValueError, match="damping must be a float >= 0"):
        op.solve(np.ones(6), damping=-1.0)
    with pytest.raises(ValueError, match="pass damping > 0"):
        fl.linalg.KroneckerOperator(np.zeros((2, 2)), np.eye(3)).solve(np.ones(6))


def test_cg_singular_psd_needs_damping():
    """A direction in the null space of a PSD matrix has zero curvature: CG refuses, damping fixes it."""
    A = np.diag([1.0, 0.0])
    b = np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="A must be positive definite"):
        cg(A, b)
    res = cg(A, b, damping=0.5, cg_iters=5)
    np.testing.assert_allclose(res.x, [0.0, 2.0])


def test_fisher_operator_from_model_rejects_unknown_curvature(rng):
    from fisherlab.models import GaussianMLE

    model = GaussianMLE(rng.normal(size=10))
    with pytest.raises(ValueError, match="fisher must be one of"):
        fl.linalg.fisher_operator(model, [0.0, 1.0], fisher="observed")
    with pytest.raises(ValueError, match="damping must be a float >= 0"):
        fl.linalg.fisher_operator(model, [0.0, 1.0], damping=-1.0)
