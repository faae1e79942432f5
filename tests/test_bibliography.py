"""The book's one BibTeX file: every work has a link where one exists, and the reference lists
label it in the author-year form of the citations in the text."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = parse_file(ROOT / "book" / "references.bib").entries
spec = importlib.util.spec_from_file_location("course_site", ROOT / "book" / "_ext" / "course_site.py")
course_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_site)

# works with neither a DOI nor a stable URL that could be checked when the entry was written
UNLINKED = {
    "casella2002": "a textbook without a DOI",
    "rao1945": "the 1945 Bulletin of the Calcutta Mathematical Society has no DOIs",
    "cramer1946": "the 1946 edition has no DOI",
    "csiszar1967": "Studia Scientiarum Mathematicarum Hungarica (1967) has no DOIs",
    "kakade2002approx": "ICML 2002 proceedings have no DOI or stable proceedings page",
    "sutton2000pg": "NIPS 1999 proceedings page not verified offline",
    "howard1960": "a 1960 monograph without a DOI",
}


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_work_links_to_its_source(key):
    fields = ENTRIES[key].fields
    if key in UNLINKED:
        assert "doi" not in fields and "url" not in fields, f"{key} has a link now: drop it from UNLINKED"
        return
    assert "doi" in fields or "url" in fields, f"{key} has neither a doi nor a url"
    if "doi" in fields:
        assert re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"]), fields["doi"]
    if "url" in fields:
        assert re.fullmatch(r"https?://\S+", fields["url"]), fields["url"]


def test_labels_are_author_year_with_accents_decoded():
    entries = sorted(ENTRIES.values(), key=lambda e: e.key)
    labels = dict(zip((e.key for e in entries), course_site.AuthorYearLabels().format_labels(entries)))
    assert labels["amari1998"] == "Amari 1998"
    assert labels["cover2006"] == "Cover & Thomas 2006"
    assert labels["schulman2015trpo"] == "Schulman et al. 2015"
    assert labels["liu2020"] == "Liu et al. 2020"
    assert labels["cramer1946"] == "Cramér 1946"
    assert not [label for label in labels.values() if set(label) & set("\\\\{}")]


def test_works_that_would_share_a_label_get_letters():
    from pybtex.database import BibliographyData

    data = BibliographyData(entries={k: ENTRIES["amari1998"] for k in ("a1", "a2")})
    labels = list(course_site.AuthorYearLabels().format_labels(list(data.entries.values())))
    assert labels == ["Amari 1998a", "Amari 1998b"]
