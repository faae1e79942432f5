"""Sphinx extension of the course's site (loaded through ``local_extensions`` in _config.yml).

* **API entries link to their chapter.** A ``fisherlab`` docstring says where the book
  introduces the object: ``Introduced in Chapter 3, "KL divergence and its Taylor expansion".``
  On the API reference page that sentence becomes a link to the chapter (``book/03_*``). An
  entry whose docstring does not say it gets the chapter of its module (see
  :func:`module_chapter`).
  The pages that use autodoc are re-read on every build, so the links follow the docstrings.
* **Phones can open the navigation.** ``static/course-site.js`` makes the visible sidebar
  toggles work (the themes bind their handlers to a hidden button), and ``static/course-site.css``
  keeps every page within a phone's width.
* **Bibliography labels in the author-year form of the text.** The citations read "Amari
  (1998)", so the reference lists label the entry "[Amari 1998]" (style ``course``, see
  :class:`AuthorYearLabels`), with LaTeX accents decoded ("Başar", not "Bacsar").
* **Every page works on a reader's first visit.** The theme's colour mode defaults to
  ``auto`` (follow the reader's system), and an inline script that two extensions add twice
  (a JavaScript ``const`` declared twice is an error in the console) is written once.
"""

from __future__ import annotations

import inspect
import re
import string
import sys
from collections import Counter
from pathlib import Path

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle

STATIC = Path(__file__).resolve().parent / "static"

INTRODUCED = re.compile(r'Introduced\s+in\s+Chapter\s+(\d+),\s+"([^"]+)"(\.?)')
CHAPTER_NAMED = re.compile(r'Chapter\s+(\d+),\s+"([^"]+)"')
CHAPTER_FILE = re.compile(r"book/(\d\d)_\w+")
# kinds of autodoc entries that are shown as entries of their own on the API page
TOP_LEVEL = {"class", "function", "exception", "data"}


def chapter_docnames(env) -> dict[int, str]:
    """Chapter number -> docname, from the course's file names ``book/NN_name``."""
    out = {}
    for docname in env.found_docs:
        match = CHAPTER_FILE.fullmatch(docname)
        if match:
            out[int(match.group(1))] = docname
    return out


def _link(number: int, title: str, chapters: dict[int, str]) -> str | None:
    docname = chapters.get(number)
    if docname is None:
        return None
    title = " ".join(title.split())
    return f':doc:`Chapter {number}, "{title}" </{docname}>`'


def module_chapter(module_name: str) -> tuple[int, str] | None:
    """The chapter that introduces a module.

    In order: a chapter its docstring names (``Introduced in Chapter N, "..."`` or ``Figures of
    Chapter N, "..."``); else the earliest chapter named by an "Introduced in" anywhere in its
    source; else the earliest one in the sources of the other modules of its package.
    """
    module = sys.modules.get(module_name)
    if module is None:
        return None
    named = CHAPTER_NAMED.search(module.__doc__ or "")
    if named:
        return int(named.group(1)), named.group(2)
    package = module_name.rpartition(".")[0]
    for names in ([module_name], sorted(m for m in sys.modules if m.startswith(package + "."))):
        found = []
        for name in names:
            try:
                found += INTRODUCED.findall(inspect.getsource(sys.modules[name]))
            except (OSError, TypeError):
                continue
        if found:
            number, title, _ = min(found, key=lambda f: int(f[0]))
            return int(number), title
    return None


def link_chapters(app, what, name, obj, options, lines):
    """autodoc-process-docstring: turn "Introduced in Chapter N" into a link to Chapter N."""
    env = app.env
    if not hasattr(env, "course_autodoc_pages"):
        env.course_autodoc_pages = set()
    env.course_autodoc_pages.add(env.docname)
    chapters = chapter_docnames(env)
    text = "\n".join(lines)

    def replace(match):
        link = _link(int(match.group(1)), match.group(2), chapters)
        return f"Introduced in {link}{match.group(3)}" if link else match.group(0)

    new, count = INTRODUCED.subn(replace, text)
    if count:
        lines[:] = new.split("\n")
        return
    if what not in TOP_LEVEL:
        return
    module_name = getattr(obj, "__module__", None) or name.rpartition(".")[0]
    chapter = module_chapter(module_name)
    link = _link(*chapter, chapters) if chapter else None
    if link:
        lines.extend(["", f"Introduced in {link}."])


def reread_api_pages(app, env, added, changed, removed):
    """env-get-outdated: re-read every page that uses autodoc on every build.

    Sphinx does not notice that a docstring (or the set of chapters it links to) changed,
    so an incremental build would keep a stale API reference.
    """
    return sorted(d for d in getattr(env, "course_autodoc_pages", ()) if d in env.found_docs)


def default_colour_mode(app, config):
    """Readers with no stored preference follow their system's light or dark mode.

    pydata-sphinx-theme reads ``default_mode`` from the template context; left empty, its
    script logs "Got invalid theme mode" as an error on a reader's first visit.
    """
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def write_scripts_once(app, pagename, templatename, context, doctree):
    """Drop repeated script tags (same file and same inline body) from a page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {}) or {}
        key = (getattr(js, "filename", js) or "", attributes.get("body", ""))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def add_site_files(app, config):
    """The course's own script and style sheet, on every page."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]


class AuthorYearLabels(BaseLabelStyle):
    """Labels "Amari 1998", "Cover & Thomas 2006", "Schulman et al. 2015": the author-year
    citations of the text in bracket form; "a", "b", ... tell apart works that would share one."""

    def format_labels(self, sorted_entries):
        labels = [self.format_label(entry) for entry in sorted_entries]
        repeated = {label for label, n in Counter(labels).items() if n > 1}
        used = Counter()
        for label in labels:
            if label in repeated:
                used[label] += 1
                label += string.ascii_lowercase[used[label] - 1]
            yield label

    @staticmethod
    def format_label(entry) -> str:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [Text.from_latex(" ".join(p.prelast_names + p.last_names)).render_as("text") for p in persons]
        if not names:
            who = Text.from_latex(entry.fields.get("title", entry.key)).render_as("text")
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} & {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who} {entry.fields.get('year', 'n.d.')}"


class CourseStyle(UnsrtStyle):
    """pybtex's unsrt formatting (with DOI and URL links) and author-year labels."""

    default_label_style = "course_author_year"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "course_author_year", AuthorYearLabels)
register_plugin("pybtex.style.formatting", "course", CourseStyle)


def setup(app):
    app.connect("config-inited", default_colour_mode, priority=900)
    app.connect("config-inited", add_site_files, priority=900)
    app.add_js_file("course-site.js")
    app.add_css_file("course-site.css")
    app.connect("autodoc-process-docstring", link_chapters)
    app.connect("env-get-outdated", reread_api_pages)
    app.connect("html-page-context", write_scripts_once, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
