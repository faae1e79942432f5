"""Find a Chromium-family browser for the browser checks, or say in one message how to get one.

Usage: python tests/site/find_browser.py   (prints the browser's path; exits 1 with a message
if there is none). `make test` runs it first, so that a machine without a browser stops at once
instead of after minutes of other tests.

Looked for, in order:

1. the ``CHROMIUM`` environment variable (a path, or a command on ``PATH``);
2. ``chromium``, ``chromium-browser``, ``google-chrome``, ``google-chrome-stable`` on ``PATH``;
3. the Debian and snap paths, and the macOS applications;
4. the Chromium that ``python -m playwright install chromium`` downloaded.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PATHS = (
    "/usr/bin/chromium",
    "/snap/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)

HOW_TO_GET_ONE = """\
No Chromium-family browser was found for the browser checks of `make test`.
Looked for: $CHROMIUM; {commands} on PATH; {paths}; a browser installed by Playwright.
Get one, then run `make test` again:
  Debian/Ubuntu:  sudo apt-get install chromium   (Ubuntu also: sudo snap install chromium)
  macOS:          brew install --cask chromium    (or install Google Chrome)
  without root:   .venv/bin/python -m playwright install chromium
Or name one: CHROMIUM=/path/to/chrome make test. (`make unit` and `make nbval` need no browser.)"""


class BrowserNotFound(RuntimeError):
    """No browser: the message says where we looked and how to install one."""


def _executable(path: str | os.PathLike) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def _playwright_chromium() -> str | None:
    """The Chromium that Playwright downloaded (``python -m playwright install chromium``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # the driver could not start: no Playwright browser either
        return None
    return path if path and _executable(path) else None


def find_chromium(environ: dict | None = None) -> str:
    """The path of a Chromium-family browser; ``BrowserNotFound`` with instructions if none."""
    environ = os.environ if environ is None else environ
    named = environ.get("CHROMIUM")
    if named:
        path = named if _executable(named) else shutil.which(named)
        if not path:
            raise BrowserNotFound(f"CHROMIUM={named} is not an executable file or a command on PATH")
        return path
    for command in COMMANDS:
        path = shutil.which(command)
        if path:
            return path
    for path in PATHS:
        if _executable(path):
            return path
    path = _playwright_chromium()
    if path:
        return path
    raise BrowserNotFound(HOW_TO_GET_ONE.format(commands=", ".join(COMMANDS), paths=", ".join(PATHS)))


def main() -> int:
    try:
        print(find_chromium())
    except BrowserNotFound as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
