"""Argument checks shared by every fisherlab module.

Every public function validates its input here. A bad *value* raises a ``ValueError`` that
names the argument and its valid range, for example ``ValueError: sigma must be > 0, got -1.0``.
An argument of the wrong *kind* (a string or a complex number where a real number is expected,
``None``, a policy where a family is expected) raises :class:`ArgumentTypeError`, a
``TypeError`` that names the argument and the expected kind. Nothing in fisherlab returns a
silent NaN for bad input, and nothing is silently truncated or coerced: complex numbers, numeric
strings and fractional indices are rejected.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "ArgumentTypeError",
    "as_float_array",
    "check_scalar",
    "check_positive",
    "check_nonnegative",
    "check_open_interval",
    "check_closed_interval",
    "check_probability",
    "check_probability_vector",
    "check_int",
    "check_bool",
    "check_choice",
    "check_str",
    "check_instance",
    "check_callable",
    "check_generator",
    "check_shape",
    "check_square",
    "check_symmetric_positive_definite",
    "check_spd_stack",
    "check_finite",
    "check_index_array",
    "check_bool_array",
    "check_int_array",
    "check_policy_table",
    "check_real_array",
    "check_result",
    "quiet",
]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong kind: a ``TypeError`` that names the argument and the kind expected.

    It is also a ``ValueError``, so code written when fisherlab raised ``ValueError`` for every
    bad input keeps working (numpy's ``AxisError`` is likewise both a ``ValueError`` and an
    ``IndexError``).
    """


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    flat = arr.ravel()
    if arr.size > 6:
        return f"array of shape {arr.shape}"
    return np.array2string(flat if arr.ndim == 1 else arr, precision=4)


def _describe(value) -> str:
    """A short description of a value of the wrong kind, for messages."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return f"{type(value).__name__} {text if len(text) <= 30 else text[:27] + '...'}"
    if isinstance(value, np.ndarray):
        return f"array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, (numbers.Number, np.generic)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


def _real_elements(arr: np.ndarray) -> bool:
    """Whether an object array holds only real numbers (no bools, strings, None, complex)."""
    return all(isinstance(e, numbers.Real) and not isinstance(e, (bool, np.bool_)) for e in arr.ravel().tolist())


def as_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 array, with every entry a finite real number.

    Integers, floats and booleans (as 0 and 1) are accepted. Complex numbers (even with a zero
    imaginary part), strings (even numeric ones such as ``"2"``), ``None`` and other objects
    raise :class:`ArgumentTypeError`; NaN and infinities raise ``ValueError``.
    """
    want = f"{name} must be a real number or an array of real numbers"
    if value is None or isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{want}, got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested sequences
        raise ValueError(f"{want} (a rectangular array), got a ragged {type(value).__name__}") from None
    kind = arr.dtype.kind
    if kind == "O":
        if not _real_elements(arr):
            bad = next(e for e in arr.ravel().tolist()
                       if not isinstance(e, numbers.Real) or isinstance(e, (bool, np.bool_)))
            raise ArgumentTypeError(f"{want}, got an element {_describe(bad)}")
    elif kind == "c":
        raise ArgumentTypeError(f"{want}, got complex {_show(arr)} (take .real explicitly if that is meant)")
    elif kind not in "fiub":
        raise ArgumentTypeError(f"{want}, got {_describe(value if arr.ndim == 0 else arr)}")
    try:
        arr = np.asarray(arr, dtype=np.float64)
    except OverflowError:  # Python integers beyond the float range
        raise ValueError(f"{name} must be finite, got an integer beyond the float64 range") from None
    return check_finite(name, arr)


