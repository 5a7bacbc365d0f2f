"""Eora26 in the real-download layout: tables in the zip, labels in a separate indices.zip;
and the size of the ROW discrepancy that pymrio drops."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from bri_carbon import eora26, eora26_layout, harmonized
from bri_carbon.errors import WorkflowInputError

from .fixtures import eora26_world, write_eora26

STRESSOR = (eora26_layout.CO2_STRESSOR, eora26_layout.CO2_SOURCE)


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


def test_fixture_has_the_real_download_layout(archives):
    with zipfile.ZipFile(archives["indices"]) as handle:
        assert not set(eora26_layout.LABEL_FILES) & set(handle.namelist())
    with zipfile.ZipFile(archives["indices"].parent / "indices.zip") as handle:
        assert sorted(handle.namelist()) == sorted(eora26_layout.LABEL_FILES)
    assert eora26.labels_inside(archives["inside"])
    assert not eora26.labels_inside(archives["indices"])


def test_both_layouts_parse_to_the_same_system(archives):
    inside = eora26.parse_co2_system(archives["inside"], 2015, *STRESSOR)
    separate = eora26.parse_co2_system(archives["indices"], 2015, *STRESSOR)
    assert inside.Z.equals(separate.Z) and inside.Y.equals(separate.Y)
    assert inside.co2.F.equals(separate.co2.F) and inside.value_added.F.equals(
        separate.value_added.F
    )
    assert "ROW" not in set(separate.get_regions())


def test_missing_indices_zip_is_named(archives, tmp_path):
    lonely = tmp_path / archives["indices"].name
    lonely.write_bytes(archives["indices"].read_bytes())
    with pytest.raises(WorkflowInputError, match=r"indices\.zip"):
        eora26.parse_co2_system(lonely, 2015, *STRESSOR)


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


@pytest.mark.parametrize("layout", ["inside", "indices"])
def test_discrepancy_matches_the_dropped_row_and_column(world, archives, layout):
    found = eora26.discrepancy(archives[layout], 2015)
    n = world.T.shape[0] - 1  # ROW is the last entry
    fd = world.FD.shape[1] - 6
    assert found["unit"] == "000 USD"
    assert found["inputs_from_row"] == pytest.approx(world.T[n, :n].sum())
    assert found["outputs_to_row"] == pytest.approx(world.T[:n, n].sum())
    assert found["final_demand_from_row"] == pytest.approx(world.FD[n, :fd].sum())
    assert found["final_demand_of_row"] == pytest.approx(world.FD[:n, fd:].sum())
    assert found["value_added_of_row"] == pytest.approx(world.VA[:, n].sum())
    assert found["row_to_row"] == pytest.approx(world.T[n, n] + world.FD[n, fd:].sum())
    assert found["inputs_from_row"] > 0 and found["outputs_to_row"] > 0


def test_discrepancy_is_reported_in_million_usd(world, archives):
    attrs = harmonized.discrepancy_attrs(eora26.discrepancy(archives["inside"], 2015))
    n = world.T.shape[0] - 1
    assert attrs["source_discrepancy_inputs_from_row_musd"] == pytest.approx(
        world.T[n, :n].sum() * 1e-3
    )
    assert all(np.isfinite(value) for value in attrs.values())
