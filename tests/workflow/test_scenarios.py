"""Scenarios (config key run.name) keep their results apart, and a results folder never mixes
the outputs of two configurations (rule fingerprint)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bri_carbon.runtime import scenario

from ..support.workflow import TINY, TWO_YEARS, snakemake

RESULT = "results/synthetic/2015"


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder``, by path relative to it."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def workdir(finished_run, tmp_path) -> Path:
    """A copy of the finished tiny run (unnamed), to change without touching the fixture."""
    copy = tmp_path / "scenarios"
    shutil.copytree(finished_run, copy, symlinks=True)
    return copy


def regrouped(workdir: Path) -> str:
    """A grouping file in which the Central and Eastern European group is renamed."""
    regions = pd.read_csv(workdir / "config/regions.csv", keep_default_na=False)
    regions["group"] = regions["group"].replace("Central and Eastern Europe", "CEE")
    regions.to_csv(workdir / "config/regrouped.csv", index=False)
    return "regions=config/regrouped.csv"


def group_names(accounts_csv: Path) -> set[str]:
    return set(pd.read_csv(accounts_csv, keep_default_na=False)["group"])


def test_two_named_scenarios_leave_each_other_and_the_unnamed_run_intact(workdir):
    unnamed = digests(workdir / RESULT)
    snakemake(workdir, "--cores", "2", "--configfile", TINY, "--config", "run={'name': 'base'}")
    base = digests(workdir / "results/base" / "synthetic/2015")
    snakemake(
        workdir,
        "--cores",
        "2",
        "--configfile",
        TINY,
        "--config",
        "run={'name': 'cee'}",
        regrouped(workdir),
    )
    assert digests(workdir / "results/base/synthetic/2015") == base
    assert digests(workdir / RESULT) == unnamed
    assert "CEE" in group_names(workdir / "results/cee/synthetic/2015/groups/accounts.csv")
    assert "CEE" not in group_names(workdir / "results/base/synthetic/2015/groups/accounts.csv")
    # Each has its own logs and, as the tiny world is not the default one, its own resources.
    for name in ("base", "cee"):
        assert (workdir / f"logs/{name}/accounts/synthetic_2015.log").is_file()
        assert (workdir / f"resources/{name}/harmonized/synthetic/2015.nc").is_file()
    base_provenance = json.loads(
        (workdir / "results/base/synthetic/2015/provenance.json").read_text()
    )
    cee_provenance = json.loads(
        (workdir / "results/cee/synthetic/2015/provenance.json").read_text()
    )
    assert base_provenance["fingerprint"] != cee_provenance["fingerprint"]
    report = (workdir / "results/cee/synthetic/report.html").read_text(encoding="utf-8")
    assert "scenario <strong>cee</strong>" in report


def test_another_configuration_replaces_every_output_of_the_folder(workdir):
    folder = workdir / RESULT
    stray = folder / "figures" / "a_figure_of_an_older_version.png"
    stray.write_bytes(b"old")
    before = scenario.recorded_fingerprint(folder)
    snakemake(workdir, "--cores", "2", "--configfile", TINY, "--config", regrouped(workdir))
    record = folder / scenario.RECORD_NAME
    assert scenario.recorded_fingerprint(folder) != before
    assert not stray.exists()
    written = [path for path in folder.rglob("*") if path.is_file()]
    assert all(path.stat().st_mtime_ns >= record.stat().st_mtime_ns for path in written)
    assert "CEE" in group_names(folder / "groups/accounts.csv")


def test_results_of_another_configuration_that_the_run_leaves_are_named(workdir):
    two_years = workdir / "results/synthetic/trends"
    two_years.mkdir(parents=True)
    config = json.loads((workdir / RESULT / "provenance.json").read_text())["config"]
    record = scenario.folder_record(config | {"years": [2014, 2015]}, "trends", {})
    (two_years / scenario.RECORD_NAME).write_text(json.dumps(record))
    dry = snakemake(workdir, "-n", "--configfile", TINY)
    assert "results/synthetic/trends" in dry.stdout + dry.stderr
    assert "another configuration" in dry.stdout + dry.stderr
    quiet = snakemake(workdir, "-n", "--configfile", TWO_YEARS)
    assert "another configuration" not in quiet.stdout + quiet.stderr


def test_folders_of_other_sources_and_commands_that_run_nothing_stay_quiet(workdir):
    """The stale trends of synthetic concern neither an EXIOBASE run nor --list-rules."""
    two_years = workdir / "results/synthetic/trends"
    two_years.mkdir(parents=True)
    (two_years / scenario.RECORD_NAME).write_text(json.dumps({"fingerprint": "another"}))
    for command in (
        ("-n", "--configfile", TINY, "--config", "source=exiobase3", "local_data=null"),
        ("-n", "--configfile", TINY, "--config", "source=exiobase3", "local_data="),
        ("--list-rules",),
        ("--list-rules", "--configfile", TINY),
    ):
        said = snakemake(workdir, *command)
        assert "another configuration" not in said.stdout + said.stderr, command
    said = snakemake(workdir, "-n", "--configfile", TINY)
    assert "results/synthetic/trends" in said.stdout + said.stderr
