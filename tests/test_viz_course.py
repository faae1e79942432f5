"""The figure of the course's chapter path (fisherlab.viz.course) and the chapter reader."""

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from fisherlab.viz import course  # noqa: E402
from fisherlab.viz.course import Chapter  # noqa: E402


def _notebook(path, heading):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [heading]}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_read_chapters_numbers_titles_and_formulas(tmp_path):
    _notebook(tmp_path / "02_fisher_matrix.ipynb", "# The Fisher information matrix\n\ntext")
    _notebook(tmp_path / "01_fisher_information.ipynb", "# Fisher information, by intuition")
    _notebook(tmp_path / "05_trpo.ipynb", "# TRPO: the natural policy gradient in a trust region")
    _notebook(tmp_path / "intro.ipynb", "# Not a chapter")
    _notebook(tmp_path / "09_new_topic.ipynb", "no heading at all")
    chapters = course.read_chapters(tmp_path)
    assert [c.number for c in chapters] == [1, 2, 5, 9]
    assert chapters[0] == Chapter(1, "Fisher information, by intuition",
                                  course.KEY_FORMULAS["01_fisher_information"])
    assert chapters[2].title == "TRPO"  # the text after the colon is dropped
    assert chapters[3] == Chapter(9, "new topic", "")  # file name as title, no formula


def test_read_chapters_rejects_a_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="folder must be an existing directory"):
        course.read_chapters(tmp_path / "nowhere")


@pytest.mark.parametrize("n_chapters", [1, 3, 7])
def test_chapter_path_draws_one_box_and_number_per_chapter(n_chapters):
    chapters = [Chapter(k, f"Chapter {k}", r"$\theta$") for k in range(1, n_chapters + 1)]
    fig = course.chapter_path(chapters)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    for k in range(1, n_chapters + 1):
        assert str(k) in texts
    boxes = [p for p in ax.patches if p.__class__.__name__ == "FancyBboxPatch"]
    arrows = [p for p in ax.patches if p.__class__.__name__ == "FancyArrowPatch"]
    assert len(boxes) == n_chapters and len(arrows) == n_chapters - 1
    assert ax.get_title()  # the title states the point
    plt.close(fig)


def test_chapter_path_colours_follow_the_stretches():
    chapters = [Chapter(1, "a"), Chapter(3, "b"), Chapter(6, "c")]
    fig = course.chapter_path(chapters)
    boxes = [p for p in fig.axes[0].patches if p.__class__.__name__ == "FancyBboxPatch"]
    edges = [matplotlib.colors.to_hex(b.get_edgecolor()) for b in boxes]
    assert edges == [c.lower() for _, c, _ in course.STRETCHES]
    plt.close(fig)


def test_chapter_path_bad_input():
    with pytest.raises(ValueError, match="chapters must hold at least one Chapter"):
        course.chapter_path([])
    with pytest.raises(ValueError, match="per_row must be an integer >= 1"):
        course.chapter_path([Chapter(1, "a")], per_row=0)
