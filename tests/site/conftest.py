"""Browser tests of the built site: fixtures, the page list, and one audit per page.

A real headless Chromium (Debian's ``chromium`` package, driven by path: no browser download)
opens every page of ``_build/html`` served by Python's ``http.server`` on 127.0.0.1. Every
request to any other host is blocked and counted, so a page that needs the network fails.

Each page is opened once: :func:`audit_site` opens the pages two at a time (one browser, one
tab per page) and records everything the tests in ``test_site.py`` assert (status, console
errors, requests, math, images, animations, links, size), saves full-page screenshots in the
light and the dark theme under ``_build/screenshots/``, and runs the search.

Environment:

* ``SITE_DIR``: the built site to test (default ``_build/html``);
* ``CHROMIUM``: the browser executable (default: the first of ``find_browser.py``'s places);
* ``SITE_CONCURRENCY``: pages open at once (default 2, one per core of the reference machine).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import io
import os
import re
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from find_browser import BrowserNotFound, find_chromium

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from make_pdf import toc_docnames, toc_pages  # noqa: E402  (the PDF's reading order is the suite's)

SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"
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
CONCURRENCY = int(os.environ.get("SITE_CONCURRENCY", "2"))
TIMEOUT_MS = 90_000  # one page's navigation or screenshot, on a busy machine
SUITE_BUDGET_S = 180.0  # every page at desktop and phone width, both themes; ~22 pages
PAGE_BUDGET_BYTES = 5_000_000
# Folders of the built site that hold assets and copies of sources, not pages.
NOT_PAGES = ("_static", "_sources", "_images", "_downloads")


# --------------------------------------------------------------------------- the page list


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


# --------------------------------------------------------------------------- serving


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class LocalServer:
    """The built site on 127.0.0.1 (a free port), served from a thread."""

    def __init__(self, site: Path = SITE):
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.origin = urlsplit(self.url).netloc

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------- in the browser

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

_IMAGES = r"""async () => {
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
    shown: img.getBoundingClientRect().width,
    content: !!img.closest('.cell_output, div.animation'),
    svg: /\.svg($|\?)|^data:image\/svg/.test(img.currentSrc || img.src || ''),
  }));
}"""

# In the dark theme: the filter of each content image, and, for the first figure, the mean
# brightness (0-1) of its outer ring of pixels as rendered (its background), from a screenshot.
_DARK_FIGURES = """() => [...document.querySelectorAll('.cell_output img, div.animation img')]
  .map(img => getComputedStyle(img).filter)"""

_API_WITHOUT_CHAPTER = r"""() => [...document.querySelectorAll('dl.py')]
  .filter(dl => !dl.parentElement.closest('dl.py'))   // top-level entries, not their members
  .filter(dl => ['class', 'function', 'exception', 'data'].some(c => dl.classList.contains(c)))
  .filter(dl => {
    const dd = dl.querySelector(':scope > dd');
    return !dd || ![...dd.querySelectorAll('a[href]')]
      .some(a => /\/book\/\d\d_[^\/]*\.html/.test(a.href));
  })
  .map(dl => (dl.querySelector(':scope > dt') || {}).id || '?')"""

_LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""

_ANIMATIONS = """() => [...document.querySelectorAll('div.animation')].map(div => ({
  img: !!div.querySelector('img[id^="_anim_img"]'),
  slider: !!div.querySelector('input.anim-slider'),
  buttons: [...div.querySelectorAll('.anim-buttons button')].map(b => b.title),
}))"""


PHONE = {"width": 390, "height": 844}
# At a phone's width: how wide the page is, and the elements that make it wider (ignoring those
# inside a box that scrolls on its own, such as a code block); and elements of an animation
# that stick out of it.
_PHONE_WIDTH = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (e) => `${e.tagName.toLowerCase()}.${e.className} reaches ` +
    `${Math.round(e.getBoundingClientRect().right)} px: ${(e.textContent || '').trim().slice(0, 50)}`;
  const wide = [...document.querySelectorAll('body *')].filter(e =>
    e.getBoundingClientRect().right > width + 1 && !scrolls(e) && getComputedStyle(e).position !== 'fixed');
  const sticking = [...document.querySelectorAll('div.animation')].flatMap(a =>
    [...a.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > a.getBoundingClientRect().right + 1));
  return {viewport: width, scroll_width: document.documentElement.scrollWidth,
          wider: wide.slice(0, 5).map(describe), animation_overflow: sticking.slice(0, 5).map(describe)};
}"""


