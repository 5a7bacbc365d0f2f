"""GLORIA through the whole workflow: a small release 060 from local_data (figures, tables,
report, explorer and accounts equal to pymrio's, published from the build tree), the
release compared beside the synthetic world (gloria@60, while gloria.version is 59),
missing files, years outside the release and local_data mistakes named before any job,
copies tied to their local_data folder, and a SLURM dry run of GLORIA 1990-2028 asking
each job for what it needs."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bri_carbon.sources import gloria
from bri_carbon.sources import gloria_layout as layout

from ..support import gloria as support
from ..support.jobs import dry_run_jobs
from ..support.workflow import BUILD, TINY_COUNTRIES, copy_workflow, png_size, snakemake

YEAR = 2015
#: A small release: DYE without entries, the rest countries of four groups.
REGIONS = ("CHN", "DYE", "IND", "RUS", "USA", "DEU")
#: Full-size GLORIA: 164 regions x 120 sectors (DYE dropped after 1990 leaves 163).
FULL_N = 164 * 120
#: Peak memory (MiB) of the two jobs at full size (n = 19,680; T of 5.3 GB of text),
#: measured by benchmarks/gloria.py on 2026-12-07 (docs/performance.md), with 20 % margin.
READ_PEAK_MB = 1.2 * 1289
ACCOUNTS_PEAK_MB = 1.2 * 2026
#: What the benchmark machine has (24 GiB), per job at most a quarter.
MACHINE_MB = 24 * 1024


@pytest.fixture(scope="module")
def gloria_run(tmp_path_factory) -> tuple[Path, Path]:
    """The workflow run once on a release 060 in local_data (working folder, release folder)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("gloria_workflow"))
    local = tmp_path_factory.mktemp("local_data")
    support.write(local / "gloria", version=60, year=YEAR, regions=REGIONS)
    snakemake(
        workdir,
        "--cores",
        "2",
        "--config",
        "source=gloria",
        f"local_data={local}",
        "gloria={version: 60}",
        f"years=[{YEAR}]",
    )
    return workdir, local / "gloria"


def test_the_whole_workflow_runs_on_a_release_060(gloria_run):
    workdir, release = gloria_run
    result = workdir / "results" / "gloria" / str(YEAR)
    for name in ("study_area", "flows_chord", "driven_by", "sector_hotspots"):
        assert png_size(result / "figures" / f"{name}.png")[0] > 500
    for name in ("group_accounts", "headline"):
        assert (result / "tables" / f"{name}.md").stat().st_size > 0
    report = (workdir / "results" / "gloria" / "report.html").read_text()
    # The flow explorer is built for GLORIA as for every source and published beside it.
    explorer = (workdir / "results" / "gloria" / "explorer.html").read_text()
    assert "CHN" in explorer and "DYE" not in explorer
    # Published by rule publish from the build tree, with each file's sha256.
    manifest = json.loads((workdir / "results" / ".build" / "gloria.published.json").read_text())
    assert "accounts.csv" in manifest["folders"][f"results/gloria/{YEAR}"]["files"]
    assert (workdir / "results" / ".build" / "gloria" / str(YEAR) / "accounts.csv").is_file()
    assert "gloria" in report and "synthetic data" not in report.lower()
    provenance = json.loads((result / "provenance.json").read_text())
    assert provenance["dataset"]["version"] == "60"
    assert "release 060" in provenance["dataset"]["title"]
    assert "release <strong>60</strong>" in report
    assert "Economic Systems Research 34(1)" in provenance["dataset"]["citation"]
    assert provenance["dropped_regions"] == ["DYE"] and provenance["gloria_version"] == "060"
    log = (workdir / "logs" / "harmonize" / f"gloria_{YEAR}.log").read_text()
    assert "dropped (no entries): ['DYE']" in log
    # The accounts equal those of pymrio's parse_gloria + calc_all on the same files.
    files = gloria.release_files(release, 60, YEAR)
    reference = support.pymrio_reference(files)
    accounts = pd.read_csv(result / "accounts.csv", index_col="region", keep_default_na=False)
    assert sorted(accounts.index) == sorted(code for code in REGIONS if code != "DYE")
    for column, expected in (
        ("production_mt", reference.production),
        ("consumption_mt", reference.consumption),
    ):
        np.testing.assert_allclose(accounts[column].loc[expected.index], expected * 1e-3, rtol=1e-9)


def test_the_world_intensities_are_one_on_gloria(gloria_run):
    # Primary inputs (x - 1'Z) against final demand: the world's production- and
    # consumption-based intensities are one number on GLORIA's construct too, with and
    # without the changes in inventories (which the release writes negative).
    workdir, _ = gloria_run
    diagnostics = json.loads(
        (workdir / "results" / "gloria" / str(YEAR) / "diagnostics.json").read_text()
    )
    baseline = diagnostics["world_intensity"]
    assert baseline["ratio"] == pytest.approx(1.0, abs=1e-9) and "warning" not in baseline
    variant = diagnostics["variants"]["no_inventories"]["world_intensity"]
    assert variant["ratio"] == pytest.approx(1.0, abs=1e-9) and "warning" not in variant


