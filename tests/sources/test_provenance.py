"""Provenance: raw-file hashes, dataset description, config without secrets, git commit
(the record of the tiny run: tests/workflow/)."""

from __future__ import annotations

import hashlib
import platform
import shutil
import subprocess

import pytest
import yaml

from bri_carbon.outputs import provenance
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import datasets, gloria_layout

from ..support.locks import lock_pins
from ..support.workflow import REPO


def test_raw_files_of_a_year_include_shared_files_and_skip_partial_ones(tmp_path):
    raw = tmp_path / "resources" / "raw" / "eora26"
    (raw / "labels").mkdir(parents=True)
    for name in ("Eora26_2015_bp.zip", "Eora26_2014_bp.zip", "indices.zip", ".Eora26_2015.part"):
        (raw / name).write_bytes(name.encode())
    (raw / "labels" / "labels_T.txt").write_text("x")
    names = [path.relative_to(raw).as_posix() for path in provenance.raw_files(raw, 2015)]
    assert names == ["Eora26_2015_bp.zip", "indices.zip", "labels/labels_T.txt"]
    manifest = provenance.file_manifest(provenance.raw_files(raw, 2015))
    assert manifest[0]["sha256"] == hashlib.sha256(b"Eora26_2015_bp.zip").hexdigest()
    assert manifest[0]["bytes"] == len("Eora26_2015_bp.zip")
    with pytest.raises(WorkflowInputError, match="retrieve"):
        provenance.raw_files(tmp_path / "missing", 2015)


def test_raw_files_of_one_release_where_releases_share_a_folder(tmp_path):
    """GLORIA's releases lie side by side in resources/raw/gloria/: the record of a year
    holds its release's files (and their records), not the other release's."""
    raw = tmp_path / "resources" / "raw" / "gloria"
    raw.mkdir(parents=True)
    for version in (59, 60):
        for name in gloria_layout.release_files(version, 2015).values():
            (raw / name).write_bytes(name.encode())
            (raw / f"{name}.json").write_text("{}")
    names = list(gloria_layout.release_files(60, 2015).values())
    found = [path.name for path in provenance.raw_files(raw, 2015, names)]
    assert found == sorted([*names, *(f"{name}.json" for name in names)])
    assert len(provenance.raw_files(raw, 2015)) == 2 * len(found)


def test_credentials_never_enter_the_record():
    config = {
        "source": "eora26",
        "eora26": {"username": "me", "password": "x", "api_key": "y", "mirror": "https://m"},
        "tokens": [{"token": "z", "name": "a"}],
    }
    cleaned = provenance.without_secrets(config)
    assert cleaned == {
        "source": "eora26",
        "eora26": {"username": "me", "mirror": "https://m"},
    }


def test_dataset_description_names_the_configured_release():
    config = {"synthetic": {"seed": 7, "countries": None}}
    synthetic = datasets.describe("synthetic", None, config)
    assert synthetic["version"] == "synthetic world, seed 7"
    table = REPO / "data" / "datasets.yaml"
    config = {"exiobase3": {"version": "3.10.2", "system": "ixi"}}
    described = datasets.describe("exiobase3", table, config, 2023)
    assert described["version"] == "3.10.2"
    assert described["doi"] == "10.5281/zenodo.20051562"
    assert described["homepage"] == "https://doi.org/10.5281/zenodo.20051562"
    assert described["years"] == "1995-2024" and "3.10.2" in described["citation"]
    assert "non-commercial" in described["license"]
    assert len(described["caveats"]) == 1 and "CO2 - combustion - air" in described["caveats"][0]
    config["exiobase3"]["version"] = "3.8.2"
    older = datasets.describe("exiobase3", table, config, 2015)
    assert older["doi"] == "10.5281/zenodo.5589597" and older["license"].startswith("CC BY-SA")
    eora = datasets.describe("eora26", table, config, 2015)
    assert eora["version"] == "v199.82" and eora["caveats"] == []


def test_provenance_reads_the_datasets_table_with_the_retrieve_rules_parser(tmp_path):
    """One parser: a table the retrieve rules refuse is refused here too, with the same
    message (no second, lenient reading that records "unknown")."""
    table = yaml.safe_load((REPO / "data" / "datasets.yaml").read_text())
    del table["exiobase3"]["releases"]["3.9.6"]["license"]
    path = tmp_path / "datasets.yaml"
    path.write_text(yaml.safe_dump(table))
    config = {"exiobase3": {"version": "3.9.6", "system": "ixi"}}
    with pytest.raises(WorkflowInputError) as retrieve_side:
        datasets.read_dataset(path, "exiobase3", "3.9.6")
    with pytest.raises(WorkflowInputError) as provenance_side:
        datasets.describe("exiobase3", path, config, 2015)
    assert str(provenance_side.value) == str(retrieve_side.value)
    assert "releases.3.9.6 lacks the key 'license'" in str(provenance_side.value)
    with pytest.raises(WorkflowInputError, match="no entry 'nosuchsource'"):
        datasets.describe("nosuchsource", REPO / "data" / "datasets.yaml", {}, 2015)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_commit_inside_and_outside_a_repository(tmp_path):
    assert provenance.git_commit(tmp_path) == {"commit": "unknown", "dirty": None}
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "file").write_text("a")
    subprocess.run([*git, "add", "file"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert provenance.git_commit(repo) == {"commit": head, "dirty": False}
    (repo / "file").write_text("b")
    assert provenance.git_commit(repo)["dirty"] is True


def test_only_the_datasets_module_parses_the_datasets_table():
    """The datasets table is read by one parser (bri_carbon.sources.datasets): no other
    module of the workflow loads YAML and names the table."""
    readers = []
    for path in [
        *(REPO / "src" / "bri_carbon").rglob("*.py"),
        *(REPO / "scripts").glob("*.py"),
        *(REPO / "rules").glob("*.smk"),
        REPO / "Snakefile",
    ]:
        text = path.read_text()
        loads_yaml = "safe_load" in text or "load_yaml(" in text
        if loads_yaml and "datasets" in text:
            readers.append(path.relative_to(REPO).as_posix())
    # yaml_files: the syntax check of every YAML file users write (datasets.py calls it
    # first); it returns a message or nothing, never the table's content.
    assert readers == [
        "src/bri_carbon/runtime/yaml_files.py",
        "src/bri_carbon/sources/datasets.py",
    ]


def test_every_distribution_a_run_uses_is_recorded_at_its_installed_version():
    """The versions come from the environment for the lock's runtime set: the requirements
    of bri-carbon and its slurm extra, transitively; the test tools are left out."""
    versions = provenance.package_versions()
    assert versions["python"] == platform.python_version()
    recorded = {name: version for name, version in versions.items() if name != "python"}
    lock = lock_pins()
    for name, version in recorded.items():
        if name != "bri-carbon":
            assert lock.get(name) == version, (name, version, lock.get(name))
    # the map stack (missing from the former hand list), the science, the cluster plugin,
    # and dependencies of dependencies (certifi: requests; pyparsing: matplotlib)
    assert {"geopandas", "pyogrio", "shapely", "pyproj", "pymrio", "snakemake"} <= set(recorded)
    assert {"snakemake-executor-plugin-slurm", "certifi", "pyparsing"} <= set(recorded)
    assert not {"pytest", "hypothesis", "ruff"} & set(recorded)
    assert list(recorded) == sorted(recorded)
