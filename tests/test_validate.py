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


def test_real_numbers_only():
    """Complex numbers (even with a zero imaginary part) and strings (even numeric ones) are of the
    wrong kind; integers, floats, booleans and objects holding real numbers are fine."""
    for bad in ("2", b"2", ["1", "2"], 1 + 0j, np.array([1.0 + 0j]), None, object(), [1.0, None]):
        with pytest.raises(TypeError, match="x must be a real number"):
            v.as_float_array("x", bad)
    np.testing.assert_array_equal(v.as_float_array("x", [1, 2.5, True]), [1.0, 2.5, 1.0])
    assert v.as_float_array("x", np.array([1, 2], dtype=object)).dtype == np.float64
    with pytest.raises(ValueError, match="x must be finite"):
        v.as_float_array("x", [1.0, np.inf])
    with pytest.raises(ValueError, match="x must be finite"):
        v.as_float_array("x", 10**400)
    with pytest.raises(ValueError, match="rectangular"):
        v.as_float_array("x", [[1.0], [1.0, 2.0]])


def test_wrong_kinds_are_type_errors_that_are_also_value_errors():
    err = v.ArgumentTypeError("x")
    assert isinstance(err, TypeError) and isinstance(err, ValueError)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        v.check_generator("rng", 0)
    with pytest.raises(TypeError, match=r"f must be callable v -> A v, got int"):
        v.check_callable("f", 3, "v -> A v")
    with pytest.raises(TypeError, match="family must be a Family, got str"):
        v.check_instance("family", "x", int, "a Family")
    for bad in (None, "yes", 1, 0.0):
        with pytest.raises(TypeError, match="flag must be True or False"):
            v.check_bool("flag", bad)
    assert v.check_bool("flag", np.bool_(True)) is True
    with pytest.raises(TypeError, match=r"method must be one of \('a', 'b'\)"):
        v.check_choice("method", 3, ("a", "b"))
    with pytest.raises(ValueError, match=r"method must be one of \('a', 'b'\), got 'c'"):
        v.check_choice("method", "c", ("a", "b"))


def test_scalars_and_intervals():
    assert v.check_positive("s", 2, scalar=True) == 2.0
    with pytest.raises(ValueError, match="s must be a single real number"):
        v.check_positive("s", [1.0, 2.0], scalar=True)
    with pytest.raises(ValueError, match=r"lam must be in \[0, 1\], got 1\.5"):
        v.check_closed_interval("lam", 1.5, 0.0, 1.0)
    assert v.check_closed_interval("lam", 1.0, 0.0, 1.0, scalar=True) == 1.0
    with pytest.raises(ValueError, match="d must be >= 0"):
        v.check_nonnegative("d", -1e-300)


def test_index_and_boolean_arrays_are_never_truncated():
    np.testing.assert_array_equal(v.check_index_array("a", [0.0, 2.0], 3), [0, 2])
    for bad in ([0.7], [np.nan], [-1], [3]):
        with pytest.raises(ValueError, match=r"a must contain integers in \[0, 2\]"):
            v.check_index_array("a", bad, 3)
    for bad in (["0"], [True], [1 + 0j]):
        with pytest.raises(TypeError, match="a must contain integers"):
            v.check_index_array("a", bad, 3)
    np.testing.assert_array_equal(v.check_bool_array("t", [0, 1.0, True]), [False, True, True])
    for bad in ([0.5], [np.nan], [2]):
        with pytest.raises(ValueError, match="t must contain only booleans"):
            v.check_bool_array("t", bad)
    with pytest.raises(TypeError, match="t must be an array of booleans"):
        v.check_bool_array("t", ["no"])


def test_results_must_be_finite():
    assert v.check_result(np.ones(2), "y", "x") is not None
    with pytest.raises(ValueError, match="x must be of a size that float64 can handle: y came out as"):
        v.check_result(np.array([1.0, np.inf]), "y", "x")


def test_spd_stacks():
    v.check_spd_stack("S", np.stack([np.eye(2), 2 * np.eye(2)]))
    with pytest.raises(ValueError, match="S must be symmetric"):
        v.check_spd_stack("S", np.stack([np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]))
    with pytest.raises(ValueError, match="S must be positive definite"):
        v.check_spd_stack("S", np.stack([np.eye(2), -np.eye(2)]))
    with pytest.raises(ValueError, match=r"S must be a square matrix"):
        v.check_spd_stack("S", np.ones(3))
