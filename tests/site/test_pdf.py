"""The whole-book PDF (``make pdf``): every page of the table of contents, in reading order,
with its title as text and a bookmark."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.site
ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "fisher-information-course.pdf"
sys.path.insert(0, str(ROOT / "scripts"))
from make_pdf import toc_pages  # noqa: E402


@pytest.fixture(scope="module")
def book_pdf() -> PdfReader:
    if not PDF.is_file():
        pytest.fail(f"no PDF at {PDF}: run 'make pdf'", pytrace=False)
    return PdfReader(PDF)


def page_title(page_path: str) -> str:
    """The page's title from its built HTML, without the chapter number."""
    html = (ROOT / "_build" / "html" / page_path).read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    title = re.sub(r"<a class=\"headerlink\".*?</a>", "", title, flags=re.S)
    title = re.sub(r"<[^>]+>", "", title)
    return re.sub(r"^\s*[\d.]+\s+", "", re.sub(r"\s+", " ", title)).strip()


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def test_the_outline_lists_every_page_in_reading_order(book_pdf):
    outline = [(item.title, book_pdf.get_destination_page_number(item)) for item in book_pdf.outline]
    titles = [page_title(p) for p in toc_pages()]
    assert len(outline) == len(titles), [t for t, _ in outline]
    for (bookmark, _), title in zip(outline, titles):
        assert normalise(title) in normalise(bookmark), (bookmark, title)
    starts = [page for _, page in outline]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    assert len(book_pdf.pages) > 2 * len(outline)


def test_each_page_of_the_book_starts_with_its_title_as_text(book_pdf):
    for item in book_pdf.outline:
        first = book_pdf.get_destination_page_number(item)
        text = normalise(book_pdf.pages[first].extract_text())
        words = [w for w in re.findall(r"[A-Za-z]{4,}", item.title)][:4]
        assert words and all(w in text for w in words), (item.title, text[:300])


def test_the_chapters_carry_their_mathematics_and_figures(book_pdf):
    """Typeset math prints as text glyphs, not as TeX source; figures print as images."""
    first_chapter = next(i for i in book_pdf.outline if "by intuition" in i.title)
    start = book_pdf.get_destination_page_number(first_chapter)
    pages = book_pdf.pages[start:start + 19]
    text = normalise(" ".join(p.extract_text() for p in pages))
    assert "Cramér–Rao" in text or "Cramér-Rao" in text
    assert "\\theta" not in text and "$$" not in text, "raw TeX in the PDF"
    assert sum(len(p.images) for p in pages) >= 5