async def _open_sidebar(page, kind: str, screenshot: Path | None = None) -> list[str] | None:
    """Tap the visible ``kind`` toggle (``primary`` or ``secondary``) as a phone reader would;
    return the paths of the links the opened sidebar shows (None: the page has no such toggle)."""
    toggle = page.locator(f".{kind}-toggle:visible")
    if await toggle.count() == 0:
        return None
    await toggle.first.click()
    dialog = page.locator(f"#pst-{kind}-sidebar-modal[open]")
    try:
        await dialog.wait_for(state="visible", timeout=3_000)
    except Exception:  # playwright's TimeoutError: the toggle opened nothing
        return []
    shown = [urlsplit(href).path.lstrip("/") + ("#" + urlsplit(href).fragment if urlsplit(href).fragment else "")
             for href in await dialog.locator("a[href]:visible").evaluate_all("els => els.map(a => a.href)")]
    if screenshot is not None:
        await page.screenshot(path=str(screenshot))
    await page.keyboard.press("Escape")
    await dialog.wait_for(state="hidden", timeout=3_000)
    return shown


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


async def _set_theme(page, theme: str) -> None:
    """Switch the pydata/book theme the way its own toggle does (data-theme on <html>)."""
    await page.emulate_media(color_scheme=theme)
    await page.evaluate(
        """theme => {
          document.documentElement.dataset.theme = theme;
          document.documentElement.dataset.mode = theme;
        }""",
        theme,
    )
    await page.wait_for_timeout(100)


async def _full_page_png(page, path: Path) -> None:
    """A full-page PNG screenshot through the DevTools protocol, with Chromium's fast PNG
    encoder (``optimizeForSpeed``: larger files, about a third less time on tall pages)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        size = (await cdp.send("Page.getLayoutMetrics"))["cssContentSize"]
        shot = await cdp.send("Page.captureScreenshot", {
            "format": "png",
            "optimizeForSpeed": True,
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        })
    finally:
        await cdp.detach()
    path.write_bytes(base64.b64decode(shot["data"]))


async def _plays(page, index: int) -> bool:
    """Press an animation's play button: does the frame change? (pauses it again after)"""
    player = page.locator("div.animation").nth(index)
    frame = player.locator('img[id^="_anim_img"]')
    before = await frame.get_attribute("src")
    await player.locator('button[title="Play"]').click()
    try:
        await page.wait_for_function(
            "([img, src]) => img.getAttribute('src') !== src",
            arg=[await frame.element_handle(), before],
            timeout=5_000,
        )
        changed = True
    except Exception:  # playwright's TimeoutError: the frame never changed
        changed = False
    await player.locator('button[title="Pause"]').click()
    return changed


async def _explorer_moves(page, index: int) -> list[dict]:
    """Move each slider of an offline explorer to its other end, as a reader would drag it:
    for each, did the image and the shown value change? (the slider is put back after)"""
    root = page.locator("div.fl-explorer").nth(index)
    img = root.locator("img")
    results = []
    for k in range(await root.locator('input[type="range"]').count()):
        slider = root.locator('input[type="range"]').nth(k)
        output = root.locator("output").nth(k)
        start, top = await slider.input_value(), await slider.get_attribute("max")
        before = (await img.get_attribute("src"), await output.inner_text())
        target = "0" if start == top else top
        await slider.fill(target)  # sets the value and fires the input event
        after = (await img.get_attribute("src"), await output.inner_text())
        results.append({"label": await slider.get_attribute("aria-label"),
                        "image_changed": after[0] != before[0], "value_changed": after[1] != before[1]})
        await slider.fill(start)
    return results


