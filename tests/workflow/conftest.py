"""Fixtures of the workflow tests: one real run of the workflow on the tiny scenario per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..support.workflow import TINY, TWO_YEARS, copy_workflow, snakemake


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory) -> Path:
    """Working folder of the workflow run once to completion on ``config/test/tiny.yaml``.

    Tests may read its results and run further Snakemake commands there with
    ``--configfile config/test/tiny.yaml``; they must not delete its outputs. What the run
    printed on the terminal is in ``logs/terminal.txt``.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("workflow"))
    result = snakemake(workdir, "--cores", "2", "--configfile", TINY)
    (workdir / "logs" / "terminal.txt").write_text(result.stdout + result.stderr)
    return workdir


@pytest.fixture(scope="session")
def two_year_run(finished_run, tmp_path_factory) -> Path:
    """Working folder of the tiny run of 2015 plus 2014 (``config/test/two_years.yaml``), every
    target: both years, their trends, the 2014-2015 decomposition, the report and the
    explorer. Tests must not delete its outputs."""
    workdir = tmp_path_factory.mktemp("two_years") / "workflow"
    shutil.copytree(finished_run, workdir, symlinks=True)
    snakemake(workdir, "--cores", "2", "--configfile", TWO_YEARS)
    return workdir
