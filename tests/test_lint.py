"""Static checks that CI must keep clean: ruff and snakemake --lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .support.workflow import REPO, snakemake


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakemake_lint_is_clean():
    result = snakemake(REPO, "--lint", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Lints for" not in output, output
