"""Browser tests of the built site: fixtures, the page list, and one audit per page.

A real headless Chromium (Debian's ``chromium`` package, driven by path: no browser download)
opens every page of ``_build/html`` served by Python's ``http.server`` on 127.0.0.1. Every
request to any other host is blocked and counted, so a page that needs the network fails.

Each page is opened once; :func:`audit` records everything the tests in ``test_site.py`` assert
(status, console errors, requests, math, images, animations, links, size) and saves full-page
screenshots in the light and the dark theme under ``_build/screenshots/``.

Environment:

* ``SITE_DIR``: the built site to test (default ``_build/html``);
* ``CHROMIUM``: the browser executable (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SUITE_BUDGET_S = 120.0
PAGE_BUDGET_BYTES = 5_000_000
# Folders of the built site that hold assets and copies of sources, not pages.
NOT_PAGES = ("_static", "_sources", "_images", "_downloads")


# --------------------------------------------------------------------------- the page list


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


def toc_pages() -> list[str]:
    """The HTML page of each entry of ``_toc.yml``, relative to the site root."""
    return [f"{name}.html" for name in toc_docnames()]


def built_pages(site: Path = SITE) -> list[str]:
    """Every HTML page of the built site (the toc's pages plus Sphinx's index, search, ...)."""
    if not site.is_dir():
        return []
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0] in NOT_PAGES
    )


def all_pages() -> list[str]:
    """The pages under test: the toc's pages first, then every other built page."""
    toc = toc_pages()
    return toc + [p for p in built_pages() if p not in toc]


# --------------------------------------------------------------------------- serving, browser


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def site_url():
    """Serve the built site on 127.0.0.1 (a free port) for the whole session."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run 'make book' first", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Browser:
    """One Chromium with a fresh profile; records blocked requests per page."""

    def __init__(self, playwright, site_url: str):
        if not Path(CHROMIUM).is_file():
            pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium", pytrace=False)
        self.site_url = site_url
        self.origin = urlsplit(site_url).netloc
        self.profile = tempfile.mkdtemp(prefix="site-test-chromium-")
        self.context = playwright.chromium.launch_persistent_context(
            self.profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            color_scheme="light",
            service_workers="block",
        )
        self.context.set_default_timeout(15_000)
        self.blocked: list[str] = []
        # every request to another host is aborted and counted (data: URLs never reach here)
        self.context.route(self._is_foreign, self._block)

    def _is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.origin

    def _block(self, route):
        self.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def close(self):
        self.context.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        b = Browser(playwright, site_url)
        yield b
        b.close()


# --------------------------------------------------------------------------- the audit

_WAIT_FOR_MATH = """async () => {
  if (!window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise) return 0;
  await window.MathJax.startup.promise;
  return [...window.MathJax.startup.document.math].length;
}"""

_MATH_PROBLEMS = """() => {
  // math elements Sphinx wrote that MathJax did not typeset
  const untypeset = [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container') && !el.closest('pre'))
    .map(el => el.textContent.trim().slice(0, 80));
  // TeX that MathJax could not parse (an error box, or an undefined macro shown in red)
  const errors = [];
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const m of MathJax.startup.document.math) {
      const mml = MathJax.startup.toMML(m.root);
      if (/<merror|mathcolor="red"/.test(mml)) errors.push(m.math.slice(0, 80));
    }
  }
  return {untypeset, errors, rendered: document.querySelectorAll('mjx-container').length};
}"""

_RAW_TEX = r"""() => {
  // the reader-visible text, without code (where TeX-like strings are legitimate) and
  // without typeset math
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(el => el.remove());
  const text = body.textContent;
  const hits = [];
  for (const token of ['\\(', '\\[', '$$']) {
    let i = text.indexOf(token);
    while (i >= 0 && hits.length < 5) {
      hits.push(text.slice(Math.max(0, i - 30), i + 50).replace(/\s+/g, ' '));
      i = text.indexOf(token, i + 1);
    }
  }
  return hits;
}"""

_IMAGES = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener('load', r); img.addEventListener('error', r);
    setTimeout(r, 5000);
  })));
  return imgs.map(img => ({
    src: (img.currentSrc || img.src || '').slice(0, 100),
    id: img.id,
    alt: (img.getAttribute('alt') || '').trim(),
    width: img.naturalWidth,
  }));
}"""

