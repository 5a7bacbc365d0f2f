"""EXIOBASE releases through Snakemake: a 3.10-layout release for 2023 run whole with
exiobase3.version 3.10.2, a second release and a synthetic world compared beside it, the
release switched (a rerun that never mixes), and the checks before any job.

All offline: the archives are generated in the exact layouts (3.10: no top folder, one
folder per extension, no employment in the now-cast years) and put in local_data the way
users store several releases, one folder per release.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest
import yaml

from bri_carbon.runtime.digests import file_digests
from bri_carbon.sources import datasets

from ..support.fixtures import EXIO_CO2_ROWS, exiobase3_world, write_exiobase3
from ..support.systems import pymrio_reference
from ..support.workflow import BUILD, TINY_COUNTRIES, copy_workflow, snakemake

YEAR = 2023
REGIONS = ("CN", "DE", "US", "WA")
#: Output region codes of REGIONS (data/region_codes.csv).
CODES = {"CN": "CHN", "DE": "DEU", "US": "USA", "WA": "WA"}
#: ECB annual average USD per EUR of 2023 (data/exchange_rates.csv).
USD_PER_EUR_2023 = 1.0813
COMPARED = ["exiobase3", "exiobase3@3.10.1", "synthetic"]


@pytest.fixture(scope="module")
def worlds():
    """Two releases of one year: different tables, as two releases would have."""
    return {
        "3.10.2": exiobase3_world(YEAR, "ixi", REGIONS, seed=5),
        "3.10.1": exiobase3_world(YEAR, "ixi", REGIONS, seed=9),
    }


@pytest.fixture(scope="module")
def local(tmp_path_factory, worlds) -> Path:
    """local_data with one folder per release, as users keep them (MARIO's documentation:
    EXIOBASE/{version}/IOT_{year}_ixi.zip)."""
    folder = tmp_path_factory.mktemp("mrio")
    write_exiobase3(
        folder / "exiobase3" / "3.10.2", worlds["3.10.2"], layout="3.10", top_folder=False
    )
    write_exiobase3(
        folder / "exiobase3" / "3.10.1", worlds["3.10.1"], layout="3.9", top_folder=False
    )
    return folder


def _config(workdir: Path, name: str, **values) -> str:
    settings = {
        "source": "exiobase3",
        "years": [YEAR],
        "synthetic": {"countries": TINY_COUNTRIES},
        **values,
    }
    path = workdir / "config" / name
    path.write_text(yaml.safe_dump(settings, sort_keys=False))
    return str(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory, local):
    """The whole workflow on the 3.10.2 release for 2023, compared with release 3.10.1 and
    the synthetic world (one Snakemake call); returns the folder and the terminal text."""
    workdir = copy_workflow(tmp_path_factory.mktemp("releases"))
    config = _config(
        workdir,
        "releases.yaml",
        local_data=str(local),
        exiobase3={"version": "3.10.2"},
        compare={"sources": COMPARED},
    )
    result = snakemake(workdir, "--cores", "2", "--configfile", config)
    return workdir, result.stdout + result.stderr


def _expected(world, system) -> tuple[pd.Series, pd.Series]:
    """PBA and CBA per output region (Mt CO2) of pymrio's calc_all on ``system`` (parsed
    by pymrio from the archive), the configured CO2 rows summed."""
    rows = list(EXIO_CO2_ROWS)
    pba, cba, _ = pymrio_reference(
        system.Z,
        system.Y,
        system.air_emissions.F.loc[rows].sum().to_frame("CO2").T,
        system.air_emissions.F_Y.loc[rows].sum().to_frame("CO2").T,
    )
    return (pba * 1e-9).rename(index=CODES), (cba * 1e-9).rename(index=CODES)


def test_a_3_10_layout_release_runs_for_2023(run, worlds):
    workdir, terminal = run
    raw = workdir / "resources/raw/exiobase3/3.10.2/IOT_2023_ixi.zip"
    native = pymrio.parse_exiobase3(raw)
    assert native.get_extensions() and not hasattr(native, "employment")
    pba, cba = _expected(worlds["3.10.2"], native)
    accounts = pd.read_csv(
        workdir / f"results/exiobase3/{YEAR}/accounts.csv",
        index_col="region",
        keep_default_na=False,
    )
    np.testing.assert_allclose(accounts["production_mt"].loc[pba.index], pba, rtol=1e-9)
    np.testing.assert_allclose(accounts["consumption_mt"].loc[cba.index], cba, rtol=1e-9)
    final_demand = worlds["3.10.2"].Y.to_numpy().sum() * USD_PER_EUR_2023
    assert accounts["final_demand_musd"].sum() == pytest.approx(final_demand, rel=1e-9)
    # The whole workflow: figures, tables and the report.
    assert (workdir / f"results/exiobase3/{YEAR}/figures/driven_by.png").stat().st_size > 0
    assert (workdir / f"results/exiobase3/{YEAR}/tables/headline.csv").exists()
    # The release's known defect of 2023 is named before the jobs, once.
    assert terminal.count("exiobase3 3.10.2, 2023: Second-hand report") == 1


def test_provenance_and_report_name_the_release(run):
    workdir, _ = run
    record = json.loads((workdir / f"results/exiobase3/{YEAR}/provenance.json").read_text())
    dataset = record["dataset"]
    assert dataset["version"] == "3.10.2" and dataset["doi"] == "10.5281/zenodo.20051562"
    assert dataset == datasets.read_dataset(
        workdir / "data/datasets.yaml", "exiobase3", "3.10.2"
    ).description(YEAR)
    assert dataset["caveats"] and "CO2 - combustion - air" in dataset["caveats"][0]
    assert [entry["path"] for entry in record["raw_inputs"]] == [
        "resources/raw/exiobase3/3.10.2/IOT_2023_ixi.zip",
        "resources/raw/exiobase3/3.10.2/IOT_2023_ixi.zip.json",
    ]
    html = (workdir / "results/exiobase3/report.html").read_text()
    assert "release <strong>3.10.2</strong>" in html
    assert "Data: the configured MRIO table (exiobase3, release 3.10.2)." in html
    assert 'href="https://doi.org/10.5281/zenodo.20051562"' in html
    assert "Known defect" in html


def test_two_releases_keep_their_own_copies_and_results(run, local, worlds):
    workdir, _ = run
    for version in ("3.10.2", "3.10.1"):
        raw = workdir / f"resources/raw/exiobase3/{version}/IOT_2023_ixi.zip"
        record = json.loads(raw.with_name(raw.name + ".json").read_text())
        origin = local / "exiobase3" / version / "IOT_2023_ixi.zip"
        assert record["version"] == version and record["location"] == str(origin)
        assert record["sha256"] == file_digests(raw)["sha256"] == file_digests(origin)["sha256"]
    # A compared database's results stay in the build tree (only the comparison and the
    # configured source are published).
    member = workdir / f"{BUILD}/exiobase3@3.10.1/{YEAR}"
    assert not (workdir / "results/exiobase3@3.10.1").exists()
    pba, _ = _expected(
        worlds["3.10.1"],
        pymrio.parse_exiobase3(workdir / "resources/raw/exiobase3/3.10.1/IOT_2023_ixi.zip"),
    )
    accounts = pd.read_csv(member / "accounts.csv", index_col="region", keep_default_na=False)
    np.testing.assert_allclose(accounts["production_mt"].loc[pba.index], pba, rtol=1e-9)
    # Each results folder records the release it was made with.
    for folder, version in ((member, "3.10.1"), (workdir / f"results/exiobase3/{YEAR}", "3.10.2")):
        settings = json.loads((folder / "fingerprint.json").read_text())["settings"]
        assert settings["exiobase3"]["version"] == version


def test_the_findings_are_compared_across_databases(run):
    workdir, _ = run
    folder = workdir / f"results/compare/{YEAR}"
    table = pd.read_csv(folder / "group_accounts.csv", index_col="group")
    assert (folder / "fingerprint.json").exists()  # published whole, with its record
    for database in COMPARED:
        own = pd.read_csv(
            workdir / f"{BUILD}/{database}/{YEAR}/groups/accounts.csv", index_col="group"
        )
        np.testing.assert_allclose(
            table.loc[own.index, f"production_mt_{database}"], own["production_mt"], rtol=1e-12
        )
    reference = table["consumption_mt_exiobase3"]
    expected = (table["consumption_mt_synthetic"] - reference) / reference.abs()
    np.testing.assert_allclose(table["consumption_mt_rel_diff_synthetic"], expected, rtol=1e-9)
    readings = pd.read_csv(folder / "headline.csv")
    assert {f"value_{database}" for database in COMPARED} <= set(readings.columns)
    member = pd.read_csv(workdir / f"{BUILD}/exiobase3@3.10.1/{YEAR}/groups/headline.csv")
    merged = readings.merge(member, on=["finding", "statistic", "level", "subject"])
    np.testing.assert_allclose(merged["value_exiobase3@3.10.1"], merged["value"], rtol=1e-12)
    html = (workdir / "results/exiobase3/report.html").read_text()
    assert f"The findings by database, {YEAR}" in html
    assert ">exiobase3 3.10.1<" in html and ">synthetic<" in html


def test_switching_the_release_reruns_and_never_mixes(run, local):
    workdir, _ = run
    config = _config(
        workdir, "switched.yaml", local_data=str(local), exiobase3={"version": "3.10.1"}
    )
    dry = snakemake(workdir, "-n", "--configfile", config)
    planned = dry.stdout + dry.stderr
    for job in ("fingerprint", "harmonize_exiobase3", "accounts", "provenance", "publish"):
        assert f"rule {job}:" in planned, job
    assert "rule retrieve_exiobase3:" not in planned  # the 3.10.1 copy is there already
    snakemake(workdir, "--cores", "2", "--configfile", config)
    result = workdir / f"results/exiobase3/{YEAR}"
    member = workdir / f"{BUILD}/exiobase3@3.10.1/{YEAR}"
    # The published folder was made anew as a whole: every file of it is no older than its
    # new record, the accounts are those of release 3.10.1, byte for byte, and provenance
    # names it.
    record_time = (result / "fingerprint.json").stat().st_mtime_ns
    files = [path for path in result.rglob("*") if path.is_file()]
    assert files and all(path.stat().st_mtime_ns >= record_time for path in files)
    assert (result / "figures/driven_by.png").exists()
    assert (result / "accounts.csv").read_bytes() == (member / "accounts.csv").read_bytes()
    record = json.loads((result / "provenance.json").read_text())
    assert record["dataset"]["version"] == "3.10.1"
    paths = [entry["path"] for entry in record["raw_inputs"]]
    assert paths and all(path.startswith("resources/raw/exiobase3/3.10.1/") for path in paths)
    fingerprints = [
        json.loads((folder / "fingerprint.json").read_text())["fingerprint"]
        for folder in (result, member)
    ]
    assert fingerprints[0] == fingerprints[1]
    # The comparison of the first run (3.10.2 beside 3.10.1) stays as it was published.
    compared = json.loads((workdir / f"results/compare/{YEAR}/fingerprint.json").read_text())
    assert compared["settings"]["exiobase3"]["version"] == "3.10.2"


# ----------------------------------------------------------- checks before any job


def _refused(workdir: Path, config: str) -> str:
    failed = snakemake(workdir, "-n", "--configfile", config, check=False)
    assert failed.returncode != 0
    assert not (workdir / "resources").exists() and "rule " not in failed.stdout
    return failed.stdout + failed.stderr


@pytest.fixture
def fresh(tmp_path) -> Path:
    return copy_workflow(tmp_path / "checks")


def test_years_are_checked_against_the_chosen_release_before_any_job(fresh):
    output = _refused(fresh, _config(fresh, "old.yaml", exiobase3={"version": "3.9.6"}))
    assert "config key years asks for 2023, but exiobase3 3.9.6" in output
    assert "covers the years 1995-2022" in output and "3.10.1, 3.10.2" in output
    assert "Traceback" not in output
    compared = _config(
        fresh,
        "compared.yaml",
        exiobase3={"version": "3.10.2"},
        compare={"sources": ["exiobase3", "exiobase3@3.8.2"]},
    )
    assert "exiobase3 3.8.2 (config key exiobase3.version)" in _refused(fresh, compared)
    planned = snakemake(
        fresh, "-n", "--configfile", _config(fresh, "new.yaml", exiobase3={"version": "3.10.2"})
    )
    assert "retrieve_exiobase3" in planned.stdout + planned.stderr


def test_a_file_outside_a_release_folder_is_refused_before_any_job(fresh, tmp_path, worlds):
    loose = tmp_path / "loose"
    write_exiobase3(loose / "exiobase3", worlds["3.10.2"], layout="3.10", top_folder=False)
    config = _config(fresh, "loose.yaml", local_data=str(loose), exiobase3={"version": "3.10.2"})
    output = _refused(fresh, config)
    assert str(loose / "exiobase3" / "IOT_2023_ixi.zip") in output
    assert f"{loose / 'exiobase3' / '3.10.2'}/" in output
