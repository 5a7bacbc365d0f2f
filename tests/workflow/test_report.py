"""The Snakemake HTML report builds from the tiny run (its captions: tests/unit/test_report.py)."""

from __future__ import annotations

from ..support.workflow import TINY, snakemake


def test_report_builds(finished_run):
    snakemake(finished_run, "--report", "results/report.html", "--configfile", TINY)
    report = finished_run / "results" / "report.html"
    html = report.read_text(encoding="utf-8", errors="replace")
    assert report.stat().st_size > 100_000
    for name in ("study_area.png", "intensity_maps.png", "flows_chord.png", "headline.csv"):
        assert name in html
    assert "Belt and Road" in html
