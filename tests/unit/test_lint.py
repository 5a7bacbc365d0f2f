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