async def _figure_ground(page) -> float | None:
    """Mean brightness (0 to 1) of the outer ring of the first figure as rendered, or None."""
    figure = page.locator(".cell_output img").first
    if await figure.count() == 0:
        return None
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(await figure.screenshot())).convert("L")
    w, h = image.size
    ring = [image.crop(box) for box in ((0, 0, w, 3), (0, h - 3, w, h), (0, 0, 3, h), (w - 3, 0, w, h))]
    return sum(ImageStat.Stat(r).mean[0] for r in ring) / len(ring) / 255


def _is_foreign(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != origin


async def audit_page(context, server: LocalServer, page_path: str) -> dict:
    """Open one page and record everything the site tests assert about it."""
    report: dict = {"page": page_path, "budget_bytes": PAGE_BUDGET_BYTES}
    console_errors: list[str] = []
    failed: list[str] = []
    blocked: list[str] = []
    loaded: list[tuple[str, str]] = []
    page = await context.new_page()

    async def block(route):  # every request to another host is aborted and counted
        blocked.append(route.request.url)
        await route.abort("blockedbyclient")

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")
        loaded.append((response.request.resource_type, response.url))

    def on_failed(request):
        if not _is_foreign(request.url, server.origin):  # blocked ones are counted apart
            failed.append(f"{request.failure} {request.url}")

    await page.route(lambda url: _is_foreign(url, server.origin), block)
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    start = time.perf_counter()
    try:
        response = await page.goto(server.url + page_path, wait_until="load")
        report["status"] = response.status if response else None
        source = site_file("/" + page_path).read_text(encoding="utf-8", errors="replace")
        redirect = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', source, re.I)
        report["redirect"] = None
        if redirect:  # a redirect stub (the site's index.html): audit where it leads
            await page.wait_for_url("**/" + redirect.group(1))
            await page.wait_for_load_state("load")
            report["redirect"] = urlsplit(page.url).path.lstrip("/")
            source = site_file(urlsplit(page.url).path).read_text(encoding="utf-8", errors="replace")
        report["n_math"] = await page.evaluate(_WAIT_FOR_MATH)
        report["math"] = await page.evaluate(_MATH_PROBLEMS)
        report["has_math"] = bool(re.search(r'class="math[ "]', source))
        report["raw_tex"] = await page.evaluate(_RAW_TEX)
        report["images"] = await page.evaluate(_IMAGES)
        report["broken_links"] = check_links(await page.evaluate(_LINKS), server.origin)
        report["api_without_chapter"] = await page.evaluate(_API_WITHOUT_CHAPTER)
        report["citations"] = await page.locator(".citation-list .citation").count()
        report["citation_labels"] = await page.locator(".citation-list .citation > .label").all_inner_texts()
        report["launch"] = {
            "binder": await page.locator('a[href*="mybinder.org"]').count(),
            "colab": await page.eval_on_selector_all(
                'a[href*="colab.research.google.com"]', "els => els.map(a => a.href)"),
            "download_ipynb": await page.locator(
                '.dropdown-download-buttons a[href$=".ipynb"]').count(),
        }
        report["source_links"] = await page.eval_on_selector_all(
            '.article-header-buttons a[href*="/issues/new"], .article-header-buttons a[href*="/edit/"]',
            "els => els.map(a => a.href)")
        report["nav_links"] = await page.eval_on_selector_all(
            "nav.bd-docs-nav a[href]", "els => els.map(a => a.href)")
        report["seconds_load"] = time.perf_counter() - start

        if not report["redirect"]:  # a redirect stub looks exactly like the page it leads to
            for theme in ("light", "dark"):
                await _set_theme(page, theme)
                await _full_page_png(page, _screenshot_name(page_path, theme))
                report[f"figure_filters_{theme}"] = await page.evaluate(_DARK_FIGURES)
                report[f"figure_ground_{theme}"] = await _figure_ground(page)
            await _set_theme(page, "light")
        report["seconds_screenshots"] = time.perf_counter() - start - report["seconds_load"]

        report["animations"] = await page.evaluate(_ANIMATIONS)
        report["animation_plays"] = [await _plays(page, i) for i in range(len(report["animations"]))]
        report["explorers"] = [await _explorer_moves(page, i)
                               for i in range(await page.locator("div.fl-explorer").count())]

        # a phone: the page fits the screen, and both sidebar toggles open their navigation
        await page.set_viewport_size(PHONE)
        await page.wait_for_timeout(150)
        report["phone"] = await page.evaluate(_PHONE_WIDTH)
        shot = None
        if re.fullmatch(r"book/\d\d_\w+\.html", page_path):  # the chapters: a picture to look at
            (SCREENSHOTS / "phone").mkdir(parents=True, exist_ok=True)
            shot = SCREENSHOTS / "phone" / Path(page_path).with_suffix(".png").name.replace(".png", "-navigation.png")
        report["phone_navigation"] = await _open_sidebar(page, "primary", shot)
        report["phone_contents"] = await _open_sidebar(page, "secondary")
    finally:
        report["seconds"] = time.perf_counter() - start
        await page.close()

    # bytes the page loads for itself: the HTML and its images (embedded animation frames
    # are inside the HTML); shared scripts and styles are cached across pages
    weight = 0
    for kind, url in loaded:
        parts = urlsplit(url)
        if kind in ("document", "image", "media") and parts.netloc == server.origin:
            path = site_file(parts.path)
            weight += path.stat().st_size if path.is_file() else 0
    report["bytes"] = weight
    report["console_errors"] = console_errors
    report["failed_requests"] = failed
    report["blocked_requests"] = blocked
    return report


async def search(context, server: LocalServer, query: str) -> list[str]:
    """The result links of the site's built-in search for ``query``."""
    page = await context.new_page()
    await page.route(lambda url: _is_foreign(url, server.origin), lambda route: route.abort())
    try:
        await page.goto(server.url + f"search.html?q={query}", wait_until="load")
        results = page.locator("#search-results ul.search li")
        try:
            await results.first.wait_for()
        except Exception:  # no result at all
            return []
        return await results.locator("a").evaluate_all("els => els.map(a => a.href)")
    finally:
        await page.close()


async def audit_site(pages: list[str], server: LocalServer, chromium: str) -> dict:
    """Audit ``pages`` (``CONCURRENCY`` at a time) in one ``chromium`` with a fresh profile."""
    from playwright.async_api import async_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # the heaviest pages first, so that two workers finish together
    order = sorted(pages, key=lambda p: -(site_file("/" + p).stat().st_size
                                          if site_file("/" + p).is_file() else 0))
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="site-test-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
                color_scheme="light",
                service_workers="block",
            )
            context.set_default_timeout(TIMEOUT_MS)
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(page_path):
                async with gate:
                    try:
                        results[page_path] = await audit_page(context, server, page_path)
                    except Exception as exc:  # the page broke the audit itself
                        results[page_path] = exc

            await asyncio.gather(*(one(p) for p in order))
            results["__search__"] = await search(context, server, "Fisher")
            await context.close()
    return results


