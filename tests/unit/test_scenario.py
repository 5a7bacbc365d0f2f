"""Scenario paths and the fingerprints of results folders (bri_carbon.runtime.scenario)."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from bri_carbon.runtime import scenario
from bri_carbon.sources import databases

from ..support.workflow import REPO


@pytest.fixture
def defaults() -> dict:
    return yaml.safe_load((REPO / "config/config.yaml").read_text())


def test_only_a_named_run_has_a_path_segment():
    assert scenario.run_prefix("") == ""
    assert scenario.run_prefix(None) == ""
    assert scenario.run_prefix("tiny") == "tiny/"


def test_a_named_run_shares_resources_until_it_changes_what_shapes_them(defaults):
    named = copy.deepcopy(defaults) | {"run": {"name": "regrouped"}}
    named["regions"] = "my_groups.csv"
    named["findings"] = {**defaults["findings"], "without_regions": []}
    assert not scenario.own_resources(named, defaults)
    named["synthetic"] = {**defaults["synthetic"], "countries": ["CHN", "USA"]}
    assert scenario.own_resources(named, defaults)
    unnamed = named | {"run": {"name": ""}}
    assert not scenario.own_resources(unnamed, defaults)


def test_a_folder_of_one_year_ignores_execution_and_other_years(defaults):
    record = scenario.folder_record(defaults, "year", {})
    for change in (
        {"years": [2014, 2015, 2016]},
        {"compute_threads": 1},
        {"local_data": "/data/mrio"},
        {"run": {"name": "other"}},
        {"drivers": {**defaults["drivers"], "base": 2014}},
        {"compare": {**defaults["compare"], "sources": ["eora26", "exiobase3"]}},
    ):
        changed = scenario.folder_record(defaults | change, "year", {})
        assert changed["fingerprint"] == record["fingerprint"], change


@pytest.mark.parametrize(
    "kind, change",
    [
        ("year", {"regions": "my_groups.csv"}),
        ("year", {"leontief_precision": "float64"}),
        ("year", {"findings": {"without_regions": []}}),
        ("year", {"exiobase3": {"version": "3.10.2", "system": "ixi"}}),
        ("trends", {"years": [2014, 2015, 2016]}),
        ("drivers", {"drivers": {"base": 2014, "target": 2015, "deflator": None}}),
        ("compare", {"compare": {"sources": ["eora26", "exiobase3"]}}),
    ],
)
def test_a_setting_that_shapes_a_folder_changes_its_fingerprint(defaults, kind, change):
    before = scenario.folder_record(defaults, kind, {})
    after = scenario.folder_record(defaults | change, kind, {})
    assert after["fingerprint"] != before["fingerprint"]
    assert after["kind"] == kind


def test_the_content_of_a_named_file_is_part_of_the_fingerprint(defaults):
    files = {"regions": "a" * 64, "drivers.deflator": "b" * 64}
    record = scenario.folder_record(defaults, "year", files)
    assert record["files"] == {"regions": "a" * 64}
    edited = scenario.folder_record(defaults, "year", files | {"regions": "c" * 64})
    assert edited["fingerprint"] != record["fingerprint"]
    deflated = scenario.folder_record(defaults, "year", files | {"drivers.deflator": "d" * 64})
    assert deflated["fingerprint"] == record["fingerprint"]
    drivers = scenario.folder_record(defaults, "drivers", files)
    assert drivers["files"]["drivers.deflator"] == "b" * 64


def test_the_fingerprint_does_not_depend_on_key_order(defaults):
    reordered = dict(reversed(list(defaults.items())))
    assert (
        scenario.folder_record(reordered, "year", {})["fingerprint"]
        == scenario.folder_record(defaults, "year", {})["fingerprint"]
    )


def test_an_unknown_folder_kind_is_refused(defaults):
    with pytest.raises(ValueError, match="unknown results folder kind 'yearly'"):
        scenario.folder_settings(defaults, "yearly")


def test_a_folder_record_is_read_back(tmp_path):
    folder = tmp_path / "results/synthetic/2015"
    assert scenario.recorded_fingerprint(folder) is None
    folder.mkdir(parents=True)
    (folder / scenario.RECORD_NAME).write_text(json.dumps({"fingerprint": "ab12"}))
    assert scenario.recorded_fingerprint(folder) == "ab12"
    (folder / scenario.RECORD_NAME).write_text("{not json")
    assert scenario.recorded_fingerprint(folder) is None


def test_the_setting_digests_name_each_changed_key_alone(defaults):
    """The fingerprint rule's params: one short digest per setting, so that a dry run's
    reason names the settings that changed and nothing else."""
    files = {"regions": "a" * 64, "findings.paper_values": "b" * 64}
    before = scenario.setting_digests(defaults, "year", files)
    changed = dict(defaults, findings=dict(defaults["findings"], driver_groups=["Japan"]))
    after = scenario.setting_digests(changed, "year", files | {"regions": "c" * 64})
    assert {name for name in before if before[name] != after[name]} == {
        "findings.driver_groups",
        "file regions",
    }
    assert all(len(digest) == 10 for digest in after.values())
    assert "years" not in before  # a year's folder does not depend on the other years
    assert "years" in scenario.setting_digests(defaults, "trends", files)
    names = scenario.setting_names(defaults, files)
    assert len({scenario.param_name(name) for name in names}) == len(names)
    assert all(scenario.param_name(name).isidentifier() for name in names)


def test_stale_folders_are_those_of_the_runs_source_only(tmp_path, defaults):
    """A comparison folder (compare/{year}, no sources in its name) concerns the sources of
    the databases its record names, whatever their release."""
    root = tmp_path / "results"
    compared = {"compare": {"sources": ["eora26", "exiobase3@3.10.2"]}}
    records = {
        "synthetic/2014": {"fingerprint": "old"},
        "eora26/2015": {"fingerprint": "old"},
        "compare/2015": {"fingerprint": "old", "settings": compared},
    }
    for folder, record in records.items():
        (root / folder).mkdir(parents=True)
        (root / folder / scenario.RECORD_NAME).write_text(json.dumps(record))
    (root / "tiny/synthetic/2015").mkdir(parents=True)  # a named run's folder
    (root / "tiny/synthetic/2015" / scenario.RECORD_NAME).write_text('{"fingerprint": "x"}')
    expected = dict.fromkeys(scenario.FOLDER_KINDS, "new")
    assert scenario.stale_folders(root, expected, set(), "synthetic") == ["synthetic/2014"]
    assert scenario.stale_folders(root, expected, set(), "exiobase3") == ["compare/2015"]
    assert scenario.stale_folders(root, expected, {"eora26/2015"}, "eora26") == ["compare/2015"]
    assert scenario.stale_folders(root, expected, {"compare/2015"}, "eora26") == ["eora26/2015"]


def test_a_release_compared_has_the_fingerprint_of_a_run_of_that_release(defaults):
    """results/exiobase3@3.10.2/{year} (a compared release) records the settings a run with
    exiobase3.version 3.10.2 records in results/exiobase3/{year}: same fingerprint, and not
    that of the configured release."""
    assert defaults["exiobase3"]["version"] != "3.10.2"
    member = scenario.folder_record(
        databases.database_config(defaults, "exiobase3@3.10.2"), "year", {}
    )
    configured = scenario.folder_record(defaults, "year", {})
    switched = copy.deepcopy(defaults)
    switched["exiobase3"]["version"] = "3.10.2"
    assert member["fingerprint"] == scenario.folder_record(switched, "year", {})["fingerprint"]
    assert member["fingerprint"] != configured["fingerprint"]
    assert member["settings"]["exiobase3"]["version"] == "3.10.2"
    assert defaults["exiobase3"]["version"] != "3.10.2"  # the defaults are left as they were


def test_the_setting_digests_of_a_compared_release_name_its_version(defaults):
    """The fingerprint rule's params for results/exiobase3@3.10.2/{year} (the digests of
    databases.folder_config) differ from those of the configured release in the version
    alone, so a dry run's reason names it; a comparison folder keeps the run's settings."""
    files = {"regions": "a" * 64}
    configured = scenario.setting_digests(
        databases.folder_config(defaults, "exiobase3/2023"), "year", files
    )
    member = scenario.setting_digests(
        databases.folder_config(defaults, "exiobase3@3.10.2/2023"), "year", files
    )
    assert {name for name in member if member[name] != configured[name]} == {"exiobase3.version"}
    assert databases.folder_config(defaults, "compare/2023") is defaults


@pytest.mark.parametrize(
    "folder, kind",
    [
        ("synthetic/2015", "year"),
        ("exiobase3@3.8.2/2015", "year"),
        ("exiobase3@3.10.2/2023", "year"),
        ("compare/2015", "compare"),
        ("exiobase3/trends", "trends"),
    ],
)
def test_folders_of_databases_and_of_the_comparison(folder, kind):
    assert scenario.folder_kind(folder) == kind


@pytest.mark.parametrize("folder", ["compare/2015/a_vs_b", "exiobase3@/2015", "exiobase3@x/2015"])
def test_what_is_not_a_results_folder(folder):
    with pytest.raises(ValueError, match="is not a results folder"):
        scenario.folder_kind(folder)
