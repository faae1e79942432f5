"""Argument checks shared by every fisherlab module.

Every public function validates its input here and raises a ``ValueError`` that names the
argument and its valid range, for example ``ValueError: sigma must be > 0, got -1.0``.
Nothing in fisherlab returns a silent NaN for bad input.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_positive",
    "check_open_interval",
    "check_probability",
    "check_probability_vector",
    "check_int",
    "check_generator",
    "check_shape",
    "check_square",
    "check_symmetric_positive_definite",
    "check_finite",
    "check_index_array",
]


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    flat = arr.ravel()
    if arr.size > 6:
        return f"array of shape {arr.shape}"
    return np.array2string(flat if arr.ndim == 1 else arr, precision=4)


def as_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 array, with every entry finite."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number or array of real numbers, got {value!r}") from None
    return check_finite(name, arr)


def check_finite(name: str, arr: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        bad = np.asarray(arr)[~np.isfinite(arr)].ravel()[0]
        raise ValueError(f"{name} must be finite, got {bad!r}")
    return arr


def check_positive(name: str, value) -> np.ndarray:
    """Finite and strictly positive (elementwise)."""
    arr = as_float_array(name, value)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {_show(arr[arr <= 0] if arr.ndim else arr)}")
    return arr


def check_open_interval(name: str, value, low: float, high: float) -> np.ndarray:
    """Finite and strictly inside (low, high) (elementwise)."""
    arr = as_float_array(name, value)
    bad = (arr <= low) | (arr >= high)
    if np.any(bad):
        raise ValueError(f"{name} must be in ({low:g}, {high:g}), got {_show(arr[bad] if arr.ndim else arr)}")
    return arr


def check_probability(name: str, value) -> np.ndarray:
    """A probability strictly inside (0, 1) (elementwise)."""
    return check_open_interval(name, value, 0.0, 1.0)


def check_probability_vector(name: str, value, *, atol: float = 1e-9, strict: bool = False) -> np.ndarray:
    """Non-negative entries summing to 1 along the last axis (all > 0 when ``strict``)."""
    arr = as_float_array(name, value)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a probability vector (at least 1-D), got a scalar")
    if np.any(arr < 0) or (strict and np.any(arr <= 0)):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} entries must be {bound}, got {_show(arr)}")
    sums = arr.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along its last axis, got sums {_show(sums)}")
    return arr


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (not a bool) in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_generator(name: str, rng) -> np.random.Generator:
    """Randomness enters fisherlab only through an explicit ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
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
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix of shape (d, d), got shape {arr.shape}")
    return arr


def check_symmetric_positive_definite(name: str, value, *, rtol: float = 1e-10) -> np.ndarray:
    """A symmetric positive definite matrix (checked by a Cholesky factorisation)."""
    arr = check_square(name, value)
    scale = max(1.0, float(np.max(np.abs(arr))))
    if not np.allclose(arr, arr.T, rtol=0.0, atol=rtol * scale):
        raise ValueError(f"{name} must be symmetric, got max |A - A^T| = {np.max(np.abs(arr - arr.T)):.3g}")
    try:
        np.linalg.cholesky(arr)
    except np.linalg.LinAlgError:
        eig = np.linalg.eigvalsh(arr).min()
        raise ValueError(f"{name} must be positive definite, got smallest eigenvalue {eig:.4g}") from None
    return arr


def check_index_array(name: str, value, n: int) -> np.ndarray:
    """A 1-D array of integers in ``[0, n)`` (for example states or actions of a finite MDP)."""
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integers of shape (n,), got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
            raise ValueError(f"{name} must contain integers in [0, {n - 1}], got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        bad = arr[(arr < 0) | (arr >= n)][0]
        raise ValueError(f"{name} must contain integers in [0, {n - 1}], got {bad!r}")
    return arr.astype(np.int64, copy=False)
