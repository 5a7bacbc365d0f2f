"""The HTML report of the tiny run (rule report, part of the default target)."""

from __future__ import annotations

import html
import re

import matplotlib.image
import pytest

from bri_carbon.outputs import captions, report, tables, typeset
from bri_carbon.results import store

from ..support.browser import browser_page
from ..support.workflow import png_size

REPORT = "results/synthetic/report.html"
FIGURES = tuple(captions.FIGURES)


@pytest.fixture(scope="module")
def page(finished_run) -> str:
    return (finished_run / REPORT).read_text(encoding="utf-8")


def _article(page: str, anchor: str) -> str:
    match = re.search(rf'<article id="{anchor}">(.*?)</article>', page, re.S)
    assert match, f"no article {anchor}"
    return match.group(1)


def test_every_figure_is_embedded_with_its_title_and_caption(page):
    assert page.count("data:image/png;base64,") == len(FIGURES)
    for name in FIGURES:
        article = _article(page, f"{name}-2015")
        title, caption = captions.FIGURES[name]
        assert "data:image/png;base64," in article
        assert typeset.html_text(title) in article
        # The caption is visible text under the figure, its fields filled in.
        figcaption = re.search(r"<figcaption>(.*?)</figcaption>", article, re.S).group(1)
        text = html.unescape(re.sub("<[^>]+>", "", figcaption))
        assert "{" not in text and text.endswith("synthetic data, not real emissions.")
        assert caption.split("{")[0] in text


def test_tables_are_html_tables_with_headers_units_and_captions(page):
    for name in tables.TABLE_TITLES:
        article = _article(page, f"{name}-2015")
        assert '<table class="data">' in article and '<p class="caption">' in article
    accounts = _article(page, "group_accounts-2015")
    assert "CO<sub>2</sub> emissions (Mt CO<sub>2</sub>)" in accounts
    assert "Economy (billion USD)" in accounts and ">Production-based<" in accounts
    # One table in the headline section, one per table of the year, one of input files.
    assert page.count('<table class="data') == 1 + len(tables.TABLE_TITLES) + 1


def test_headline_values_stand_next_to_the_papers(finished_run, page):
    headline = store.read_headline(finished_run / "results/synthetic/2015/groups/headline.csv")
    section = re.search(r'<section id="headline">(.*?)</section>', page, re.S).group(1)
    keys = report.key_readings(headline)
    assert len(keys) == len(report.KEY_READINGS)
    for _, row in keys.iterrows():
        assert f">{typeset.format_number(row['value'], row['unit'])}<" in section
    # Both abstracts' words for the numbers, their sentences quoted with the journal, and
    # the robustness figure right after the tables.
    assert ">more than 95% (J. Geogr. Sci.); up to 95% (Acta Geogr. Sin.)<" in section
    assert ">about 30% (J. Geogr. Sci.)<" in section
    assert "J. Geogr. Sci.: \u201ccurrent embodied carbon flows are virtually all" in section
    assert 'id="robustness-2015"' in section and "data:image/png;base64," in section
    # The tiny world's magnitudes are plausible: no warning banner.
    assert 'role="alert"' not in page


def test_the_report_is_self_contained(page):
    assert not re.search(r"<script|<link|<iframe|src=\"(?!data:)|url\(", page)
    assert "Synthetic data" in page and 'id="provenance"' in page
    assert "regions: config/regions.csv" in page


def test_a_headless_browser_renders_the_report_offline(finished_run, tmp_path):
    """Every figure decodes, nothing is fetched, no script or console error, and the page
    is text on white at the top."""
    with browser_page(1280, 2000) as browser:
        browser.page.goto((finished_run / REPORT).resolve().as_uri())
        images = browser.page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth])"
        )
        headline = browser.page.inner_text("#headline")
        shot = tmp_path / "report.png"
        browser.page.screenshot(path=str(shot))
        assert browser.blocked == [] and browser.errors == []
    assert len(images) == len(FIGURES)
    assert all(complete and width > 900 for complete, width in images), images
    assert "95" in headline
    assert png_size(shot) == (1280, 2000)
    pixels = matplotlib.image.imread(shot)
    assert pixels.min() < 0.2 and pixels.max() > 0.9
