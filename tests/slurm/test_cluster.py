"""The tiny synthetic workflow on a real one-node SLURM cluster (run by `make test-slurm`).

tests/slurm/cluster.sh starts the cluster and sets BRI_CARBON_SLURM_CLUSTER; without it
(the default `make test`) these tests are skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess

import numpy as np
import pandas as pd
import pytest

from ..support.jobs import comment_of, dry_run_jobs, local_rules, memory_mb, minutes
from ..support.workflow import TWO_YEARS, copy_workflow, snakemake

pytestmark = pytest.mark.skipif(
    not os.environ.get("BRI_CARBON_SLURM_CLUSTER"),
    reason="needs the one-node SLURM cluster of `make test-slurm`",
)

SLURM_OPTIONS = (
    "--profile",
    "profiles/slurm",
    "--slurm-no-account",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "2",
    "--slurm-keep-successful-logs",
    "--latency-wait",
    "10",
)


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory):
    """Dry-run jobs, the finished run's output and its workdir, two tiny synthetic years."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm"))
    # The stages this issue adds, and one localrule; every upstream rule runs as a SLURM job.
    targets = (
        "results/synthetic/2014/provenance.json",
        "results/synthetic/2015/provenance.json",
        "results/synthetic/trends/headline.csv",
        "results/synthetic/drivers/2014_2015/effects.csv",
    )
    arguments = (*targets, *SLURM_OPTIONS, "--configfile", TWO_YEARS)
    planned = dry_run_jobs(snakemake(workdir, "-n", *arguments).stdout)
    run = snakemake(workdir, *arguments)
    return planned, run.stdout + run.stderr, workdir


def _squeue_jobs(run_id: str) -> pd.DataFrame:
    listing = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--name", run_id, "--format=%i|%k|%m|%l|%T"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split("|") for line in listing.splitlines() if line.strip()]
    return pd.DataFrame(rows, columns=["job_id", "comment", "memory", "time_limit", "state"])


def test_workflow_completes_with_results(cluster_run):
    _, output, workdir = cluster_run
    assert "steps (100%) done" in output
    accounts = pd.read_csv(workdir / "results/synthetic/2015/accounts.csv")
    assert accounts["production_mt"].sum() == pytest.approx(
        accounts["consumption_mt"].sum(), rel=1e-9
    )
    effects = pd.read_csv(workdir / "results/synthetic/drivers/2014_2015/effects.csv")
    summed = effects.filter(like="_effect_mt").sum(axis=1)
    assert (summed - effects["change_mt"]).abs().max() <= 1e-9 * effects["base_mt"].abs().max()
    # The trends job read both years' findings: each reading of a year is that year's.
    trends = pd.read_csv(workdir / "results/synthetic/trends/headline.csv")
    assert sorted(trends["year"].unique()) == [2014, 2015]
    for year in (2014, 2015):
        findings = pd.read_csv(workdir / f"results/synthetic/{year}/groups/headline.csv")
        of_year = trends[trends["year"] == year].reset_index(drop=True)
        assert of_year["statistic"].tolist() == findings["statistic"].tolist()
        np.testing.assert_allclose(of_year["value"], findings["value"], rtol=1e-12)
    # The provenance job (a SLURM job) recorded the raw file it was given and the command of
    # the main process, which reached it through the environment (sbatch --export=ALL).
    record = json.loads((workdir / "results/synthetic/2014/provenance.json").read_text())
    raw = workdir / "resources/raw/synthetic/Eora26_2014_bp.zip"
    assert record["year"] == 2014
    assert record["raw_inputs"][0]["path"].endswith("Eora26_2014_bp.zip")
    assert record["raw_inputs"][0]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert "--profile profiles/slurm" in record["command_line"]


def test_every_cluster_job_reached_slurm_with_its_declared_resources(cluster_run):
    planned, output, workdir = cluster_run
    local = local_rules((workdir / "Snakefile").read_text())
    run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)
    submitted = _squeue_jobs(run_id).set_index("comment")
    remote = [job for job in planned if job["rule"] not in local]
    assert {"accounts", "harmonize_eora26", "drivers", "provenance"} <= {
        job["rule"] for job in remote
    }
    assert sorted(submitted.index) == sorted(comment_of(job) for job in remote)
    for job in remote:
        row = submitted.loc[comment_of(job)]
        assert row["state"] == "COMPLETED", (job, row.to_dict())
        assert memory_mb(row["memory"]) == job["mem_mb"], (job, row.to_dict())
        assert minutes(row["time_limit"]) == job["runtime"], (job, row.to_dict())
