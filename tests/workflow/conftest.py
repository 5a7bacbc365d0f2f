"""Fixtures of the workflow tests: one real run of the workflow on the tiny scenario per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..support.workflow import TINY, copy_workflow, snakemake


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
