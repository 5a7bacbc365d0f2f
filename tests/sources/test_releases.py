"""EXIOBASE and GLORIA releases as a choice: the datasets table's releases, the databases of
a comparison, the release folders of local and cached copies (the runs: tests/workflow/
test_exiobase_releases.py and test_gloria_workflow.py)."""

from __future__ import annotations

import re

import pytest
import yaml

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import databases, datasets, download, gloria_layout, local_data, retrieve

from ..support.fixtures import FakeUpstream, UpstreamServer, md5_of, zip_payload
from ..support.workflow import REPO

TABLE = REPO / "data" / "datasets.yaml"
#: The Zenodo record of each release, as pymrio's download_exiobase3 docstring and MARIO's
#: EXIOBASE_MONETARY_ZENODO_RECORDS list them.
RECORDS = {
    "3.8.2": "5589597",
    "3.9.4": "14614930",
    "3.9.5": "14869924",
    "3.9.6": "15689391",
    "3.10.1": "18937492",
    "3.10.2": "20051562",
}
FAST = download.DownloadSettings(retries=1, timeout=5, backoff=0.01)


def test_every_release_has_its_own_record_years_licence_and_citation():
    entry = datasets.read_datasets(TABLE)["exiobase3"]
    assert entry.multi_release and list(entry.datasets) == list(RECORDS)
    for version, record in RECORDS.items():
        release = entry.datasets[version]
        assert release.doi == f"10.5281/zenodo.{record}"
        assert release.homepage == f"https://doi.org/10.5281/zenodo.{record}"
        assert release.checksum_listing == f"https://zenodo.org/api/records/{record}"
        archive = release.file("archive", 2015, "pxp")
        assert archive.url == f"https://zenodo.org/records/{record}/files/IOT_2015_pxp.zip"
        assert f"({version})" in release.citation and release.doi in release.citation
        assert release.license and release.systems == ("ixi", "pxp")
        assert release.first_year == 1995
    assert entry.datasets["3.8.2"].license.startswith("CC BY-SA 4.0")
    assert "non-commercial" in entry.datasets["3.9.6"].license
    years = {version: (d.first_year, d.last_year) for version, d in entry.datasets.items()}
    assert years["3.9.6"] == (1995, 2022) and years["3.10.2"] == (1995, 2024)


def test_the_default_release_is_in_the_table():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    version = config["exiobase3"]["version"]
    assert version == "3.8.2"
    assert datasets.read_dataset(TABLE, "exiobase3", version).version == version


def test_a_release_is_selected_with_its_own_files_and_folder():
    chosen = datasets.read_dataset(TABLE, "exiobase3", "3.10.2")
    archive = chosen.file("archive", 2023, "ixi")
    assert archive.name == "IOT_2023_ixi.zip"
    assert archive.local_name == "3.10.2/IOT_2023_ixi.zip"
    assert archive.url.startswith("https://zenodo.org/records/20051562/")
    older = datasets.read_dataset(TABLE, "exiobase3", "3.8.2").file("archive", 2023, "ixi")
    assert older.name == archive.name and older.local_name != archive.local_name
    eora = datasets.read_dataset(TABLE, "eora26").file("archive", 2015)
    assert eora.local_name == eora.name == "Eora26_2015_bp.zip"


def test_gloria_releases_have_their_own_files_side_by_side():
    """GLORIA's releases are keyed as config key gloria.version spells them; their file
    names carry the release (the reader's names, gloria_layout), so no release folder."""
    entry = datasets.read_datasets(TABLE)["gloria"]
    assert entry.multi_release and list(entry.datasets) == ["59", "60"]
    for version in (59, 60):
        release = entry.datasets[str(version)]
        assert release.flat and release.release_folder == ""
        assert release.label == f"gloria {version}" and f"release 0{version}" in release.title
        assert (release.first_year, release.last_year) == (1990, 2028)
        assert "Economic Systems Research 34(1)" in release.citation
        assert f"ReleaseNotes_0{version}" in release.citation
        names = {role: release.file(role, 2015).local_name for role in release.files}
        assert names == gloria_layout.release_files(version, 2015)
    with pytest.raises(WorkflowInputError, match=r"gloria 59 \(config key gloria\.version\)"):
        entry.datasets["59"].check_year(1989)
    exiobase = datasets.read_dataset(TABLE, "exiobase3", "3.9.6")
    assert not exiobase.flat and exiobase.release_folder == "3.9.6"


def test_releases_sharing_a_file_name_get_folders(tmp_path):
    """A release that reuses another's file name (as EXIOBASE's all do) puts every release
    of the source into a folder of its own."""

    def reuse(table):
        table["gloria"]["releases"]["60"]["files"]["readme"]["name"] = "GLORIA_ReadMe_059.xlsx"

    table = yaml.safe_load(TABLE.read_text())
    reuse(table)
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    release = datasets.read_dataset(path, "gloria", "60")
    assert not release.flat and release.file("mrio", 2015).local_name.startswith("60/")


