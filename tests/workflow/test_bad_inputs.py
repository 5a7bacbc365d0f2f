"""Catalogue of bad inputs, the part that runs Snakemake: bad config is rejected before any
job, a second concurrent run is refused, a failed rule leaves no partial output (the bad
files: tests/sources/test_bad_inputs.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..support.workflow import TINY, copy_workflow, grouping_without, snakemake


# 9. Config: unknown source, empty years, year outside the schema (an unknown key:
# tests/workflow/test_config_checks.py).
@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("badconfig"))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("source=gloria", "gloria"),
        ("years=[]", "years"),
        ("years=[1850]", "1850"),
        ("identity_rtol=0", "identity_rtol"),
        ("local_data=/no/such/folder", "local_data names '/no/such/folder', which is not a folder"),
    ],
)
def test_bad_config_is_rejected_before_any_job(workflow_copy, override, named):
    result = snakemake(workflow_copy, "-n", "--configfile", TINY, "--config", override, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert named in output
    assert not (workflow_copy / "results").exists()


# 15. Two runs in one folder: the second is refused by Snakemake's lock.
def test_second_concurrent_run_is_refused(workflow_copy):
    executable = Path(sys.executable).with_name("snakemake")
    # The first run makes the tiny world's accounts (four jobs, some seconds): long enough
    # to hold the lock while the second starts, short enough for the suite.
    target = "results/synthetic/2015/accounts.csv"
    first = subprocess.Popen(
        [str(executable), target, "--cores", "1", "--configfile", TINY],
        cwd=workflow_copy,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        locks = workflow_copy / ".snakemake" / "locks"
        deadline = time.monotonic() + 60
        while not (locks.exists() and any(locks.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert first.poll() is None, "the first run ended before the second could start"
        second = snakemake(workflow_copy, target, "--cores", "1", "--configfile", TINY, check=False)
        assert second.returncode != 0
        assert "cannot be locked" in second.stdout + second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0


def test_failed_rule_leaves_no_partial_output_and_keeps_raw_files(workflow_copy):
    result = snakemake(
        workflow_copy,
        "--cores",
        "2",
        "--configfile",
        TINY,
        "--config",
        grouping_without(workflow_copy, "IND"),
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "regions_without_IND.csv does not map these regions of the data: ['IND']" in output
    assert not (workflow_copy / "results" / "synthetic" / "2015" / "accounts.csv").exists()
    leftovers = [p for p in (workflow_copy / "results").rglob("*") if ".part" in p.name]
    assert leftovers == []
    assert (workflow_copy / "resources" / "raw" / "synthetic" / "Eora26_2015_bp.zip").exists()
