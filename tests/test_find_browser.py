"""The browser checks find a browser in the usual places, or stop with one clear message."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "site" / "find_browser.py"
spec = importlib.util.spec_from_file_location("find_browser", SCRIPT)
fb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fb)


def fake_browser(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\necho Chromium 1.0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def nowhere(monkeypatch, tmp_path):
    """No browser anywhere: an empty PATH, none of the fixed paths, no Playwright download."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(fb, "PATHS", (str(tmp_path / "missing"),))
    monkeypatch.setattr(fb, "_playwright_chromium", lambda: None)
    return tmp_path


def test_the_variable_wins(nowhere):
    browser = fake_browser(nowhere, "my-chrome")
    assert fb.find_chromium({"CHROMIUM": str(browser)}) == str(browser)


def test_a_variable_that_names_nothing_is_an_error(nowhere):
    with pytest.raises(fb.BrowserNotFound, match="CHROMIUM=/no/such/chrome is not an executable"):
        fb.find_chromium({"CHROMIUM": "/no/such/chrome"})


@pytest.mark.parametrize("name", fb.COMMANDS)
def test_each_command_on_path_is_found(nowhere, monkeypatch, name):
    folder = nowhere / "bin"
    folder.mkdir()
    browser = fake_browser(folder, name)
    monkeypatch.setenv("PATH", str(folder))
    assert fb.find_chromium({}) == str(browser)


def test_a_fixed_path_is_found(nowhere, monkeypatch):
    browser = fake_browser(nowhere, "chromium-snap")
    monkeypatch.setattr(fb, "PATHS", (str(nowhere / "missing"), str(browser)))
    assert fb.find_chromium({}) == str(browser)


def test_playwrights_download_is_the_last_resort(nowhere, monkeypatch):
    browser = fake_browser(nowhere, "chrome")
    monkeypatch.setattr(fb, "_playwright_chromium", lambda: str(browser))
    assert fb.find_chromium({}) == str(browser)


def test_no_browser_says_how_to_get_one(nowhere):
    with pytest.raises(fb.BrowserNotFound) as err:
        fb.find_chromium({})
    message = str(err.value)
    for advice in ("apt-get install chromium", "brew install --cask chromium",
                   "python -m playwright install chromium", "CHROMIUM=/path/to/chrome"):
        assert advice in message


def test_the_script_exits_1_with_the_message_and_nothing_on_stdout(tmp_path):
    # PATH without any browser; the fixed paths and Playwright's download are real, so only
    # run where this machine has none of them
    env = {k: v for k, v in os.environ.items() if k != "CHROMIUM"}
    env["PATH"] = str(tmp_path)
    if any(fb._executable(p) for p in fb.PATHS) or fb._playwright_chromium():
        result = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
        assert result.returncode == 0 and result.stdout.strip()
        return
    result = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert "No Chromium-family browser was found" in result.stderr
