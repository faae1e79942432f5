"""Edit stored outputs by hand and check that strict nbval catches every edit.

Usage: python scripts/nbval_mutants.py [book/01_....ipynb ...]   (default: every notebook)

For each notebook, three compared text outputs in three different cells get a one-digit edit
(the first digit of a figure's size, ``<Figure size 1000x460 ...>`` -> ``2000x460``, where the
notebook has a figure, and a digit of printed text otherwise). The edited copy is run under
strict nbval with the Makefile's flags (``NBVAL_FLAGS``); every edited cell must be reported as
failed, and no other. The script prints one line per notebook and exits non-zero if an edit went
unnoticed. ``tests/test_nbval_sanitize.py`` proves the same for every digit statically; this
script proves it end to end, with nbval itself.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
IGNORED = {"nbval-ignore-output", "nbval-skip"}


def nbval_flags() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return shlex.split(re.search(r"^NBVAL_FLAGS\s*:?=(.*)$", text, re.M).group(1))


def bump(text: str, index: int) -> str:
    return text[:index] + str((int(text[index]) + 1) % 10) + text[index + 1:]


def mutate(nb) -> list[tuple[int, str]]:
    """Edit up to three compared outputs of different cells in place; return (cell, what) pairs."""
    figures, texts = [], []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or IGNORED & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            plain = out.get("data", {}).get("text/plain", "")
            if plain.startswith("<Figure size"):
                figures.append((i, out))
            elif out.output_type == "stream" and re.search(r"\d", out.text):
                texts.append((i, out))
    chosen, cells = [], set()
    # one figure size (if any), then printed text from other cells, spread over the notebook
    for pool in (figures[:1], texts[:: max(1, len(texts) // 3)] + texts):
        for i, out in pool:
            if len(chosen) == 3:
                break
            if i in cells:
                continue
            if out.output_type == "stream":
                digit = re.search(r"\d", out.text).start()
                before = out.text.splitlines()[0][:60]
                out.text = bump(out.text, digit)
            else:
                plain = out["data"]["text/plain"]
                digit = plain.index("size ") + len("size ")
                before = plain
                out["data"]["text/plain"] = bump(plain, digit)
            chosen.append((i, before))
            cells.add(i)
    return chosen


def code_cell_number(nb, index: int) -> int:
    """nbval's number of the cell at ``index``: its position among the code cells."""
    return sum(c.cell_type == "code" for c in nb.cells[:index])


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "book").glob("*.ipynb"))
    missed_any = False
    with tempfile.TemporaryDirectory(prefix="nbval-mutants-") as tmp:
        folder = Path(tmp)
        shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", folder)
        flags = [f if not f.endswith("nbval_sanitize.cfg") else "nbval_sanitize.cfg" for f in nbval_flags()]
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            chosen = [(code_cell_number(nb, i), what) for i, what in mutate(nb)]
            edited = folder / path.name
            nbformat.write(nb, edited)
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", *flags, "-p", "no:cacheprovider",
                 "--rootdir", str(folder), "-c", "/dev/null", edited.name],
                cwd=folder, capture_output=True, text=True)
            failed = {int(m) for m in re.findall(rf"FAILED {re.escape(edited.name)}::Cell (\d+)", result.stdout)}
            caught = [i for i, _ in chosen if i in failed]
            extra = sorted(failed - {i for i, _ in chosen})
            missed = [(i, what) for i, what in chosen if i not in failed]
            missed_any |= bool(missed) or bool(extra)
            print(f"{path.name:<36} {len(caught)}/{len(chosen)} edits caught"
                  + (f"; MISSED {missed}" if missed else "") + (f"; other failures {extra}" if extra else ""),
                  flush=True)
            edited.unlink()
    return 1 if missed_any else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
