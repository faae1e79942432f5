"""The bad-input sweep (issue 17), part 4: the figures of ``fisherlab.viz`` (the modules changed in other
branches are in ``sweep_cases.LATER``). Every figure drawn by a probe is closed. See ``sweep_api.py``."""

import pytest
from sweep_api import call, sweep_argument
from sweep_cases import CASES


def _viz(name):
    return name.startswith("fisherlab.viz.")


@pytest.mark.parametrize("name", sorted(n for n in CASES if _viz(n)))
def test_valid_call_runs(name):
    call(CASES[name])


PAIRS = [(n, a) for n in sorted(CASES) if _viz(n) for a, spec in CASES[n].args.items() if spec.kind != "skip"]


@pytest.mark.parametrize("name,arg", PAIRS, ids=[f"{n.removeprefix('fisherlab.viz.')}-{a}" for n, a in PAIRS])
def test_bad_input_gets_a_clear_error(name, arg):
    defects = [o for o in sweep_argument(CASES[name], arg) if o.status == "defect"]
    assert not defects, "\n".join(f"{o.arg} = {o.label}: {o.detail}" for o in defects)
