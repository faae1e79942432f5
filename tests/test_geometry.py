"""The Fisher-Rao distance and geodesics of the normal family (fisherlab.geometry)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab import divergences as D
from fisherlab import geometry as G

NORMAL = fl.NormalMeanScale()


def _length(path):
    mid, d = 0.5 * (path[1:] + path[:-1]), np.diff(path, axis=0)
    return np.sum(np.sqrt(np.einsum("ni,nij,nj->n", d, NORMAL.fisher_exact(mid), d)))


point = st.tuples(st.floats(-3, 3), st.floats(0.2, 3.0))


@given(point, point)
def test_geodesic_length_is_the_distance_and_no_longer_than_a_segment(a, b):
    a, b = np.array(a), np.array(b)
    d = float(G.normal_fisher_rao_distance(a, b))
    geo = G.normal_geodesic(a, b, 3001)
    np.testing.assert_allclose(geo[[0, -1]], [a, b])
    if d > 1e-3:
        assert _length(geo) == pytest.approx(d, rel=1e-4)
        assert _length(np.linspace(a, b, 3001)) >= d * (1 - 1e-4)


def test_distance_is_symmetric_zero_on_the_diagonal_and_local_fisher():
    a, b = np.array([0.3, 1.2]), np.array([-1.0, 0.4])
    assert G.normal_fisher_rao_distance(a, b) == pytest.approx(G.normal_fisher_rao_distance(b, a), rel=1e-14)
    assert G.normal_fisher_rao_distance(a, a) == 0.0
    delta = np.array([1e-5, -2e-5])
    local = np.sqrt(delta @ NORMAL.fisher_exact(a) @ delta)
    assert G.normal_fisher_rao_distance(a, a + delta) == pytest.approx(local, rel=1e-4)
    # KL = d^2 / 2 to second order
    assert D.kl(NORMAL, a, a + delta) == pytest.approx(0.5 * local**2, rel=1e-4)
    # the vertical geodesic moves log sigma at constant speed
    geo = G.normal_geodesic([0.0, 1.0], [0.0, 8.0], 4)
    np.testing.assert_allclose(geo[:, 1], [1.0, 2.0, 4.0, 8.0])
    # a known value: same sigma = 1, means 0 and 2: sqrt2 arccosh(1 + 1) (u = mu / sqrt2)
    assert G.normal_fisher_rao_distance([0.0, 1.0], [2.0, 1.0]) == pytest.approx(np.sqrt(2) * np.arccosh(2.0))
    # points along a constant-speed geodesic are equally spaced in distance
    geo = G.normal_geodesic([-2.0, 1.0], [2.0, 0.5], 5)
    steps = G.normal_fisher_rao_distance(geo[:-1], geo[1:])
    np.testing.assert_allclose(steps, steps[0], rtol=1e-10)


@pytest.mark.parametrize(("args", "match"), [
    (([0.0, -1.0], [0.0, 1.0]), r"sigma = theta_a\[..., 1\] > 0"),
    (([0.0], [0.0, 1.0]), r"theta_a must have shape \(..., 2\)"),
    (([0.0, 1.0], [np.inf, 1.0]), "theta_b must be finite"),
])
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        G.normal_fisher_rao_distance(*args)
    with pytest.raises(ValueError, match=match):
        G.normal_geodesic(*args)
    with pytest.raises(ValueError, match="n_points must be"):
        G.normal_geodesic([0.0, 1.0], [1.0, 1.0], 1)
