"""Catalogue of bad inputs, the part that runs Snakemake: bad config is rejected before any
job, a second concurrent run is refused, a failed rule leaves no partial output (the bad
files: tests/sources/test_bad_inputs.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..support.workflow import BUILD, TINY, copy_workflow, grouping_without, snakemake


# 9. Config: unknown source, empty years, year outside the schema (an unknown key:
# tests/workflow/test_config_checks.py).
@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("badconfig"))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("source=oecd", "oecd"),
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
    target = f"{BUILD}/synthetic/2015/accounts.csv"
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


def test_an_incomplete_grouping_is_refused_before_any_job(workflow_copy):
    """A region of the data without a group: refused before the first job (it used to fail
    in the accounts job, after the world was made), nothing written."""
    grouping = grouping_without(workflow_copy, "IND")
    before = sorted(path for path in workflow_copy.rglob("*") if ".snakemake" not in path.parts)
    result = snakemake(
        workflow_copy,
        "--cores",
        "2",
        "--configfile",
        TINY,
        "--config",
        grouping,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "regions_without_IND.csv (config key regions) does not group these regions" in output
    assert "['IND']" in output
    assert "steps" not in output and "Traceback" not in output
    after = sorted(path for path in workflow_copy.rglob("*") if ".snakemake" not in path.parts)
    assert after == before
