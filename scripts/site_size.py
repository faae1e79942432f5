"""Print the size of the built site and of its heaviest pages, each with the images it loads.

Usage: python scripts/site_size.py [_build/html]

A page's weight is its HTML (which holds the frames of its animations, embedded as data URIs)
plus every local image it loads with ``<img src=...>``. Scripts, styles and fonts are shared by
all pages (and cached by the browser), so they count for the site, not for a page. The budget
is 5 MB per page; the browser suite (``make site-test``) enforces it, this script reports it.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

PAGE_BUDGET_BYTES = 5_000_000
NOT_PAGES = ("_static", "_sources", "_images", "_downloads")


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)


def page_weight(page: Path) -> tuple[int, int, int]:
    """(HTML bytes, bytes of the local images it loads, number of those images)."""
    html = page.read_text(encoding="utf-8", errors="replace")
    parser = _Images()
    parser.feed(html)
    images, n_images = 0, 0
    for src in dict.fromkeys(parser.sources):  # an image loaded twice is fetched once
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or src.startswith("data:"):
            continue  # embedded (already in the HTML) or remote (the site tests forbid those)
        path = (page.parent / unquote(parts.path)).resolve()
        if path.is_file():
            images += path.stat().st_size
            n_images += 1
    return page.stat().st_size, images, n_images


def pages_of(site: Path) -> list[Path]:
    return sorted(
        p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in NOT_PAGES
    )


def main(root: str) -> int:
    site = Path(root)
    if not site.is_dir():
        print(f"no built site at {site}")
        return 1
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    weights = {page: page_weight(page) for page in pages_of(site)}
    ranked = sorted(weights.items(), key=lambda item: item[1][0] + item[1][1], reverse=True)
    print(f"site: {len(weights)} pages, {len(files)} files, {total / 1e6:.1f} MB in {site}")
    if ranked:
        page, (html, images, n) = ranked[0]
        print(f"largest page: {page.relative_to(site)}: {(html + images) / 1e6:.2f} MB "
              f"(HTML {html / 1e6:.2f} MB + {n} images {images / 1e6:.2f} MB; "
              f"budget {PAGE_BUDGET_BYTES / 1e6:.0f} MB)")
    for page, (html, images, n) in ranked[1:4]:
        print(f"  {page.relative_to(site)}: {(html + images) / 1e6:.2f} MB "
              f"(HTML {html / 1e6:.2f} + {n} images {images / 1e6:.2f})")
    over = [page for page, (html, images, _) in ranked if html + images > PAGE_BUDGET_BYTES]
    for page in over:
        print(f"  over the page budget: {page.relative_to(site)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
