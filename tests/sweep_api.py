"""The bad-input sweep over fisherlab's public API: the machinery (kinds of argument, the bad
values of each kind, the runner) and the enumeration of the public API.

The table of valid calls lives in ``sweep_cases.py``; the tests in ``test_api_sweep_*.py``;
``scripts/api_sweep_report.py`` prints the counts.

Each public callable (function, class constructor, public method of a public class) has a
*valid call*: a factory that returns the callable and keyword arguments that work. Each argument
has a *kind* (a real array, a positive number, an integer >= 1, a generator, a family, ...). The
sweep replaces one argument at a time by the bad values of its kind and requires a ``ValueError``
or ``TypeError`` whose message names the argument (for a wrong kind of object: a ``TypeError``
that also says what was expected, "... must be ..."). Besides the values that must be rejected,
real arguments get a huge value (1e308): it may be accepted, but then the result must be free of
NaN (and no RuntimeWarning may escape from fisherlab: the test configuration turns them into
errors, and the sweep does so for every warning category numpy uses).

A public callable that is in neither the table of valid calls nor one of the explicit lists
(``EXEMPT`` with a reason, ``LATER`` for the modules being rewritten elsewhere) fails
``test_public_api_is_fully_listed``: a new public function cannot escape the sweep.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
import warnings
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Callable

import numpy as np

NAN, INF = float("nan"), float("inf")
BIG = 1e308


# ---- kinds of argument ------------------------------------------------------------------------
@dataclass(frozen=True)
class Arg:
    """How one argument is swept.

    kind: 'real', 'pos' (> 0), 'nonneg' (>= 0), 'prob' (in (0, 1)), 'unit' (in [0, 1]),
    'int', 'rng', 'obj', 'callable', 'choice', 'bool', 'str', 'index', 'probvec', 'spd',
    'boolarray', 'skip'.
    shape: 'free' (any shape broadcasts), 'fixed' (exactly the valid value's shape), 'last'
    (the last axis is fixed, leading axes broadcast), 'scalar'.
    """

    kind: str
    shape: str = "free"
    lo: int | None = None  # 'int': the minimum
    n: int | None = None  # 'index': values in [0, n)
    expect: str = ""  # 'obj': what the message should say is expected (a substring)
    optional: bool = False  # None is a valid value (not probed)
    big: bool = True  # probe 1e308 (real kinds)
    extra: tuple = ()  # further (label, value) pairs that must be rejected
    wrong: object = None  # 'obj': an object of another fisherlab kind (a policy for a family, ...)
    why: str = ""  # 'skip': the reason

    def probes(self, valid):
        """``(label, value, must_reject, kind_probe)`` for this argument, given its valid value;
        ``kind_probe`` marks the generic bad values of the kind (as opposed to the ``extra`` ones)."""
        return list(_probes(self, valid))


def real(shape="free", **kw):
    return Arg("real", shape=shape, **kw)


def pos(shape="free", **kw):
    return Arg("pos", shape=shape, **kw)


def nonneg(shape="free", **kw):
    return Arg("nonneg", shape=shape, **kw)


def prob(shape="free", **kw):
    return Arg("prob", shape=shape, **kw)


def unit(shape="free", **kw):
    return Arg("unit", shape=shape, **kw)


def integer(lo=None, **kw):
    return Arg("int", lo=lo, **kw)


def obj(expect, **kw):
    return Arg("obj", expect=expect, **kw)


def index(n, **kw):
    return Arg("index", n=n, **kw)


def skip(why):
    return Arg("skip", why=why)


def custom(*extra, **kw):
    """Only the listed bad values (label, value), all of which must be rejected."""
    return Arg("custom", extra=tuple(extra), **kw)


RNG = Arg("rng")
CALLABLE = Arg("callable")
CHOICE = Arg("choice")
BOOL = Arg("bool")
STR = Arg("str")
PROBVEC = Arg("probvec", shape="fixed")
SPD = Arg("spd")
BOOLARRAY = Arg("boolarray", shape="fixed")


class _Junk:
    """An object of no use to fisherlab."""


def _entry(valid, x):
    """``valid`` with its first entry replaced by ``x`` (``x`` itself for a scalar)."""
    arr = np.array(valid, dtype=float)
    if arr.ndim == 0:
        return x
    arr = arr.copy()
    arr.flat[0] = x
    return arr


def _shape_probes(valid):
    arr = np.asarray(valid, dtype=float)
    if arr.ndim == 0:
        yield "shape (2,) for a scalar", np.array([float(arr), float(arr)]), True
        return
    longer = np.concatenate([arr, arr[..., -1:]], axis=-1)
    yield f"shape {longer.shape} (last axis one longer)", longer, True
    yield f"shape {arr.shape + (1,)} (extra axis)", arr[..., None], True
    yield "empty array", np.zeros((0,) + arr.shape[1:]), True
    if arr.ndim >= 1:
        yield f"shape {arr.shape[:-1]} (last axis dropped)", arr[..., 0], True


def _numeric_kind_probes(a: Arg, valid):
    if not a.optional:
        yield "None", None, True
    yield "NaN", _entry(valid, NAN), True
    yield "+inf", _entry(valid, INF), True
    yield "-inf", _entry(valid, -INF), True
    arr = np.asarray(valid, dtype=float)
    yield "complex", (complex(arr) + 0.5j) if arr.ndim == 0 else arr + 0.5j, True
    yield "complex, zero imaginary part", (complex(arr) + 0j) if arr.ndim == 0 else arr.astype(complex), True
    yield "numeric string", (repr(float(arr)) if arr.ndim == 0 else arr.astype(str)), True
    yield "text", "abc", True
    yield "object", _Junk(), True
    if a.kind == "pos":
        yield "0", _entry(valid, 0.0), True
        yield "-1", _entry(valid, -1.0), True
    elif a.kind == "nonneg":
        yield "-1", _entry(valid, -1.0), True
    elif a.kind == "prob":
        for x in (0.0, 1.0, -0.1, 1.5):
            yield repr(x), _entry(valid, x), True
    elif a.kind == "unit":
        for x in (-0.1, 1.5):
            yield repr(x), _entry(valid, x), True
    if a.shape == "fixed":
        yield from _shape_probes(valid)
    elif a.shape == "scalar":
        yield "an array for a scalar", np.array([float(arr), float(arr)]), True
    elif a.shape == "last":  # (..., d): the last axis is fixed, leading axes broadcast
        longer = np.concatenate([arr, arr[..., -1:]], axis=-1)
        yield f"shape {longer.shape} (last axis one longer)", longer, True
        yield f"shape {arr.shape[:-1]} (last axis dropped)", arr[..., 0], True
    if a.big and a.kind in ("real", "pos", "nonneg"):
        yield "1e308", _entry(valid, BIG), False
        if a.kind == "real":
            yield "-1e308", _entry(valid, -BIG), False


def _probes(a: Arg, valid):
    for label, value, must in _kind_probes(a, valid):
        yield label, value, must, True
    for label, value in a.extra:
        yield label, value, True, False


def _kind_probes(a: Arg, valid):
    k = a.kind
    if k in ("real", "pos", "nonneg", "prob", "unit"):
        yield from _numeric_kind_probes(a, valid)
    elif k == "int":
        if not a.optional:
            yield "None", None, True
        if a.lo is not None:
            yield f"{a.lo - 1} (below {a.lo})", a.lo - 1, True
        yield "2.5", 2.5, True
        yield "float 2.0", 2.0, True
        yield "string '3'", "3", True
        yield "True", True, True
        yield "complex", 3 + 0j, True
        yield "NaN", NAN, True
    elif k == "rng":
        for label, x in (("None", None), ("int seed", 0), ("string", "rng"),
                         ("RandomState", np.random.RandomState(0))):
            yield label, x, True
    elif k == "obj":
        if not a.optional:
            yield "None", None, True
        for label, x in (("string", "x"), ("int", 3), ("object", _Junk())):
            yield label, x, True
        if a.wrong is not None:
            yield f"a {type(a.wrong).__name__}", a.wrong, True
    elif k == "callable":
        for label, x in (("None", None), ("int", 3), ("string", "f")):
            if label == "None" and a.optional:
                continue
            yield label, x, True
    elif k == "choice":
        for label, x in (("unknown string", "nope"), ("int", 3), ("None", None)):
            if label == "None" and a.optional:
                continue
            yield label, x, True
    elif k == "bool":
        for label, x in (("string 'yes'", "yes"), ("None", None), ("int 2", 2), ("float 0.5", 0.5)):
            yield label, x, True
    elif k == "str":
        for label, x in (("None", None), ("int", 3)):
            if label == "None" and a.optional:
                continue
            yield label, x, True
    elif k == "index":
        arr = np.asarray(valid)
        for label, x in (("-1", -1), (f"{a.n} (out of range)", a.n), ("0.5", 0.5), ("NaN", NAN), ("1e308", BIG)):
            bad = arr.astype(float).copy()
            bad.flat[0] = x
            yield label, bad, True
        yield "strings", arr.astype(str), True
        yield "complex", arr + 0j, True
        yield "booleans", arr > 0, True
        yield "None", None, True
        yield "2-D", arr[:, None], True
    elif k == "probvec":
        arr = np.asarray(valid, dtype=float)
        neg = arr.copy()
        neg[..., -1] += arr[..., 0] + 0.1
        neg[..., 0] = -0.1
        yield "negative entry", neg, True
        yield "sum 0.5", arr * 0.5, True
        yield "NaN", _entry(arr, NAN), True
        yield "complex", arr + 0j, True
        yield "strings", arr.astype(str), True
        if not a.optional:
            yield "None", None, True
        yield "object", _Junk(), True
        yield from _shape_probes(arr)
    elif k == "spd":
        arr = np.asarray(valid, dtype=float)
        asym = arr.copy()
        asym[..., 0, -1] += 0.5
        yield "asymmetric", asym, True
        yield "negative definite", -arr, True
        yield "not square", arr[..., :, :-1], True
        yield "NaN", _entry(arr, NAN), True
        yield "complex", arr + 0.5j, True
        yield "strings", arr.astype(str), True
        if not a.optional:
            yield "None", None, True
        yield "1-D", arr.ravel(), True
    elif k == "boolarray":
        arr = np.asarray(valid)
        for label, x in (("0.5", 0.5), ("NaN", NAN), ("2", 2.0)):
            bad = arr.astype(float).copy()
            bad.flat[0] = x
            yield label, bad, True
        yield "strings 'no'", np.where(arr, "yes", "no"), True
        if not a.optional:
            yield "None", None, True
        yield "wrong shape", np.concatenate([arr, arr], axis=-1), True
    elif k in ("skip", "custom"):
        pass
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown kind {k!r}")


# ---- the table's entries -------------------------------------------------------------------------
@dataclass
class Case:
    """A valid call of one public callable and the kind of each of its arguments.

    ``make()`` returns ``(callable, kwargs)`` freshly each time (some calls change their object);
    ``args`` maps every parameter of the callable to its :class:`Arg`.
    """

    name: str
    make: Callable
    args: dict = field(default_factory=dict)


# ---- running -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    case: str
    arg: str
    label: str
    must_reject: bool
    status: str  # 'clear' (rejected with a clear error), 'accepted' (a maybe-value, fine), 'defect'
    detail: str = ""


def _names_argument(message: str, arg: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", message) is not None


def _has_nan(value, depth=0) -> bool:
    if depth > 4:
        return False
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and bool(np.isnan(value).any())
    if isinstance(value, (tuple, list)):
        return any(_has_nan(v, depth + 1) for v in value[:50])
    if isinstance(value, dict):
        return any(_has_nan(v, depth + 1) for v in list(value.values())[:50])
    if is_dataclass(value) and not isinstance(value, type):
        return any(_has_nan(getattr(value, f.name), depth + 1) for f in fields(value))
    return False


def call(case: Case, arg: str | None = None, value=None):
    """Run the valid call, with ``arg`` replaced by ``value`` when given."""
    fn, kwargs = case.make()
    if arg is not None:
        kwargs = {**kwargs, arg: value}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # overflow, invalid value, ComplexWarning
            with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
                return fn(**kwargs)
    finally:
        if "matplotlib.pyplot" in sys.modules:  # the figures of fisherlab.viz: drawn, checked, closed
            sys.modules["matplotlib.pyplot"].close("all")


def valid_value(case: Case, arg: str):
    fn, kwargs = case.make()
    if arg in kwargs:
        return kwargs[arg]
    params = inspect.signature(fn).parameters
    if arg not in params:  # only when measuring an older fisherlab that lacks the argument
        return _MISSING
    return params[arg].default


_MISSING = object()


def sweep_argument(case: Case, arg: str) -> list[Outcome]:
    """Every probe of one argument of one callable."""
    spec = case.args[arg]
    if spec.kind == "skip":
        return []
    valid = valid_value(case, arg)
    if valid is _MISSING:
        return []
    if valid is None and spec.kind not in ("obj", "callable", "choice", "custom"):
        raise AssertionError(f"{case.name}: give {arg} a value in the valid call (its bad values derive from it)")
    out = []
    for label, value, must, kind_probe in spec.probes(valid):
        try:
            result = call(case, arg, value)
        except (ValueError, TypeError) as exc:
            msg = str(exc)
            if not _names_argument(msg, arg):
                out.append(Outcome(case.name, arg, label, must, "defect",
                                   f"{type(exc).__name__} does not name {arg!r}: {msg[:200]}"))
            elif kind_probe and spec.kind in ("obj", "rng", "callable") and not isinstance(exc, TypeError):
                out.append(Outcome(case.name, arg, label, must, "defect",
                                   f"a wrong kind of object must raise a TypeError, got {type(exc).__name__}: {msg[:150]}"))
            elif kind_probe and spec.kind == "obj" and (" must be" not in msg or (spec.expect and spec.expect not in msg)):
                out.append(Outcome(case.name, arg, label, must, "defect",
                                   f"the TypeError must say what {arg} must be ({spec.expect!r}): {msg[:150]}"))
            else:
                out.append(Outcome(case.name, arg, label, must, "clear"))
        except Exception as exc:  # noqa: BLE001 - anything else is a defect, reported as such
            out.append(Outcome(case.name, arg, label, must, "defect",
                               f"{type(exc).__name__}: {str(exc)[:200]}"))
        else:
            if must:
                out.append(Outcome(case.name, arg, label, must, "defect", "accepted without an error"))
            elif _has_nan(result):
                out.append(Outcome(case.name, arg, label, must, "defect", "returned NaN"))
            else:
                out.append(Outcome(case.name, arg, label, must, "accepted"))
    return out


# ---- the public API -----------------------------------------------------------------------------
def public_modules(package="fisherlab") -> list[str]:
    """Every importable module of the package whose dotted path has no component starting with '_'."""
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=package + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(names)


def _public_names(mod) -> list[str]:
    if hasattr(mod, "__all__"):
        return list(mod.__all__)
    return [n for n in dir(mod) if not n.startswith("_")]


def public_callables(package="fisherlab") -> dict[str, object]:
    """``{qualified name: object}`` of every public callable: the functions and classes of each
    public module's ``__all__`` (or its public names) defined inside the package, and every public
    method (static, class or instance) of each such class, inherited ones included. A method is
    named after the public class it is reached through (``fisherlab.families.scalar.Bernoulli.score``),
    because validation differs from class to class."""
    out = {}
    for modname in public_modules(package):
        mod = importlib.import_module(modname)
        for name in _public_names(mod):
            objx = getattr(mod, name, None)
            if objx is None or inspect.ismodule(objx):
                continue
            home = getattr(objx, "__module__", "") or ""
            if not home.startswith(package):
                continue
            if inspect.isclass(objx):
                key = f"{objx.__module__}.{objx.__qualname__}"
                out.setdefault(key, objx)
                if issubclass(objx, BaseException):  # an exception type: no methods of its own
                    continue
                for attr in dir(objx):
                    if attr.startswith("_"):
                        continue
                    static = inspect.getattr_static(objx, attr)
                    if isinstance(static, property) or not callable(getattr(objx, attr)):
                        continue
                    if inspect.isclass(getattr(objx, attr)):
                        continue
                    out.setdefault(f"{key}.{attr}", getattr(objx, attr))
            elif callable(objx) and not isinstance(objx, type):
                if inspect.isfunction(objx) or inspect.isbuiltin(objx):
                    out.setdefault(f"{objx.__module__}.{objx.__qualname__}", objx)
    return out


def parameters(fn) -> list[str]:
    """The parameters a caller passes (not self/cls, not ``**kwargs``/``*args``)."""
    sig = inspect.signature(fn)
    return [p.name for p in sig.parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name not in ("self", "cls")]
