"""Re-run notebooks in place, each in a fresh kernel, top to bottom, and report their times.

Usage: python scripts/execute.py book/01_fisher_information.ipynb [...]

Each notebook runs with its own folder as the working directory. Widget state is not stored
in the notebook (the site shows static stand-ins, so it needs no widget JavaScript). The
budget is 60 s per notebook on the course's 2-core reference machine; a slower run is
reported, and fails the command.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BUDGET_S = 60.0


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # needed by output widgets; stripped below
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    over = []
    for name in paths:
        elapsed = execute(Path(name))
        flag = "" if elapsed <= BUDGET_S else f"  (over the {BUDGET_S:.0f} s budget)"
        print(f"{name:<55} {elapsed:6.1f} s{flag}", flush=True)
        if elapsed > BUDGET_S:
            over.append(name)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
