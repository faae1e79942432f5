"""The shared argument checks: messages name the argument and the valid range."""

import numpy as np
import pytest

from fisherlab import _validate as v


def test_positive_message():
    with pytest.raises(ValueError, match=r"^sigma must be > 0, got -1\.0$"):
        v.check_positive("sigma", -1.0)


def test_probability_vector_checks_sum_and_sign():
    v.check_probability_vector("p", [0.2, 0.8])
    with pytest.raises(ValueError, match="p must sum to 1"):
        v.check_probability_vector("p", [0.2, 0.7])
    with pytest.raises(ValueError, match="p entries must be >= 0"):
        v.check_probability_vector("p", [-0.2, 1.2])
    with pytest.raises(ValueError, match="p entries must be > 0"):
        v.check_probability_vector("p", [0.0, 1.0], strict=True)


def test_int_rejects_bools_and_floats():
    for bad in (True, 2.0, "3"):
        with pytest.raises(ValueError, match="n must be an integer"):
            v.check_int("n", bad)
    assert v.check_int("n", np.int64(4), minimum=1) == 4


def test_spd_check():
    v.check_symmetric_positive_definite("sigma", np.eye(2))
    with pytest.raises(ValueError, match="sigma must be symmetric"):
        v.check_symmetric_positive_definite("sigma", [[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="sigma must be positive definite, got smallest eigenvalue -1"):
        v.check_symmetric_positive_definite("sigma", [[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match=r"square matrix of shape \(d, d\)"):
        v.check_square("sigma", np.ones((2, 3)))


def test_shape_check():
    v.check_shape("x", np.ones((4, 2)), (None, 2))
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\), got \(4, 2\)"):
        v.check_shape("x", np.ones((4, 2)), (None, 3))
