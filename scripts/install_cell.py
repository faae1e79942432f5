"""The first code cell of every notebook: install fisherlab when it cannot be imported.

A notebook downloaded from the site, opened in Google Colab or copied out of the repository has
no ``fisherlab``: the package is not on any index. The cell installs it with pip from the
repository whose URL is ``repository.url`` in ``_config.yml`` (the only place the URL is written;
a fork changes it there and runs ``make install-cells``). Where fisherlab is importable (``make
lab``, Binder, CI) the cell does nothing and prints nothing, so strict nbval sees no output.

The package is installed with its ``viz`` and ``rl`` extras (matplotlib, ipywidgets, gymnasium),
at the versions pip resolves: the exact pins of ``requirements.txt`` are for the repository's own
environment. The environment variable ``FISHERLAB_SOURCE`` replaces the source with any URL pip
accepts (``file:///.../fisherlab-0.1.0-py3-none-any.whl``, ``git+https://...@branch``): the offline
test installs a wheel built from the checkout that way (``tests/test_install_cell.py``).

    python scripts/install_cell.py           # write or update the cell in every notebook
    python scripts/install_cell.py --check   # exit 1 if a notebook's cell is missing or stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
TAG = "install-fisherlab"

TEMPLATE = '''\
# Outside this repository (Colab, a downloaded notebook) fisherlab may be missing:
# pip installs it from the course's repository. Where it is installed, nothing happens.
import importlib.util
import os
import subprocess
import sys

REPOSITORY = "{url}"
if importlib.util.find_spec("fisherlab") is None:
    source = os.environ.get("FISHERLAB_SOURCE", f"git+{{REPOSITORY}}")
    package = f"fisherlab[viz,rl] @ {{source}}"  # with matplotlib, ipywidgets, gymnasium
    print(f"fisherlab is not installed: pip install '{{package}}' (about a minute)")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)
    importlib.invalidate_caches()'''


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``, without a trailing slash."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str(config["repository"]["url"]).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"repository.url in _config.yml must be an https URL, got {url!r}")
    return url


def cell_source(root: Path = ROOT) -> str:
    """The install cell's source for this repository's URL."""
    return TEMPLATE.format(url=repository_url(root))


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "book").glob("*.ipynb"))


def first_code_cell(nb) -> int | None:
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)


def is_install_cell(cell) -> bool:
    return cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", [])


def update(path: Path, source: str) -> bool:
    """Put the install cell first among the code cells of ``path``; True if the file changed.

    The cell is tagged ``remove-cell`` (the site and the PDF leave it out: a reader of the page
    has nothing to install) and ``install-fisherlab`` (so that it is found again).
    """
    nb = nbformat.read(path, as_version=4)
    first = first_code_cell(nb)
    if first is not None and is_install_cell(nb.cells[first]):
        cell = nb.cells[first]
        if cell.source == source:
            return False
        cell.source = source
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell", TAG]})
        cell.pop("id", None)
        nb.cells.insert(first if first is not None else len(nb.cells), cell)
        if nb.nbformat_minor >= 5:
            cell["id"] = "install-fisherlab"
    nbformat.write(nb, path)
    return True


def check(path: Path, source: str) -> str | None:
    """A description of what is wrong with ``path``'s install cell, or None."""
    nb = nbformat.read(path, as_version=4)
    first = first_code_cell(nb)
    if first is None or not is_install_cell(nb.cells[first]):
        return f"{path.name}: the first code cell is not the install cell"
    cell = nb.cells[first]
    if cell.source != source:
        return f"{path.name}: the install cell differs from scripts/install_cell.py's (run make install-cells)"
    if cell.get("outputs"):
        return f"{path.name}: the install cell has stored output (re-execute it where fisherlab is installed)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing or stale cells")
    args = parser.parse_args(argv)
    source = cell_source()
    if args.check:
        problems = [p for p in (check(path, source) for path in notebooks()) if p]
        print("\n".join(problems) or f"install cell current in {len(notebooks())} notebooks")
        return 1 if problems else 0
    for path in notebooks():
        print(f"{path.relative_to(ROOT)}: {'updated' if update(path, source) else 'current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
