"""The accounts stage's inputs, read from the harmonized netCDF with h5py alone.

The accounts step needs Z (n x n, million USD) only as row blocks, one pass at a time
(:data:`bri_carbon.embodied.RowBlocks`), and a few small arrays. Reading them with h5py
instead of xarray keeps xarray and pandas out of the step (about 0.7 s of imports at every
start) and never holds Z in memory as a whole. The file layout is the one
:func:`bri_carbon.harmonized.write` writes (names in :mod:`bri_carbon.harmonized_layout`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from bri_carbon.embodied import RowBlocks
from bri_carbon.errors import WorkflowInputError
from bri_carbon.harmonized_layout import DIMS

#: Size of one row block of Z read from the file (whole regions, at least one region).
BLOCK_BYTES = 16 * 2**20


@dataclass(frozen=True)
class AccountInputs:
    """What the accounts need of one harmonized source and year (n = regions x sectors).

    ``intermediate``: Z as row blocks, million USD, valid while the file is open; each
    block is overwritten by the next one (copy a block to keep it).
    ``final_demand_by_region`` (n, r): final demand of each purchasing region, categories
    summed, million USD. ``emissions`` (n,): industry CO2, Mt. ``household_emissions`` (r,):
    direct CO2 of final demand (F_Y summed over categories), Mt. ``value_added`` (n,):
    million USD. ``attrs``: the dataset's attributes (source, year, synthetic, ...).
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    intermediate: RowBlocks
    final_demand_by_region: np.ndarray
    emissions: np.ndarray
    household_emissions: np.ndarray
    value_added: np.ndarray
    attrs: dict[str, Any]

    @property
    def labels(self) -> list[str]:
        """``region / sector`` for each of the n rows, for messages."""
        return [f"{region} / {sector}" for region in self.regions for sector in self.sectors]


def _labels(file: h5py.File, name: str) -> tuple[str, ...]:
    return tuple(str(label) for label in file[name].asstr()[...])


def _attribute(value: Any) -> Any:
    """An HDF5 attribute as a plain Python value (one-element arrays become scalars)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    if isinstance(value, bytes):
        return value.decode()
    return value.item() if isinstance(value, np.generic) else value


def _check_layout(file: h5py.File, path: Path) -> tuple[int, int, int]:
    """(regions, sectors, categories) after checking every variable's shape."""
    missing = [name for name in (*DIMS, "region", "sector", "category") if name not in file]
    if missing:
        raise WorkflowInputError(
            f"{path} is not a harmonized dataset of this version (missing {missing}); "
            "delete it and rerun the harmonize step."
        )
    size = {dim: file[dim].shape[0] for dim in ("region", "sector", "category")}
    size["purchaser_region"], size["purchaser_sector"] = size["region"], size["sector"]
    for name, dims in DIMS.items():
        expected = tuple(size[dim] for dim in dims)
        if file[name].shape != expected:
            raise WorkflowInputError(
                f"{path}: {name} has shape {file[name].shape}, expected {expected} "
                f"({', '.join(dims)}); delete the file and rerun the harmonize step."
            )
    if _labels(file, "purchaser_region") != _labels(file, "region"):
        raise WorkflowInputError(
            f"{path}: purchasing regions are not the producing regions in the same order; "
            "delete the file and rerun the harmonize step."
        )
    return size["region"], size["sector"], size["category"]


def _region_slabs(regions: int, region_bytes: int) -> Iterator[tuple[int, int]]:
    """Consecutive (first, stop) region ranges of about :data:`BLOCK_BYTES` each."""
    step = max(1, BLOCK_BYTES // max(region_bytes, 1))
    for first in range(0, regions, step):
        yield first, min(first + step, regions)


@contextmanager
def open_account_inputs(path: Path) -> Iterator[AccountInputs]:
    """Open a harmonized netCDF file for the accounts; Z is read lazily, block by block.

    Raises :class:`WorkflowInputError` naming the file when it cannot be read or does not
    have the layout of :mod:`bri_carbon.harmonized_layout`.
    """
    try:
        file = h5py.File(path, "r")
    except OSError as err:
        raise WorkflowInputError(
            f"{path} is not a readable harmonized dataset ({err}); delete it and rerun."
        ) from err
    with file:
        r, s, k = _check_layout(file, path)
        n = r * s
        z, y = file["Z"], file["Y"]
        slabs = list(_region_slabs(r, s * n * z.dtype.itemsize))

        def intermediate() -> Iterator[tuple[slice, np.ndarray]]:
            # One buffer for every block (no fresh pages to fault in for each block).
            buffer = np.empty((slabs[0][1] - slabs[0][0], s, r, s))
            for first, stop in slabs:
                block = buffer[: stop - first]
                z.read_direct(block, np.s_[first:stop], np.s_[: stop - first])
                yield slice(first * s, stop * s), block.reshape((stop - first) * s, n)

        final_demand = np.empty((n, r))
        for first, stop in _region_slabs(r, s * r * k * y.dtype.itemsize):
            final_demand[first * s : stop * s] = y[first:stop].sum(axis=-1).reshape(-1, r)
        yield AccountInputs(
            regions=_labels(file, "region"),
            sectors=_labels(file, "sector"),
            intermediate=intermediate,
            final_demand_by_region=final_demand,
            emissions=file["F"][...].astype(np.float64).reshape(n),
            household_emissions=file["F_Y"][...].astype(np.float64).sum(axis=1),
            value_added=file["VA"][...].astype(np.float64).reshape(n),
            attrs={
                key: _attribute(value)
                for key, value in file.attrs.items()
                if not key.startswith("_")
            },
        )