def check_scalar(name: str, value) -> float:
    """A finite real number (a 0-d value), as a float."""
    arr = as_float_array(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single real number, got an array of shape {arr.shape}")
    return float(arr)


def check_finite(name: str, arr: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        bad = np.asarray(arr)[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{name} must be finite, got {bad!r}")
    return arr


def _as_float(name, value, scalar):
    return np.asarray(check_scalar(name, value)) if scalar else as_float_array(name, value)


def _out(arr, scalar):
    return float(arr) if scalar else arr


def check_positive(name: str, value, *, scalar: bool = False):
    """Finite and strictly positive (elementwise); with ``scalar``, a single number, as a float."""
    arr = _as_float(name, value, scalar)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {_show(arr[arr <= 0] if arr.ndim else arr)}")
    return _out(arr, scalar)


def check_nonnegative(name: str, value, *, scalar: bool = False):
    """Finite and >= 0 (elementwise); with ``scalar``, a single number, as a float."""
    arr = _as_float(name, value, scalar)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {_show(arr[arr < 0] if arr.ndim else arr)}")
    return _out(arr, scalar)


def check_open_interval(name: str, value, low: float, high: float, *, scalar: bool = False):
    """Finite and strictly inside (low, high) (elementwise); with ``scalar``, a single number."""
    arr = _as_float(name, value, scalar)
    bad = (arr <= low) | (arr >= high)
    if np.any(bad):
        raise ValueError(f"{name} must be in ({low:g}, {high:g}), got {_show(arr[bad] if arr.ndim else arr)}")
    return _out(arr, scalar)


def check_closed_interval(name: str, value, low: float, high: float, *, scalar: bool = False):
    """Finite and inside [low, high] (elementwise); with ``scalar``, a single number."""
    arr = _as_float(name, value, scalar)
    bad = (arr < low) | (arr > high)
    if np.any(bad):
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {_show(arr[bad] if arr.ndim else arr)}")
    return _out(arr, scalar)


def check_probability(name: str, value, *, scalar: bool = False):
    """A probability strictly inside (0, 1) (elementwise); with ``scalar``, a single number."""
    return check_open_interval(name, value, 0.0, 1.0, scalar=scalar)


def check_probability_vector(name: str, value, *, atol: float = 1e-9, strict: bool = False) -> np.ndarray:
    """Non-negative entries summing to 1 along the last axis (all > 0 when ``strict``)."""
    arr = as_float_array(name, value)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must be a probability vector (at least 1-D, at least one outcome), "
                         f"got shape {arr.shape}")
    if np.any(arr < 0) or (strict and np.any(arr <= 0)):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} entries must be {bound}, got {_show(arr)}")
    sums = arr.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along its last axis, got sums {_show(sums)}")
    return arr


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (not a bool, not a float such as 2.0) in [minimum, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_bool(name: str, value) -> bool:
    """``True`` or ``False`` (a Python or numpy bool; not ``None``, 0/1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_describe(value)}")
    return bool(value)


def check_choice(name: str, value, choices) -> str:
    """One of the strings ``choices``."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one of {tuple(choices)}, got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_str(name: str, value) -> str:
    """A string."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string, got {_describe(value)}")
    return value


def check_instance(name: str, value, cls, kind: str):
    """``value`` is an instance of ``cls`` (a class or tuple); ``kind`` says what in the message,
    e.g. ``"a fisherlab Family (e.g. fisherlab.NormalMean())"``."""
    if not isinstance(value, cls):
        raise ArgumentTypeError(f"{name} must be {kind}, got {_describe(value)}")
    return value


def check_callable(name: str, value, signature: str = ""):
    """A callable; ``signature`` describes it in the message, e.g. ``"v -> A v"``."""
    if not callable(value):
        what = f" {signature}" if signature else ""
        raise ArgumentTypeError(f"{name} must be callable{what}, got {_describe(value)}")
    return value


def check_generator(name: str, rng) -> np.random.Generator:
    """Randomness enters fisherlab only through an explicit ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError(
            f"{name} must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    return rng


def check_shape(name: str, arr: np.ndarray, shape: tuple) -> np.ndarray:
    """``arr.shape`` equals ``shape``; ``None`` in ``shape`` matches any length."""
    arr = np.asarray(arr)
    ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
    if not ok:
        want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    return arr


def check_square(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix of shape (d, d) with d >= 1, got shape {arr.shape}")
    return arr


def check_symmetric_positive_definite(name: str, value, *, rtol: float = 1e-10) -> np.ndarray:
    """A symmetric positive definite matrix (checked by a Cholesky factorisation)."""
    arr = check_square(name, value)
    return check_spd_stack(name, arr, rtol=rtol)


def check_spd_stack(name: str, value, *, rtol: float = 1e-10) -> np.ndarray:
    """One or more symmetric positive definite matrices, shape ``(..., k, k)`` with ``k >= 1``.

    Symmetry is checked to ``rtol`` times the largest entry of each matrix; definiteness by a
    Cholesky factorisation.
    """
    arr = as_float_array(name, value)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2] or arr.shape[-1] == 0:
        raise ValueError(f"{name} must be a square matrix of shape (d, d) (or a stack (..., d, d)) "
                         f"with d >= 1, got shape {arr.shape}")
    scale = np.maximum(1.0, np.max(np.abs(arr), axis=(-2, -1), keepdims=True))
    asym = np.abs(arr - np.swapaxes(arr, -1, -2))
    if np.any(asym > rtol * scale):
        raise ValueError(f"{name} must be symmetric, got max |A - A^T| = {np.max(asym):.3g}")
    try:
        np.linalg.cholesky(arr)
    except np.linalg.LinAlgError:
        eig = np.linalg.eigvalsh(arr).min()
        raise ValueError(f"{name} must be positive definite, got smallest eigenvalue {eig:.4g}") from None
    return arr


def check_index_array(name: str, value, n: int) -> np.ndarray:
    """A 1-D array of integers in ``[0, n)`` (for example states or actions of a finite MDP).

    Floats are accepted only when they hold whole numbers (``2.0``); ``0.7`` is an error, never
    truncated. Booleans, strings and complex numbers are of the wrong kind.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be a 1-D array of integers in [0, {n - 1}], got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a 1-D array of integers in [0, {n - 1}], got a ragged sequence") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integers of shape (n,), got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O" and _real_elements(arr):
            arr = np.asarray(arr.tolist(), dtype=np.float64)
        else:
            raise ArgumentTypeError(f"{name} must contain integers in [0, {n - 1}], got dtype {arr.dtype}")
    if arr.size and arr.dtype.kind == "f":
        whole = np.isfinite(arr) & (arr == np.round(arr))
        if not np.all(whole):
            raise ValueError(f"{name} must contain integers in [0, {n - 1}], got {arr[~whole][0]!r}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        bad = arr[(arr < 0) | (arr >= n)][0]
        raise ValueError(f"{name} must contain integers in [0, {n - 1}], got {bad!r}")
    return arr.astype(np.int64, copy=False)


def check_bool_array(name: str, value) -> np.ndarray:
    """An array of booleans; 0 and 1 (integers or floats) are accepted as False and True, anything
    else (0.5, NaN, strings) is an error rather than a truthy value."""
    if value is None or isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be an array of booleans, got {_describe(value)}")
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind not in "iuf":
        raise ArgumentTypeError(f"{name} must be an array of booleans, got dtype {arr.dtype}")
    ok = (arr == 0) | (arr == 1)
    if not np.all(ok):
        raise ValueError(f"{name} must contain only booleans (or 0 and 1), got {arr[~ok].ravel()[0]!r}")
    return arr.astype(bool)


def check_int_array(name: str, value, *, minimum: int | None = None, maximum: int | None = None,
                    max_ndim: int | None = None) -> np.ndarray:
    """An integer or an array of integers in [minimum, maximum], as int64.

    Floats are accepted only when they hold whole numbers (``2.0``); ``0.5`` is an error, never
    truncated. Booleans, strings, complex numbers and ``None`` are of the wrong kind; NaN and
    infinities are errors. ``max_ndim`` bounds the number of axes (``1``: a number or a 1-D array).
    """
    if minimum is not None and maximum is not None:
        want = f"{name} must be integers in [{minimum}, {maximum}]"
    elif minimum is not None or maximum is not None:
        want = f"{name} must be integers {'>= ' + str(minimum) if minimum is not None else '<= ' + str(maximum)}"
    else:
        want = f"{name} must be integers"
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, np.ndarray) and value.dtype.kind == "b"):
        raise ArgumentTypeError(f"{want}, got {_describe(value)}")
    arr = as_float_array(name, value)  # kinds, NaN and infinities
    raw = np.asarray(value)
    if raw.dtype.kind == "b" or (raw.dtype.kind == "O" and any(isinstance(e, (bool, np.bool_))
                                                                 for e in raw.ravel().tolist())):
        raise ArgumentTypeError(f"{want}, got booleans")
    if max_ndim is not None and arr.ndim > max_ndim:
        raise ValueError(f"{name} must have at most {max_ndim} axes, got shape {arr.shape}")
    whole = arr == np.round(arr)
    if not np.all(whole):
        raise ValueError(f"{want}, got {float(arr[~whole].ravel()[0])!r}")
    if (minimum is not None and np.any(arr < minimum)) or (maximum is not None and np.any(arr > maximum)):
        bad = arr[((arr < minimum) if minimum is not None else False) | ((arr > maximum) if maximum is not None else False)]
        raise ValueError(f"{want}, got {bad.ravel()[0]:g}")
    if np.any(np.abs(arr) > 2.0**62):
        raise ValueError(f"{want} of at most 2**62 in size, got {arr[np.abs(arr) > 2.0**62].ravel()[0]:g}")
    return arr.astype(np.int64)


def check_policy_table(name: str, value, n_states: int, n_actions: int) -> np.ndarray:
    """A policy table of shape ``(n_states, n_actions)`` whose rows are probability vectors."""
    arr = check_shape(name, as_float_array(name, value), (n_states, n_actions))
    return check_probability_vector(name, arr)


def check_real_array(name: str, value, *, nan: bool = False, posinf: bool = False, neginf: bool = False,
                     what: str = "") -> np.ndarray:
    """Like :func:`as_float_array`, but NaN, ``+inf`` or ``-inf`` may be allowed where they carry a
    meaning (a diverged run, a value not measured); ``what`` says which in the messages."""
    if value is None or isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be a real number or an array of real numbers, got {_describe(value)}")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a rectangular array of real numbers, got a ragged "
                         f"{type(value).__name__}") from None
    if raw.dtype.kind == "O" and _real_elements(raw):
        raw = np.asarray(raw.tolist(), dtype=np.float64)
    if raw.dtype.kind not in "fiub":
        raise ArgumentTypeError(f"{name} must be a real number or an array of real numbers, got "
                                f"{_describe(value if raw.ndim == 0 else raw)}")
    arr = np.asarray(raw, dtype=np.float64)
    bad = (np.isnan(arr) & (not nan)) | ((arr == np.inf) & (not posinf)) | ((arr == -np.inf) & (not neginf))
    if np.any(bad):
        allowed = [w for w, ok in (("NaN", nan), ("+inf", posinf), ("-inf", neginf)) if ok]
        extra = f" (or {', '.join(allowed)}{': ' + what if what else ''})" if allowed else ""
        raise ValueError(f"{name} must be finite{extra}, got {float(arr[bad].ravel()[0])!r}")
    return arr


def quiet():
    """``numpy.errstate`` that silences overflow, invalid and divide warnings, for a computation
    whose result :func:`check_result` then checks (a clear error instead of a warning and a NaN)."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def check_result(value, what: str, names: str):
    """A result computed from validated, finite input must be finite too.

    It is not when the input is too large for float64 arithmetic (a squared 1e200 overflows), and
    then the arguments ``names`` (for example ``"theta and x"``) are reported instead of a NaN or
    an infinity being returned.
    """
    arr = np.asarray(value)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{names} must be of a size that float64 can handle: {what} came out as {bad!r} "
                         "(an intermediate result overflowed); rescale them")
    return value
