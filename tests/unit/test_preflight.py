"""Checks before any job (bri_carbon.sources.preflight): the grouping file is trusted only
once checked against the data's regions and the config keys that name groups and regions;
the configured tables of numbers hold numbers, or the message names the file, line and
column."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables, preflight

from ..support.workflow import REPO, TINY_COUNTRIES


@pytest.fixture
def config(tmp_path) -> dict:
    """The default configuration (files of the repository), the tiny world's countries."""
    settings = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for key in ("regions", "region_codes", "exchange_rates"):
        settings[key] = str(REPO / settings[key])
    settings["findings"]["paper_values"] = str(REPO / settings["findings"]["paper_values"])
    settings["synthetic"]["countries"] = list(TINY_COUNTRIES)
    return settings


def grouping(tmp_path: Path, change) -> str:
    """The default grouping file with ``change`` applied (a function of the frame)."""
    regions = pd.read_csv(REPO / "config" / "regions.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "regions.csv"
    change(regions).to_csv(path, index=False)
    return str(path)


def test_the_default_configuration_passes(config):
    regions = preflight.check_grouping(config)
    assert set(
        preflight.source_regions(
            config_tables.read_region_codes(Path(config["region_codes"])),
            "synthetic",
            TINY_COUNTRIES,
        )
    ) <= set(regions.index)
    preflight.check_number_tables(config)


def _with_group(regions: pd.DataFrame, code: str, column: str, value: str) -> pd.DataFrame:
    regions.loc[regions["iso3"] == code, column] = value
    return regions


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (  # a BRI country flagged non-BRI inside its BRI group
            lambda r: _with_group(r, "IND", "bri", "false"),
            "group 'South Asia' mixes BRI and non-BRI regions (['IND'] have bri=false",
        ),
        (  # a non-BRI country flagged BRI inside a non-BRI group
            lambda r: _with_group(r, "DEU", "bri", "true"),
            "group 'Europe outside BRI' mixes BRI and non-BRI regions (['DEU'] have bri=true",
        ),
        (  # one group written in two cases
            lambda r: _with_group(r, "IND", "group", "south asia"),
            "differ only in white space or case, so one group would be split in two: "
            "[['South Asia', 'south asia']]",
        ),
        (  # one group written with two spaces inside
            lambda r: _with_group(r, "IND", "group", "South  Asia"),
            "[['South Asia', 'South  Asia']]",
        ),
        (  # a region of the data without a row
            lambda r: r[r["iso3"] != "IND"],
            "does not group these regions of the synthetic data: ['IND']",
        ),
    ],
)
def test_a_grouping_that_would_give_wrong_results_is_refused(tmp_path, config, change, message):
    config["regions"] = grouping(tmp_path, change)
    with pytest.raises(WorkflowInputError) as refused:
        preflight.check_grouping(config)
    assert message in str(refused.value) and config["regions"] in str(refused.value)


def test_a_trailing_space_in_a_group_name_is_trimmed_not_split(tmp_path, config):
    """A trailing space used to split the group in two (the bri column was trimmed, the
    group column was not): every reader now trims both."""
    config["regions"] = grouping(tmp_path, lambda r: _with_group(r, "IND", "group", "South Asia "))
    regions = preflight.check_grouping(config)
    assert regions.loc["IND", "group"] == "South Asia"
    assert list(regions["group"]).count("South Asia") == (regions["group"] == "South Asia").sum()
    assert "South Asia " not in set(regions["group"])


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("driver_groups", ["USA"], "config key findings.driver_groups names the group 'USA'"),
        (
            "developed_groups",
            ["Japan", "Europe outside bri"],
            "names the group 'Europe outside bri' (did you mean 'Europe outside BRI'?)",
        ),
        ("without_regions", ["XKX"], "names the region 'XKX'"),
        ("without_regions", ["USA"], "which config/regions.csv groups as not BRI"),
        ("without_regions", ["IDN"], "names the region 'IDN'"),  # not in the tiny world
    ],
)
def test_names_in_the_findings_keys_must_exist(config, key, value, message):
    config["findings"][key] = value
    with pytest.raises(WorkflowInputError) as refused:
        preflight.check_grouping(config)
    assert message.replace("config/regions.csv", config["regions"]) in str(refused.value)