_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""

_ANIMATIONS = """() => [...document.querySelectorAll('div.animation')].map(div => ({
  img: !!div.querySelector('img[id^="_anim_img"]'),
  slider: !!div.querySelector('input.anim-slider'),
  buttons: [...div.querySelectorAll('.anim-buttons button')].map(b => b.title),
}))"""


@functools.lru_cache(maxsize=None)
def _ids(path: Path) -> frozenset[str]:
    """The anchors (id and name attributes) of a built HTML file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\b(?:id|name)="([^"]+)"', text))


def site_file(url_path: str) -> Path:
    """The file of the built site that a URL path of the local server maps to."""
    path = SITE / unquote(url_path).lstrip("/")
    if url_path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path


def check_links(hrefs: list[str], origin: str) -> list[str]:
    """Internal links whose target file or anchor does not exist."""
    broken = []
    for href in sorted(set(hrefs)):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != origin:
            continue  # external links are not followed (the site must not need them)
        target = site_file(parts.path)
        if not target.is_file():
            broken.append(f"{href} (no such file)")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in _ids(target):
                broken.append(f"{href} (no such anchor)")
    return broken


def _screenshot_name(page_path: str, theme: str) -> Path:
    stem = page_path[: -len(".html")].replace("/", "__")
    return SCREENSHOTS / f"{stem}-{theme}.png"


def _set_theme(page, theme: str) -> None:
    """Switch the pydata/book theme the way its own toggle does (data-theme on <html>)."""
    page.emulate_media(color_scheme=theme)
    page.evaluate(
        """theme => {
          document.documentElement.dataset.theme = theme;
          document.documentElement.dataset.mode = theme;
        }""",
        theme,
    )
    page.wait_for_timeout(100)


def audit(browser: Browser, page_path: str) -> dict:
    """Open one page and record everything the site tests assert about it."""
    report: dict = {"page": page_path}
    console_errors: list[str] = []
    failed: list[str] = []
    loaded: list[tuple[str, str]] = []
    blocked_before = len(browser.blocked)
    page = browser.context.new_page()

    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")
        loaded.append((response.request.resource_type, response.url))

    def on_failed(request):
        if not browser._is_foreign(request.url):  # blocked ones are counted apart
            failed.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    try:
        start = time.perf_counter()
        response = page.goto(browser.site_url + page_path, wait_until="load")
        report["status"] = response.status if response else None
        source = site_file("/" + page_path).read_text(encoding="utf-8", errors="replace")
        redirect = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', source, re.I)
        report["redirect"] = None
        if redirect:  # a redirect stub (the site's index.html): audit where it leads
            page.wait_for_url("**/" + redirect.group(1))
            page.wait_for_load_state("load")
            report["redirect"] = urlsplit(page.url).path.lstrip("/")
            source = site_file(urlsplit(page.url).path).read_text(encoding="utf-8", errors="replace")
        report["n_math"] = page.evaluate(_WAIT_FOR_MATH)
        report["math"] = page.evaluate(_MATH_PROBLEMS)
        report["has_math"] = bool(re.search(r'class="math[ "]', source))
        report["raw_tex"] = page.evaluate(_RAW_TEX)
        report["images"] = page.evaluate(_IMAGES)
        report["broken_links"] = check_links(page.evaluate(_LINKS), browser.origin)
        report["launch"] = {
            "binder": page.locator('a[href*="mybinder.org"]').count(),
            "download_ipynb": page.locator('a[href$=".ipynb"][download], '
                                           '.dropdown-download-buttons a[href$=".ipynb"]').count(),
        }
        report["nav_links"] = page.eval_on_selector_all(
            "nav.bd-docs-nav a[href]", "els => els.map(a => a.href)"
        )

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            _set_theme(page, theme)
            page.screenshot(path=_screenshot_name(page_path, theme), full_page=True,
                            animations="disabled", caret="hide", timeout=60_000)
        _set_theme(page, "light")

        report["animations"] = page.evaluate(_ANIMATIONS)
        report["animation_plays"] = [_plays(page, i) for i in range(len(report["animations"]))]
        report["seconds"] = time.perf_counter() - start
    finally:
        page.close()

    # bytes the page loads for itself: the HTML and its images (embedded animation frames
    # are inside the HTML); shared scripts and styles are cached across pages
    weight = 0
    for kind, url in loaded:
        parts = urlsplit(url)
        if kind in ("document", "image", "media") and parts.netloc == browser.origin:
            path = site_file(parts.path)
            weight += path.stat().st_size if path.is_file() else 0
    report["bytes"] = weight
    report["budget_bytes"] = PAGE_BUDGET_BYTES
    report["console_errors"] = console_errors
    report["failed_requests"] = failed
    report["blocked_requests"] = browser.blocked[blocked_before:]
    return report


def _plays(page, index: int) -> bool:
    """Press an animation's play button: does the frame change? (pauses it again after)"""
    player = page.locator("div.animation").nth(index)
    frame = player.locator('img[id^="_anim_img"]')
    before = frame.get_attribute("src")
    player.locator('button[title="Play"]').click()
    try:
        page.wait_for_function(
            "([img, src]) => img.getAttribute('src') !== src",
            arg=[frame.element_handle(), before],
            timeout=3_000,
        )
        changed = True
    except Exception:  # playwright's TimeoutError: the frame never changed
        changed = False
    player.locator('button[title="Pause"]').click()
    return changed


