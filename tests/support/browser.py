"""A headless Chromium page for the browser tests: Playwright's Python API (pinned in
requirements.lock) driving the system's Chromium, ``/usr/bin/chromium`` (Debian's
``chromium`` package; ``make test-tools`` installs it, and .ci/run calls that). Playwright's
own browser downloads are never used.

A test opens a page with :func:`browser_page`; where Playwright or Chromium is missing the
test is skipped with a one-line reason::

    from ..support.browser import browser_page

    def test_the_page_renders(tmp_path):
        with browser_page() as browser:
            browser.page.goto(path.as_uri())
            ...
            assert browser.blocked == [] and browser.errors == []

The page loads nothing from the network: every request other than ``file:``, ``data:``
and ``blob:`` is aborted and listed in ``blocked``; script errors and console errors are
listed in ``errors``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: The Chromium the tests drive (BRI_CARBON_CHROMIUM names another).
CHROMIUM = Path(os.environ.get("BRI_CARBON_CHROMIUM", "/usr/bin/chromium"))
#: Headless, as root in a container, without a GPU, and quiet: no update checks, no
#: background requests, no first-run pages.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
#: URL schemes a page may load (everything a self-contained page needs).
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here (one line), or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make .venv/.installed installs requirements.lock)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM} (Debian: make test-tools)"
    return None


@dataclass
class BrowserPage:
    """A page of the headless Chromium and what it tried that a self-contained page must
    not: ``blocked`` (URLs of network requests, aborted) and ``errors`` (script errors,
    console errors)."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def browser_page(width: int = 1280, height: int = 800) -> Iterator[BrowserPage]:
    """A new page of a headless Chromium, ``width`` x ``height`` CSS pixels, closed (with
    the browser) afterwards; skips the test when :func:`missing_browser` gives a reason."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(LAUNCH_ARGS), timeout=60_000
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            opened = BrowserPage(page)

            def block(route: Any) -> None:
                opened.blocked.append(route.request.url)
                route.abort()

            page.route(lambda url: not url.startswith(LOCAL_SCHEMES), block)
            page.on("pageerror", lambda error: opened.errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    opened.errors.append(message.text) if message.type == "error" else None
                ),
            )
            yield opened
        finally:
            browser.close()
