"""Build the Binder environment as mybinder.org does, and run every notebook in it.

Usage: python scripts/binder_check.py [--venv .venv-binder]

repo2docker (the builder behind mybinder.org) reads ``binder/``: it creates its own Jupyter
environment with the Python of ``binder/runtime.txt``, then installs ``binder/requirements.txt``
into it. This script does the same in a virtual environment:

1. a venv with the Python that ``binder/runtime.txt`` names (``python3.11`` on PATH);
2. the Jupyter packages of repo2docker's Python 3.11 environment, at its versions
   (``REPO2DOCKER_JUPYTER`` below);
3. ``pip install -r binder/requirements.txt`` and ``pip check``: pip must report no conflict;
4. every notebook of ``book/``, executed top to bottom in a fresh kernel of that environment,
   in a copy of the folder (the stored notebooks are not touched).

It exits non-zero if a step fails. It needs the package index (pip), so it is not part of
``make test``; run it (``make binder-check``) after changing either requirements file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The Jupyter packages of repo2docker's environment for Python 3.11
# (repo2docker/buildpacks/conda/environment.py-3.11-linux-64.lock, generated 2025-10-16).
REPO2DOCKER_JUPYTER = [
    "jupyterlab==4.4.9",
    "notebook==7.4.7",
    "ipykernel==7.0.1",
    "ipywidgets==8.1.7",
    "jupyter_server==2.17.0",
]
BUDGET_S = 60.0


def runtime_python() -> str:
    """The interpreter that binder/runtime.txt names (``python-3.11`` -> ``python3.11``)."""
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    if not runtime.startswith("python-"):
        raise ValueError(f"binder/runtime.txt must read python-X.Y, got {runtime!r}")
    name = "python" + runtime.removeprefix("python-")
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"binder/runtime.txt asks for {name}, which is not on PATH")
    return path


def run(*command: str, **kwargs) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def execute_all(folder: Path) -> int:
    """Run in the Binder environment: execute every notebook of ``folder`` in place."""
    import nbformat
    from nbclient import NotebookClient

    failed = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(folder)}}).execute()
            outcome = "ran"
        except Exception as err:  # the cell's error, shown in one line
            outcome = f"FAILED: {type(err).__name__}: {str(err).strip().splitlines()[-1][:120]}"
            failed.append(path.name)
        print(f"{path.name:<36} {time.perf_counter() - start:6.1f} s  {outcome}", flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=str(ROOT / ".venv-binder"))
    parser.add_argument("--execute", help=argparse.SUPPRESS)  # internal: run inside the venv
    args = parser.parse_args(argv)
    if args.execute:
        return execute_all(Path(args.execute))

    venv = Path(args.venv)
    python = venv / "bin" / "python"
    if not python.exists():
        run(runtime_python(), "-m", "venv", str(venv))
    run(str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(str(python), "-m", "pip", "install", "--quiet", *REPO2DOCKER_JUPYTER)
    # repo2docker runs this from the repository's root, so `-e .` is the checkout
    run(str(python), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt", cwd=ROOT)
    run(str(python), "-m", "pip", "check")
    with tempfile.TemporaryDirectory(prefix="binder-book-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
        print("== every notebook, top to bottom, in the Binder environment", flush=True)
        return subprocess.run([str(python), __file__, "--execute", str(book)]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