def notebook_pages() -> list[str]:
    """The toc's pages built from notebooks (they carry launch and download buttons)."""
    return [p for p in toc_pages() if (SITE / "_sources" / p.replace(".html", ".ipynb")).is_file()]


def _test_ids(pages: list[str]) -> list[str]:
    return [p.removesuffix(".html") for p in pages]


def pytest_generate_tests(metafunc):
    """Parametrize ``page`` over every page and ``notebook_page`` over the notebook pages."""
    if "page" in metafunc.fixturenames:
        pages = all_pages()
        metafunc.parametrize("page", pages, ids=_test_ids(pages))
    if "notebook_page" in metafunc.fixturenames:
        pages = notebook_pages()
        metafunc.parametrize("notebook_page", pages, ids=_test_ids(pages))


def pytest_collection_modifyitems(config, items):
    """Keep every test of one page in one xdist worker (``--dist loadgroup``): a page is
    opened once per worker, and the tests of the whole site go with the landing page."""
    root = toc_pages()[0]
    for item in items:
        if "site" not in item.keywords:
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        group = params.get("page") or params.get("notebook_page") or root
        item.add_marker(pytest.mark.xdist_group(name=group))


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's folder."""
    return SITE


@pytest.fixture(scope="session")
def toc() -> list[str]:
    """The pages of ``_toc.yml``, root first."""
    return toc_pages()


@pytest.fixture(scope="session")
def audits(browser):
    """One audit per page, computed on first use and shared by every test of that page."""
    cache: dict[str, dict | Exception] = {}

    def get(page_path: str) -> dict:
        if page_path not in cache:
            try:
                cache[page_path] = audit(browser, page_path)
            except Exception as exc:  # the page broke the audit itself: fail each of its tests once
                cache[page_path] = exc
        result = cache[page_path]
        if isinstance(result, Exception):
            pytest.fail(f"auditing {page_path} failed: {result}", pytrace=False)
        return result

    return get


# --------------------------------------------------------------------------- the time budget

_SESSION_START = [0.0]


def pytest_sessionstart(session):
    _SESSION_START[0] = time.perf_counter()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _site_selected(config):
        return
    elapsed = time.perf_counter() - _SESSION_START[0]
    pages = all_pages()
    terminalreporter.write_line(
        f"site: {len(pages)} pages tested in a browser in {elapsed:.1f} s "
        f"(budget {SUITE_BUDGET_S:.0f} s); screenshots in {SCREENSHOTS}"
    )


def pytest_sessionfinish(session, exitstatus):
    if not _site_selected(session.config) or exitstatus != 0:
        return
    elapsed = time.perf_counter() - _SESSION_START[0]
    if elapsed > SUITE_BUDGET_S:
        session.exitstatus = 1
        print(f"\nsite: the browser suite took {elapsed:.1f} s, over its {SUITE_BUDGET_S:.0f} s budget")


def _site_selected(config) -> bool:
    """True when this run selects the site tests (``-m site``)."""
    return "site" in (config.getoption("-m") or "") and "not site" not in config.getoption("-m")
