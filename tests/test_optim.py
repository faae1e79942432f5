"""Tests of fisherlab.optim: line search, gradient descent, natural gradient descent."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.optim import LineSearchResult, backtracking_line_search


# ---- backtracking line search ------------------------------------------------------------
def test_line_search_takes_full_step_when_accepted():
    res = backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True)
    assert isinstance(res, LineSearchResult)
    assert res.accepted and res.step_fraction == 1.0 and res.n_backtracks == 0
    np.testing.assert_array_equal(res.theta, np.ones(2))


def test_line_search_returns_first_accepted_fraction():
    tried = []

    def accept(t):
        tried.append(t[0])
        return t[0] <= 0.5

    res = backtracking_line_search(np.zeros(1), np.ones(1), accept, backtrack_coeff=0.8, backtrack_iters=10)
    assert res.accepted and res.n_backtracks == 4  # 0.8**4 = 0.4096 is the first <= 0.5
    assert res.step_fraction == pytest.approx(0.8**4)
    np.testing.assert_allclose(tried, 0.8 ** np.arange(5))


def test_line_search_rejects_all():
    theta = np.array([1.0, 2.0])
    res = backtracking_line_search(theta, np.ones(2), lambda t: False, backtrack_iters=7)
    assert not res.accepted and res.step_fraction == 0.0 and res.n_backtracks == 7
    np.testing.assert_array_equal(res.theta, theta)


@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.01, 100.0))
def test_line_search_with_armijo_never_increases_loss(seed, scale):
    """On a random quadratic, with an arbitrary (even ascent) step, the accepted point never
    has a higher loss."""
    rng = np.random.default_rng(seed)
    d = 3
    M = rng.normal(size=(d, d))
    A = M @ M.T + 0.1 * np.eye(d)
    loss = lambda t: 0.5 * t @ A @ t  # noqa: E731
    theta = rng.normal(size=d)
    g = A @ theta
    step = scale * rng.normal(size=d)
    accept = lambda t: loss(t) <= loss(theta) + 1e-4 * min(g @ (t - theta), 0.0)  # noqa: E731
    res = backtracking_line_search(theta, step, accept, backtrack_coeff=0.5, backtrack_iters=30)
    assert loss(res.theta) <= loss(theta)


def test_line_search_bad_inputs():
    with pytest.raises(ValueError, match=r"backtrack_coeff must be in \(0, 1\)"):
        backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True, backtrack_coeff=1.0)
    with pytest.raises(ValueError, match="backtrack_iters must be >= 1"):
        backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True, backtrack_iters=0)
    with pytest.raises(ValueError, match=r"full_step must have shape \(2,\)"):
        backtracking_line_search(np.zeros(2), np.ones(3), lambda t: True)
    with pytest.raises(ValueError, match="accept must be callable"):
        backtracking_line_search(np.zeros(2), np.ones(2), None)
    with pytest.raises(ValueError, match=r"theta must have shape \(d,\)"):
        backtracking_line_search(np.zeros((2, 2)), np.ones(2), lambda t: True)
