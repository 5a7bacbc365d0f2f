"""Every report caption the rules name exists (the report itself: tests/workflow/)."""

from __future__ import annotations

import re

from ..support.workflow import REPO


def test_every_report_caption_exists():
    rules = sorted((REPO / "rules").glob("*.smk"))
    captions = {
        match for path in rules for match in re.findall(r'caption="\.\./([^"]+)"', path.read_text())
    }
    assert captions, "no rule marks an output for the report"
    missing = sorted(name for name in captions if not (REPO / name).is_file())
    assert not missing, f"caption files referenced in rules/ but missing: {missing}"
    assert (REPO / "report" / "workflow.rst").is_file()
