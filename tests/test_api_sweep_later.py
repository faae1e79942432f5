"""The bad-input sweep (issue 17), part 3: the modules of Chapters 6-8, ``fisherlab.rl.convergence``,
``second_order``, ``lqr``, ``assumptions`` and ``exact_pg``. See ``sweep_api.py`` for the rules."""

import pytest
from sweep_api import call, sweep_argument
from sweep_cases import CASES
from test_api_sweep_rl import LATER_RL


def _later(name):
    return name.startswith(LATER_RL)


@pytest.mark.parametrize("name", sorted(n for n in CASES if _later(n)))
def test_valid_call_runs(name):
    call(CASES[name])


PAIRS = [(n, a) for n in sorted(CASES) if _later(n) for a, spec in CASES[n].args.items() if spec.kind != "skip"]


@pytest.mark.parametrize("name,arg", PAIRS, ids=[f"{n.removeprefix('fisherlab.rl.')}-{a}" for n, a in PAIRS])
def test_bad_input_gets_a_clear_error(name, arg):
    defects = [o for o in sweep_argument(CASES[name], arg) if o.status == "defect"]
    assert not defects, "\n".join(f"{o.arg} = {o.label}: {o.detail}" for o in defects)
