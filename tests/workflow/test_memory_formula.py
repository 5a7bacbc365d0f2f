"""The memory requests of rules/common/resources.smk cover the peaks of the tiny workflow
run, where the base term dominates (the n^2 term is tested at real sizes:
tests/unit/test_memory_formula.py)."""

from __future__ import annotations

import csv
import re

import pytest

from ..support.workflow import TINY, snakemake


@pytest.mark.parametrize(
    ("rule", "benchmark"), [("accounts", "accounts"), ("harmonize_eora26", "harmonize")]
)
def test_request_covers_the_measured_peak(finished_run, rule, benchmark):
    dry = snakemake(finished_run, "-n", "--configfile", TINY, "--forcerun", rule)
    output = dry.stdout + dry.stderr
    job = output[output.index(f"rule {rule}:") :]
    requested = int(re.search(r"\bmem_mb=(\d+)", job).group(1))
    with (finished_run / "logs" / "benchmarks" / benchmark / "synthetic_2015.tsv").open() as handle:
        measured = float(next(csv.DictReader(handle, delimiter="\t"))["max_rss"])
    assert 0 < measured <= requested
