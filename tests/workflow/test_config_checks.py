"""Configuration and input errors as a user meets them on the terminal: a few lines, before any
job, no Python traceback; and reruns follow the content of configured files, not their dates."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ..support.workflow import TINY, copy_workflow, grouping_without, scenario, snakemake

RESULT = "results/synthetic/2015"


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    return copy_workflow(tmp_path_factory.mktemp("configchecks"))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("colour=red", "unknown key(s) colour; known keys here"),
        ("years=2016-1990", "runs backwards (from 2016 down to 1990)"),
        ("regions=config/my_regoins.csv", "config key regions names config/my_regoins.csv"),
        ("findings={'paper_values': 'data/none.csv'}", "config key findings.paper_values names"),
        ("drivers={'base': 2014, 'target': 2015}", "must be two different years of the config"),
    ],
)
def test_config_errors_are_a_few_lines_before_any_job(workflow_copy, override, named):
    result = snakemake(workflow_copy, "-n", "--configfile", TINY, "--config", override, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and named in output
    assert len(output.splitlines()) <= 12, output
    assert 'File "' not in output and "Traceback" not in output
    assert not (workflow_copy / "results").exists()


def test_nested_numbers_can_be_set_on_the_command_line(finished_run):
    """--config gives text ("5"); the seed reaches the synthetic world as the number: the
    default seed given as text changes nothing, another seed reruns the world (its param)."""
    seed = scenario("config/config.yaml")["synthetic"]["seed"]
    same = snakemake(
        finished_run, "-n", "--configfile", TINY, "--config", f"synthetic={{seed: {seed}}}"
    )
    assert "Nothing to be done" in same.stdout + same.stderr
    other = snakemake(finished_run, "-n", "--configfile", TINY, "--config", "synthetic={seed: 5}")
    output = other.stdout + other.stderr
    reasons = dict(re.findall(r"^rule (\w+):\n(?:    .*\n)*?    reason: (.*)$", output, re.M))
    assert "Params have changed" in reasons["synthetic_world"], output
    assert f"before: {seed} now: 5" in reasons["synthetic_world"]


def test_an_input_error_shows_its_message_and_no_traceback(finished_run, tmp_path):
    workdir = tmp_path / "input_error"
    shutil.copytree(finished_run, workdir, symlinks=True)
    failed = snakemake(
        workdir,
        "--cores",
        "1",
        "--configfile",
        TINY,
        "--config",
        grouping_without(workdir, "IND"),
        check=False,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "Error in rule accounts" in output
    assert "config/regions_without_IND.csv does not map these regions" in output
    assert "Traceback" not in output
    log = workdir / "logs" / "accounts" / "synthetic_2015.log"
    assert "does not map these regions of the data: ['IND']" in log.read_text().splitlines()[-1]
    # the traceback is kept for developers, beside the rule's log
    assert "Traceback" in log.with_suffix(".traceback").read_text()


def test_a_changed_file_with_an_older_date_reruns_what_depends_on_it(finished_run, tmp_path):
    """cp -p, wget or rsync -a keep an old modification time; the content decides."""
    workdir = tmp_path / "older"
    shutil.copytree(finished_run, workdir, symlinks=True)
    regions = workdir / "config" / "regions.csv"
    before = regions.stat()
    table = pd.read_csv(regions, dtype=str, keep_default_na=False)
    table.loc[table["iso3"] == "POL", "group"] = "Europe outside BRI"
    table.loc[table["iso3"] == "POL", "bri"] = "false"
    table.to_csv(regions, index=False)
    os.utime(regions, ns=(before.st_atime_ns, before.st_mtime_ns - 10**12))
    dry = snakemake(workdir, "-n", "--configfile", TINY)
    output = dry.stdout + dry.stderr
    assert "Nothing to be done" not in output
    for rule in ("accounts", "groups", "findings"):
        assert f"rule {rule}:" in output, rule
    snakemake(workdir, "--cores", "2", "--configfile", TINY)
    accounts = pd.read_csv(workdir / RESULT / "accounts.csv", keep_default_na=False)
    assert accounts.set_index("region").loc["POL", "group"] == "Europe outside BRI"
