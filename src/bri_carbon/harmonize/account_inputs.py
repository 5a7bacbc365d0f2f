"""The accounts stage's inputs, read from the harmonized netCDF with h5py alone.

The accounts step needs Z (n x n, million USD) only as row blocks, one pass at a time
(:data:`bri_carbon.core.leontief.RowBlocks`), and a few small arrays. Reading them with h5py
instead of xarray keeps xarray and pandas out of the step (about 0.7 s of imports at every
start) and never holds Z in memory as a whole. The file layout is the one
:func:`bri_carbon.harmonize.cache.write_cache` writes (names in :mod:`bri_carbon.harmonize.layout`):
the source's own regions and sectors, n = regions x sectors.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from bri_carbon.core.accounts import AccountInputs, SourceDiscrepancy
from bri_carbon.harmonize.layout import DIMS, DISCREPANCY_DIMS, DISCREPANCY_PREFIX, FORMAT_VERSION
from bri_carbon.runtime.errors import WorkflowInputError

#: Size of one row block of Z read from the file (whole regions, at least one region).
BLOCK_BYTES = 16 * 2**20


def _labels(file: h5py.File, name: str) -> tuple[str, ...]:
    return tuple(str(label) for label in file[name].asstr()[...])


def _attribute(value: Any) -> Any:
    """An HDF5 attribute as a plain Python value (one-element arrays become scalars)."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    if isinstance(value, bytes):
        return value.decode()
    return value.item() if isinstance(value, np.generic) else value


def read_attributes(path: Path) -> dict[str, Any]:
    """The attributes of a harmonized file (source, year, CO2 rows used, ...)."""
    try:
        with h5py.File(path, "r") as file:
            return {
                key: _attribute(value)
                for key, value in file.attrs.items()
                if not key.startswith("_")
            }
    except OSError as err:
        raise WorkflowInputError(
            f"{path} is not a readable harmonized dataset ({err}); delete it and rerun."
        ) from err


def _stale(path: Path, detail: str) -> WorkflowInputError:
    return WorkflowInputError(
        f"{path} is not a harmonized dataset of this version ({detail}); delete it and rerun "
        "the harmonize step."
    )


def _check_layout(file: h5py.File, path: Path) -> tuple[int, int, int]:
    """(regions, sectors, categories) after checking the version and every shape."""
    version = _attribute(file.attrs.get("format_version", 0))
    if version != FORMAT_VERSION:
        raise _stale(path, f"layout version {version}, expected {FORMAT_VERSION}")
    missing = [name for name in (*DIMS, "region", "sector", "category") if name not in file]
    if missing:
        raise _stale(path, f"missing {missing}")
    size = {dim: file[dim].shape[0] for dim in ("region", "sector", "category")}
    size["purchaser_region"], size["purchaser_sector"] = size["region"], size["sector"]
    shapes = dict(DIMS)
    shapes.update({name: dims for name, dims in DISCREPANCY_DIMS.items() if name in file})
    for name, dims in shapes.items():
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


def _category_mask(
    categories: tuple[str, ...],
    excluded: Sequence[str],
    path: Path,
    key: str = "final_demand.exclude",
) -> np.ndarray:
    """True for the categories counted in the consumption-based accounts (not in
    ``excluded``, which config key ``key`` lists)."""
    unknown = sorted(set(excluded) - set(categories))
    if unknown:
        raise WorkflowInputError(
            f"config key {key} names categories {unknown} that {path} does not "
            f"have; its final-demand categories are {list(categories)} (spelled as the source "
            "spells them)."
        )
    return np.array([category not in set(excluded) for category in categories])


def _discrepancy(file: h5py.File, n: int) -> SourceDiscrepancy | None:
    if not all(name in file for name in DISCREPANCY_DIMS):
        return None
    attrs = file.attrs
    return SourceDiscrepancy(
        inputs=file["discrepancy_inputs"][...].astype(np.float64).reshape(n),
        sales=file["discrepancy_sales"][...].astype(np.float64).reshape(n),
        final_demand=file["discrepancy_final_demand"][...].astype(np.float64).sum(axis=1),
        value_added_of_row=float(_attribute(attrs[f"{DISCREPANCY_PREFIX}value_added_of_row_musd"])),
        row_to_row=float(_attribute(attrs[f"{DISCREPANCY_PREFIX}row_to_row_musd"])),
    )


