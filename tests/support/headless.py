"""The system Chromium, headless, driven by Playwright's Python API (never a downloaded
browser build): Debian's ``apt-get install chromium``; `.ci/run` installs it.

Tests that need it carry :data:`needs_browser`, which skips them with one line saying what is
missing; :func:`chromium` starts the browser with the flags that keep it off the network
(no background requests, no component updates, no first-run pages).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: The system browser: Debian's package installs it as /usr/bin/chromium.
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def missing() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (make .venv/.installed installs requirements.lock)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return ""


needs_browser = pytest.mark.skipif(bool(missing()), reason=missing() or "browser available")


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()
