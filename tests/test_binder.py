"""Binder runs what CI tests: the same Python, the same versions, and only what notebooks need.

repo2docker (mybinder.org) reads ``binder/`` instead of the repository's root. Without
``binder/runtime.txt`` it would pick the newest Python that ``requires-python`` allows, on which
nbval never ran; and installing the full ``requirements.txt`` over its own Jupyter would clash
with it (its notebook 7.4 requires ``jupyterlab<4.5``). ``make binder-check`` builds the
environment and runs every notebook in it; these tests keep the files consistent offline.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# build, test and server packages: CI needs them, a reader on Binder does not (repo2docker
# brings its own Jupyter)
NOT_ON_BINDER = re.compile(r"^(pytest.*|nbval|hypothesis|playwright|sphinx.*|jupyter-book|myst-.*|"
                           r"jupyterlab|notebook|ipykernel|nbclient|jupyter-server|jupyter_server)$", re.I)


def pins(path: Path) -> dict[str, str]:
    """``{normalised name: version}`` of the ``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_binder_uses_the_python_that_runs_the_tests():
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", runtime


def test_binder_pins_are_the_tested_pins():
    binder, tested = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    different = {name: (version, tested.get(name)) for name, version in binder.items()
                 if tested.get(name) != version}
    assert not different, f"binder pin != requirements.txt pin: {different}"


def test_binder_installs_what_the_notebooks_import_and_no_build_or_test_tools():
    text = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    binder = pins(ROOT / "binder" / "requirements.txt")
    for needed in ("numpy", "scipy", "matplotlib", "ipywidgets", "tqdm", "gymnasium"):
        assert needed in binder, needed
    assert re.search(r"^-e \.$", text, re.M), "fisherlab (-e .) is not installed on Binder"
    assert not [name for name in binder if NOT_ON_BINDER.match(name)]
