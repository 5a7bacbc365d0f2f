"""A rule's script run outside Snakemake (bri_carbon.runtime.standalone) gets the inputs,
params and outputs Snakemake gives the job, and writes what the run wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..support.workflow import TINY, copy_workflow

RESULT = "results/synthetic/2015"


def standalone(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m bri_carbon.runtime.standalone ARGS`` in ``workdir`` (output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "bri_carbon.runtime.standalone", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("target", "log"),
    [
        (f"{RESULT}/accounts.csv", "logs/accounts/synthetic_2015.log"),
        (f"{RESULT}/figures/intensity_gap.png", "logs/figure/intensity_gap_synthetic_2015.log"),
    ],
)
def test_a_script_run_outside_snakemake_writes_what_the_run_wrote(
    finished_run, tmp_path, target, log
):
    """The accounts read the harmonized file with the configured params (compute_threads,
    denominators); the figure rule takes its inputs from the wildcard ``figure``."""
    log_of_the_run = (finished_run / log).read_text()
    result = standalone(finished_run, "--configfile", TINY, "--output-dir", str(tmp_path), target)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / target).read_bytes() == (finished_run / target).read_bytes()
    # The script logs to the terminal; the rule's log of the run is left as it was.
    assert "started" in result.stderr and "finished" in result.stderr
    assert (finished_run / log).read_text() == log_of_the_run


def test_the_job_object_holds_the_configured_inputs_params_and_wildcards(finished_run):
    code = (
        "from bri_carbon.runtime.standalone import rule_job\n"
        f"smk = rule_job('{RESULT}/figures/intensity_gap.png', ['{TINY}'], {{'findings': "
        "{'developed_groups': ['Japan']}})\n"
        "print(smk.rule, smk.wildcards.figure, smk.input.group_accounts)\n"
        "print(smk.params.developed_groups, smk.params.context['year'], list(smk.log))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=finished_run,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2] == f"figure intensity_gap {RESULT}/groups/accounts.csv"
    assert lines[-1] == "['Japan'] 2015 []"


def test_missing_inputs_are_named_with_the_command_that_makes_them(tmp_path):
    workdir = copy_workflow(tmp_path / "fresh")
    result = standalone(workdir, "--configfile", TINY, f"{RESULT}/groups/accounts.csv")
    assert result.returncode == 1
    assert f"{RESULT}/accounts.csv" in result.stderr
    assert "snakemake --cores all --until groups" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (workdir / "results").exists()


def test_a_path_no_rule_writes_is_refused(finished_run):
    result = standalone(finished_run, "--configfile", TINY, f"{RESULT}/nothing.csv")
    assert result.returncode == 1 and "no rule writes" in result.stderr
