r"""The figure of the course itself: its chapters as one path, each with its key formula.

The landing page of the book draws it from the chapters that exist: :func:`read_chapters`
reads each notebook's number (from its file name, ``NN_name.ipynb``) and title (its first
heading), and :func:`chapter_path` draws them in reading order as a snake of boxes, coloured by
the three stretches of the course (information, geometry and optimisation, reinforcement
learning) and labelled with the formula each chapter is about.

Introduced on the landing page of the course.
"""

from __future__ import annotations

import json
import numbers
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import _validate as v
from .style import ACCENT, ESTIMATE, INFORMATIVE

__all__ = ["Chapter", "KEY_FORMULAS", "STRETCHES", "read_chapters", "chapter_path"]


@dataclass(frozen=True)
class Chapter:
    """One chapter of the course: its number, its title and the formula it is about."""

    number: int
    title: str
    formula: str = ""

    def __post_init__(self):
        v.check_int("number", self.number, minimum=1)
        v.check_str("title", self.title)
        v.check_str("formula", self.formula)


#: The formula each chapter is about (matplotlib mathtext), by notebook file stem.
KEY_FORMULAS = {
    "01_fisher_information": r"$I(\theta) = \mathrm{Var}[s(\theta; X)]$",
    "02_fisher_matrix": r"$F(\theta) = \mathbb{E}[s\,s^{\top}]$",
    "03_kl_divergence": r"$\mathrm{KL} \approx \frac{1}{2}\Delta^{\top} F \Delta$",
    "04_natural_gradient": r"$\tilde\nabla L = F^{-1} \nabla L$",
    "05_trpo": r"$\frac{1}{2}\Delta^{\top} F \Delta \leq \delta$",
    "06_npg_convergence": r"$\pi^{+} \propto \pi\, e^{\eta A^{\pi}/(1-\gamma)}$",
    "07_pg_convergence": r"$F_\rho(\theta) \succeq \mu_F\, I$",
    "08_pg_algorithms": r"$J^* - \mathbb{E}\,J(\theta_T) \to \mathcal{O}(\sqrt{\varepsilon_{\mathrm{bias}}})$",
}

#: The three stretches of the course: (label, colour, chapter numbers).
STRETCHES = (
    ("information", INFORMATIVE, range(1, 3)),
    ("geometry and optimisation", ESTIMATE, range(3, 5)),
    ("reinforcement learning", ACCENT, range(5, 100)),
)

_CHAPTER_FILE = re.compile(r"(\d\d)_\w+\.ipynb")


