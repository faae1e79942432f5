"""Every page of the built site, opened in a real browser with no network.

The pages come from ``_toc.yml`` and the built site (``conftest.py`` parametrizes ``page``),
so every chapter added to the table of contents is tested without editing this file. Run with
``make site-test`` after ``make book`` (``make test`` does both).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.site
ROOT = Path(__file__).resolve().parents[2]

# Pages Sphinx writes itself, in addition to the table of contents.
SPHINX_PAGES = {"index.html", "genindex.html", "search.html", "py-modindex.html", "prf-prf.html"}


def _fmt(items) -> str:
    return "\n  " + "\n  ".join(map(str, items))


# ----------------------------------------------------------------------- the site as a whole


def test_every_toc_entry_was_built(site, toc):
    missing = [p for p in toc if not (site / p).is_file()]
    assert not missing, f"pages listed in _toc.yml but not built:{_fmt(missing)}"


def test_only_toc_pages_are_built(site, toc):
    """No stray page: every built page is in the toc or is one of Sphinx's own pages."""
    built = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    built = [p for p in built if not p.startswith(("_static/", "_sources/", "_images/"))]
    stray = [p for p in built if p not in toc and p not in SPHINX_PAGES]
    assert not stray, f"built pages that the table of contents does not list:{_fmt(stray)}"


def test_navigation_links_every_toc_page(audits, toc):
    """The sidebar of the landing page links to every page of the table of contents."""
    linked = {urlsplit(href).path.lstrip("/") for href in audits(toc[0])["nav_links"]}
    missing = [p for p in toc[1:] if p not in linked]
    assert not missing, f"toc pages missing from the navigation sidebar:{_fmt(missing)}"


def test_search_finds_fisher(search_results):
    assert search_results, "the built-in search found nothing for 'Fisher'"
    assert any("/book/01_" in h for h in search_results), (
        f"search for 'Fisher' misses Chapter 1:{_fmt(search_results)}"
    )


# ----------------------------------------------------------------------- page by page


def test_http_200(audits, page):
    assert audits(page)["status"] == 200


def test_no_console_errors(audits, page):
    errors = audits(page)["console_errors"]
    assert not errors, f"console errors on {page}:{_fmt(errors)}"


def test_reads_offline(audits, page):
    """No request leaves 127.0.0.1 and none fails: the page needs no network."""
    report = audits(page)
    blocked, failed = report["blocked_requests"], report["failed_requests"]
    assert not blocked, f"{page} asks for other hosts (blocked):{_fmt(blocked)}"
    assert not failed, f"failed requests on {page}:{_fmt(failed)}"


def test_math_is_typeset(audits, page):
    report = audits(page)
    math = report["math"]
    assert not report["raw_tex"], f"raw TeX in the text of {page}:{_fmt(report['raw_tex'])}"
    assert not math["untypeset"], f"math left untypeset on {page}:{_fmt(math['untypeset'])}"
    assert not math["errors"], f"TeX errors on {page}:{_fmt(math['errors'])}"
    if report["has_math"]:
        assert math["rendered"] > 0, f"{page} has math but MathJax rendered none"


def test_images_load_and_have_alt_text(audits, page):
    images = audits(page)["images"]
    unloaded = [i for i in images if i["width"] == 0]
    no_alt = [i for i in images if not i["alt"]]
    assert not unloaded, f"images that did not load on {page}:{_fmt(unloaded)}"
    assert not no_alt, f"images without alt text on {page}:{_fmt(no_alt)}"


def test_figures_are_sharp_on_high_density_screens(audits, page):
    """Every figure and animation frame is an SVG or has at least twice the pixels it is shown at."""
    soft = [f"{i['src']} ({i['width']} px shown at {i['shown']:.0f} px)" for i in audits(page)["images"]
            if i["content"] and not i["svg"] and i["shown"] > 0 and i["width"] < 2 * i["shown"] - 1]
    assert not soft, f"images below 2x on {page}:{_fmt(soft)}"


def test_figures_read_in_dark_mode(audits, page):
    """In the dark theme figures are shown on a dark ground (lightness inverted, hues kept);
    in the light theme they are shown as drawn."""
    report = audits(page)
    if report.get("figure_ground_dark") is None:
        return  # no figure on this page
    assert all("invert" in f for f in report["figure_filters_dark"]), report["figure_filters_dark"]
    assert all(f == "none" for f in report["figure_filters_light"]), report["figure_filters_light"]
    assert report["figure_ground_dark"] < 0.3, f"{page}: a figure's ground is light in dark mode"
    assert report["figure_ground_light"] > 0.9, f"{page}: a figure's ground is dark in light mode"


def test_offline_explorers_respond_to_their_sliders(audits, page):
    """Every kernel-free explorer: each slider, moved, shows another frame and its new value."""
    for i, sliders in enumerate(audits(page)["explorers"]):
        assert sliders, f"explorer {i} on {page} has no slider"
        for slider in sliders:
            assert slider["image_changed"] and slider["value_changed"], f"explorer {i} on {page}: {slider}"