def test_an_unknown_or_missing_release_names_the_key_and_the_releases():
    with pytest.raises(WorkflowInputError) as unknown:
        datasets.read_dataset(TABLE, "exiobase3", "3.9")
    message = str(unknown.value)
    assert "config key exiobase3.version is '3.9'" in message
    assert all(version in message for version in RECORDS)
    with pytest.raises(WorkflowInputError, match=r"config key exiobase3\.version picks one"):
        datasets.read_dataset(TABLE, "exiobase3")


def test_years_are_checked_against_the_chosen_release():
    datasets.read_dataset(TABLE, "exiobase3", "3.10.2").check_year(2023)
    with pytest.raises(WorkflowInputError) as refused:
        datasets.read_dataset(TABLE, "exiobase3", "3.9.6").check_year(2023)
    message = str(refused.value)
    assert "config key years asks for 2023" in message
    assert "exiobase3 3.9.6 (config key exiobase3.version) covers the years 1995-2022" in message
    assert "Releases with 2023: 3.10.1, 3.10.2" in message and "\n" not in message
    with pytest.raises(WorkflowInputError, match="covers the years 1990-2016"):
        datasets.read_dataset(TABLE, "eora26").check_year(2017)


def test_caveats_concern_only_their_years():
    newest = datasets.read_dataset(TABLE, "exiobase3", "3.10.2")
    [(caveat, years)] = newest.caveats_for([2021, 2022, 2023, 2024])
    assert years == [2023, 2024] and caveat.years == "2023-2024"
    assert newest.caveats_for([2015, 2022]) == []
    assert datasets.read_dataset(TABLE, "exiobase3", "3.9.6").caveats_for(range(1995, 2023)) == []
    assert newest.description(2023)["caveats"] == [caveat.text]
    assert newest.description(2022)["caveats"] == []


def _table_with(tmp_path, change) -> str:
    table = yaml.safe_load(TABLE.read_text())
    change(table["exiobase3"])
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["releases"]["3.9.6"].update(doi_url="x"), r"unknown keys \['doi_url'\]"),
        (lambda e: e["releases"]["3.9.6"].pop("record"), "lacks the key record"),
        (lambda e: e["releases"]["3.9.6"].update(caveats={"2023-2021": "x"}), "run backwards"),
        (lambda e: e["releases"]["3.9.6"].update(caveats={"soon": "x"}), "must be a year"),
        (lambda e: e.update(version="3.9.6"), "an entry with releases has no key version"),
        (lambda e: e["releases"]["3.9.6"].update(years={"first": 2022, "last": 1995}), "after"),
    ],
)
def test_a_malformed_release_names_the_table_and_key(tmp_path, change, message):
    path = _table_with(tmp_path, change)
    with pytest.raises(WorkflowInputError, match=message) as failure:
        datasets.read_datasets(path)
    assert str(path) in str(failure.value)


# ------------------------------------------------------------------------------ databases

CONFIG = {"exiobase3": {"version": "3.9.6", "system": "ixi"}, "compare": {"sources": []}}
SOURCES = ["synthetic", "eora26", "exiobase3"]


def _compared(*names: str, sources=SOURCES) -> list[str]:
    return databases.compared_databases({**CONFIG, "compare": {"sources": list(names)}}, sources)


def test_a_database_is_a_source_in_one_release():
    assert databases.split("exiobase3@3.8.2") == ("exiobase3", "3.8.2")
    assert databases.split("eora26") == ("eora26", None)
    assert databases.release_of(CONFIG, "exiobase3") == "3.9.6"
    assert databases.release_of(CONFIG, "exiobase3@3.10.2") == "3.10.2"
    assert databases.release_of(CONFIG, "eora26") is None
    assert databases.canonical(CONFIG, "exiobase3@3.9.6") == "exiobase3"
    assert databases.label(CONFIG, "exiobase3@3.8.2") == "exiobase3 3.8.2"
    member = databases.database_config(CONFIG, "exiobase3@3.8.2")
    assert member["exiobase3"] == {"version": "3.8.2", "system": "ixi"}
    assert CONFIG["exiobase3"]["version"] == "3.9.6"


def test_the_compared_databases_are_checked_before_any_job():
    assert _compared() == []
    assert _compared("eora26", "exiobase3@3.9.6", "exiobase3@3.8.2") == [
        "eora26",
        "exiobase3",
        "exiobase3@3.8.2",
    ]
    with pytest.raises(WorkflowInputError, match="one database twice: 'exiobase3' and"):
        _compared("exiobase3", "exiobase3@3.9.6")
    with pytest.raises(WorkflowInputError, match="eora26 has no releases"):
        _compared("eora26@199.82", "exiobase3")
    with pytest.raises(WorkflowInputError, match="source 'wiod' is not one of"):
        _compared("wiod", "exiobase3")
    with pytest.raises(WorkflowInputError, match="names one database; a comparison needs two"):
        _compared("exiobase3")


