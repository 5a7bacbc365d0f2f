"""A run with another configuration that fails or is killed at any stage leaves every
published results folder whole: complete with the old configuration, or complete with the
new one; the report beside them describes them or is absent, never a mix.

Each test starts from a copy of the finished tiny run, changes the configuration and stops
the next runs one after the other at later and later stages (tests/support/kill_hook: a
job's SIGKILL, Snakemake's with it, or a failure, each just before an output gets its
name), checking the published results after each; the last run completes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ..support.workflow import TINY, snakemake
from .test_interrupted_runs import run_stopped_at

FOLDER = "results/synthetic/2015"
REPORT = "results/synthetic/report.html"
EXPLORER = "results/synthetic/explorer.html"
BUILD = "results/.build/synthetic/2015"


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (hidden ones too), by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def report_fingerprints(report: Path) -> list[str]:
    """The configuration fingerprints a report names (one per year it describes)."""
    return re.findall(r'<code class="fingerprint">([0-9a-f]{64})</code>', report.read_text())


def fingerprint(folder: Path) -> str:
    return json.loads((folder / "fingerprint.json").read_text())["fingerprint"]


@pytest.fixture
def workdir(finished_run, tmp_path) -> Path:
    """A copy of the finished tiny run, to change without touching the fixture."""
    copy = tmp_path / "whole"
    shutil.copytree(finished_run, copy, symlinks=True)
    return copy


def assert_whole(workdir: Path, old: dict[str, str], old_report: bytes) -> str:
    """The published year folder is the old one byte for byte with the old report, or a
    complete new one (the same files, each the build tree's, the new fingerprint) with a
    report of that fingerprint or none. Returns "old" or "new"."""
    folder, report = workdir / FOLDER, workdir / REPORT
    now = digests(folder)
    assert set(now) == set(old), sorted(set(now) ^ set(old))
    if now == old:
        assert report.read_bytes() == old_report
        return "old"
    build = workdir / BUILD
    assert now == {name: digests(build)[name] for name in now}
    assert fingerprint(folder) == fingerprint(build)
    if report.exists():
        assert report_fingerprints(report) == [fingerprint(folder)]
    return "new"


def regrouped(workdir: Path) -> str:
    """A grouping file in which the Central and Eastern European group is renamed."""
    regions = pd.read_csv(workdir / "config/regions.csv", keep_default_na=False, dtype=str)
    regions["group"] = regions["group"].replace("Central and Eastern Europe", "CEE")
    regions.to_csv(workdir / "config/regrouped.csv", index=False)
    return "regions=config/regrouped.csv"


def test_a_regrouped_run_stopped_at_each_stage_leaves_the_old_results_whole(workdir):
    old, old_report = digests(workdir / FOLDER), (workdir / REPORT).read_bytes()
    assert report_fingerprints(workdir / REPORT) == [fingerprint(workdir / FOLDER)]
    args = ("--cores", "2", "--configfile", TINY, "--config", regrouped(workdir))
    # The first job of the folder fails (its fingerprint), a job is killed in groups/, a
    # figure fails, Snakemake is killed with the report job.
    for stage, how in (
        (BUILD, "fail"),
        (f"{BUILD}/groups", "job"),
        (f"{BUILD}/figures", "fail"),
        ("results/.build/synthetic", "group"),
    ):
        run_stopped_at(workdir, stage, how, *args)
        assert assert_whole(workdir, old, old_report) == "old", stage
        if how == "group":
            snakemake(workdir, "--unlock", *args)
    # Killed while publishing: after the folders' swap, before the pages' renames.
    run_stopped_at(workdir, "results/synthetic", "group", *args)
    assert assert_whole(workdir, old, old_report) == "new"
    assert not (workdir / REPORT).exists() and not (workdir / EXPLORER).exists()
    snakemake(workdir, "--unlock", *args)

    done = snakemake(workdir, *args)
    assert assert_whole(workdir, old, old_report) == "new"
    assert "CEE" in set(pd.read_csv(workdir / FOLDER / "groups/accounts.csv")["group"])
    assert report_fingerprints(workdir / REPORT) == [fingerprint(workdir / FOLDER)]
    explorer = (workdir / EXPLORER).read_text(encoding="utf-8")
    assert '"CEE"' in explorer  # the new grouping's group, published with its folders
    assert f"Open {REPORT} and {EXPLORER}" in done.stdout + done.stderr
    again = snakemake(workdir, "-n", *args)
    assert "Nothing to be done" in again.stdout + again.stderr
    leftovers = [p.name for p in (workdir / "results/synthetic").iterdir() if p.name[0] == "."]
    assert leftovers == []


def test_a_run_with_a_new_seed_stopped_at_each_stage_leaves_the_old_results_whole(workdir):
    """Another synthetic world: its raw table, its parse, its results; killed or failing in
    each, then killed after publishing, before the manifest is written."""
    old, old_report = digests(workdir / FOLDER), (workdir / REPORT).read_bytes()
    old_fingerprint = fingerprint(workdir / FOLDER)
    args = ("--cores", "2", "--configfile", TINY, "--config", 'synthetic={"seed": 7}')
    for stage, how in (
        ("resources/raw/synthetic", "job"),
        ("resources/harmonized/synthetic", "fail"),
        (BUILD, "group"),
    ):
        run_stopped_at(workdir, stage, how, *args)
        assert assert_whole(workdir, old, old_report) == "old", stage
        if how == "group":
            snakemake(workdir, "--unlock", *args)
    run_stopped_at(workdir, "results/.build", "job", *args)
    assert assert_whole(workdir, old, old_report) == "new"
    assert report_fingerprints(workdir / REPORT) == [fingerprint(workdir / FOLDER)]
    snakemake(workdir, *args)
    assert assert_whole(workdir, old, old_report) == "new"
    assert fingerprint(workdir / FOLDER) != old_fingerprint
    assert report_fingerprints(workdir / REPORT) == [fingerprint(workdir / FOLDER)]


def test_a_group_renamed_in_the_grouping_file_alone_is_refused_before_any_job(workdir):
    """The findings name the old group: the run stops before its first job, naming the key,
    the group and the file, and the published results and the build tree stay as they are."""
    regions = pd.read_csv(workdir / "config/regions.csv", keep_default_na=False, dtype=str)
    regions["group"] = regions["group"].replace("United States", "USA")
    regions.to_csv(workdir / "config/renamed.csv", index=False)
    before = digests(workdir / "results")
    failed = snakemake(
        workdir,
        "--cores",
        "2",
        "--configfile",
        TINY,
        "--config",
        "regions=config/renamed.csv",
        check=False,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1
    assert "config key findings.driver_groups names the group 'United States'" in output
    assert "config/renamed.csv" in output and "'USA'" in output
    assert "Traceback" not in output and "steps" not in output
    assert digests(workdir / "results") == before
