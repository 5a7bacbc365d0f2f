"""The accounts' h5py reader against the xarray reader of the same harmonized file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from bri_carbon.harmonize import account_inputs, harmonized
from bri_carbon.harmonize.account_inputs import open_account_inputs
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.parsed import ParsedSystem

from ..support.systems import identity_regions, random_system

REGIONS = ["AAA", "BBB", "CCC"]
SECTORS = ("s1", "s2", "s3", "s4")


@pytest.fixture
def written(tmp_path: Path) -> Path:
    system = random_system(REGIONS, list(SECTORS), seed=8)
    dataset = harmonized.harmonize(
        ParsedSystem(system, ("CO2 / Total",)),
        source="test",
        year=2012,
        regions=identity_regions(REGIONS),
        common_sectors=SECTORS,
        attrs={"source_discrepancy_rows_musd": 1.5},
    )
    path = tmp_path / "harmonized.nc"
    harmonized.write(dataset, path)
    return path


@pytest.mark.parametrize("block_bytes", [1, 10**9])  # one region per block; one block
def test_reads_what_the_xarray_reader_reads(written, monkeypatch, block_bytes):
    monkeypatch.setattr(account_inputs, "BLOCK_BYTES", block_bytes)
    dataset = xr.load_dataset(written, engine="h5netcdf")
    n = len(REGIONS) * len(SECTORS)
    with open_account_inputs(written) as inputs:
        blocks = [(rows, block.copy()) for rows, block in inputs.intermediate()]
        assert [rows.start for rows, _ in blocks] == sorted(rows.start for rows, _ in blocks)
        Z = np.vstack([block for _, block in blocks])
        np.testing.assert_array_equal(Z, dataset["Z"].to_numpy().reshape(n, n))
        np.testing.assert_array_equal(
            inputs.final_demand_by_region,
            dataset["Y"].sum("category").to_numpy().reshape(n, len(REGIONS)),
        )
        np.testing.assert_array_equal(inputs.emissions, dataset["F"].to_numpy().ravel())
        np.testing.assert_array_equal(
            inputs.household_emissions, dataset["F_Y"].sum("category").to_numpy()
        )
        np.testing.assert_array_equal(inputs.value_added, dataset["VA"].to_numpy().ravel())
        assert inputs.regions == tuple(REGIONS) and inputs.sectors == SECTORS
        assert inputs.labels[:2] == ["AAA / s1", "AAA / s2"]
        assert inputs.attrs["source"] == "test" and inputs.attrs["year"] == 2012
        assert inputs.attrs["source_discrepancy_rows_musd"] == pytest.approx(1.5)
    assert len(blocks) == (len(REGIONS) if block_bytes == 1 else 1)


def test_a_file_that_is_not_hdf5_is_named(tmp_path):
    path = tmp_path / "broken.nc"
    path.write_text("not netCDF")
    with (
        pytest.raises(WorkflowInputError, match=r"broken\.nc is not a readable harmonized"),
        open_account_inputs(path),
    ):
        pass


def test_a_dataset_without_a_variable_is_named(written, tmp_path):
    dataset = xr.load_dataset(written, engine="h5netcdf").drop_vars("VA")
    path = tmp_path / "old.nc"
    dataset.to_netcdf(path, engine="h5netcdf")  # a file of another writer or an old version
    with (
        pytest.raises(WorkflowInputError, match=r"old\.nc .*missing \['VA'\].*harmonize"),
        open_account_inputs(path),
    ):
        pass


def test_purchasing_regions_in_another_order_are_refused(written, tmp_path):
    dataset = xr.load_dataset(written, engine="h5netcdf")
    dataset = dataset.assign_coords(purchaser_region=list(reversed(REGIONS)))
    path = tmp_path / "shuffled.nc"
    dataset.to_netcdf(path, engine="h5netcdf")  # the cache's writer cannot write this
    with (
        pytest.raises(WorkflowInputError, match="same order"),
        open_account_inputs(path),
    ):
        pass


def _rechunked(path: Path, target: Path) -> Path:
    """A copy of the harmonized file whose Z is stored in chunks (another writer's choice)."""
    import h5py

    target.write_bytes(path.read_bytes())
    with h5py.File(target, "r+") as file:
        values = file["Z"][...]
        attrs = dict(file["Z"].attrs)
        del file["Z"]
        z = file.create_dataset("Z", data=values, chunks=(1, 2, 3, 4))
        for key, value in attrs.items():
            if key != "DIMENSION_LIST":
                z.attrs[key] = value
    return target


def test_z_is_mapped_without_a_copy_where_its_storage_allows_and_read_otherwise(written, tmp_path):
    n = len(REGIONS) * len(SECTORS)
    dataset = xr.load_dataset(written, engine="h5netcdf")
    expected = dataset["Z"].to_numpy().reshape(n, n)
    for path, mapped in ((written, True), (_rechunked(written, tmp_path / "chunked.nc"), False)):
        with open_account_inputs(path) as inputs:
            blocks = [
                (not b.flags.writeable and not b.flags.owndata, b.copy())
                for _, b in inputs.intermediate()
            ]
        assert {kind for kind, _ in blocks} == {mapped}
        np.testing.assert_array_equal(np.vstack([b for _, b in blocks]), expected)
