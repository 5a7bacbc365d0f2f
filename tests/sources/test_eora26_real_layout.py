"""Eora26 in the real layouts: labels verbatim, tables in the zip and labels in a separate
indices.zip, the CO2 row chosen exactly, and the ROW discrepancy that pymrio drops."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import eora26, eora26_layout

from ..support.fixtures import eora26_world, rewrite_member, write_eora26


@pytest.fixture(scope="module")
def world():
    return eora26_world(2015)


@pytest.fixture(scope="module")
def archives(world, tmp_path_factory):
    root = tmp_path_factory.mktemp("eora")
    return {
        "inside": write_eora26(root / "inside", 2015, labels_inside=True, world=world),
        "indices": write_eora26(root / "indices", 2015, labels_inside=False, world=world),
    }


@pytest.fixture(scope="module")
def parsed(archives):
    return eora26.parse_co2_system(archives["indices"], 2015)


def _labels(archive: Path, name: str) -> list[list[str]]:
    source = archive if eora26.labels_inside(archive) else eora26.indices_path(archive)
    with zipfile.ZipFile(source) as handle:
        return [line.split("\t") for line in handle.read(name).decode().splitlines()]


def test_fixture_has_the_real_download_layout(archives):
    with zipfile.ZipFile(archives["indices"]) as handle:
        assert not set(eora26_layout.LABEL_FILES) & set(handle.namelist())
    with zipfile.ZipFile(archives["indices"].parent / "indices.zip") as handle:
        assert sorted(handle.namelist()) == sorted(eora26_layout.LABEL_FILES)
    assert eora26.labels_inside(archives["inside"])
    assert not eora26.labels_inside(archives["indices"])


def test_labels_are_written_as_the_real_release_spells_them(archives):
    """The strings the parser matches come out of the files the default run reads."""
    t_labels = _labels(archives["inside"], "labels_T.txt")
    sectors = [row[3] for row in t_labels if row[2] == "Industries"]
    assert "Finacial Intermediation and Business Activities" in sectors
    assert "Hotels and Restraurants" in sectors
    assert t_labels[-1][:4] == ["ROW", "ROW", "Total", "TOTAL"]
    va_labels = _labels(archives["inside"], "labels_VA.txt")
    assert {row[0] for row in va_labels} == {"Primary input"}
    q_labels = [row[:2] for row in _labels(archives["inside"], "labels_Q.txt")]
    assert ["Total CO2 emissions (Gg) from EDGAR", "Total"] in q_labels
    assert ["I-GHG-CO2 emissions (Gg)", "Public electricity and heat production"] in q_labels


def test_both_layouts_parse_to_the_same_system(archives, parsed):
    inside = eora26.parse_co2_system(archives["inside"], 2015).system
    separate = parsed.system
    assert inside.Z.equals(separate.Z) and inside.Y.equals(separate.Y)
    assert inside.co2.F.equals(separate.co2.F) and inside.value_added.F.equals(
        separate.value_added.F
    )
    assert "ROW" not in set(separate.get_regions())
    assert parsed.co2_rows == ("Total CO2 emissions from EDGAR / Total",)
    assert separate.co2.unit.iloc[0, 0] == "Gg"
    assert ("Primary input", "Compensation of employees D.1") in separate.value_added.F.index


def test_other_files_next_to_the_archive_do_not_confuse_the_parser(archives, tmp_path):
    """pymrio reads every zip of a folder that names the year; the parse gives it only ours."""
    copy = tmp_path / archives["inside"].name
    copy.write_bytes(archives["inside"].read_bytes())
    (tmp_path / ".Eora26_2015_bp.x1y2.part.zip").write_bytes(b"partial")
    (tmp_path / "Eora26_2015_bp (1).zip").write_bytes(b"a second download")
    assert eora26.parse_co2_system(copy, 2015).system.Z.shape == (104, 104)


def test_missing_indices_zip_is_named(archives, tmp_path):
    lonely = tmp_path / archives["indices"].name
    lonely.write_bytes(archives["indices"].read_bytes())
    with pytest.raises(WorkflowInputError, match=r"indices\.zip"):
        eora26.parse_co2_system(lonely, 2015)


def test_incomplete_indices_zip_is_named(archives, tmp_path):
    (tmp_path / archives["indices"].name).write_bytes(archives["indices"].read_bytes())
    with (
        zipfile.ZipFile(archives["indices"].parent / "indices.zip") as source,
        zipfile.ZipFile(tmp_path / "indices.zip", "w") as target,
    ):
        for name in source.namelist():
            if name != "labels_Q.txt":
                target.writestr(name, source.read(name))
    with pytest.raises(WorkflowInputError, match=r"indices.zip lacks the label files \['labels_Q"):
        eora26.check_archive(tmp_path / archives["indices"].name, 2015)


# --- The CO2 row: exactly one, the configured alternatives in order ----------------------


def _relabel_co2(archive: Path, target: Path, new_label: str, duplicate: bool = False) -> Path:
    """A copy of ``archive`` whose EDGAR CO2 row is labelled ``new_label``; with
    ``duplicate``, the row before it (an I-GHG row) gets the same label as well."""
    target.write_bytes(archive.read_bytes())
    old = f"{eora26_layout.CO2_RAW_LABEL}\tTotal\t"

    def relabel(text: str) -> str:
        lines = text.splitlines()
        row = lines.index(old)
        lines[row] = f"{new_label}\tTotal\t"
        if duplicate:
            lines[row - 1] = f"{new_label}\tTotal\t"
        return "\n".join(lines) + "\n"

    rewrite_member(target, "labels_Q.txt", relabel)
    return target


def test_the_older_edgar_label_is_found_by_the_default_alternatives(archives, tmp_path):
    older = _relabel_co2(
        archives["inside"], tmp_path / archives["inside"].name, "CO2 emissions from EDGAR (Gg)"
    )
    parsed = eora26.parse_co2_system(older, 2015)
    assert parsed.co2_rows == ("CO2 emissions from EDGAR / Total",)
    current = eora26.parse_co2_system(archives["inside"], 2015)
    assert parsed.system.co2.F.to_numpy().tolist() == current.system.co2.F.to_numpy().tolist()


def test_two_rows_with_the_co2_label_stop_the_parse(archives, tmp_path):
    """A CH4 row relabelled as CO2 must not be summed in silently."""
    twice = _relabel_co2(
        archives["inside"],
        tmp_path / archives["inside"].name,
        eora26_layout.CO2_RAW_LABEL,
        duplicate=True,
    )
    with pytest.raises(WorkflowInputError, match=r"names 2 rows of labels_Q.txt.*ambiguous"):
        eora26.parse_co2_system(twice, 2015)


def test_no_matching_label_lists_edgar_and_co2_totals_first_and_logs_all(
    archives, tmp_path, caplog
):
    renamed = _relabel_co2(
        archives["inside"], tmp_path / archives["inside"].name, "Total CO2 emissions (Gg) EDGAR v5"
    )
    with (
        caplog.at_level(logging.INFO, logger="bri_carbon.sources.eora26_reader"),
        pytest.raises(WorkflowInputError) as raised,
    ):
        eora26.parse_co2_system(renamed, 2015)
    message = str(raised.value)
    assert "stressors.eora26" in message and renamed.name in message
    listed = message[message.index("first: ") :]
    assert listed.index("Total CO2 emissions EDGAR v5 / Total") < listed.index("I-GHG-CO2")
    assert "Energy Usage / Natural Gas" in caplog.text  # the full list goes to the log


def test_a_co2_row_without_a_unit_is_explained(archives, tmp_path):
    unitless = _relabel_co2(
        archives["inside"], tmp_path / archives["inside"].name, "Total CO2 emissions from EDGAR"
    )
    with pytest.raises(WorkflowInputError, match=r"has no unit.*in parentheses"):
        eora26.parse_co2_system(unitless, 2015)


def test_configured_alternatives_are_tried_in_order(archives):
    wanted = [("No such row", "Total"), ("I-GHG-CO2 emissions", "Road transportation")]
    parsed = eora26.parse_co2_system(archives["inside"], 2015, wanted)
    assert parsed.co2_rows == ("I-GHG-CO2 emissions / Road transportation",)


# --- ROW, the statistical discrepancy -------------------------------------------------


@pytest.mark.parametrize("layout", ["inside", "indices"])
def test_discrepancy_matches_the_dropped_row_and_column_per_sector(world, archives, layout):
    found = eora26.discrepancy(archives[layout], 2015)
    n = world.T.shape[0] - 1  # ROW is the last entry
    fd = world.FD.shape[1] - 6
    np.testing.assert_allclose(found.inputs_from, world.T[n, :n])
    np.testing.assert_allclose(found.sales_to, world.T[:n, n] + world.FD[:n, fd:].sum(axis=1))
    np.testing.assert_allclose(found.final_demand_from, world.FD[n, :fd])
    assert found.value_added_of_row == pytest.approx(world.VA[:, n].sum())
    assert found.row_to_row == pytest.approx(world.T[n, n] + world.FD[n, fd:].sum())
    assert found.inputs_from.sum() > 0 and found.sales_to.sum() > 0


def test_discrepancy_is_kept_per_region_in_million_usd(world, parsed):
    regions = list(parsed.system.get_regions())
    dataset = harmonized.harmonize(
        parsed,
        source="eora26",
        year=2015,
        regions=pd.Series(regions, index=regions),
        common_sectors=eora26_layout.SECTORS,
    )
    n = world.T.shape[0] - 1
    inputs = dataset["discrepancy_inputs"].to_numpy().ravel()
    np.testing.assert_allclose(inputs, world.T[n, :n] * 1e-3)
    np.testing.assert_allclose(
        dataset["discrepancy_final_demand"].to_numpy().ravel(),
        world.FD[n, : world.FD.shape[1] - 6] * 1e-3,
    )
    assert dataset.attrs["co2_rows"] == '["Total CO2 emissions from EDGAR / Total"]'
