"""The system Chromium, headless, driven by Playwright's Python API (never a downloaded
browser build): Debian's ``apt-get install chromium``.

Tests that need it carry :func:`needs_browser`, which skips them at collection, before any
fixture runs, with the one line :func:`missing` gives; :func:`chromium` starts the browser
with the flags that keep it off the network (no background requests, no component updates,
no first-run pages).
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


def needs_browser() -> pytest.MarkDecorator:
    """A skip mark for tests that drive the browser, with the reason when it is missing."""
    return pytest.mark.skipif(bool(missing()), reason=missing() or "Chromium is installed")


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
