"""The chapters' conventions that strict nbval cannot see.

Strict nbval proves that the stored outputs are what the code prints. These tests read the
notebooks without running them and check what makes those outputs worth trusting:

* every chapter has a visible **Checks** section, before its exercises and references, whose
  code is behind a toggle (``hide-input``) and whose lines fit the page (at most 100 characters);
* the code a reader sees (every code cell not removed from the page) fits the text column: at
  most 88 characters per line;
* no assert hides in a removed cell;
* a check never asserts a value that came out of a ``fisherlab.viz`` drawing helper: what is
  asserted is computed by the notebook or by ``fisherlab``'s mathematics;
* only animations and widget explorers, whose output cannot be deterministic, skip nbval's
  comparison.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
CHECKS = "Checks"
MAX_CHECK_LINE = 100
MAX_CODE_LINE = 88  # the site's text column shows 88 characters of code without scrolling


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def stream_lines(cell: dict) -> list[str]:
    return [line for out in cell.get("outputs", []) if out.get("output_type") == "stream"
            for line in "".join(out["text"]).splitlines()]


def sections(nb: dict) -> list[tuple[str, list[dict]]]:
    """The notebook cut at its level-2 headings: (title, cells after the heading), in order.

    A markdown cell may hold several headings; code cells belong to the last heading above them.
    """
    parts: list[tuple[str, list[dict]]] = [("", [])]
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                match = re.match(r"^## (.+?)\s*$", line)
                if match:
                    parts.append((match.group(1), []))
        parts[-1][1].append(cell)
    return parts


def check_cells(nb: dict) -> list[dict]:
    return [c for title, cells in sections(nb) if title == CHECKS for c in cells if c["cell_type"] == "code"]


def python(cell: dict) -> ast.Module:
    """A code cell as Python (IPython magics turned into calls)."""
    return ast.parse(TransformerManager().transform_cell(source(cell)))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_checks_section_comes_before_exercises_and_references(path):
    titles = [title for title, _ in sections(load(path))]
    assert titles.count(CHECKS) == 1, f"{path.name}: one '## {CHECKS}' section, got {titles}"
    for later in ("Exercises", "References"):
        if later in titles:
            assert titles.index(CHECKS) < titles.index(later), f"{path.name}: {titles}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_checks_are_visible_behind_a_toggle_and_fit_the_page(path):
    cells = check_cells(load(path))
    assert cells, f"{path.name}: the Checks section has no code"
    assert any(isinstance(node, ast.Assert) for c in cells for node in ast.walk(python(c)))
    for cell in cells:
        assert "hide-input" in tags(cell) and "remove-input" not in tags(cell), tags(cell)
        assert cell.get("outputs"), f"{path.name}: a check cell without stored output"
        for line in stream_lines(cell):
            assert len(line) <= MAX_CHECK_LINE, f"{path.name}: {len(line)} characters: {line}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_displayed_code_fits_the_text_column(path):
    long = [f"cell {i}, {len(line)} characters: {line}"
            for i, cell in enumerate(load(path)["cells"])
            if cell["cell_type"] == "code" and not {"remove-input", "remove-cell"} & set(tags(cell))
            for line in source(cell).splitlines() if len(line) > MAX_CODE_LINE]
    assert not long, f"{path.name}: code lines over {MAX_CODE_LINE} characters:\n" + "\n".join(long)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_assert_is_hidden_from_the_reader(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code" and "remove-input" in tags(cell):
            asserts = [n for n in ast.walk(python(cell)) if isinstance(n, ast.Assert)]
            assert not asserts, f"{path.name}: a removed cell asserts:\n{source(cell)[:300]}"


def dotted(node: ast.AST) -> str:
    """``fl.viz.optim.metric_balls`` for the attribute chain of a call's function, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def viz_aliases(trees: list[ast.Module]) -> set[str]:
    """Names under which a notebook imports ``fisherlab.viz`` or one of its modules or functions."""
    names = {"fl.viz"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "fisherlab.viz" or node.module.startswith("fisherlab.viz."):
                    names.update(a.asname or a.name for a in node.names)
                elif node.module == "fisherlab":
                    names.update(a.asname or a.name for a in node.names if a.name == "viz")
            elif isinstance(node, ast.Import):
                names.update(a.asname or a.name for a in node.names
                             if a.name.startswith("fisherlab.viz") and a.asname)
    return names


def is_viz_call(node: ast.AST, aliases: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func)
    return any(name == a or name.startswith(a + ".") for a in aliases)


def assigned_names(node: ast.AST) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def names_from_drawing(trees: list[ast.Module], aliases: set[str]) -> set[str]:
    """Names bound, directly or through other names, to what a viz helper returned."""
    tainted: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                reads = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
                if any(is_viz_call(n, aliases) for n in ast.walk(node.value)) or reads & tainted:
                    tainted |= assigned_names(node)
    # figure and axes handles are drawings, not values
    return tainted - {"fig", "ax", "axes", "_"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_checks_never_assert_what_a_drawing_helper_returned(path):
    nb = load(path)
    checks = check_cells(nb)
    others = [c for c in nb["cells"] if c["cell_type"] == "code" and c not in checks]
    trees = [python(c) for c in others]
    aliases = viz_aliases(trees)
    tainted = names_from_drawing(trees, aliases)
    for cell in checks:
        tree = python(cell)
        calls = [dotted(n.func) for n in ast.walk(tree) if is_viz_call(n, aliases)]
        assert not calls, f"{path.name}: a check calls a drawing helper: {calls}"
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & tainted
        assert not used, f"{path.name}: a check uses values returned by drawing helpers: {sorted(used)}"


DYNAMIC = re.compile(r"animat|explorer|interact|widgets\.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_only_animations_and_widgets_skip_the_comparison(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code" and "nbval-ignore-output" in tags(cell):
            assert DYNAMIC.search(source(cell)), f"{path.name}: output ignored:\n{source(cell)[:300]}"
            assert not stream_lines(cell), f"{path.name}: printed numbers in an ignored cell"