def test_the_memory_request_covers_the_measured_peak(gloria_run):
    workdir, release = gloria_run
    dry = snakemake(
        workdir,
        "-n",
        "--forcerun",
        "harmonize_gloria",
        "--config",
        "source=gloria",
        f"local_data={release.parent}",
        "gloria={version: 60}",
        f"years=[{YEAR}]",
    )
    jobs = {job["rule"]: job for job in dry_run_jobs(dry.stdout + dry.stderr)}
    benchmark = workdir / "logs" / "benchmarks" / "harmonize" / f"gloria_{YEAR}.tsv"
    with benchmark.open() as handle:
        measured = float(next(csv.DictReader(handle, delimiter="\t"))["max_rss"])
    assert 0 < measured <= jobs["harmonize_gloria"]["mem_mb"]


def test_missing_files_stop_the_run_before_any_job(tmp_path):
    workdir = copy_workflow(tmp_path / "workflow")
    local = tmp_path / "local_data"
    (local / "gloria").mkdir(parents=True)
    (local / "gloria" / "GLORIA_ReadMe_059.xlsx").write_bytes(b"present")
    result = snakemake(
        workdir, "-n", "--config", "source=gloria", f"local_data={local}", "years=[2014, 2015]",
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    message = next(line for line in output.splitlines() if "is read from local_data only" in line)
    for year in (2014, 2015):
        assert layout.mrio_archive(59, year) in message
        assert layout.satellite_archive(59, year) in message
    assert "GLORIA_ReadMe_059.xlsx" not in message and "https://ielab.info" in message
    assert not re.search(r"^rule \w+:", output, flags=re.M)
    # A compared release is checked in its own release (060 while gloria.version is 59).
    compared = snakemake(
        workdir, "-n", "--config", f"local_data={local}", "years=[2015]",
        "compare={sources: [synthetic, gloria@60]}", check=False,
    )  # fmt: skip
    output = compared.stdout + compared.stderr
    assert compared.returncode != 0 and "Traceback" not in output
    message = next(line for line in output.splitlines() if "is read from local_data only" in line)
    assert "GLORIA release 060" in message and layout.mrio_archive(60, 2015) in message
    assert "_059_" not in message and not re.search(r"^rule \w+:", output, flags=re.M)


def test_a_slurm_dry_run_of_1990_2028_asks_each_job_for_what_it_needs(tmp_path):
    workdir = copy_workflow(tmp_path / "workflow")
    local = tmp_path / "local_data" / "gloria"
    local.mkdir(parents=True)
    years = range(1990, 2029)
    names = [layout.readme(59)]
    for year in years:
        names += [layout.mrio_archive(59, year), layout.satellite_archive(59, year)]
    for name in names:  # placeholders: a dry run only looks for the files
        (local / name).write_bytes(name.encode())
    result = snakemake(
        workdir,
        "-n",
        "--profile",
        "profiles/slurm",
        "--config",
        "source=gloria",
        f"local_data={local.parent}",
        "years=1990-2028",
    )
    jobs = dry_run_jobs(result.stdout + result.stderr)
    counts = Counter(job["rule"] for job in jobs)
    assert counts["retrieve_gloria"] == 2 * len(years) + 1
    assert counts["harmonize_gloria"] == counts["accounts"] == len(years)
    for job in jobs:
        if job["rule"] == "harmonize_gloria":
            assert READ_PEAK_MB <= job["mem_mb"] <= MACHINE_MB / 4, job
        if job["rule"] == "accounts":
            # The float32 LU of n = 19,680 alone is 1.55 GB; the measured peak is above it.
            assert FULL_N**2 * 4 / 2**20 < ACCOUNTS_PEAK_MB <= job["mem_mb"] <= MACHINE_MB / 4


def test_years_outside_the_release_are_refused_before_any_job(tmp_path):
    workdir = copy_workflow(tmp_path / "workflow")
    local = tmp_path / "local_data"
    (local / "gloria").mkdir(parents=True)
    result = snakemake(
        workdir, "-n", "--config", "source=gloria", f"local_data={local}", "years=[1989, 2015]",
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert (
        "config key years asks for 1989, but gloria 59 (config key gloria.version) covers "
        "the years 1990-2028" in output
    )
    assert not re.search(r"^rule \w+:", output, flags=re.M)


def test_gloria_local_data_mistakes_are_named_before_any_job_and_never_block(tmp_path):
    """The gloria/ folder itself given as local_data names the folder to give; a named pipe
    under a release file's name is refused without being opened, in a dry run and a run."""
    workdir = copy_workflow(tmp_path / "workflow")
    local = tmp_path / "mrio"
    support.write(local / "gloria", version=59, year=YEAR, regions=("CHN", "DYE", "USA"))
    arguments = ("--config", "source=gloria", f"years=[{YEAR}]")
    deep = snakemake(workdir, "-n", *arguments, f"local_data={local / 'gloria'}", check=False)
    output = deep.stdout + deep.stderr
    assert deep.returncode == 1 and "Traceback" not in output
    assert f"set local_data to {local} (the folder that holds gloria/)" in output

    pipe = local / "gloria" / layout.satellite_archive(59, YEAR)
    pipe.unlink()
    os.mkfifo(pipe)
    executable = Path(sys.executable).with_name("snakemake")
    for options in (("-n",), ("--cores", "1")):
        refused = subprocess.run(
            [str(executable), *options, *arguments, f"local_data={local}"],
            cwd=workdir, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        output = refused.stdout + refused.stderr
        assert refused.returncode == 1, output[-2000:]
        assert f"{pipe} (config key local_data) is a named pipe (FIFO)" in output
        assert "Traceback" not in output
    assert not (workdir / "resources" / "raw" / "gloria").exists()


def test_copies_belong_to_their_local_data_folder(gloria_run, tmp_path):
    """The run's copies serve its local_data folder: kept when the files are gone from it
    (no job, a warning), not used for another folder that lacks them (refused before any
    job, naming the files); the sha256 memo spares a rerun the hashing of 5 GB zips."""
    workdir, release = gloria_run
    raw = workdir / "resources" / "raw" / "gloria"
    memo = json.loads((raw / ".local_data.sha256.json").read_text())
    files = list(layout.release_files(60, YEAR).values())
    assert {str(release / name) for name in files} <= set(memo)
    assert all((raw / ".kept" / name).is_file() for name in files)
    arguments = ("--config", "source=gloria", "gloria={version: 60}", f"years=[{YEAR}]")
    again = snakemake(workdir, "-n", *arguments, f"local_data={release.parent}")
    assert "computing the sha256" not in again.stdout + again.stderr
    assert "rule retrieve_gloria" not in again.stdout

    other = tmp_path / "other_mrio"
    (other / "gloria").mkdir(parents=True)
    moved = snakemake(workdir, "-n", *arguments, f"local_data={other}", check=False)
    output = moved.stdout + moved.stderr
    assert moved.returncode != 0 and "Traceback" not in output
    message = next(line for line in output.splitlines() if "is read from local_data only" in line)
    assert all(name in message for name in files) and str(other / "gloria") in message

    hidden = tmp_path / "hidden"
    shutil.move(release, hidden)
    try:
        gone = snakemake(workdir, "-n", *arguments, f"local_data={release.parent}")
    finally:
        shutil.move(hidden, release)
    output = gone.stdout + gone.stderr
    assert "is gone from local_data; the copy made of it before" in output
    assert "rule retrieve_gloria" not in gone.stdout


@pytest.fixture(scope="module")
def compared_run(gloria_run, tmp_path_factory) -> Path:
    """The synthetic world (tiny) and release 060 compared for 2015, in a copy of the GLORIA
    run's folder (the release's copies are there already), with gloria.version left at 59:
    the comparison names the release, gloria@60."""
    workdir = tmp_path_factory.mktemp("gloria_compared") / "workflow"
    shutil.copytree(gloria_run[0], workdir, symlinks=True)
    snakemake(
        workdir,
        "--cores",
        "2",
        "--config",
        "source=synthetic",
        f"synthetic={{countries: [{', '.join(TINY_COUNTRIES)}]}}",
        f"local_data={gloria_run[1].parent}",
        f"years=[{YEAR}]",
        "compare={sources: [synthetic, gloria@060]}",
    )
    return workdir


def test_a_gloria_release_is_compared_beside_the_synthetic_world(gloria_run, compared_run):
    workdir = compared_run
    member = workdir / BUILD / "gloria@60" / str(YEAR)
    # The compared release's results are those of a run of that release, byte for byte.
    published = gloria_run[0] / "results" / "gloria" / str(YEAR)
    assert (member / "accounts.csv").read_bytes() == (published / "accounts.csv").read_bytes()
    # Its folder records the release it was made with; only 060's files were needed.
    settings = json.loads((member / "fingerprint.json").read_text())["settings"]
    assert settings["gloria"]["version"] == 60
    copies = (workdir / "resources/raw/gloria").glob("GLORIA_*")
    raw = sorted(path.name for path in copies if path.suffix != ".json")
    assert raw == sorted(layout.release_files(60, YEAR).values())
    folder = workdir / "results" / "compare" / str(YEAR)
    table = pd.read_csv(folder / "group_accounts.csv", index_col="group")
    for database in ("synthetic", "gloria@60"):
        own = pd.read_csv(workdir / BUILD / database / str(YEAR) / "groups" / "accounts.csv")
        np.testing.assert_allclose(
            table.loc[own["group"], f"production_mt_{database}"], own["production_mt"], rtol=1e-12
        )
    reference = table["consumption_mt_synthetic"]
    np.testing.assert_allclose(
        table["consumption_mt_rel_diff_gloria@60"],
        (table["consumption_mt_gloria@60"] - reference) / reference.abs(),
        rtol=1e-9,
    )
    readings = pd.read_csv(folder / "headline.csv")
    assert {"value_synthetic", "value_gloria@60"} <= set(readings.columns)
    report = (workdir / "results" / "synthetic" / "report.html").read_text()
    assert f"The findings by database, {YEAR}" in report
    assert ">gloria 60<" in report and ">synthetic<" in report
