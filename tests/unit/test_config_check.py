"""The configuration checks that run before any job: short messages, numbers from --config,
year ranges, and the files the configuration names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from bri_carbon.runtime import config_check
from bri_carbon.runtime.errors import WorkflowInputError

from ..support.permissions import permissions_enforced
from ..support.workflow import REPO

SCHEMA = yaml.safe_load((REPO / "rules" / "schemas" / "config.schema.yaml").read_text())
CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def test_the_default_configuration_is_valid():
    assert config_check.config_problems(CONFIG, SCHEMA) == []


def test_year_ranges_expand_and_a_reversed_range_is_explained():
    assert config_check.expand_years("1990-1992") == [1990, 1991, 1992]
    assert config_check.expand_years(2015) == [2015]
    assert config_check.expand_years(["2014", 2015]) == [2014, 2015]
    with pytest.raises(WorkflowInputError, match=r"runs backwards.*years=1990-2016"):
        config_check.expand_years("2016-1990")


def test_nested_numbers_given_as_text_become_numbers():
    given = {"synthetic": {"seed": "5", "countries": None}, "identity_rtol": "1e-8"}
    coerced = config_check.coerce_numbers(given, SCHEMA)
    assert coerced["synthetic"]["seed"] == 5 and coerced["identity_rtol"] == 1e-8
    # Text stays text where the schema wants text.
    assert config_check.coerce_numbers({"source": "2015"}, SCHEMA) == {"source": "2015"}


@pytest.mark.parametrize(
    ("change", "named", "allowed"),
    [
        ({"colour": "red"}, "(top level): unknown key(s) colour", "known keys here"),
        ({"source": "gloria"}, "config key source: 'gloria'", "allowed: synthetic, eora26"),
        ({"years": [1850]}, "config key years (item 1): 1850", "at least 1970"),
        ({"identity_rtol": 0}, "config key identity_rtol: 0", "more than 0"),
        ({"synthetic": {"seed": "x"}}, "config key synthetic.seed: 'x'", "seed"),
        ({"run": {"name": "eora26"}}, "config key run.name: 'eora26' is reserved", "synthetic"),
        ({"run": {"name": "my run"}}, "config key run.name: 'my run'", "Name of the scenario"),
    ],
)
def test_a_config_error_names_the_key_the_value_and_what_is_allowed(change, named, allowed):
    config = {**CONFIG, **change}
    with pytest.raises(WorkflowInputError) as raised:
        config_check.check_config(config, SCHEMA)
    message = str(raised.value)
    assert named in message and allowed in message
    assert len(message.splitlines()) <= 10


def test_configured_files_are_checked_with_the_key_the_path_and_the_fix(tmp_path):
    (tmp_path / "looping").symlink_to(tmp_path / "looping")
    (tmp_path / "folder").mkdir()
    config = {
        **CONFIG,
        "regions": str(tmp_path / "my_regoins.csv"),
        "region_codes": str(tmp_path / "looping"),
        "exchange_rates": str(tmp_path / "folder"),
    }
    with pytest.raises(WorkflowInputError) as raised:
        config_check.check_configured_files(config, REPO)
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert "config key regions names" in lines[0] and "does not exist" in lines[0]
    assert "link to nothing" in lines[1] and "is not a file" in lines[2]
    assert all("Fix the path" in line for line in lines)


def test_an_unreadable_configured_file_is_named(tmp_path):
    locked = tmp_path / "regions.csv"
    locked.write_text("iso3,name,bri,group\n")
    locked.chmod(0)
    with permissions_enforced(), pytest.raises(WorkflowInputError, match="cannot be read"):
        config_check.check_configured_files({**CONFIG, "regions": str(locked)}, REPO)


def test_the_default_files_exist_and_are_tracked_by_content(monkeypatch):
    """Every file the default configuration names (the shapefile with its .dbf and .shx)
    passes the checks from the workflow folder, and is tracked by the sha256 of its bytes."""
    monkeypatch.chdir(REPO)
    files = config_check.configured_files(CONFIG)
    shapefile = "natural_earth.shapefile"
    assert {"regions", shapefile, f"{shapefile} (.dbf)", f"{shapefile} (.shx)"} <= set(files)
    config_check.check_configured_files(CONFIG, REPO)
    for path in files.values():
        assert config_check.file_digest(path) == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_file_digests_follow_the_bytes(tmp_path):
    """A known answer (FIPS 180-2: sha256 of "abc"), and two files that differ in one byte."""
    known = tmp_path / "abc.txt"
    known.write_bytes(b"abc")
    assert config_check.file_digest(str(known)) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    other = tmp_path / "abd.txt"
    other.write_bytes(b"abd")
    assert config_check.file_digest(str(other)) != config_check.file_digest(str(known))
