"""The bad-input sweep (issue 17), part 1: completeness of the table, and every callable outside
``fisherlab.rl``. See ``sweep_api.py`` for the rules and ``sweep_cases.py`` for the table."""

import sys

import pytest
from sweep_api import call, parameters, public_callables, sweep_argument
from sweep_cases import CASES, EXEMPT, LATER


def test_public_api_is_fully_listed():
    """Every public callable has a valid call in the table, or is listed with a reason; nothing
    listed is stale. A new public function, class or method fails here until it is swept."""
    api = set(public_callables())
    listed = set(CASES) | set(EXEMPT) | set(LATER)
    missing = sorted(api - listed)
    stale = sorted(listed - api)
    assert not missing, "public callables missing from tests/sweep_cases.py:\n" + "\n".join(missing)
    assert not stale, "entries of tests/sweep_cases.py that are not public callables:\n" + "\n".join(stale)
    assert not (set(CASES) & set(EXEMPT)) and not (set(CASES) & set(LATER))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_parameter_has_a_kind(name):
    """The table names the kind of every parameter of every swept callable (no argument is left out)."""
    fn, _ = CASES[name].make()
    if "matplotlib.pyplot" in sys.modules:  # the figures the valid calls of fisherlab.viz make
        sys.modules["matplotlib.pyplot"].close("all")
    assert set(CASES[name].args) == set(parameters(fn)), name


def _mine(name):
    return not name.startswith(("fisherlab.rl.", "fisherlab.viz."))  # those: test_api_sweep_rl, _later, _viz


@pytest.mark.parametrize("name", sorted(n for n in CASES if _mine(n)))
def test_valid_call_runs(name):
    call(CASES[name])


PAIRS = [(n, a) for n in sorted(CASES) if _mine(n) for a, spec in CASES[n].args.items() if spec.kind != "skip"]


@pytest.mark.parametrize("name,arg", PAIRS, ids=[f"{n.removeprefix('fisherlab.')}-{a}" for n, a in PAIRS])
def test_bad_input_gets_a_clear_error(name, arg):
    defects = [o for o in sweep_argument(CASES[name], arg) if o.status == "defect"]
    assert not defects, "\n".join(f"{o.arg} = {o.label}: {o.detail}" for o in defects)
