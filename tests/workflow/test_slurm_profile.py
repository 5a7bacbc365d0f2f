"""The SLURM profile: a dry run of 27 years shows every job with the resources its rule declares."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ..support.jobs import declared_resources, dry_run_jobs
from ..support.workflow import REPO, copy_workflow, snakemake

#: Full-size Eora26 layout: 189 countries x 26 sectors + ROW; native system without ROW.
FULL_SIZE = 189 * 26 + 1
NATIVE_SIZE = 189 * 26
YEARS = list(range(1990, 2017))
PER_YEAR_RULES = ("harmonize_eora26", "accounts", "provenance", "maps")


@pytest.mark.parametrize("source", ["synthetic", "eora26"])
def test_dry_run_of_27_years_requests_the_declared_resources(tmp_path, source):
    workdir = copy_workflow(tmp_path / "workflow")
    local_data = tmp_path / "local_data"  # empty: Eora26 files would be downloaded
    local_data.mkdir()
    result = snakemake(
        workdir,
        "-n",
        "--profile",
        "profiles/slurm",
        "--config",
        f"source={source}",
        f"local_data={local_data}",
        "years=1990-2016",
        "drivers={base: 1990, target: 2016}",
    )
    jobs = dry_run_jobs(result.stdout + result.stderr)
    counts = Counter(job["rule"] for job in jobs)
    retrieve = "synthetic_world" if source == "synthetic" else "retrieve_eora26"
    for rule in (retrieve, *PER_YEAR_RULES, "groups", "findings"):
        assert counts[rule] == len(YEARS), (rule, counts)
    assert counts["figure"] == 9 * len(YEARS) and counts["table"] == 4 * len(YEARS)
    assert counts["drivers"] == 1 and counts["trends"] == 1
    rules_text = "\n".join(path.read_text() for path in sorted((REPO / "rules").glob("*.smk")))
    declared = declared_resources(rules_text, FULL_SIZE, NATIVE_SIZE)
    for job in jobs:
        if job["rule"] == "all":
            continue
        assert (job["mem_mb"], job["runtime"]) == declared[job["rule"]], job
    # The decomposition reads both years block by block and holds one n x n working matrix.
    assert declared["drivers"][0] >= NATIVE_SIZE**2 * 8 / 2**20
    years = {int(y) for job in jobs for y in re.findall(r"year=(\d{4})", job["wildcards"])}
    assert years == set(YEARS)