def top_level_pages(toc_file: Path = ROOT / "_toc.yml") -> list[str]:
    """The entries the navigation always shows: the chapters of every part (not their sections)."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    files = [c["file"] for part in toc.get("parts") or [] for c in part.get("chapters") or []]
    return [re.sub(r"\.(md|ipynb)$", "", f) + ".html" for f in files]


def chapter_pages() -> list[str]:
    """The toc's numbered chapters (``book/NN_name``)."""
    return [p for p in toc_pages() if re.fullmatch(r"book/\d\d_\w+\.html", p)]


def notebook_pages() -> list[str]:
    """The toc's pages built from notebooks (they carry launch and download buttons)."""
    return [p for p in toc_pages() if (SITE / "_sources" / p.replace(".html", ".ipynb")).is_file()]


def _test_ids(pages: list[str]) -> list[str]:
    return [p.removesuffix(".html") for p in pages]


def pytest_generate_tests(metafunc):
    """Parametrize ``page`` over every page, ``chapter_page`` over the chapters and
    ``notebook_page`` over the pages built from notebooks."""
    if "page" in metafunc.fixturenames:
        pages = all_pages()
        metafunc.parametrize("page", pages, ids=_test_ids(pages))
    if "chapter_page" in metafunc.fixturenames:
        pages = chapter_pages()
        metafunc.parametrize("chapter_page", pages, ids=_test_ids(pages))
    if "notebook_page" in metafunc.fixturenames:
        pages = notebook_pages()
        metafunc.parametrize("notebook_page", pages, ids=_test_ids(pages))


