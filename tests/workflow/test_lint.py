"""Static checks that CI must keep clean: snakemake --lint (ruff: tests/unit/test_lint.py)."""

from __future__ import annotations

from ..support.workflow import REPO, snakemake


def test_snakemake_lint_is_clean():
    result = snakemake(REPO, "--lint", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Lints for" not in output, output
