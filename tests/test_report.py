"""The Snakemake HTML report builds from the tiny run, with a caption for every output."""

from __future__ import annotations

import re

from .support.workflow import REPO, TINY, snakemake


def test_report_builds(finished_run):
    snakemake(finished_run, "--report", "results/report.html", "--configfile", TINY)
    report = finished_run / "results" / "report.html"
    html = report.read_text(encoding="utf-8", errors="replace")
    assert report.stat().st_size > 100_000
    for name in ("study_area.png", "intensity_maps.png", "flows_chord.png", "headline.csv"):
        assert name in html
    assert "Belt and Road" in html


def test_every_report_caption_exists():
    rules = sorted((REPO / "rules").glob("*.smk"))
    captions = {
        match for path in rules for match in re.findall(r'caption="\.\./([^"]+)"', path.read_text())
    }
    assert captions, "no rule marks an output for the report"
    missing = sorted(name for name in captions if not (REPO / name).is_file())
    assert not missing, f"caption files referenced in rules/ but missing: {missing}"
    assert (REPO / "report" / "workflow.rst").is_file()
