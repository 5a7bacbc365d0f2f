"""The real-data sources through Snakemake: local files first, downloads from a fake
upstream on 127.0.0.1, offline dry runs, clear errors; no password in any written file."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote_plus

import numpy as np
import pandas as pd
import pymrio
import pytest
import xarray as xr
import yaml

from bri_carbon.runtime.digests import file_digests

from ..support.fixtures import (
    EORA_COUNTRIES,
    EXIO_CO2_ROWS,
    FakeUpstream,
    UpstreamServer,
    exiobase3_world,
    files_containing,
    write_eora26,
    write_exiobase3,
)
from ..support.systems import pymrio_reference
from ..support.workflow import BUILD, copy_workflow, snakemake

YEAR = 2015
PASSWORD = "wf-Pa55 word&never#written+"
EMAIL = "wf-user+eora@example.org"
EXIO_REGIONS = ("CN", "DE", "US", "WA")


def contract_targets(source: str, year: int = YEAR) -> list[str]:
    """The output contract of one source and year: accounts, flows and the group results
    (in the build tree: these runs stop before the figures, so nothing is published)."""
    base = f"{BUILD}/{source}/{year}"
    return [
        f"{base}/accounts.csv",
        f"{base}/flows.csv",
        f"{base}/diagnostics.json",
        f"{base}/groups/accounts.csv",
        f"{base}/groups/flows.csv",
    ]


@pytest.fixture(scope="module")
def exio_world():
    return exiobase3_world(YEAR, "ixi", regions=EXIO_REGIONS)


@pytest.fixture(scope="module")
def local(tmp_path_factory, exio_world) -> Path:
    """A local_data folder as a user would fill it: real file names, real layouts."""
    folder = tmp_path_factory.mktemp("mrio")
    write_eora26(folder / "eora26", YEAR, labels_inside=False)
    write_exiobase3(folder / "exiobase3" / "3.8.2", exio_world, layout="3.8")
    return folder


def _config(workdir: Path, name: str, **values) -> str:
    path = workdir / "config" / name
    path.write_text(yaml.safe_dump({"years": [YEAR], **values}, sort_keys=False))
    return str(path)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, local) -> Path:
    """One run of both real-data sources from local_data, offline (one Snakemake call)."""
    folder = copy_workflow(tmp_path_factory.mktemp("realdata"))
    config = _config(
        folder,
        "local.yaml",
        source="eora26",
        local_data=str(local),
        exiobase3={"version": "3.8.2"},
    )
    targets = contract_targets("eora26") + contract_targets("exiobase3")
    snakemake(folder, *targets, "--cores", "2", "--configfile", config)
    return folder


def _assert_equal_to_pymrio(result: Path, system, codes: dict[str, str], to_mt: float) -> None:
    """accounts.csv and flows.csv of ``result`` against pymrio calc_all on the native table
    ``system`` (parsed by pymrio from the same file), to 1e-9 relative."""
    pba, cba, flows = pymrio_reference(system.Z, system.Y, system.co2.F, system.co2.F_Y)
    accounts = pd.read_csv(result / "accounts.csv", index_col="region", keep_default_na=False)
    expected_pba = (pba * to_mt).rename(index=codes)
    expected_cba = (cba * to_mt).rename(index=codes)
    np.testing.assert_allclose(
        accounts["production_mt"].loc[expected_pba.index], expected_pba, rtol=1e-9
    )
    np.testing.assert_allclose(
        accounts["consumption_mt"].loc[expected_cba.index], expected_cba, rtol=1e-9
    )
    written = pd.read_csv(result / "flows.csv", keep_default_na=False)
    matrix = written.pivot(index="origin", columns="destination", values="co2_mt")
    expected = (flows * to_mt).rename(index=codes, columns=codes)
    expected = expected.loc[matrix.index, matrix.columns]
    scale = np.abs(expected.to_numpy()).max()
    assert np.abs(matrix.to_numpy() - expected.to_numpy()).max() <= 1e-9 * scale


def test_eora26_from_local_data_with_indices_zip(workdir, local):
    result = workdir / f"{BUILD}/eora26/{YEAR}"
    accounts = pd.read_csv(result / "accounts.csv", index_col="region")
    assert sorted(accounts.index) == sorted(EORA_COUNTRIES)
    for name in ("Eora26_2015_bp.zip", "indices.zip"):
        record = json.loads((workdir / f"resources/raw/eora26/{name}.json").read_text())
        assert record["origin"] == "local_data"
        assert record["sha256"] == file_digests(local / "eora26" / name)["sha256"]
    dataset = xr.load_dataset(workdir / f"resources/harmonized/eora26/{YEAR}.nc")
    assert float(dataset["discrepancy_inputs"].sum()) > 0
    discrepancy = pd.read_csv(result / "source_discrepancy.csv", index_col="region")
    assert sorted(discrepancy.index) == sorted(EORA_COUNTRIES)
    assert (discrepancy["sales_to_discrepancy_musd"] > 0).all()
    # The same file parsed by pymrio and computed with calc_all, at its native resolution.
    native = pymrio.parse_eora26(local / "eora26", year=YEAR)
    co2 = ("Total CO2 emissions from EDGAR", "Total")
    native.co2 = pymrio.Extension("co2", F=native.Q.F.loc[[co2]], F_Y=native.Q.F_Y.loc[[co2]])
    # The fixture holds what real tables hold: negative inventories, negative value added.
    assert (native.Y.xs("Changes in inventories P.52", axis=1, level=1) < 0).any().any()
    assert (native.VA.F.sum() < 0).any()
    _assert_equal_to_pymrio(result, native, {}, 1e-3)
    config = workdir / "config" / "local.yaml"
    again = snakemake(workdir, *contract_targets("eora26"), "-n", "--configfile", str(config))
    assert "Nothing to be done" in again.stdout + again.stderr


def test_exiobase3_from_local_data_in_usd(workdir, exio_world):
    result = workdir / f"{BUILD}/exiobase3/{YEAR}"
    accounts = pd.read_csv(result / "accounts.csv", index_col="region", keep_default_na=False)
    assert sorted(accounts.index) == ["CHN", "DEU", "USA", "WA"]
    co2_mt = (
        exio_world.air.loc[list(EXIO_CO2_ROWS)].to_numpy().sum()
        + exio_world.air_final_demand.loc[list(EXIO_CO2_ROWS)].to_numpy().sum()
    ) * 1e-9
    assert accounts["production_mt"].sum() == pytest.approx(co2_mt, rel=1e-9)
    assert accounts["consumption_mt"].sum() == pytest.approx(co2_mt, rel=1e-9)
    final_demand_musd = exio_world.Y.to_numpy().sum() * 1.1095  # 2015 USD per EUR
    assert accounts["final_demand_musd"].sum() == pytest.approx(final_demand_musd, rel=1e-9)
    groups = pd.read_csv(result / "groups" / "accounts.csv", index_col="group")
    np.testing.assert_allclose(groups["production_mt"].sum(), co2_mt, rtol=1e-9)
    raw = workdir / "resources/raw/exiobase3/3.8.2/IOT_2015_ixi.zip"
    record = json.loads(raw.with_name(raw.name + ".json").read_text())
    assert record["origin"] == "local_data" and record["version"] == "3.8.2"
    # Solved at the native 4 x 163 resolution: equal to pymrio's calc_all on that table.
    native = pymrio.parse_exiobase3(raw)
    rows = list(EXIO_CO2_ROWS)
    native.co2 = pymrio.Extension(
        "co2",
        F=native.satellite.F.loc[rows].sum().to_frame("CO2").T,
        F_Y=native.satellite.F_Y.loc[rows].sum().to_frame("CO2").T,
    )
    assert (native.Y.xs("Changes in inventories", axis=1, level=1) < 0).any().any()
    codes = {"CN": "CHN", "DE": "DEU", "US": "USA"}
    _assert_equal_to_pymrio(result, native, codes, 1e-9)


def _datasets_for(workdir: Path, url: str) -> str:
    """A copy of the datasets table whose URLs point at the fake upstream."""
    table = yaml.safe_load((workdir / "data" / "datasets.yaml").read_text())
    eora = table["eora26"]
    eora["login"]["url"] = f"{url}/login"
    eora["files"]["archive"]["url"] = url + "/Eora26_{year}_bp.zip"
    eora["files"]["indices"]["url"] = f"{url}/indices.zip"
    exio = table["exiobase3"]
    exio["files"]["archive"]["url"] = url + "/files/IOT_{year}_{system}.zip"
    exio["checksum_listing"] = f"{url}/api/records/5589597"
    path = workdir / "config" / "datasets_fake.yaml"
    path.write_text(yaml.safe_dump(table, sort_keys=False))
    return str(path)


def test_eora26_download_with_login_writes_no_password(workdir, tmp_path, monkeypatch):
    """Against a server that, like Eora for pymrio's downloader, gives the tables only with
    the account in the URL's query (the login cookie alone is refused) and indices.zip to
    anyone."""
    year = 2010
    folder = tmp_path / "upstream"
    archive = write_eora26(folder, year, labels_inside=False)
    upstream = FakeUpstream(
        files={
            f"/{archive.name}": archive.read_bytes(),
            "/indices.zip": (folder / "indices.zip").read_bytes(),
        },
        protected={f"/{archive.name}"},
        accounts={EMAIL: PASSWORD},
        auth="query",
        cut_first={f"/{archive.name}": 1},
    )
    monkeypatch.setenv("EORA_EMAIL", EMAIL)
    monkeypatch.setenv("EORA_PASSWORD", PASSWORD)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc of the person running the tests
    # The copy of indices.zip that the first run took from local_data would be kept (its
    # content is what counts, not where it came from); remove it so that it is downloaded.
    for name in ("indices.zip", "indices.zip.json"):
        (workdir / "resources" / "raw" / "eora26" / name).unlink()
    with UpstreamServer(upstream):
        config = _config(
            workdir,
            "eora_download.yaml",
            source="eora26",
            years=[year],
            datasets=_datasets_for(workdir, upstream.url),
            download={"retries": 2, "timeout": 10, "backoff": 0.05},
        )
        run = snakemake(
            workdir,
            f"resources/harmonized/eora26/{year}.nc",
            "--cores",
            "1",
            "--configfile",
            config,
        )
    # The download's progress reaches the terminal too (as lines: the output is no terminal).
    terminal = run.stdout + run.stderr
    assert f"{archive.name} [####################] 100%" in terminal
    assert PASSWORD not in terminal and quote_plus(EMAIL) not in terminal
    ranges = [r["range"] for r in upstream.requests_for(f"/{archive.name}")]
    assert ranges[0] is None and ranges[-1] and ranges[-1].startswith("bytes=")
    record = json.loads((workdir / f"resources/raw/eora26/{archive.name}.json").read_text())
    assert record["origin"] == "download" and record["sha256"] == file_digests(archive)["sha256"]
    assert "?" not in record["location"]
    archive_gets = upstream.requests_for(f"/{archive.name}")
    assert all(r["query_fields"] == ["email", "pass"] for r in archive_gets)
    assert [r["query"] for r in upstream.requests_for("/indices.zip")] == [False]
    assert (workdir / f"resources/harmonized/eora26/{year}.nc").exists()
    for secret in (PASSWORD, quote_plus(PASSWORD), EMAIL, quote_plus(EMAIL)):
        leaks = files_containing(workdir, secret)
        assert leaks == [], f"{secret!r} was written to {leaks}"


def test_bad_password_fails_fast_with_a_clear_message(workdir, tmp_path, monkeypatch):
    upstream = FakeUpstream(accounts={EMAIL: "another"}, deny_status=200)
    monkeypatch.setenv("EORA_EMAIL", EMAIL)
    monkeypatch.setenv("EORA_PASSWORD", PASSWORD)
    with UpstreamServer(upstream):
        config = _config(
            workdir,
            "eora_badpass.yaml",
            source="eora26",
            years=[2012],
            datasets=_datasets_for(workdir, upstream.url),
            download={"retries": 5, "timeout": 10, "backoff": 30},
        )
        failed = snakemake(
            workdir,
            "resources/raw/eora26/Eora26_2012_bp.zip",
            "--cores",
            "1",
            "--configfile",
            config,
            check=False,
        )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "refused the account" in output
    assert len([r for r in upstream.requests if r["path"] == "/login"]) == 1
    assert files_containing(workdir, PASSWORD) == []


def test_missing_file_without_network_names_file_and_folder(workdir, tmp_path):
    with UpstreamServer(FakeUpstream()) as upstream:
        closed = upstream.url  # nothing listens here after the block
    (tmp_path / "mrio").mkdir()  # the folder exists, the file is missing
    config = _config(
        workdir,
        "exio_offline.yaml",
        source="exiobase3",
        years=[2016],
        local_data=str(tmp_path / "mrio"),
        datasets=_datasets_for(workdir, closed),
        download={"retries": 0, "timeout": 5, "backoff": 0},
    )
    failed = snakemake(
        workdir,
        "resources/raw/exiobase3/3.8.2/IOT_2016_ixi.zip",
        "--cores",
        "1",
        "--configfile",
        config,
        check=False,
    )
    assert failed.returncode != 0
    log = (workdir / "logs/retrieve_exiobase3/3.8.2/2016_ixi.log").read_text()
    assert "put the file IOT_2016_ixi.zip exactly under this name into the folder" in log
    assert str(tmp_path / "mrio" / "exiobase3" / "3.8.2") in log


@pytest.mark.parametrize("source", ["synthetic", "eora26", "exiobase3"])
def test_offline_dry_run_for_every_source(workdir, source):
    config = _config(workdir, f"dry_{source}.yaml", source=source, years=[2011])
    dry = snakemake(workdir, "-n", "--configfile", config)
    output = dry.stdout + dry.stderr
    expected = {
        "synthetic": "synthetic_world",
        "eora26": "retrieve_eora26",
        "exiobase3": "retrieve_exiobase3",
    }[source]
    assert expected in output


@pytest.mark.parametrize(
    ("source", "year", "span"), [("eora26", 2017, "1990-2016"), ("exiobase3", 1994, "1995-2022")]
)
def test_years_outside_the_release_are_refused(workdir, source, year, span):
    config = _config(workdir, f"years_{source}.yaml", source=source, years=[year])
    dry = snakemake(workdir, "-n", "--configfile", config, check=False)
    assert dry.returncode != 0 and span in dry.stdout + dry.stderr


def test_labels_inside_the_zip_need_no_indices_zip(workdir, tmp_path):
    write_eora26(tmp_path / "mrio" / "eora26", 2013, labels_inside=True)
    config = _config(
        workdir,
        "eora_inside.yaml",
        source="eora26",
        years=[2013],
        local_data=str(tmp_path / "mrio"),
    )
    dry = snakemake(workdir, "resources/harmonized/eora26/2013.nc", "-n", "--configfile", config)
    output = dry.stdout + dry.stderr
    assert "retrieve_eora26" in output and "retrieve_eora26_indices" not in output