def test_gloria_releases_are_databases_spelled_without_leading_zeros():
    config = {**CONFIG, "gloria": {"version": 59}}
    sources = [*SOURCES, "gloria"]
    assert databases.split("gloria@060") == ("gloria", "60")
    assert databases.canonical(config, "gloria@060") == "gloria@60"
    assert databases.canonical(config, "gloria@59") == "gloria"
    assert databases.label(config, "gloria@60") == "gloria 60"
    assert databases.database_config(config, "gloria@060")["gloria"] == {"version": 60}
    assert databases.compared_databases(
        {**config, "compare": {"sources": ["eora26", "gloria@059", "gloria@060"]}}, sources
    ) == ["eora26", "gloria", "gloria@60"]
    with pytest.raises(WorkflowInputError, match="one database twice: 'gloria@60' and"):
        databases.compared_databases(
            {**config, "compare": {"sources": ["gloria@60", "gloria@060"]}}, sources
        )


def test_a_new_source_takes_part_by_its_name():
    """A source added to the rules' SOURCES (e.g. GLORIA) is compared with no other change."""
    assert _compared("gloria", "exiobase3", sources=[*SOURCES, "gloria"]) == [
        "gloria",
        "exiobase3",
    ]
    pattern = databases.pattern([*SOURCES, "gloria"])
    assert re.fullmatch(pattern, "gloria") and re.fullmatch(pattern, "exiobase3@3.10.2")
    assert not re.fullmatch(pattern, "compare") and not re.fullmatch(pattern, "exiobase3@")


# ----------------------------------------------------------------- local and cached copies


def test_a_file_outside_a_release_folder_is_refused(tmp_path):
    folder = tmp_path / "mrio" / "exiobase3"
    folder.mkdir(parents=True)
    (folder / "IOT_2022_ixi.zip").write_bytes(b"which release?")
    names = ["IOT_2022_ixi.zip", "IOT_2021_ixi.zip"]
    with pytest.raises(WorkflowInputError) as refused:
        local_data.check_release_folder(str(tmp_path / "mrio"), "exiobase3", "3.9.6", names)
    message = str(refused.value)
    assert str(folder / "IOT_2022_ixi.zip") in message and "IOT_2021" not in message
    assert f"{folder}/3.8.2/" in message and f"{folder}/3.9.6/" in message
    # The release's own copy settles it; an unset local_data has nothing to check.
    (folder / "3.9.6").mkdir()
    (folder / "3.9.6" / "IOT_2022_ixi.zip").write_bytes(b"3.9.6")
    local_data.check_release_folder(str(tmp_path / "mrio"), "exiobase3", "3.9.6", names)
    local_data.check_release_folder(None, "exiobase3", "3.9.6", names)


def test_two_releases_are_copied_to_two_folders(tmp_path):
    """Releases share upstream file names; their local files and cached copies do not."""
    mrio = tmp_path / "mrio"
    payloads = {"3.8.2": zip_payload(2_000, seed=1), "3.10.2": zip_payload(2_000, seed=2)}
    for version, payload in payloads.items():
        (mrio / "exiobase3" / version).mkdir(parents=True)
        (mrio / "exiobase3" / version / "IOT_2022_ixi.zip").write_bytes(payload)
    for version, payload in payloads.items():
        release = datasets.read_dataset(TABLE, "exiobase3", version)
        remote = release.file("archive", 2022, "ixi")
        target = tmp_path / "resources/raw/exiobase3" / remote.local_name
        record = retrieve.retrieve(release, remote, target, str(mrio), FAST)
        assert target.read_bytes() == payload
        assert record["version"] == version and record["origin"] == "local_data"
        assert record["location"] == str(mrio / "exiobase3" / version / "IOT_2022_ixi.zip")
    copies = sorted((tmp_path / "resources/raw/exiobase3").glob("*/IOT_2022_ixi.zip"))
    assert [path.parent.name for path in copies] == ["3.10.2", "3.8.2"]


def test_a_missing_release_file_is_downloaded_from_its_own_record(tmp_path):
    payload = zip_payload(2_000, seed=3)
    listing = {
        "files": [
            {"key": "IOT_2022_ixi.zip", "size": len(payload), "checksum": f"md5:{md5_of(payload)}"}
        ]
    }
    upstream = FakeUpstream(
        files={"/records/20051562/files/IOT_2022_ixi.zip": payload},
        records={"/api/records/20051562": listing},
    )
    table = yaml.safe_load(TABLE.read_text())
    with UpstreamServer(upstream):
        entry = table["exiobase3"]
        entry["files"]["archive"]["url"] = (
            upstream.url + "/records/{record}/files/IOT_{year}_{system}.zip"
        )
        entry["checksum_listing"] = upstream.url + "/api/records/{record}"
        path = tmp_path / "datasets.yaml"
        path.write_text(yaml.safe_dump(table))
        release = datasets.read_dataset(path, "exiobase3", "3.10.2")
        remote = release.file("archive", 2022, "ixi")
        target = tmp_path / "raw" / remote.local_name
        record = retrieve.retrieve(release, remote, target, str(tmp_path / "empty"), FAST)
    assert target.read_bytes() == payload and record["verified_checksums"] == ["md5"]
    assert [r["path"] for r in upstream.requests][-1] == "/records/20051562/files/IOT_2022_ixi.zip"
