"""The whole book as one PDF, printed offline from the built site.

Usage: python scripts/make_pdf.py [--site _build/html] [--out _build/pdf/fisher-information-course.pdf]

Every page of the table of contents is opened, in reading order, in the same headless Chromium
the browser checks use (``tests/site/find_browser.py``), from a server on 127.0.0.1 with every
other host blocked. MathJax is typeset before a page is printed; the navigation, the buttons and
the hidden code are left out of print; the figures and the first frame of every animation are
printed. The pages are then joined into one PDF whose outline (bookmarks) lists the chapters;
a copy goes into the site, whose landing page links to it.
Needs a built site (``make book``); ``make pdf`` runs both.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import re
import shutil
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "site"))
from find_browser import BrowserNotFound, find_chromium  # noqa: E402

# What a printed page leaves out: navigation, headers, buttons, the "show code" toggles.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer,
.bd-footer-article, .prev-next-area, .headerlink, #pst-back-to-top, .toggle-details,
details.hide.above-input, .bd-search, .search-button { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
.bd-article { padding: 0 !important; }
img { max-width: 100% !important; break-inside: avoid; }
div.animation .anim-controls { display: none !important; }
h1, h2, h3 { break-after: avoid; }
pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
"""

WAIT_FOR_MATH = """async () => {
  if (!window.MathJax) return;
  for (let i = 0; i < 200 && !(window.MathJax.startup && window.MathJax.startup.promise); i++) {
    await new Promise(r => setTimeout(r, 50));
  }
  if (window.MathJax.startup && window.MathJax.startup.promise) await window.MathJax.startup.promise;
}"""


def toc_docnames(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document the table of contents lists, in reading order (root first)."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return [re.sub(r"\.(md|ipynb)$", "", name) for name in names]


def toc_pages(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """The pages of the table of contents in reading order, as paths of the built site."""
    return [f"{name}.html" for name in toc_docnames(toc_file)]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


async def print_pages(site: Path, pages: list[str], folder: Path, chromium: str) -> list[tuple[str, Path]]:
    """Print each page to ``folder``; return (title, pdf) pairs in reading order."""
    from playwright.async_api import async_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"127.0.0.1:{server.server_address[1]}"
    printed = []
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"])
            context = await browser.new_context(color_scheme="light")
            await context.route(lambda url: origin not in url and url.startswith("http"),
                                lambda route: route.abort("blockedbyclient"))
            slots = asyncio.Semaphore(2)  # two pages at a time: the machine's two cores

            async def print_one(i: int, page_path: str) -> tuple[str, Path]:
                async with slots:
                    start = time.perf_counter()
                    page = await context.new_page()
                    await page.goto(f"http://{origin}/{page_path}", wait_until="load")
                    await page.evaluate(WAIT_FOR_MATH)
                    await page.add_style_tag(content=PRINT_CSS)
                    await page.emulate_media(media="print")
                    title = (await page.locator("article h1").first.inner_text()).strip().rstrip("#").strip()
                    target = folder / f"{i:03d}.pdf"
                    await page.pdf(path=str(target), format="A4", print_background=True,
                                   margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
                    await page.close()
                    n_pages = len(PdfReader(target).pages)
                    print(f"{page_path:<36} {n_pages:>4} pages  {time.perf_counter() - start:5.1f} s  {title}",
                          flush=True)
                    return title, target

            # gather keeps the reading order whatever order the pages finish in
            printed = list(await asyncio.gather(*(print_one(i, p) for i, p in enumerate(pages))))
            await browser.close()
    finally:
        server.shutdown()
    return printed


def join(printed: list[tuple[str, Path]], out: Path, title: str) -> int:
    """One PDF with an outline entry per page of the book; returns its number of pages."""
    writer = PdfWriter()
    for chapter_title, path in printed:
        first = len(writer.pages)
        writer.append(str(path))
        writer.add_outline_item(title=chapter_title, page_number=first)
    writer.add_metadata({"/Title": title, "/Author": "the Fisher information course"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--out", default=str(ROOT / "_build" / "pdf" / "fisher-information-course.pdf"))
    args = parser.parse_args(argv)
    site, out = Path(args.site), Path(args.out)
    if not (site / "index.html").is_file():
        print(f"no built site at {site}: run 'make book' first", file=sys.stderr)
        return 1
    try:
        chromium = find_chromium()
    except BrowserNotFound as err:
        print(err, file=sys.stderr)
        return 1
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as tmp:
        printed = asyncio.run(print_pages(site, toc_pages(), Path(tmp), chromium))
        n_pages = join(printed, out, config["title"])
    shutil.copyfile(out, site / out.name)  # the site links to it: ../fisher-information-course.pdf
    print(f"{out}: {n_pages} pages, {out.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - start:.0f} s; "
          f"copied to {site / out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