def read_chapters(folder) -> list[Chapter]:
    """The chapters found in ``folder``: every ``NN_name.ipynb``, in order.

    Parameters
    ----------
    folder : str or pathlib.Path
        The book's folder (the notebooks' own folder when called from a notebook: ``"."``).

    Returns
    -------
    list of Chapter
        Number from the file name, title from the notebook's first Markdown heading (text
        after a colon dropped: "TRPO: the natural policy gradient ..." becomes "TRPO"),
        formula from :data:`KEY_FORMULAS` (empty when the chapter has none there).
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise v.ArgumentTypeError(f"folder must be a path (a str or a pathlib.Path), got {v._describe(folder)}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing directory, got {str(folder)!r}")
    chapters = []
    for path in sorted(folder.glob("*.ipynb")):
        match = _CHAPTER_FILE.fullmatch(path.name)
        if not match:
            continue
        notebook = json.loads(path.read_text(encoding="utf-8"))
        title = path.stem[3:].replace("_", " ")
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "markdown":
                continue
            heading = re.search(r"^#\s+(.+)$", "".join(cell.get("source", "")), re.M)
            if heading:
                title = heading.group(1).strip()
                break
        title = title.split(":")[0].strip()
        chapters.append(Chapter(int(match.group(1)), title, KEY_FORMULAS.get(path.stem, "")))
    return chapters


def _colour(number: int) -> str:
    for _, colour, numbers in STRETCHES:
        if number in numbers:
            return colour
    return STRETCHES[-1][1]


def chapter_path(chapters, *, per_row: int = 3, title: str | None = None):
    """Draw the chapters as a path of boxes, left to right, then back along a second row.

    Parameters
    ----------
    chapters : sequence of Chapter
        In reading order (for instance ``read_chapters("book")``); at least one.
    per_row : int
        Boxes per row (>= 1); the path turns at the end of each row, like a snake.
    title : str, optional
        The figure's title; by default it states the point of the course.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if chapters is None or isinstance(chapters, (str, bytes, Chapter)) or not hasattr(chapters, "__iter__"):
        raise v.ArgumentTypeError(f"chapters must be a sequence of Chapter, got {v._describe(chapters)}")
    chapters = list(chapters)
    for chapter in chapters:
        v.check_instance("chapters", chapter, Chapter, "a sequence of Chapter (e.g. read_chapters('book'))")
    if not chapters:
        raise ValueError("chapters must hold at least one Chapter, got none")
    if isinstance(per_row, bool) or not isinstance(per_row, numbers.Integral):
        raise v.ArgumentTypeError(f"per_row must be an integer >= 1, got {v._describe(per_row)}")
    if per_row < 1:
        raise ValueError(f"per_row must be an integer >= 1, got {per_row!r}")
    per_row = int(per_row)
    if title is not None:
        v.check_str("title", title)
    n_rows = -(-len(chapters) // per_row)
    width, height, gap_x, gap_y = 2.5, 1.3, 0.7, 0.55
    fig, ax = plt.subplots(figsize=(9.0, 0.9 + 1.75 * n_rows))
    ax.set_xlim(-0.2, per_row * (width + gap_x) - gap_x + 0.2)
    ax.set_ylim(-(n_rows - 1) * (height + gap_y) - height / 2 - 0.1, height / 2 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")

    centres = []
    for i, chapter in enumerate(chapters):
        row, col = divmod(i, per_row)
        if row % 2:  # every other row runs right to left: the path never jumps back
            col = per_row - 1 - col
        x = col * (width + gap_x) + width / 2
        y = -row * (height + gap_y)
        centres.append((x, y))
        colour = _colour(chapter.number)
        ax.add_patch(FancyBboxPatch(
            (x - width / 2, y - height / 2), width, height,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=colour + "22", edgecolor=colour, linewidth=1.8,
        ))
        ax.text(x - width / 2 + 0.12, y + height / 2 - 0.1, str(chapter.number),
                ha="left", va="top", fontsize=17, fontweight="bold", color=colour)
        ax.text(x + 0.12, y + 0.2, "\n".join(textwrap.wrap(chapter.title, 18)),
                ha="center", va="center", fontsize=12.5, fontweight="bold", color="#222222")
        if chapter.formula:
            ax.text(x, y - height / 2 + 0.25, chapter.formula,
                    ha="center", va="center", fontsize=13, color="#222222")

    for (x0, y0), (x1, y1) in zip(centres, centres[1:]):
        if abs(y0 - y1) < 1e-9:  # along a row
            sign = 1 if x1 > x0 else -1
            start, end = (x0 + sign * width / 2, y0), (x1 - sign * width / 2, y1)
            style = "arc3"
        else:  # down to the next row
            start, end = (x0, y0 - height / 2), (x1, y1 + height / 2)
            style = "arc3"
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16,
                                     linewidth=1.6, color="#444444", connectionstyle=style,
                                     shrinkA=2, shrinkB=2))

    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c + "22", edgecolor=c, linewidth=1.8)
               for _, c, _ in STRETCHES]
    labels = [label for label, _, _ in STRETCHES]
    if len(chapters) % per_row and n_rows > 1:  # room in the last row: the legend goes there
        ax.legend(handles, labels, loc="lower right", fontsize=12, frameon=False,
                  handlelength=1.4, borderaxespad=0.6)
    else:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=len(STRETCHES), fontsize=12, frameon=False, handlelength=1.4)
    ax.set_title(title or "One quantity, one path: from the variance of the score\n"
                 "to the convergence of policy gradients", fontsize=14, pad=8)
    fig.tight_layout()
    return fig
