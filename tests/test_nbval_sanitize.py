"""The nbval sanitizer masks memory addresses and nothing else.

Strict nbval compares every stored text output after passing both sides through the patterns of
``tests/nbval_sanitize.cfg``. A pattern that matches more than it should hides edits: the old
address pattern ``0x[0-9a-fA-F]+`` matched inside ``<Figure size 1000x640 ...>``, so a figure
size could be changed by hand without nbval noticing. These tests apply the patterns exactly as
nbval does (its own parser, then ``re.sub`` in order) and prove, for every digit of every
compared output stored in the book, that editing it changes what nbval compares.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "tests" / "nbval_sanitize.cfg"
PATTERNS = dict(get_sanitize_patterns(CONFIG.read_text(encoding="utf-8")))  # as nbval stores them
# what nbval leaves out of the comparison (nbval.plugin.IPyNbFile.skip_compare without nbdime)
NOT_COMPARED = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}
IGNORED_CELLS = {"nbval-ignore-output", "nbval-skip", "nbval-raises-exception"}


def sanitize(text: str) -> str:
    for regex, replace in PATTERNS.items():
        text = re.sub(regex, replace, text)
    return text


def compared_texts(path: Path) -> list[str]:
    """Every text that strict nbval compares in one notebook."""
    texts = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or IGNORED_CELLS & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                texts.append(out.text)
            for mime, value in out.get("data", {}).items():
                if mime not in NOT_COMPARED and isinstance(value, str):
                    texts.append(value)
    return texts


def test_only_the_address_pattern_is_configured():
    assert list(PATTERNS.values()) == ["0xADDRESS"], PATTERNS


@pytest.mark.parametrize("text, masked", [
    ("<Foo object at 0x7f3a9c2b1d90>", "<Foo object at 0xADDRESS>"),
    ("<function f at 0x7F3A9C2B>, id 0xdeadbeef.", "<function f at 0xADDRESS>, id 0xADDRESS."),
    ("(0x55d0c1a2)", "(0xADDRESS)"),
])
def test_addresses_are_masked(text, masked):
    assert sanitize(text) == masked


@pytest.mark.parametrize("text", [
    "<Figure size 1000x640 with 2 Axes>",
    "<Figure size 640x416 with 4 Axes>",
    "<Figure size 960x344 with 2 Axes>",
    "a 10x0 grid, 20x speed-up, 3x3 matrix",
    "mean 0.0012 ± 0.0003, 1e-06, -0.0000, [0. 0. 0.]",
    "steps 1400000, gap 3.79, 0x",
])
def test_figure_sizes_and_ordinary_numbers_are_left_alone(text):
    assert sanitize(text) == text


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_digit_of_every_stored_output_is_compared(path):
    """Change each digit of each compared output in turn: the sanitized texts must differ."""
    edited = 0
    for text in compared_texts(path):
        clean = sanitize(text)
        for match in re.finditer(r"\d", text):
            i = match.start()
            digit = str((int(text[i]) + 1) % 10)
            assert sanitize(text[:i] + digit + text[i + 1:]) != clean, (path.name, text[max(0, i - 40):i + 40])
            edited += 1
    assert edited > 0, f"{path.name} stores no compared digits"