_SELECTED_PAGES: set[str] = set()
_TIMINGS: dict[str, tuple[float, float, float, int]] = {}


def pytest_collection_finish(session):
    """Note which pages the selected tests need (``-k`` may select a few); the tests of the
    whole site need the landing page."""
    root = toc_pages()[0]
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        _SELECTED_PAGES.add(
            params.get("page") or params.get("notebook_page") or params.get("chapter_page") or root
        )


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's folder."""
    return SITE


@pytest.fixture(scope="session")
def toc() -> list[str]:
    """The pages of ``_toc.yml``, root first."""
    return toc_pages()


@pytest.fixture(scope="session")
def site_audit() -> dict:
    """Every selected page audited once (plus the search), computed on first use."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: run 'make book' first", pytrace=False)
    try:
        chromium = find_chromium()
    except BrowserNotFound as err:
        pytest.fail(str(err), pytrace=False)
    server = LocalServer()
    try:
        pages = [p for p in all_pages() if p in _SELECTED_PAGES] or all_pages()[:1]
        results = asyncio.run(audit_site(pages, server, chromium))
    finally:
        server.close()
    _TIMINGS.update({
        page: (r["seconds_load"], r["seconds_screenshots"], r["seconds"], r["bytes"])
        for page, r in results.items() if isinstance(r, dict) and "seconds_screenshots" in r
    })
    return results


@pytest.fixture(scope="session")
def audits(site_audit):
    """``audits(page)``: the record of one page; fails the test if the page broke the audit."""

    def get(page_path: str) -> dict:
        result = site_audit.get(page_path)
        if result is None:
            pytest.fail(f"{page_path} was not audited", pytrace=False)
        if isinstance(result, Exception):
            pytest.fail(f"auditing {page_path} failed: {result}", pytrace=False)
        return result

    return get


@pytest.fixture(scope="session")
def search_results(site_audit) -> list[str]:
    """The links the built-in search returns for "Fisher"."""
    return site_audit["__search__"]


# --------------------------------------------------------------------------- the time budget

_SESSION_START = [0.0]


def pytest_sessionstart(session):
    _SESSION_START[0] = time.perf_counter()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _site_selected(config):
        return
    elapsed = time.perf_counter() - _SESSION_START[0]
    terminalreporter.write_line(
        f"site: {len(_SELECTED_PAGES)} pages tested in a browser in {elapsed:.1f} s "
        f"(budget {SUITE_BUDGET_S:.0f} s, {CONCURRENCY} at a time); screenshots in {SCREENSHOTS}"
    )
    slowest = sorted(_TIMINGS.items(), key=lambda item: -item[1][2])[:5]
    for page, (load, shots, total, size) in slowest:
        terminalreporter.write_line(
            f"  {page}: {total:.1f} s (open and check {load:.1f} s, screenshots {shots:.1f} s), "
            f"{size / 1e6:.2f} MB"
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