def test_a_renamed_group_is_caught_before_any_job(tmp_path, config):
    """The case of a run that failed at its findings after the old results were emptied:
    the group renamed in the grouping file only."""
    renamed = lambda r: r.replace({"group": {"United States": "USA"}})  # noqa: E731
    config["regions"] = grouping(tmp_path, renamed)
    with pytest.raises(WorkflowInputError) as refused:
        preflight.check_grouping(config)
    message = str(refused.value)
    assert message.startswith(
        "config key findings.driver_groups names the group 'United States', which "
        f"{config['regions']} (config key regions) does not have"
    )
    assert "'USA'" in message


def test_names_given_with_spaces_around_them_are_trimmed(config):
    config["findings"]["driver_groups"] = [" United States", "Europe outside BRI "]
    config["findings"]["without_regions"] = ["CHN "]
    preflight.check_grouping(config)
    assert config["findings"]["driver_groups"] == ["United States", "Europe outside BRI"]
    assert config["findings"]["without_regions"] == ["CHN"]


@pytest.mark.parametrize("compared", ["exiobase3", "exiobase3@3.10.2"])
def test_every_source_of_a_comparison_is_grouped(tmp_path, config, compared):
    """A database in another release (exiobase3@3.10.2) has the regions of its source."""
    config["compare"] = {"sources": ["synthetic", compared]}
    config["regions"] = grouping(tmp_path, lambda r: r[r["iso3"] != "WL"])
    with pytest.raises(WorkflowInputError, match=r"regions of the exiobase3 data: \['WL'\]"):
        preflight.check_grouping(config)


def test_gloria_is_grouped_with_its_aggregates_and_without_dye(tmp_path, config):
    """GLORIA's regions are its region-code rows: the rest-of-region aggregates XAM, XEU,
    XAF and XAS are regions of their own that the grouping must hold, DYE (South Yemen)
    is reported as YEM and SDS as SSD."""
    config["source"] = "gloria"
    codes = config_tables.read_region_codes(Path(config["region_codes"]))
    regions = preflight.source_regions(codes, "gloria")
    assert {"XAM", "XEU", "XAF", "XAS", "YEM", "SSD"} <= set(regions)
    assert not {"DYE", "SDS"} & set(regions)
    assert set(regions) <= set(preflight.check_grouping(config).index)
    config["regions"] = grouping(tmp_path, lambda r: r[~r["iso3"].isin(["XAF", "XAS"])])
    with pytest.raises(WorkflowInputError, match=r"regions of the gloria data: \['XAF', 'XAS'\]"):
        preflight.check_grouping(config)


def _table(tmp_path: Path, source: Path, row: int, column: str, value: str) -> str:
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    table.loc[row, column] = value
    path = tmp_path / source.name
    table.to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    ("key", "column", "value", "message"),
    [
        ("exchange_rates", "usd_per_eur", "1,1305", "line 4, column usd_per_eur: '1,1305'"),
        ("exchange_rates", "usd_per_eur", "n/a", "line 4, column usd_per_eur: 'n/a' is not"),
        ("exchange_rates", "year", "2O15", "line 4, column year: '2O15' is not a whole"),
        ("exchange_rates", "usd_per_eur", "-1.1", "line 4, column usd_per_eur: -1.1 is not"),
        ("paper_values", "paper_value", "about 95", "line 4, column paper_value: 'about 95'"),
    ],
)
def test_a_bad_number_in_a_configured_table_names_the_file_line_and_column(
    tmp_path, config, key, column, value, message
):
    config["compare"] = {"sources": ["synthetic", "exiobase3"]}
    if key == "paper_values":
        path = Path(config["findings"]["paper_values"])
        config["findings"]["paper_values"] = _table(tmp_path, path, 2, column, value)
        shown = config["findings"]["paper_values"]
    else:
        config[key] = _table(tmp_path, Path(config[key]), 2, column, value)
        shown = config[key]
    with pytest.raises(WorkflowInputError) as refused:
        preflight.check_number_tables(config)
    assert str(refused.value).startswith(f"{shown}, {message}")
    assert "\n" not in str(refused.value)


