"""Shared fixtures: one real run of the workflow on the tiny synthetic config per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .workflow import copy_workflow, snakemake, write_config


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory) -> Path:
    """Working folder of the workflow run once to completion on ``config/tiny.yaml``.

    Tests may read its results and run further Snakemake commands there with
    ``--configfile config/tiny.yaml``; they must not delete its outputs.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("workflow"))
    config = write_config(workdir)
    snakemake(workdir, "--cores", "2", "--configfile", str(config))
    return workdir
