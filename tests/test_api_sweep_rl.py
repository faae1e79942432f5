"""The bad-input sweep (issue 17), part 2: every callable of ``fisherlab.rl`` (outside the modules
listed in ``sweep_cases.LATER``). See ``sweep_api.py`` for the rules."""

import pytest
from sweep_api import call, sweep_argument
from sweep_cases import CASES


#: swept in test_api_sweep_later.py
LATER_RL = ("fisherlab.rl.convergence.", "fisherlab.rl.second_order.", "fisherlab.rl.lqr.", "fisherlab.rl.assumptions.",
            "fisherlab.rl.exact_pg.")


def _rl(name):
    return name.startswith("fisherlab.rl.") and not name.startswith(LATER_RL)


@pytest.mark.parametrize("name", sorted(n for n in CASES if _rl(n)))
def test_valid_call_runs(name):
    call(CASES[name])


PAIRS = [(n, a) for n in sorted(CASES) if _rl(n) for a, spec in CASES[n].args.items() if spec.kind != "skip"]


@pytest.mark.parametrize("name,arg", PAIRS, ids=[f"{n.removeprefix('fisherlab.rl.')}-{a}" for n, a in PAIRS])
def test_bad_input_gets_a_clear_error(name, arg):
    defects = [o for o in sweep_argument(CASES[name], arg) if o.status == "defect"]
    assert not defects, "\n".join(f"{o.arg} = {o.label}: {o.detail}" for o in defects)