def test_exchange_rates_are_read_for_a_compared_release(tmp_path, config):
    """The EUR-USD table is read when only a compared database is EXIOBASE (in a release)."""
    config["compare"] = {"sources": ["synthetic", "exiobase3@3.10.2"]}
    config["exchange_rates"] = _table(
        tmp_path, Path(config["exchange_rates"]), 2, "usd_per_eur", "n/a"
    )
    with pytest.raises(WorkflowInputError, match="column usd_per_eur: 'n/a' is not"):
        preflight.check_number_tables(config)


def test_a_bad_number_in_the_deflator_names_its_line(tmp_path, config):
    deflator = tmp_path / "deflator.csv"
    deflator.write_text("year,index\n2014,100\n2015,101.5 %\n")
    config["drivers"] = {"base": 2014, "target": 2015, "deflator": str(deflator)}
    with pytest.raises(WorkflowInputError) as refused:
        preflight.check_number_tables(copy.deepcopy(config))
    assert str(refused.value).startswith(f"{deflator}, line 3, column index: '101.5 %'")


def test_a_memo_skips_reading_tables_that_passed_and_nothing_else(config, tmp_path, monkeypatch):
    """A configuration and tables that passed are not read again; a changed table, a
    changed config value or a check that fails is read (and a failure leaves no memo)."""
    memo = tmp_path / "memo" / "checked-tables"
    regions = tmp_path / "regions.csv"
    regions.write_bytes((REPO / "config" / "regions.csv").read_bytes())
    config["regions"] = str(regions)
    preflight.check_tables(copy.deepcopy(config), memo)
    assert memo.read_text().strip() == preflight.checked_digest(config)

    reads: list[Path] = []

    def reading(path: Path) -> pd.DataFrame:
        reads.append(path)
        raise WorkflowInputError(f"read {path}")

    monkeypatch.setattr(config_tables, "read_regions", reading)
    preflight.check_tables(copy.deepcopy(config), memo)
    assert reads == []
    changed = copy.deepcopy(config)
    changed["findings"]["driver_groups"] = ["Japan"]
    with pytest.raises(WorkflowInputError, match="read"):
        preflight.check_tables(changed, memo)
    regions.write_bytes(regions.read_bytes() + b"\n")
    with pytest.raises(WorkflowInputError, match="read"):
        preflight.check_tables(copy.deepcopy(config), memo)
    assert reads == [regions, regions]
    monkeypatch.undo()
    memo.unlink()
    changed["findings"]["driver_groups"] = ["No such group"]
    with pytest.raises(WorkflowInputError, match="No such group"):
        preflight.check_tables(changed, memo)
    assert not memo.exists()


def test_a_check_answered_by_its_memo_does_not_import_pandas(config, tmp_path):
    """What the memo saves: the Snakemake process of a rerun never imports pandas for the
    checks (the first run does, reading the tables)."""
    memo, settings = tmp_path / "checked-tables", tmp_path / "config.json"
    settings.write_text(json.dumps(config))
    program = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bri_carbon.sources import preflight\n"
        "preflight.check_tables(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))\n"
        "print('pandas' in sys.modules)\n"
    )
    command = [sys.executable, "-c", program, str(settings), str(memo)]
    first, second = (
        subprocess.run(command, capture_output=True, text=True, check=True).stdout for _ in range(2)
    )
    assert (first.strip(), second.strip()) == ("True", "False")
