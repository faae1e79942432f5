"""The notebooks run outside the repository: their first cell installs fisherlab when it is missing.

The install path is tested offline, as a reader without the repository would take it: a wheel is
built from the checkout, a fresh virtual environment is made that has the course's other packages
but not fisherlab, and the first cell of a chapter is run there with ``FISHERLAB_SOURCE`` pointing
at the wheel and pip's index switched off. Afterwards ``import fisherlab`` must load the installed
copy, and a second run of the cell must do nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import install_cell  # noqa: E402


def first_code_source(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])


@pytest.mark.parametrize("path", install_cell.notebooks(), ids=lambda p: p.stem)
def test_first_code_cell_installs_fisherlab(path):
    assert install_cell.check(path, install_cell.cell_source()) is None
    assert install_cell.repository_url() in first_code_source(path)


def test_install_cell_names_the_repository_of_config():
    url = install_cell.repository_url()
    assert url.startswith("https://github.com/")
    assert f'REPOSITORY = "{url}"' in install_cell.cell_source()
    assert all(len(line) <= 88 for line in install_cell.cell_source().splitlines())


def test_install_cell_is_silent_where_fisherlab_is_installed():
    out = subprocess.run([sys.executable, "-c", install_cell.cell_source()], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert out.stdout == "" and out.stderr == ""


def _wheel(tmp: Path) -> Path:
    """fisherlab's wheel, built offline from a copy of the checkout's package files."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "fisherlab", src / "fisherlab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(dist), str(src)], check=True, capture_output=True)
    (wheel,) = dist.glob("fisherlab-*.whl")
    return wheel


def _environment_without_fisherlab(tmp: Path) -> Path:
    """A new venv that sees every package of the course's environment except fisherlab.

    The venv's own site-packages gets a ``.pth`` line pointing at a directory of links to the
    entries of this environment's site-packages, fisherlab's editable-install files left out (a
    path added by a ``.pth`` file is not scanned for ``.pth`` files itself, so the editable finder
    is not loaded). pip, the venv's own, installs into the venv.
    """
    env = tmp / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    deps = tmp / "deps"
    deps.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if "fisherlab" in entry.name or entry.name in ("pip", "_distutils_hack") or entry.name.startswith("pip-"):
            continue
        if entry.suffix == ".pth":
            continue
        (deps / entry.name).symlink_to(entry)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "course-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return python


def test_install_cell_installs_a_wheel_offline(tmp_path):
    wheel = _wheel(tmp_path)
    python = _environment_without_fisherlab(tmp_path)
    work = tmp_path / "elsewhere"  # a downloaded notebook: no repository around it
    work.mkdir()
    probe = "import importlib.util; print(importlib.util.find_spec('fisherlab'))"
    before = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True,
                            cwd=work)
    assert before.stdout.strip() == "None", "the test environment must not see fisherlab"

    env = {**os.environ, "FISHERLAB_SOURCE": wheel.as_uri(), "PIP_NO_INDEX": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    cell = install_cell.cell_source()
    script = cell + "\nimport fisherlab\nprint('loaded', fisherlab.__file__)\n"
    run = subprocess.run([str(python), "-c", script], capture_output=True, text=True, env=env, cwd=work)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "fisherlab is not installed: pip install 'fisherlab[viz,rl] @ file://" in run.stdout
    loaded = run.stdout.strip().splitlines()[-1]
    assert loaded.startswith("loaded ") and str(tmp_path / "env") in loaded, loaded

    chapter = subprocess.run([str(python), "-c", "import fisherlab as fl; import fisherlab.rl, fisherlab.viz; "
                              "print(fl.NormalMean(2.0).fisher_exact(0.0))"],
                             capture_output=True, text=True, env=env, cwd=work)
    assert chapter.returncode == 0, chapter.stderr[-2000:]
    assert float(chapter.stdout) == 0.25

    again = subprocess.run([str(python), "-c", cell], capture_output=True, text=True, env=env, cwd=work)
    assert again.returncode == 0 and again.stdout == "", again.stdout + again.stderr
