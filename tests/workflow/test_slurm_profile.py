"""The SLURM profile: a dry run of 27 years shows every job with the resources its rule declares."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ..support.jobs import dry_run_jobs, fixed_resources
from ..support.workflow import REPO, copy_workflow, snakemake

#: Full-size Eora26 layout: 189 countries x 26 sectors + ROW (n = 4915); the native system
#: without ROW (4914); 190 x 6 = 1140 final-demand columns.
NATIVE_SIZE = 189 * 26
#: mem_mb of the rules whose request follows a formula (docs/performance.md, "Memory
#: requests"), worked out by hand for the full Eora26 size, rounded up to 100 MB:
#: synthetic_world 400 + 4 x 4915^2 x 8 / 2^20 = 1137.2 -> 1200;
#: harmonize_eora26 (streams Z) 700 + 2 x 4915 x 1140 x 8 / 2^20 = 785.5 -> 800;
#: accounts 400 + (4914^2 + 6 x 4914 x (2 x 189 + 1)) x 8 / 2^20 = 584.2 + 85.3 -> 700;
#: drivers 400 + 4914^2 x 8 / 2^20 = 584.2 -> 600.
FORMULA_MEM_MB = {
    "synthetic_world": 1200,
    "harmonize_eora26": 800,
    "accounts": 700,
    "drivers": 600,
}
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
    declared = fixed_resources(rules_text)
    for job in jobs:
        if job["rule"] == "all":
            continue
        memory, runtime = declared[job["rule"]]
        expected = FORMULA_MEM_MB[job["rule"]] if memory is None else memory
        assert (job["mem_mb"], job["runtime"]) == (expected, runtime), job
    formulas = {rule for rule, (memory, _) in declared.items() if memory is None}
    assert formulas - {"harmonize_exiobase3"} == set(FORMULA_MEM_MB)
    # The decomposition reads both years block by block and holds one n x n working matrix.
    assert FORMULA_MEM_MB["drivers"] >= NATIVE_SIZE**2 * 8 / 2**20
    years = {int(y) for job in jobs for y in re.findall(r"year=(\d{4})", job["wildcards"])}
    assert years == set(YEARS)
