"""Static checks that CI must keep clean: ruff (snakemake --lint: tests/workflow/test_lint.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..support.workflow import REPO


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _workflow_files() -> list[Path]:
    return [REPO / "Snakefile", *sorted((REPO / "rules").rglob("*.smk"))]


def test_workflow_files_import_at_the_top():
    """The Snakefile and the rule files import before their first statement (a rule, def,
    assignment or include), so what a file depends on is read in its first lines."""
    for path in _workflow_files():
        text = path.read_text()
        body = text.split('"""', 2)[2] if text.startswith('"""') else text
        offset = text[: len(text) - len(body)].count("\n")
        started = False
        for number, line in enumerate(body.splitlines(), start=offset + 1):
            if line.startswith(("import ", "from ")):
                assert not started, f"{path.relative_to(REPO)}:{number} imports mid-file: {line}"
            elif line and not line[0].isspace() and not line.startswith("#"):
                started = True