def test_every_widget_explorer_has_an_offline_twin(audits, toc):
    """The chapters' ipywidgets explorers (pictures on the site) each have a page with a working
    kernel-free twin."""
    twins = [p for p in toc if "explore_" in p]
    assert len(twins) >= 2, twins
    for page in twins:
        assert audits(page)["explorers"], f"{page} has no offline explorer"


def test_animations_play(audits, page):
    report = audits(page)
    wanted = {"Play", "Pause", "Next frame", "Previous frame", "First frame", "Last frame"}
    for i, anim in enumerate(report["animations"]):
        assert anim["img"] and anim["slider"], f"animation {i} on {page} lacks its frame or slider"
        missing = wanted - set(anim["buttons"])
        assert not missing, f"animation {i} on {page} lacks controls: {sorted(missing)}"
        assert report["animation_plays"][i], f"pressing play on animation {i} of {page} changes no frame"


def test_internal_links_resolve(audits, page):
    broken = audits(page)["broken_links"]
    assert not broken, f"broken internal links on {page}:{_fmt(broken)}"


def test_api_entries_link_to_their_chapter(audits, page):
    """Every class and function of the API reference links to the chapter that introduces it."""
    orphans = audits(page)["api_without_chapter"]
    assert not orphans, f"API entries on {page} without a link to their chapter:{_fmt(orphans)}"


def test_page_weight_budget(audits, page):
    report = audits(page)
    size, budget = report["bytes"], report["budget_bytes"]
    assert size <= budget, f"{page} loads {size / 1e6:.2f} MB of HTML and images (budget {budget / 1e6:.0f} MB)"


def test_notebook_pages_have_launch_and_download_buttons(audits, notebook_page):
    launch = audits(notebook_page)["launch"]
    assert launch["binder"] > 0, f"{notebook_page} has no Binder launch button"
    name = notebook_page.removesuffix(".html").split("/")[-1]
    assert any(href.endswith(f"/blob/main/book/{name}.ipynb") for href in launch["colab"]), (
        f"{notebook_page} has no Colab launch button for its notebook: {launch['colab']}")
    assert launch["download_ipynb"] > 0, f"{notebook_page} has no .ipynb download button"


def test_toc_pages_have_issue_and_edit_buttons(audits, page, toc):
    """A reader can report a problem with a page, or propose an edit of its source, in one click."""
    import yaml

    if page not in toc:
        return  # Sphinx's own pages have no source to edit
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    links = audits(page)["source_links"]
    source = next(p for p in (ROOT / page).parent.glob(Path(page).stem + ".*") if p.suffix in (".md", ".ipynb"))
    assert any(link.startswith(url + "/issues/new") for link in links), f"{page}: no issue button"
    edit = f"{url}/edit/main/{source.relative_to(ROOT).as_posix()}"
    assert edit in links, f"{page}: no edit button for {edit} in {links}"


def test_site_index_leads_to_the_landing_page(audits, toc):
    assert audits("index.html")["redirect"] == toc[0]


def test_every_chapter_cites_its_sources(audits, chapter_page):
    """Each chapter ends with a bibliography of the works it cites (from book/references.bib),
    labelled in the author-year form of the citations in its text."""
    report = audits(chapter_page)
    assert report["citations"] > 0, f"{chapter_page} has no references list"
    label = re.compile(r"^\[\w[\w'’ -]* (?:& \w[\w'’ -]* |et al\. )?\d{4}[a-z]?\]$")
    bad = [text for text in report["citation_labels"] if not label.match(text.strip())]
    assert not bad, f"{chapter_page}: labels not in author-year form:{_fmt(bad)}"


# ----------------------------------------------------------------------- on a phone (390 px)


def test_page_fits_a_phone(audits, page):
    """No page scrolls sideways at 390 px: long signatures wrap, animations scale down."""
    phone = audits(page)["phone"]
    assert phone["scroll_width"] <= phone["viewport"], (
        f"{page} is {phone['scroll_width']} px wide at {phone['viewport']} px:{_fmt(phone['wider'])}")
    assert not phone["animation_overflow"], f"animations stick out of their box:{_fmt(phone['animation_overflow'])}"


def test_phone_toggles_open_the_chapters_and_the_page_contents(audits, page):
    """Tapping the sidebar toggle at 390 px shows the chapter list (every top-level entry of the
    table of contents; sections open under their chapter); tapping the page-contents
    toggle, where the page has one, shows links to the page's sections."""
    from conftest import top_level_pages

    report = audits(page)
    shown = report["phone_navigation"]
    assert shown is not None, f"{page} has no visible navigation toggle at 390 px"
    missing = [c for c in top_level_pages() if c not in shown]
    assert not missing, f"{page}: the navigation opened at 390 px without the pages:{_fmt(missing)}"
    contents = report["phone_contents"]
    assert contents is None or contents, f"{page}: the page-contents toggle opened nothing"
    assert contents is None or all(link.split("#")[0] == page or "#" in link for link in contents), contents
