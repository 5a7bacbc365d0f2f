"""The flow explorer of the workflow's runs, opened from disk in a real browser (the system
Chromium, headless, through Playwright; tests/support/browser.py). Its parts on generated
data: tests/unit/test_explorer.py."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bri_carbon.core.intensities import intensity_ratio
from bri_carbon.outputs import typeset
from bri_carbon.outputs.tables import ACCOUNT_COLUMNS
from bri_carbon.results.store import read_accounts, read_headline

from ..support.browser import BrowserPage, browser_page, missing_browser

EXPLORER = "results/synthetic/explorer.html"
REPORT = "results/synthetic/report.html"
RATIO = "production_to_consumption_intensity_ratio"


def test_the_run_writes_the_explorer_next_to_the_report(finished_run):
    page = (finished_run / EXPLORER).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert 'href="explorer.html"' in (finished_run / REPORT).read_text(encoding="utf-8")
    assert (finished_run / "logs/explorer/synthetic.log").is_file()
    assert (finished_run / "logs/benchmarks/explorer/synthetic.tsv").is_file()


#: Every browser test skips at collection without Chromium or Playwright, before the
#: two-year workflow run it would read.
needs_browser = pytest.mark.skipif(
    missing_browser() is not None, reason=missing_browser() or "Chromium is installed"
)


@contextmanager
def opened(path: Path, width: int = 1280, height: int = 900) -> Iterator[BrowserPage]:
    """``path`` opened from disk in a headless Chromium window of that size; afterwards the
    page must have asked for nothing from the network and reported no error."""
    with browser_page(width, height) as browser:
        browser.page.goto(path.resolve().as_uri())
        yield browser
        assert browser.errors == [], "the page reported errors"
        assert browser.blocked == [], "the page asked for something from the network"


@pytest.fixture
def explorer(two_year_run) -> Iterator[BrowserPage]:
    with opened(two_year_run / EXPLORER) as browser:
        yield browser


def _accounts(run: Path, year: int, level: str = "region"):
    path = f"results/synthetic/{year}/" + (
        "accounts.csv" if level == "region" else "groups/accounts.csv"
    )
    frame = read_accounts(run / path, level)
    ratio = intensity_ratio(
        frame["production_intensity_kg_per_usd"], frame["consumption_intensity_kg_per_usd"]
    )
    return frame.assign(**{RATIO: ratio})


def _shown(page, key: str) -> str:
    return page.text_content(f'#accounts dd[data-key="{key}"]')


def _table(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector(
        selector,
        "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )


def _as_in_csv(text: str) -> str:
    """A cell as the CSV download writes it: numbers without thousands separators and with an
    ASCII minus, the same digits."""
    bare = text.replace(",", "").replace(typeset.MINUS, "-")
    return bare if bare.lstrip("-").replace(".", "", 1).isdigit() else text


@needs_browser
def test_selecting_china_shows_its_accounts_of_each_year(explorer, two_year_run):
    page = explorer.page
    assert page.is_visible(".synthetic") and page.text_content("#source") == "synthetic"
    assert "seed" in page.text_content("#dataset")
    page.select_option("#choice", label="China (CHN)")
    assert page.text_content("#details h2") == "China (CHN)"
    shown = {}
    for year in (2015, 2014):
        page.select_option("#year", str(year))
        accounts = _accounts(two_year_run, year)
        for key in ("production_mt", "consumption_mt"):
            expected = typeset.format_number(accounts.loc["CHN", key], "Mt CO2")
            assert _shown(page, key) == expected, (year, key)
        for key, column in ACCOUNT_COLUMNS.items():
            if key in accounts.columns:
                shown_cell = typeset.format_cell(accounts.loc["CHN", key], column)
                assert _shown(page, key) == shown_cell, (year, key)
        shown[year] = _shown(page, "production_mt")
        assert page.text_content("#details .kind").endswith(str(year))
        headline = read_headline(two_year_run / f"results/synthetic/{year}/groups/headline.csv")
        readings = page.text_content("#headline")
        for subject in headline["subject"]:
            assert subject in readings
        wordings = [words for words in headline["paper_wording"] if words]
        assert wordings and all(words in readings for words in wordings)  # the paper's values
    assert shown[2014] != shown[2015], "the year control changes the values"
    # The flows out of China: its largest partner first, shares of its industry emissions.
    flows = _table(page, "#flows-out")
    assert flows[0] == ["Partner", "Mt CO\u2082", "Share (%)"]
    assert flows[-1][0] == "Total" and flows[-1][2] == "100.0"
    assert page.locator("#flow-lines path.out").count() >= 1


@needs_browser
def test_the_map_selects_and_colours_by_the_chosen_measure(explorer):
    page = explorer.page
    page.click('#countries path[data-code="IND"]')
    assert page.text_content("#details h2") == "India (IND)"
    fill = page.eval_on_selector('#countries path[data-code="IND"]', "p => p.style.fill")
    page.select_option("#measure", RATIO)
    assert page.eval_on_selector('#countries path[data-code="IND"]', "p => p.style.fill") != fill
    assert "Production / consumption intensity" in page.text_content("#legend")


@needs_browser
def test_the_group_view_shows_the_group_accounts(explorer, two_year_run):
    page = explorer.page
    page.check("input[name=view][value=groups]")
    for year in (2015, 2014):
        page.select_option("#year", str(year))
        groups = _accounts(two_year_run, year, "group")
        rows = _table(page, "#main-table")
        headers = [text.rstrip(" \u2195\u2191\u2193") for text in rows[0]]
        shown = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
        assert set(shown) == set(groups.index)
        for group in groups.index:
            for key, column in ACCOUNT_COLUMNS.items():
                if key not in groups.columns:
                    continue
                header = typeset.full_header(column).replace("CO2", "CO\u2082")
                expected = typeset.format_cell(groups.loc[group, key], column)
                assert shown[group][header] == expected, (year, group, key)
    page.select_option("#choice", label="East Asia")
    assert page.text_content("#details h2") == "East Asia"
    assert "China" in page.text_content("#details .members")


@needs_browser
def test_the_csv_downloads_hold_the_tables_shown(explorer, tmp_path):
    page = explorer.page
    page.select_option("#choice", label="China (CHN)")
    for button, table in (
        ("#download-main", "#main-table"),
        ('button[data-table="flows-in"]', "#flows-in"),
    ):
        with page.expect_download() as info:
            page.click(button)
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name.startswith("bri-carbon_synthetic_2015_regions")
        written = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
        shown = [[_as_in_csv(cell) for cell in row] for row in _table(page, table)]
        assert written == shown
        assert (
            any(cell.startswith("-") for row in written for cell in row) or table != "#main-table"
        )


@needs_browser
def test_keyboard_alone_selects_regions_years_and_views(explorer):
    page = explorer.page
    page.focus("#choice")
    page.keyboard.type("Chi")
    assert page.text_content("#details h2") == "China (CHN)"
    page.focus('#main-table tr[data-item="IND"] button.pick')
    page.keyboard.press("Enter")
    assert page.text_content("#details h2") == "India (IND)"
    page.focus("#year-back")
    page.keyboard.press("Enter")
    assert page.input_value("#year") == "2014"
    assert page.text_content("#details .kind").endswith("2014")
    page.focus("input[name=view][value=regions]")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("input[name=view][value=groups]")
    assert page.text_content("#details h2") == "South Asia"  # India's group
    page.keyboard.press("Escape")
    assert page.text_content("#details h2") == "Nothing selected"


@needs_browser
def test_the_explorer_works_480_pixels_wide(two_year_run):
    with opened(two_year_run / EXPLORER, width=480, height=800) as browser:
        page = browser.page
        page.select_option("#choice", label="China (CHN)")
        accounts = _accounts(two_year_run, 2015)
        expected = typeset.format_number(accounts.loc["CHN", "consumption_mt"], "Mt CO2")
        assert _shown(page, "consumption_mt") == expected
        scrolled = page.evaluate("document.scrollingElement.scrollWidth")
        assert scrolled <= 480, "no sideways scrolling"
        width = page.eval_on_selector("#map", "m => m.getBoundingClientRect().width")
        assert 440 <= width <= 480
        # The synthetic banner and the source stay in view at the bottom of the page.
        page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
        for selector in (".synthetic", "#source", "#dataset"):
            box = page.eval_on_selector(selector, "e => e.getBoundingClientRect().toJSON()")
            assert box["top"] >= 0 and box["bottom"] <= 800, selector


@needs_browser
def test_the_report_links_to_the_explorer_and_opens_figures_at_full_size(two_year_run):
    with opened(two_year_run / REPORT) as browser:
        page = browser.page
        single = page.eval_on_selector(
            "#intensity_gap-2015-full img",
            "i => [i.getBoundingClientRect().width, i.naturalWidth]",
        )
        double = page.eval_on_selector(
            "#study_area-2015-full img", "i => [i.getBoundingClientRect().width, i.naturalWidth]"
        )
        # Printed scale: 85 and 175 mm at 96 CSS pixels per inch, both 300 dpi files.
        assert single[0] == pytest.approx(85 / 25.4 * 96, rel=0.01)
        assert double[0] == pytest.approx(175 / 25.4 * 96, rel=0.01)
        page.click("#intensity_gap-2015-full img")
        zoomed = page.eval_on_selector(
            "#intensity_gap-2015-full img", "i => i.getBoundingClientRect().width"
        )
        assert zoomed == pytest.approx(single[1], abs=2)  # the file's own pixels and the border
        page.click("#intensity_gap-2015-full .close")
        closed = page.eval_on_selector(
            "#intensity_gap-2015-full img", "i => i.getBoundingClientRect().width"
        )
        assert closed == pytest.approx(single[0], abs=1)
        page.click("text=Open the flow explorer")
        page.wait_for_selector("#explorer-data", state="attached")
        assert page.url.split("#")[0] == (two_year_run / EXPLORER).resolve().as_uri()