class _MappedZ:
    """Z (n, n) mapped read-only from the file, without a copy. Each row block's pages
    are given back to the page cache once the block has been used, so the job's resident
    memory holds one block of Z, not the whole file (as when Z was read block by block)."""

    def __init__(self, path: Path, offset: int, dtype: np.dtype, n: int) -> None:
        start = offset - offset % mmap.ALLOCATIONGRANULARITY
        with open(path, "rb") as handle:
            self._map = mmap.mmap(
                handle.fileno(),
                offset + n * n * dtype.itemsize - start,
                access=mmap.ACCESS_READ,
                offset=start,
            )
        self._skip = offset - start
        self._row_bytes = n * dtype.itemsize
        values = np.frombuffer(self._map, dtype=dtype, count=n * n, offset=self._skip)
        self.matrix = values.reshape(n, n)

    def release(self, rows: slice) -> None:
        """Drop the pages of ``rows`` from this process (they stay in the page cache and
        come back if read again)."""
        begin = self._skip + rows.start * self._row_bytes
        begin -= begin % mmap.PAGESIZE
        end = self._skip + rows.stop * self._row_bytes
        self._map.madvise(mmap.MADV_DONTNEED, begin, end - begin)


def _mapped_z(path: Path, z: h5py.Dataset, n: int) -> _MappedZ | None:
    """Z mapped from the file when HDF5 stores it as one contiguous, uncompressed block of
    float64 (as :mod:`bri_carbon.harmonize.cache` writes it) and the platform can give
    pages back; None otherwise (it is then read block by block)."""
    offset = z.id.get_offset()
    if offset is None or z.chunks is not None or z.dtype.kind != "f" or z.dtype.itemsize != 8:
        return None
    if not hasattr(mmap, "MADV_DONTNEED"):
        return None
    return _MappedZ(path, offset, z.dtype, n)


@contextmanager
def open_account_inputs(
    path: Path,
    excluded_categories: Sequence[str] = (),
    inventory_categories: Sequence[str] = (),
) -> Iterator[AccountInputs]:
    """Open a harmonized netCDF file for the accounts; Z is mapped from the file (read
    block by block if its storage does not allow that), never copied whole.

    ``excluded_categories``: final-demand categories left out of the consumption-based
    accounts (config key ``final_demand.exclude``); each must be a category of the file.
    ``inventory_categories``: the changes in inventories and valuables (config key
    ``robustness.inventory_categories``), whose counted part is also read per purchasing
    region for the variant without them; each must be a category of the file. Raises
    :class:`WorkflowInputError` naming the file when it cannot be read or does not have the
    layout of :mod:`bri_carbon.harmonize.layout`.
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
        categories = _labels(file, "category")
        counted = _category_mask(categories, excluded_categories, path)
        inventories = counted & ~_category_mask(
            categories, inventory_categories, path, "robustness.inventory_categories"
        )

        mapped = _mapped_z(path, z, n)

        def intermediate() -> Iterator[tuple[slice, np.ndarray]]:
            if mapped is not None:
                for first, stop in slabs:
                    rows = slice(first * s, stop * s)
                    yield rows, mapped.matrix[rows]
                    mapped.release(rows)
                return
            # One buffer for every block (no fresh pages to fault in for each block).
            buffer = np.empty((slabs[0][1] - slabs[0][0], s, r, s))
            for first, stop in slabs:
                block = buffer[: stop - first]
                z.read_direct(block, np.s_[first:stop], np.s_[: stop - first])
                yield slice(first * s, stop * s), block.reshape((stop - first) * s, n)

        final_demand = np.empty((n, r))
        excluded = np.zeros(n)
        stocks = np.zeros((n, r)) if inventories.any() else None
        for first, stop in _region_slabs(r, s * r * k * y.dtype.itemsize):
            rows = slice(first * s, stop * s)
            slab = y[first:stop]
            final_demand[rows] = slab[..., counted].sum(axis=-1).reshape(-1, r)
            if not counted.all():
                excluded[rows] = slab[..., ~counted].sum(axis=(-2, -1)).reshape(-1)
            if stocks is not None:
                stocks[rows] = slab[..., inventories].sum(axis=-1).reshape(-1, r)
        household = file["F_Y"][...].astype(np.float64)
        yield AccountInputs(
            regions=_labels(file, "region"),
            sectors=_labels(file, "sector"),
            output_regions=_labels(file, "output_region"),
            common_sectors=_labels(file, "common_sector"),
            categories=categories,
            excluded_categories=tuple(
                c for c, keep in zip(categories, counted, strict=True) if not keep
            ),
            intermediate=intermediate,
            final_demand_by_region=final_demand,
            final_demand_excluded=excluded,
            emissions=file["F"][...].astype(np.float64).reshape(n),
            household_emissions=household.sum(axis=1),
            value_added=file["VA"][...].astype(np.float64).reshape(n),
            discrepancy=_discrepancy(file, n),
            attrs=read_attributes(path),
            inventory_categories=tuple(
                c for c, stock in zip(categories, inventories, strict=True) if stock
            ),
            final_demand_inventories=stocks,
            household_emissions_inventories=household[:, inventories].sum(axis=1),
        )
