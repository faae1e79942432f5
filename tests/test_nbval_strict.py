"""Strict nbval catches a stored output edited by hand.

The site is built from the outputs stored in the notebooks, and CI re-runs every notebook with
strict nbval to prove those outputs are what the code produces. This test proves the proof
works: a tiny notebook is executed, one stored output is edited, and nbval, with the flags of
the Makefile's ``NBVAL_FLAGS``, must fail on it, and pass on the unedited notebook.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def makefile_nbval_flags(folder: Path) -> list[str]:
    """The nbval options of the Makefile (``NBVAL_FLAGS``, used by its ``test``, ``nbval`` and
    ``nbval-portable`` steps), with the sanitizer copied to ``folder``."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    variable = re.search(r"^NBVAL_FLAGS\s*:?=(.*)$", text, re.M)
    assert variable, "the Makefile defines no NBVAL_FLAGS"
    for target in ("test", "nbval", "nbval-portable"):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.M)
        assert recipe and "$(NBVAL_FLAGS)" in recipe.group(1), f"make {target} does not use NBVAL_FLAGS"
    tokens = shlex.split(variable.group(1))
    flags = []
    for i, token in enumerate(tokens):
        if token.startswith("--nbval"):
            flags.append(token)
            if token == "--nbval-sanitize-with":
                sanitizer = ROOT / tokens[i + 1]
                (folder / sanitizer.name).write_text(sanitizer.read_text(encoding="utf-8"))
                flags.append(sanitizer.name)
    assert "--nbval" in flags and "--nbval-sanitize-with" in flags, flags
    # the notebook's folder is the root: the project's pytest settings do not apply
    return [*flags, "-p", "no:cacheprovider", "--rootdir", str(folder), "-c", "/dev/null"]


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory) -> Path:
    """A two-cell notebook, executed in a fresh kernel like the course's notebooks."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nrng = np.random.default_rng(0)"),
        nbformat.v4.new_code_cell('print(f"mean of 1000 draws: {rng.normal(size=1000).mean():.4f}")'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path_factory.mktemp("nbval")
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *makefile_nbval_flags(path.parent), path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_unedited_notebook_passes(executed_notebook):
    result = run_nbval(executed_notebook)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hand_edited_output_fails(executed_notebook):
    nb = nbformat.read(executed_notebook, as_version=4)
    output = nb.cells[1].outputs[0]
    assert output["text"].startswith("mean of 1000 draws: ")
    output["text"] = "mean of 1000 draws: 0.0000\n"  # what someone might wish it printed
    edited = executed_notebook.with_name("edited.ipynb")
    nbformat.write(nb, edited)
    result = run_nbval(edited)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "edited.ipynb::Cell 1" in result.stdout, result.stdout
    assert "mean of 1000 draws: 0.0000" in result.stdout, result.stdout  # the diff is shown
